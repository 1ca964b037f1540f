/* extract.c: the extractor's life cycle, the driver, evidence, and the
 * helpers the assemblers share (declared in internal.h). */
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* Patterns this directory's assemblers read; checked once at start-up so a
 * missing key fails at load time with the file that should hold it. */
static const char *const own_regexes[] = {
    "task-fields.lead",         "task-fields.support",      "task-fields.approver",
    "task-fields.deadline",     "task-fields.product",      "task-fields.request",
    "task-fields.task_part",    "task-fields.phase",        "task-fields.city",
    "task-fields.subject_link", "task-fields.subject_lead", "task-fields.deadline_phrase",
    "task-fields.subject_supports", "task-fields.schedule_phrase",
    "target-cues.year",
    "target-cues.aspirational", "target-cues.not_before",   "target-cues.time_unit",
    "target-cues.subject_tail", "target-cues.subject_head", "target-cues.subject_cut",
    "target-cues.list_head",    "target-cues.scope",        "target-cues.count_tail",
    "target-cues.period_of",    "target-cues.total_row",    "target-cues.forecast",
    "target-cues.compared",     "target-cues.qualifier",
};

pm_status pm_extractor_new(const pm_patterns *p, pm_extractor **out, pm_error *err)
{
    *out = NULL;
    pm_extractor *x = calloc(1, sizeof *x);
    if (!x)
        return pm_fail(err, PM_ERR_NOMEM, "extract", 0, "out of memory");
    x->patterns = p;
    pm_status st = pm_quantity_init(x, err);
    if (st == PM_OK)
        st = pm_deadline_init(x, err);
    if (st == PM_OK)
        st = pm_agency_init(x, err);
    if (st == PM_OK)
        st = pm_indicator_init(x, err);
    if (st == PM_OK)
        st = pm_tasks_init(x, err);
    for (size_t i = 0; st == PM_OK && i < sizeof own_regexes / sizeof *own_regexes; i++)
        if (!pm_patterns_regex(p, own_regexes[i], err))
            st = PM_ERR_PATTERN;
    if (st == PM_OK && !pm_patterns_table(p, "table-columns", err))
        st = PM_ERR_PATTERN;
    if (st != PM_OK) {
        pm_extractor_free(x);
        return st;
    }
    x->year_start_proven = pm_proven(p, &pm_proof_year_start);
    x->subject_link_proven = pm_proven(p, &pm_proof_subject_link);
    x->subject_link = pm_cue(x, "task-fields.subject_link");
    x->year_digits_proven = pm_proven(p, &pm_proof_year_digits);
    x->subject_tail_proven = pm_proven(p, &pm_proof_subject_tail);
    x->list_head_proven = pm_proven(p, &pm_proof_list_head);
    x->scope_proven = pm_proven(p, &pm_proof_scope);
    x->year_phrase = pm_cue(x, "target-cues.year");
    *out = x;
    return PM_OK;
}

void pm_extractor_free(pm_extractor *x)
{
    if (!x)
        return;
    pm_tasks_free(x);
    pm_indicator_free(x);
    pm_agency_free(x);
    pm_deadline_free(x);
    pm_quantity_free(x);
    free(x);
}

pm_status pm_extract(const pm_extractor *x, pm_arena *a, const pm_text *t, const pm_tree *tree,
                     pm_records *out, pm_warnings *w, pm_error *err)
{
    memset(out, 0, sizeof *out);
    pm_doc_facts facts;
    pm_status st = pm_doc_facts_init(a, t, tree, &facts);
    if (st == PM_OK)
        st = pm_extract_targets(x, a, t, tree, &facts, out, w);
    if (st == PM_OK)
        st = pm_extract_tasks(x, a, t, tree, &facts, out, w);
    if (st != PM_OK)
        return pm_fail(err, st, "extract", 0, "%s", pm_status_name(st));
    pm_check_records(x, t, tree, out, w);
    return PM_OK;
}

/* ---- evidence ------------------------------------------------------------ */

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

pm_source pm_source_of(pm_arena *a, const pm_text *t, size_t norm_start, size_t norm_end)
{
    while (norm_start < norm_end && is_space(t->norm[norm_start]))
        norm_start++;
    while (norm_end > norm_start && is_space(t->norm[norm_end - 1]))
        norm_end--;
    pm_source src = {
        .line = pm_text_line(t, norm_start),
        .byte_start = pm_text_orig(t, norm_start),
        .byte_end = pm_text_orig(t, norm_end),
        .text = pm_arena_strndup(a, t->norm + norm_start, norm_end - norm_start),
    };
    return src;
}

/* Evidence must be a verbatim excerpt: the original bytes between its
 * offsets, normalised, contain its text. A span joined from pieces that
 * lie apart in the text (a table row continued after a page break, a cell
 * whose markup was removed) is cut at the first piece that does not follow
 * the previous one across nothing but white space. */
static size_t contiguous_end(const pm_text *t, const pm_span *sp, size_t start, size_t end)
{
    for (size_t i = 0; i + 1 < sp->n_pieces; i++) {
        size_t at = sp->pieces[i].at, next = sp->pieces[i + 1].at;
        if (next <= start)
            continue;
        if (next >= end)
            break;
        size_t from = at > start ? at : start, real_end = next;
        while (real_end > from && is_space(sp->s[real_end - 1]))
            real_end--;
        size_t norm_from = sp->pieces[i].norm + (from - at);
        size_t norm_end = norm_from + (real_end - from), norm_next = sp->pieces[i + 1].norm;
        bool follows = norm_end <= norm_next && norm_end <= t->norm_len &&
                       memcmp(sp->s + from, t->norm + norm_from, real_end - from) == 0;
        for (size_t k = norm_end; follows && k < norm_next; k++)
            follows = is_space(t->norm[k]);
        if (!follows)
            return real_end;
    }
    return end;
}

pm_source pm_source_of_span(pm_arena *a, const pm_text *t, const pm_span *sp, size_t start,
                            size_t end)
{
    while (start < end && is_space(sp->s[start]))
        start++;
    while (end > start && is_space(sp->s[end - 1]))
        end--;
    if (start >= end) {
        size_t at = sp->len ? pm_span_norm(sp, 0) : 0;
        return pm_source_of(a, t, at, at);
    }
    end = contiguous_end(t, sp, start, end);
    while (end > start && is_space(sp->s[end - 1]))
        end--;
    /* The last byte maps inside its piece; one past it is the evidence end. */
    size_t ns = pm_span_norm(sp, start), ne = pm_span_norm(sp, end - 1) + 1;
    pm_source src = {
        .line = pm_text_line(t, ns),
        .byte_start = pm_text_orig(t, ns),
        .byte_end = pm_text_orig(t, ne < ns ? ns : ne),
        .text = pm_arena_strndup(a, sp->s + start, end - start),
    };
    return src;
}

/* ---- fast paths proven for one pattern --------------------------------------- */

bool pm_proven(const pm_patterns *p, const pm_proof *pf)
{
    return pm_patterns_regex_is(p, pf->regex, pf->fingerprint);
}

const pm_proof *const pm_proofs[] = {
    &pm_proof_value_start, &pm_proof_excluded_before, &pm_proof_attained, &pm_proof_aspiration,
    &pm_proof_reference,   &pm_proof_dated[0],        &pm_proof_dated[1], &pm_proof_dated[2],
    &pm_proof_dated[3],    &pm_proof_dated[4],        &pm_proof_dated[5], &pm_proof_year_start,
    &pm_proof_year_digits, &pm_proof_subject_tail,    &pm_proof_list_head, &pm_proof_scope,
    &pm_proof_field_labels[0], &pm_proof_field_labels[1], &pm_proof_field_labels[2],
    &pm_proof_field_labels[3], &pm_proof_field_labels[4], &pm_proof_deadline_phrase,
    &pm_proof_excluded_after, &pm_proof_bound_suffix, &pm_proof_aspirational, &pm_proof_time_unit,
    &pm_proof_subject_head, &pm_proof_forecast, &pm_proof_subject_cut, &pm_proof_not_before,
    &pm_proof_magnitude, &pm_proof_counted_noun, &pm_proof_rate_tail, &pm_proof_phase,
    &pm_proof_subject_link, NULL,
};

/* ---- regexes --------------------------------------------------------------- */

const pcre2_code *pm_cue(const pm_extractor *x, const char *name)
{
    return pm_patterns_regex(x->patterns, name, NULL);
}

/* Cues are searched in pieces of the normalised text, valid UTF-8
 * (pm_extract checks it once): PCRE2's check of the rest of the subject at
 * every search would make a long paragraph quadratic. A start inside a
 * character keeps the check, which refuses it. */
static uint32_t utf_check(const char *s, size_t n, size_t from)
{
    return from < n && ((unsigned char)s[from] & 0xC0) == 0x80 ? 0 : PCRE2_NO_UTF_CHECK;
}

bool pm_cue_find(const pm_extractor *x, const pcre2_code *re, const char *s, size_t n,
                 size_t from, pcre2_match_data *md, size_t *start, size_t *end)
{
    if (!re || from > n ||
        pm_regex_match(x->patterns, re, s, n, from, utf_check(s, n, from), md) <= 0)
        return false;
    return pm_regex_group(md, 0, start, end);
}

uint64_t pm_hash_text(const char *s, size_t n, uint64_t seed)
{
    uint64_t h = 1469598103934665603u ^ seed;
    size_t i = 0;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        h = (h ^ w) * 1099511628211u;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h ^ h >> 32;
}

size_t pm_next_ascii_digit(const char *s, size_t n, size_t i)
{
#if defined(__SSE2__)
    /* 16 bytes a step: a byte is a digit when it is above '0' - 1 and below
     * '9' + 1 as a signed byte (bytes >= 0x80 are negative: never digits). */
    const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        int digits = _mm_movemask_epi8(
            _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above)));
        if (digits)
            return i + (size_t)__builtin_ctz((unsigned)digits);
    }
#endif
    /* x ^ '0' turns exactly the digits into bytes below 10, which the
     * classic "has a byte less than" test finds. */
    const uint64_t ones = 0x0101010101010101u;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        w ^= ones * '0';
        if ((w - ones * 10) & ~w & ones * 0x80)
            break;
    }
    while (i < n && (s[i] < '0' || s[i] > '9'))
        i++;
    return i;
}

bool pm_cue_at(const pm_extractor *x, const pcre2_code *re, const char *s, size_t n, size_t at,
               pcre2_match_data *md, size_t *end)
{
    size_t start;
    if (!re || at > n ||
        pm_regex_match(x->patterns, re, s, n, at, PCRE2_ANCHORED | utf_check(s, n, at), md) <= 0)
        return false;
    return pm_regex_group(md, 0, &start, end);
}

/* ---- table columns ----------------------------------------------------------- */

/* The latest 4-digit year 19xx/20xx standing alone in s, else 0: a column
 * of a period (`Giai đoạn 2021-2025`) holds what is due at its end, and a
 * year named for comparison (`Đến 2025 (so với 2020)`) is earlier. */
static int year_in(const char *s, size_t n)
{
    int latest = 0;
    for (size_t i = 0; i + 4 <= n; i++) {
        bool alone = (i == 0 || s[i - 1] < '0' || s[i - 1] > '9') &&
                     (i + 4 == n || s[i + 4] < '0' || s[i + 4] > '9');
        if (alone && (s[i] == '1' || s[i] == '2') && (s[i + 1] == '9' || s[i + 1] == '0') &&
            s[i + 2] >= '0' && s[i + 2] <= '9' && s[i + 3] >= '0' && s[i + 3] <= '9') {
            int year = atoi(s + i);
            if (year > latest)
                latest = year;
        }
    }
    return latest;
}

static pm_column_role role_named(const char *name)
{
    static const struct { const char *name; pm_column_role role; } roles[] = {
        {"label", PM_COL_LABEL},         {"content", PM_COL_CONTENT},
        {"indicator", PM_COL_INDICATOR}, {"unit", PM_COL_UNIT},
        {"lead", PM_COL_LEAD},           {"support", PM_COL_SUPPORT},
        {"approver", PM_COL_APPROVER},   {"deadline", PM_COL_DEADLINE},
        {"product", PM_COL_PRODUCT},     {"note", PM_COL_NOTE},
        {"baseline", PM_COL_BASELINE},   {"target-year", PM_COL_TARGET_YEAR},
    };
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].role;
    return PM_COL_OTHER;
}

/* Header folded like the lexicon: no diacritics, lower case, spaces collapsed. */
static void fold_header(const char *s, pm_buf *tmp, pm_buf *out)
{
    pm_buf_reset(tmp);
    pm_buf_reset(out);
    pm_strip_marks(s, strlen(s), tmp);
    pm_fold_lower(tmp->data ? tmp->data : "", tmp->len, out);
    size_t w = 0;
    bool space = true;
    for (size_t i = 0; i < out->len; i++) {
        char c = out->data[i];
        bool sp = is_space(c);
        if (sp && space)
            continue;
        out->data[w++] = sp ? ' ' : c;
        space = sp;
    }
    while (w && out->data[w - 1] == ' ')
        w--;
    out->len = w;
    pm_buf_cstr(out);
}

/* A byte of a word in a folded header: a letter or digit, or part of a
 * letter folding kept (`ø`). */
static bool is_word_byte(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80;
}

/* Does the folded header contain the words of pat, whole (`uoc` is not the
 * end of `duoc`)? */
static bool has_words(const char *header, const char *pat)
{
    size_t len = strlen(pat);
    for (const char *at = strstr(header, pat); at; at = strstr(at + 1, pat))
        if ((at == header || !is_word_byte(at[-1])) && !is_word_byte(at[len]))
            return true;
    return false;
}

pm_status pm_table_columns(const pm_extractor *x, pm_arena *a, const pm_table *tb,
                           pm_column **out)
{
    const pm_tsv *lex = pm_patterns_table(x->patterns, "table-columns", NULL);
    pm_column *cols = pm_arena_alloc(a, (tb->n_columns ? tb->n_columns : 1) * sizeof *cols);
    if (!cols)
        return PM_ERR_NOMEM;
    pm_buf tmp = {0}, folded = {0};
    for (size_t c = 0; c < tb->n_columns; c++) {
        const char *head = tb->columns[c] ? tb->columns[c] : "";
        fold_header(head, &tmp, &folded);
        if (folded.failed)
            break;
        pm_column_role role = PM_COL_OTHER;
        for (size_t r = 0; lex && r < lex->n_rows && role == PM_COL_OTHER; r++) {
            const pm_tsv_row *row = &lex->rows[r];
            if (row->n_fields < 2)
                continue;
            const char *pat = row->fields[0];
            bool hit = pat[0] == '=' ? strcmp(folded.data, pat + 1) == 0
                                     : has_words(folded.data, pat);
            if (hit)
                role = role_named(row->fields[1]);
        }
        /* A year in the header makes a value column, unless the lexicon
         * says it is a baseline (`Hiện trạng 2022`). */
        int year = year_in(head, strlen(head));
        if (year && role != PM_COL_BASELINE)
            role = PM_COL_TARGET_YEAR;
        cols[c].role = role;
        cols[c].year = year;
    }
    bool failed = tmp.failed || folded.failed;
    pm_buf_free(&tmp);
    pm_buf_free(&folded);
    if (failed)
        return PM_ERR_NOMEM;
    /* A table that names who leads names the work too, in its first column
     * of no other role, whatever its header says (`Tên đồ án`, `Công việc`). */
    size_t n = tb->n_columns;
    int other = pm_column_find(cols, n, PM_COL_OTHER);
    if (other >= 0 && pm_column_find(cols, n, PM_COL_LEAD) >= 0 &&
        pm_column_find(cols, n, PM_COL_CONTENT) < 0 &&
        pm_column_find(cols, n, PM_COL_INDICATOR) < 0)
        cols[other].role = PM_COL_CONTENT;
    *out = cols;
    return PM_OK;
}

int pm_column_find(const pm_column *cols, size_t n, pm_column_role role)
{
    for (size_t c = 0; c < n; c++)
        if (cols[c].role == role)
            return (int)c;
    return -1;
}

bool pm_is_targets_table(const pm_column *cols, size_t n)
{
    return pm_column_find(cols, n, PM_COL_INDICATOR) >= 0 &&
           pm_column_find(cols, n, PM_COL_TARGET_YEAR) >= 0 &&
           pm_column_find(cols, n, PM_COL_CONTENT) < 0;
}

static bool blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return false;
    return true;
}

static bool roman(const char *s, size_t n)
{
    while (n && is_space(s[n - 1]))
        n--;
    while (n && is_space(*s))
        s++, n--;
    if (n && s[n - 1] == '.')
        n--;
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr("IVXLC", s[i]))
            return false;
    return true;
}

bool pm_is_group_row(const pm_table *tb, const pm_column *cols, size_t r)
{
    const pm_row *row = &tb->rows[r];
    int label = pm_column_find(cols, tb->n_columns, PM_COL_LABEL);
    int text = pm_column_find(cols, tb->n_columns, PM_COL_CONTENT);
    if (text < 0)
        text = pm_column_find(cols, tb->n_columns, PM_COL_INDICATOR);
    for (size_t c = 0; c < row->n_cells; c++)
        if ((int)c != label && (int)c != text && !blank(row->cells[c].s, row->cells[c].len))
            return false;
    if (label < 0 || (size_t)label >= row->n_cells)
        return false;
    const pm_span *lab = &row->cells[label];
    size_t ls = 0, le = lab->len;
    while (ls < le && is_space(lab->s[ls]))
        ls++;
    while (le > ls && (is_space(lab->s[le - 1]) || lab->s[le - 1] == '.'))
        le--;
    if (ls == le)
        return false;
    if (roman(lab->s + ls, le - ls))
        return true;
    /* `1` heads `1.1`, `1.2`, … */
    if (r + 1 < tb->n_rows && (size_t)label < tb->rows[r + 1].n_cells) {
        const pm_span *next = &tb->rows[r + 1].cells[label];
        size_t ns = 0;
        while (ns < next->len && is_space(next->s[ns]))
            ns++;
        if (next->len - ns > le - ls && memcmp(next->s + ns, lab->s + ls, le - ls) == 0 &&
            next->s[ns + le - ls] == '.')
            return true;
    }
    return false;
}

/* ---- year phrases ------------------------------------------------------------ */

static int group_year(const pcre2_code *re, pcre2_match_data *md, const char *s,
                      const char *name)
{
    size_t gs, ge;
    return pm_regex_named(re, md, name, &gs, &ge) ? atoi(s + gs) : 0;
}

/* ASCII 9-13 and 32, NEL, NBSP and the Unicode spaces: PCRE2's \s under
 * UCP (checked against PCRE2 10.42 for every code point). */
size_t pm_space_before(const char *s, size_t lo, size_t i)
{
    unsigned char c = (unsigned char)s[i - 1];
    if (c < 0x80)
        return c == ' ' || (c >= '\t' && c <= '\r');
    size_t k = 1;
    while (k < 4 && i - k > lo && ((unsigned char)s[i - k] & 0xC0) == 0x80)
        k++;
    const unsigned char *u = (const unsigned char *)s + i - k;
    uint32_t cp = k == 2 ? (uint32_t)(u[0] & 0x1F) << 6 | (u[1] & 0x3F)
                : k == 3 ? (uint32_t)(u[0] & 0x0F) << 12 | (uint32_t)(u[1] & 0x3F) << 6 |
                               (u[2] & 0x3F)
                         : 0;
    bool space = cp == 0x85 || cp == 0xA0 || cp == 0x1680 || cp == 0x180E ||
                 (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
                 cp == 0x202F || cp == 0x205F || cp == 0x3000;
    return space ? k : 0;
}

static bool ascii_alpha(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

static bool ascii_alnum(unsigned char c)
{
    return ascii_alpha(c) || (c >= '0' && c <= '9');
}

/* A year phrase (target-cues.year) is `(?<![\p{L}\d])` + at most four
 * words (`tầm nhìn`/`định hướng`, then `giai đoạn`, `thời kỳ`, `từ (năm)`,
 * `đến (năm)` … or `năm`), each followed by \s+, then its first year
 * (19|20)\d\d. So the text before the first year holds letters and \s
 * only — no ASCII byte that is neither — and starts at most four \s-cut
 * words back. Could a phrase start at s[p] (a character boundary)? Its
 * first word is one of those above, caseless: it starts with a non-ASCII
 * character (`đ`, `Đ`, `ſ` of `sau`), or its ASCII letters run up to a
 * non-ASCII character (`t|ầm`, `th|ời`, `t|ừ`, `t|ới`, `v|ào`, `cu|ối`,
 * `h|ết`, `n|ăm`) or are a whole word (`giai`, `trong`, `sau`) before a
 * space; no ASCII letter of these words has a non-ASCII caseless twin but
 * `s` (U+017F), which only starts `sau`. A letter or digit before s[p]
 * fails the look-behind. */
static bool may_open_year_phrase(const char *s, size_t p, size_t y)
{
    const unsigned char *u = (const unsigned char *)s;
    if (p > 0 && ascii_alnum(u[p - 1]))
        return false;
    if (u[p] >= 0x80)
        return true;
    char w[6];
    size_t k = 0;
    while (p + k < y && k < sizeof w && ascii_alpha(u[p + k])) {
        w[k] = (char)(u[p + k] | 0x20);
        k++;
    }
    if (k == 0 || k == sizeof w)
        return false;
    unsigned char after = u[p + k]; /* p + k <= y < n */
    if (after >= 0x80) {
        static const char *const stems[] = {"t", "th", "cu", "h", "n", "v", "giai", "trong", "sau"};
        for (size_t i = 0; i < sizeof stems / sizeof *stems; i++)
            if (strlen(stems[i]) == k && memcmp(stems[i], w, k) == 0)
                return true;
        return false;
    }
    bool space = after == ' ' || (after >= '\t' && after <= '\r');
    return space && ((k == 4 && memcmp(w, "giai", 4) == 0) ||
                     (k == 5 && memcmp(w, "trong", 5) == 0) ||
                     (k == 3 && memcmp(w, "sau", 3) == 0));
}

/* Where a match can start (may_open_year_phrase, next_year_phrase): proven
 * for this source of target-cues.year only. */
const pm_proof pm_proof_year_start = {"target-cues.year", "bb0d2852fff1a3ee",
                                      "extract.c next_year_phrase, may_open_year_phrase"};

/* The first year phrase of s that starts at or after `at` (a character
 * boundary), anchored only where one can start: before each (19|20)\d\d
 * that follows a space, at the places of the at most four words before it
 * (see may_open_year_phrase) after the last ASCII byte that is neither a
 * letter nor a space. Every start the unanchored search would try is
 * either one of these or cannot match, and the phrases of one year come
 * before those of the next, so this finds the same (leftmost) match. */
static bool next_year_phrase(const pm_extractor *x, const pcre2_code *re, pcre2_match_data *md,
                             const char *s, size_t n, size_t at, int *valid)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t y = pm_next_ascii_digit(s, n, at); y + 4 <= n;
         y = pm_next_ascii_digit(s, n, y + 1)) {
        bool year = ((u[y] == '1' && u[y + 1] == '9') || (u[y] == '2' && u[y + 1] == '0')) &&
                    u[y + 2] >= '0' && u[y + 2] <= '9' && u[y + 3] >= '0' && u[y + 3] <= '9';
        if (!year || y <= at || !pm_space_before(s, at, y))
            continue;
        /* Back over four words and the spaces after each, a whole
         * character at a time, stopping after an ASCII byte that is
         * neither a letter nor a space (a digit, a punctuation mark). */
        size_t w = y;
        bool hard = false;
        for (int words = 0; words < 4 && w > at && !hard; words++) {
            for (size_t k; w > at && (k = pm_space_before(s, at, w)) != 0;)
                w -= k;
            while (w > at && !hard && !pm_space_before(s, at, w)) {
                hard = u[w - 1] < 0x80 && !ascii_alpha(u[w - 1]);
                if (!hard)
                    while (--w > at && (u[w] & 0xC0) == 0x80)
                        ;
            }
        }
        for (size_t p = w; p < y; p++) {
            if ((u[p] & 0xC0) == 0x80 || !may_open_year_phrase(s, p, y))
                continue;
            /* PCRE2 would refuse invalid UTF-8 at the first search. */
            if (*valid < 0)
                *valid = pm_utf8_valid(s, n);
            if (!*valid)
                return false;
            if (pm_regex_match(x->patterns, re, s, n, p, PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK,
                               md) > 0)
                return true;
        }
    }
    return false;
}

size_t pm_find_year_phrases(const pm_extractor *x, pcre2_match_data *md, const char *s,
                            size_t n, pm_year_phrase *out, size_t max)
{
    const pcre2_code *re = x->year_phrase;
    size_t found = 0, at = 0, ms, me;
    int valid = -1; /* s is UTF-8: checked once, when a phrase may start */
    /* The general search: PCRE2 checks that s is UTF-8 at the first one;
     * the later ones need not check the rest of s again. */
    uint32_t check = 0;
    while (found < max && re && at <= n &&
           (x->year_start_proven
                ? next_year_phrase(x, re, md, s, n, at, &valid)
                : pm_regex_match(x->patterns, re, s, n, at, check, md) > 0) &&
           pm_regex_group(md, 0, &ms, &me)) {
        check = PCRE2_NO_UTF_CHECK;
        size_t vs, ve;
        pm_year_phrase *yp = &out[found++];
        yp->start = ms;
        yp->end = me;
        yp->vision = pm_regex_named(re, md, "vision", &vs, &ve);
        int first = group_year(re, md, s, "first"), last = group_year(re, md, s, "last");
        yp->first = last ? first : 0;
        yp->year = last ? last : first;
        at = me > ms ? me : ms + 1;
    }
    return found;
}

int pm_plan_year(const pm_tree *tree)
{
    const char *d = tree->header.date;
    return d && strlen(d) >= 4 ? atoi(d) : 0;
}

/* ---- agencies ------------------------------------------------------------------ */

pm_status pm_doc_facts_init(pm_arena *a, const pm_text *t, const pm_tree *tree,
                            pm_doc_facts *out)
{
    *out = (pm_doc_facts){.plan_year = pm_plan_year(tree), .text = t};
    return (out->memo = pm_agency_memo_new(a)) ? PM_OK : PM_ERR_NOMEM;
}

/* `UBND thành phố` alone means the province's city when the document
 * names exactly one: facts->city, found on first need. */
static pm_status read_city(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts)
{
    facts->city_read = true;
    const pcre2_code *re = pm_cue(x, "task-fields.city");
    if (!re)
        return PM_OK;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(re, NULL);
    if (!md)
        return PM_ERR_NOMEM;
    const pm_text *t = facts->text;
    const char *name = NULL;
    size_t name_len = 0, at = 0, ms, me;
    bool several = false;
    /* The normalised text is valid UTF-8 (the text stage's promise), so
     * PCRE2 need not check the rest of it again at every match. */
    while (!several &&
           pm_regex_match(x->patterns, re, t->norm, t->norm_len, at, PCRE2_NO_UTF_CHECK, md) > 0 &&
           pm_regex_group(md, 0, &ms, &me)) {
        size_t gs, ge;
        at = me > ms ? me : ms + 1;
        if (!pm_regex_named(re, md, "name", &gs, &ge))
            continue;
        const char *cand = t->norm + gs;
        size_t len = ge - gs, common = len < name_len ? len : name_len;
        /* A name cut by a line break (`thành phố Lạng`) is a prefix of the
         * whole one; the longer spelling is kept. */
        bool same = name && memcmp(name, cand, common) == 0 &&
                    (len == name_len || (len > name_len ? cand : name)[common] == ' ');
        several = name && !same;
        if (!name || len > name_len) {
            name = cand;
            name_len = len;
        }
    }
    pcre2_match_data_free(md);
    if (name && !several && !(facts->city = pm_arena_strndup(a, name, name_len)))
        return PM_ERR_NOMEM;
    return PM_OK;
}

static pm_status resolve_city(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts,
                              pm_agency *ag)
{
    if (!ag->id || strcmp(ag->id, "ubnd-thanh-pho") != 0)
        return PM_OK;
    if (!facts->city_read && facts->text) {
        pm_status st = read_city(x, a, facts);
        if (st != PM_OK)
            return st;
    }
    if (!facts->city)
        return PM_OK;
    char *name = pm_arena_printf(a, "UBND thành phố %s", facts->city);
    if (!name)
        return PM_ERR_NOMEM;
    pm_buf slug = {0};
    pm_slugify(name, strlen(name), &slug);
    char *id = slug.failed ? NULL : pm_arena_strndup(a, slug.data ? slug.data : "", slug.len);
    pm_buf_free(&slug);
    if (!id)
        return PM_ERR_NOMEM;
    ag->id = id;
    ag->name = name;
    return PM_OK;
}

static bool has_id(const pm_agency *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].id, id) == 0)
            return true;
    return false;
}

/* One agency per task, in its strongest role: lead over support. */
static pm_status set_add(pm_arena *a, pm_agency_set *set, const pm_agency *ag, pm_role role)
{
    if (!ag->id)
        return PM_OK;
    if (role == PM_ROLE_APPROVER) {
        if (has_id(set->approver, set->n_approver, ag->id))
            return PM_OK;
        pm_agency *slot = PM_PUSH(a, set->approver, set->n_approver, set->cap_approver);
        return slot ? (*slot = *ag, PM_OK) : PM_ERR_NOMEM;
    }
    if (has_id(set->lead, set->n_lead, ag->id))
        return PM_OK;
    if (role == PM_ROLE_SUPPORT) {
        if (has_id(set->support, set->n_support, ag->id))
            return PM_OK;
        pm_agency *slot = PM_PUSH(a, set->support, set->n_support, set->cap_support);
        return slot ? (*slot = *ag, PM_OK) : PM_ERR_NOMEM;
    }
    for (size_t i = 0; i < set->n_support; i++)
        if (strcmp(set->support[i].id, ag->id) == 0) {
            memmove(&set->support[i], &set->support[i + 1],
                    (set->n_support - i - 1) * sizeof *set->support);
            set->n_support--;
            break;
        }
    pm_agency *slot = PM_PUSH(a, set->lead, set->n_lead, set->cap_lead);
    return slot ? (*slot = *ag, PM_OK) : PM_ERR_NOMEM;
}

enum { MAX_MENTIONS = 64 };

pm_status pm_agencies_all(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts,
                          const char *s, size_t n, pm_role default_role, pm_agency_set *set)
{
    pm_mention m[MAX_MENTIONS];
    size_t k = pm_find_agencies_memo(x, a, facts->memo, s, n, default_role, m, MAX_MENTIONS);
    for (size_t i = 0; i < k; i++) {
        pm_status st = resolve_city(x, a, facts, &m[i].agency);
        if (st == PM_OK)
            st = set_add(a, set, &m[i].agency, m[i].role);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

/* Does the word w hold a byte that may end a sentence ('\n' . ! ?)? The
 * classic "has a zero byte" test on w ^ c, for each c. */
static bool may_end_sentence(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = ones * 0x80;
    uint64_t nl = w ^ ones * '\n', dot = w ^ ones * '.', bang = w ^ ones * '!',
             ask = w ^ ones * '?';
    return (((nl - ones) & ~nl) | ((dot - ones) & ~dot) | ((bang - ones) & ~bang) |
            ((ask - ones) & ~ask)) & highs;
}

size_t pm_sentence_end(const char *s, size_t n, size_t from)
{
    for (size_t i = from; i < n; i++) {
        /* Only those four bytes can end a sentence: skip 8 bytes without one. */
        for (uint64_t w; i + 8 <= n; i += 8) {
            memcpy(&w, s + i, 8);
            if (may_end_sentence(w))
                break;
        }
        if (i >= n)
            break;
        if (s[i] == '\n' && i > from) {
            size_t j = i + 1;
            while (j < n && (s[j] == ' ' || s[j] == '\t'))
                j++;
            if (j < n && (s[j] == '-' || s[j] == '+' || s[j] == '*'))
                return i;
            continue;
        }
        if (s[i] != '.' && s[i] != '!' && s[i] != '?')
            continue;
        /* `1.573` and `Km3.5` are numbers, `./.` closes a document. */
        size_t j = i + 1;
        if (j >= n)
            return n;
        if (s[j] != ' ')
            continue;
        while (j < n && s[j] == ' ')
            j++;
        if (j >= n || (unsigned char)s[j] >= 0x80 || (s[j] >= 'A' && s[j] <= 'Z') ||
            s[j] == '-' || s[j] == '+' || s[j] == '(' || s[j] == '*')
            return i + 1;
    }
    return n;
}

/* The text between two names, with parenthesised asides removed, is it
 * only connectors? `depth` carries the parenthesis depth across gaps. */
/* The source of task-fields.subject_link gap_links' fast path was proven
 * for: `^(?:[\s,;:\-–+•*./&]|…words…)*$`, so a gap of ASCII blanks and
 * `, ; : - + * . / &` alone (most gaps: `, `) matches by the first branch. */
const pm_proof pm_proof_subject_link = {"task-fields.subject_link", "0f699c80f3fa1da8",
                                        "extract.c gap_links (punctuation-only gaps)"};

static bool link_punctuation(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r') || c == ',' || c == ';' || c == ':' ||
           c == '-' || c == '+' || c == '*' || c == '.' || c == '/' || c == '&';
}

static bool gap_links(const pm_extractor *x, pcre2_match_data *md, const char *s, size_t from,
                      size_t to, int *depth)
{
    char buf[256];
    size_t w = 0;
    bool punctuation_only = x->subject_link_proven;
    for (size_t i = from; i < to; i++) {
        if (s[i] == '(') {
            (*depth)++;
        } else if (s[i] == ')') {
            if (*depth > 0)
                (*depth)--;
        } else if (*depth == 0) {
            if (w + 1 >= sizeof buf)
                return false;
            punctuation_only = punctuation_only && link_punctuation((unsigned char)s[i]);
            buf[w++] = s[i];
        }
    }
    if (punctuation_only)
        return true;
    buf[w] = '\0';
    size_t ms, me;
    return pm_cue_find(x, x->subject_link, buf, w, 0, md, &ms, &me) && ms == 0 && me == w;
}

/* The chain of names m[i..] that starts at `from` of s (joined only by
 * connectors); returns the index after its last name, *chain_end its end. */
static size_t chain_of(const pm_extractor *x, pcre2_match_data *md, const char *s,
                       const pm_mention *m, size_t k, size_t i, size_t from, size_t *chain_end)
{
    size_t prev = from;
    int depth = 0;
    for (; i < k; i++) {
        if (m[i].start > prev && !gap_links(x, md, s, prev, m[i].start, &depth))
            break;
        if (m[i].end > prev)
            prev = m[i].end;
    }
    *chain_end = prev;
    return i;
}

static size_t add_mentions(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts,
                           pm_mention *m, size_t from, size_t to, bool support,
                           pm_agency_set *set)
{
    size_t added = 0;
    for (size_t i = from; i < to; i++) {
        if (support)
            m[i].role = PM_ROLE_SUPPORT;
        if (resolve_city(x, a, facts, &m[i].agency) != PM_OK ||
            set_add(a, set, &m[i].agency, m[i].role) != PM_OK)
            break;
        added++;
    }
    return added;
}

/* Can the sentence cs have a subject? Its chain (chain_of from 0) starts
 * with a mention at its first token, or after a gap that gap_links accepts.
 * When no mention can start at the first token (a word), every gap holds
 * that word whole, at depth 0 after blanks only, so gap_links' copy starts
 * with cs[0, first_end): when PCRE2 finds not even a partial match of the
 * link on those bytes, no gap can match and the sentence adds nothing. */
static bool may_have_subject(const pm_extractor *x, pcre2_match_data *md,
                             const pcre2_code *link, const char *cs, size_t cn)
{
    size_t first_end;
    if (!link || pm_agency_may_open(x, cs, cn, &first_end))
        return true;
    return pm_regex_match(x->patterns, link, cs, first_end, 0,
                          PCRE2_PARTIAL_HARD | utf_check(cs, first_end, 0),
                          md) != PCRE2_ERROR_NOMATCH;
}

size_t pm_agencies_subject(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts,
                           pcre2_match_data *md, const char *s, size_t n,
                           pm_role default_role, bool every_sentence, pm_agency_set *set)
{
    size_t added = 0;
    const pcre2_code *lead_in = pm_cue(x, "task-fields.subject_lead");
    const pcre2_code *supports = pm_cue(x, "task-fields.subject_supports");
    const pcre2_code *link = x->subject_link;
    for (size_t from = 0; from < n;) {
        size_t end = pm_sentence_end(s, n, from);
        size_t me, start = from;
        if (pm_cue_at(x, lead_in, s, end, from, md, &me))
            start = me;
        const char *cs = s + start;
        size_t cn = end - start;
        if (!may_have_subject(x, md, link, cs, cn)) {
            if (!every_sentence)
                break;
            from = end;
            continue;
        }
        pm_mention m[MAX_MENTIONS];
        size_t k = pm_find_agencies_memo(x, a, facts->memo, cs, cn, default_role, m, MAX_MENTIONS);
        /* Names in text order; a list (`các Sở: Xây dựng, Tài chính`) may
         * give several names over one stretch. */
        for (size_t i = 1; i < k; i++)
            for (size_t j = i; j > 0 && m[j - 1].start > m[j].start; j--) {
                pm_mention tmp = m[j];
                m[j] = m[j - 1];
                m[j - 1] = tmp;
            }
        size_t chain_end, last = chain_of(x, md, cs, m, k, 0, 0, &chain_end);
        size_t subject = add_mentions(x, a, facts, m, 0, last, false, set);
        added += subject;
        /* A later clause whose own subject `phối hợp` names supporters:
         * `…; UBND các xã, phường phối hợp thực hiện`. */
        for (size_t i = last, c = 0; subject && c < cn; c++) {
            if (cs[c] != ';')
                continue;
            while (i < k && m[i].start <= c)
                i++;
            size_t after = chain_of(x, md, cs, m, k, i, c + 1, &chain_end);
            if (after > i && pm_cue_at(x, supports, cs, cn, chain_end, md, &me))
                added += add_mentions(x, a, facts, m, i, after, true, set);
        }
        if (!every_sentence)
            break;
        from = end;
    }
    return added;
}

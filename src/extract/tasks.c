/* tasks.c: assigned tasks from the body and from task tables.
 *
 * Body: a section's field lines (`Cơ quan thực hiện:`, `- *Phân công thực
 * hiện:*`, `Thời gian thực hiện:`, `Cơ quan phối hợp:` …, patterns/
 * task-fields.pcre) assign the task that heads the section — its heading
 * when the fields close the section, else the paragraph each group of
 * fields follows. In the task part of a plan (`NHIỆM VỤ, GIẢI PHÁP`) an item
 * without fields is a task when its own sentence names who carries it out
 * (`b) Sở Thông tin và Truyền thông đôn đốc …`, `Sở Xây dựng chủ trì, phối
 * hợp với …`), or when a paragraph of it does (`Các sở, ban, ngành … tổ chức
 * triển khai thực hiện.`). Requests (`Đề nghị …`) assign nothing.
 *
 * A body task's deadline is its time field; else a time phrase in its
 * assignment (`… dự kiến hoàn thành trong năm 2023`); else the span of its
 * phases (`- Giai đoạn 2023-2025: …`, `- Giai đoạn 2026-2030: …`); else,
 * for an item written as sentences, the last time phrase of the paragraph
 * that assigns it, then of its heading (`…; hoàn thành trong năm 2025`,
 * `…; thực hiện hằng năm`); else the one time phrase of
 * its first sentence when that sentence has exactly one and it is not a
 * target's year (`đạt 11-16% vào năm 2025`); else none.
 *
 * Tables: every row that is not a group row, with the columns' roles from
 * patterns/table-columns.tsv. */
#include <string.h>
#include <utf8proc.h>

#include "extract/internal.h"

typedef enum field_kind {
    FIELD_NONE,
    FIELD_LEAD,
    FIELD_SUPPORT,
    FIELD_APPROVER,
    FIELD_DEADLINE,
    FIELD_PRODUCT
} field_kind;

/* In the order field_at tries them: the first that matches wins. */
static const char *const field_names[] = {"task-fields.support", "task-fields.approver",
                                          "task-fields.deadline", "task-fields.product",
                                          "task-fields.lead"};
static const field_kind field_kinds[] = {FIELD_SUPPORT, FIELD_APPROVER, FIELD_DEADLINE,
                                         FIELD_PRODUCT, FIELD_LEAD};
enum { N_FIELDS = sizeof field_names / sizeof *field_names };

/* The label regexes (in field_names' order) the prefilter of field_at was
 * proven for: each is `(?i)^[\s\-–+•*]*` and then one of its words, and
 * every label opens with one of the words of label_may_start (`ch[ủu]`,
 * `c[ơo]`, `c[ấâa]p`, `đ[ơo]n`, `ph[âa]n`, `ph[ốôo]i`, `tr[áa]ch`, `giao`,
 * `th[ờơo]i`, `ti[ếêe]n`, `s[ảa]n`, `k[ếêe]t`) followed by `\s` (or by
 * `\s*` and `q` after `c[ơo]`, `v` after `đ[ơo]n`). Each then ends in
 * `\s*\**\s*:`, and before that `:` it takes only letters (whose caseless
 * twins are letters too), `\s`, `*`, `-`, `+` and the non-ASCII `–`, `•`. */
const pm_proof pm_proof_field_labels[N_FIELDS] = {
    {"task-fields.support", "9e1c65367668159e", "tasks.c label_may_start"},
    {"task-fields.approver", "676f4a8adc38e36d", "tasks.c label_may_start"},
    {"task-fields.deadline", "eec3c86188ef443f", "tasks.c label_may_start"},
    {"task-fields.product", "0db5061fb31ca9b4", "tasks.c label_may_start"},
    {"task-fields.lead", "0704ca412de078e8", "tasks.c label_may_start"},
};

/* A deadline already parsed in this document: the same cells (`Thường
 * xuyên`, `2025`, `Hằng năm`) come back row after row, a third of the
 * phrases are new. */
typedef struct phrase_memo {
    const char *s; /* the phrase in the document's text; NULL: a free slot */
    size_t n;
    uint64_t hash;
    pm_deadline d;
} phrase_memo;

typedef struct task_ctx {
    const pm_extractor *x;
    pm_arena *a;
    const pm_text *t;
    const pm_tree *tree;
    pm_records *out;
    pcre2_match_data *md;
    pm_doc_facts *facts;
    field_kind *field;    /* per block */
    size_t *value_at;     /* per block: where a field's value starts in body */
    int *next_direct;     /* per block: next block of the same innermost section */
    int *first_direct;    /* per section */
    bool *has_children;   /* per section */
    signed char *in_task_part, *under_request; /* per section, section_matches' memos */
    /* The regexes, looked up by name once per document: field_at runs at
     * every `;`, `,` and `.` of a field line. */
    const pcre2_code *field_re[N_FIELDS];
    const pcre2_code *deadline_phrase, *schedule_phrase, *phase, *task_part, *request;
    bool labels_proven; /* pm_proof_field_labels hold */
    bool phrase_proven; /* pm_proof_deadline_phrase holds */
    bool phase_proven;  /* pm_proof_phase holds */
    phrase_memo *memo; /* open addressing, at most half full */
    size_t memo_cap, memo_len;
} task_ctx;

static bool is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

pm_status pm_tasks_init(pm_extractor *x, pm_error *err)
{
    pm_status st = pm_regex_union_new(x->patterns, field_names, N_FIELDS, &x->field_labels);
    return st == PM_OK ? PM_OK : pm_fail(err, st, "extract", 0, "out of memory");
}

void pm_tasks_free(pm_extractor *x)
{
    pm_regex_union_free(x->field_labels);
    x->field_labels = NULL;
}

/* The code point of a one- to three-byte UTF-8 sequence at u (n > 0
 * bytes), its length in *len; -1 for anything else. */
static int32_t label_cp(const unsigned char *u, size_t n, size_t *len)
{
    *len = u[0] < 0x80 ? 1 : u[0] >= 0xC2 && u[0] < 0xE0 ? 2 : u[0] >= 0xE0 && u[0] < 0xF0 ? 3 : 0;
    if (!*len || *len > n)
        return -1;
    int32_t cp = *len == 1 ? u[0] : u[0] & (*len == 2 ? 0x1F : 0x0F);
    for (size_t k = 1; k < *len; k++) {
        if ((u[k] & 0xC0) != 0x80)
            return -1;
        cp = cp << 6 | (u[k] & 0x3F);
    }
    return cp;
}

/* Does s reach a `:` through bytes a label can hold before its colon
 * (pm_proof_field_labels): ASCII letters, blanks, `*`, `-`, `+`, and any
 * non-ASCII byte? A label's `:` is the first of s, so a sentence with a
 * `,`, `.`, digit or bracket before its first `:` (or without one) holds
 * no label. */
static bool colon_reachable(const unsigned char *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = u[i];
        if (b == ':')
            return true;
        if (b >= 0x80 || ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') || b == ' ' ||
            (b >= '\t' && b <= '\r') || b == '*' || b == '-' || b == '+')
            continue;
        return false;
    }
    return false;
}

/* Can a field label (pm_proof_field_labels) start s? Most blocks and most
 * `,` in a field value are followed by a word no label opens with (`Các`,
 * `Thực hiện`, `Đẩy mạnh`, `UBND`). Exact: the ASCII bytes the leading
 * class can take are skipped (with every control byte: one the class
 * cannot take fails the labels anyway), then the first word must be one a
 * label opens with, in either case, and the character after it a blank
 * (any non-ASCII character is left to the regexes), `q` or `v`. A first
 * character that is not ASCII nor `đ`/`Đ` (a Unicode blank or bullet, or
 * one that matches a letter only caselessly: `ſ`, the Kelvin sign) is left
 * to the regexes, and so is what does not decode; the later letters are
 * compared in lower case (which every caseless equivalent of these letters
 * has). Then the label's `:` must be reachable (colon_reachable). */
static bool label_may_start(const char *s, size_t n)
{
    enum { LETTERS = 5, ALTS = 3 };
    static const int32_t words[][LETTERS][ALTS] = {
        /* lower case; a word ends at an empty position */
        {{'c'}, {'h'}, {0x1EE7 /* ủ */, 'u'}},
        {{'c'}, {0x1A1 /* ơ */, 'o'}},
        {{'c'}, {0x1EA5 /* ấ */, 0xE2 /* â */, 'a'}, {'p'}},
        {{0x111 /* đ */}, {0x1A1, 'o'}, {'n'}},
        {{'p'}, {'h'}, {0xE2, 'a'}, {'n'}},
        {{'p'}, {'h'}, {0x1ED1 /* ố */, 0xF4 /* ô */, 'o'}, {'i'}},
        {{'t'}, {'r'}, {0xE1 /* á */, 'a'}, {'c'}, {'h'}},
        {{'g'}, {'i'}, {'a'}, {'o'}},
        {{'t'}, {'h'}, {0x1EDD /* ờ */, 0x1A1, 'o'}, {'i'}},
        {{'t'}, {'i'}, {0x1EBF /* ế */, 0xEA /* ê */, 'e'}, {'n'}},
        {{'s'}, {0x1EA3 /* ả */, 'a'}, {'n'}},
        {{'k'}, {0x1EBF, 0xEA, 'e'}, {'t'}},
    };
    enum { N_WORDS = sizeof words / sizeof *words };
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && (u[i] <= ' ' || u[i] == '-' || u[i] == '+' || u[i] == '*'))
        i++;
    if (i == n)
        return false;
    const size_t start = i;
    if (u[i] >= 0x80 && !(u[i] == 0xC4 && i + 1 < n && (u[i + 1] == 0x90 || u[i + 1] == 0x91)))
        return colon_reachable(u + start, n - start);
    /* The words the first letter may open (most letters none). */
    uint32_t candidates = 0;
    int32_t first = u[i] < 0x80 ? (u[i] | 0x20) : 0x111;
    for (size_t w = 0; w < N_WORDS; w++)
        candidates |= (uint32_t)(words[w][0][0] == first) << w;
    /* The letters of s from start in lower case, read as the words need
     * them; -1 past the end. */
    int32_t letters[LETTERS + 1];
    size_t known = 0;
    for (size_t w = 0; candidates >> w; w++) {
        if (!(candidates >> w & 1))
            continue;
        size_t l = 0;
        for (;; l++) {
            if (l == known) {
                int32_t cp = -1;
                size_t k = 1;
                if (i < n && u[i] < 0x80)
                    cp = u[i] >= 'A' && u[i] <= 'Z' ? u[i] + ('a' - 'A') : u[i];
                else if (i < n)
                    cp = label_cp(u + i, n - i, &k);
                if (i < n && cp < 0)
                    return colon_reachable(u + start, n - start);
                letters[known++] = cp >= 0x80 ? utf8proc_tolower(cp) : cp;
                i += cp >= 0 ? k : 0;
            }
            if (l == LETTERS || !words[w][l][0])
                break;
            bool in = false;
            for (size_t j = 0; j < ALTS && words[w][l][j]; j++)
                in = in || words[w][l][j] == letters[l];
            if (!in)
                break;
        }
        if (l < LETTERS && words[w][l][0])
            continue; /* a letter differs */
        int32_t after = letters[l];
        if (after >= 0x80 || after == ' ' || (after >= '\t' && after <= '\r') || after == 'q' ||
            after == 'v')
            return colon_reachable(u + start, n - start);
    }
    return false;
}

/* The field whose label starts s (`Cơ quan phối hợp:`, `- Thời gian:`);
 * *value_at is where its value begins. The label regexes all allow leading
 * blanks and bullets, so no first byte rules them out: one call of their
 * union (pm_tasks_init) instead of five, the loop when there is none or it
 * cannot tell. */
static field_kind field_at(const task_ctx *c, const char *s, size_t n, size_t *value_at)
{
    if (c->labels_proven && (!memchr(s, ':', n) || !label_may_start(s, n)))
        return FIELD_NONE;
    if (c->x->field_labels) {
        /* As pm_cue_find checks UTF-8 only from inside a character. */
        uint32_t check = n && ((unsigned char)s[0] & 0xC0) == 0x80 ? 0 : PCRE2_NO_UTF_CHECK;
        int k = pm_regex_union_match(c->x->patterns, c->x->field_labels, s, n, check, c->md,
                                     value_at);
        if (k >= 0)
            return field_kinds[k];
        if (k == -1)
            return FIELD_NONE;
    }
    for (size_t f = 0; f < N_FIELDS; f++) {
        size_t ms, me;
        if (pm_cue_find(c->x, c->field_re[f], s, n, 0, c->md, &ms, &me) &&
            ms == 0) {
            *value_at = me;
            return field_kinds[f];
        }
    }
    return FIELD_NONE;
}

/* A field's value runs to the next label on its line (`Chủ trì: Sở A;
 * phối hợp: Sở B; thời gian: Quý II/2024`), which follows a `;`, `,` or
 * `.`. Returns the end of the value at `from`; *next is the next field and
 * *next_at where its value begins (FIELD_NONE when the value runs to n). */
static size_t field_value_end(const task_ctx *c, const char *s, size_t n, size_t from,
                              field_kind *next, size_t *next_at)
{
    *next = FIELD_NONE;
    /* A label needs a `:` after its start (pm_proof_field_labels): past
     * the last `:` no label can follow. colon: the first at or after the
     * last place looked from (s + from: not looked for yet). */
    const char *colon = s + from;
    for (size_t i = from; i < n; i++) {
        if (s[i] != ';' && s[i] != ',' && s[i] != '.')
            continue;
        if (c->labels_proven && colon && colon <= s + i)
            colon = memchr(s + i + 1, ':', n - i - 1);
        if (c->labels_proven && !colon)
            return n;
        size_t value_at;
        field_kind k = field_at(c, s + i + 1, n - i - 1, &value_at);
        if (k != FIELD_NONE) {
            *next = k;
            *next_at = i + 1 + value_at;
            return i;
        }
    }
    return n;
}

static bool blank(const pm_span *sp)
{
    if (!sp)
        return true;
    for (size_t i = 0; i < sp->len; i++)
        if (!is_ws(sp->s[i]))
            return false;
    return true;
}

static char *dup_trim(pm_arena *a, const char *s, size_t n)
{
    while (n && (is_ws(*s) || *s == '*'))
        s++, n--;
    while (n && (is_ws(s[n - 1]) || s[n - 1] == '*'))
        n--;
    return pm_arena_strndup(a, s, n);
}

static bool title_matches(task_ctx *c, int s, const pcre2_code *re)
{
    size_t ms, me;
    const char *title = c->tree->sections[s].title;
    return title && pm_cue_find(c->x, re, title, strlen(title), 0, c->md, &ms, &me);
}

/* Does the title of s or of one of its ancestors (any_ancestor), or of its
 * top-level ancestor only, match re? Sections share their ancestors'
 * answers: memo[s] is 0 while unknown, 1 for no, 2 for yes. */
static bool section_matches(task_ctx *c, int s, const pcre2_code *re, bool any_ancestor,
                            signed char *memo)
{
    int top = s;
    if (!any_ancestor) {
        while (c->tree->sections[top].parent >= 0)
            top = c->tree->sections[top].parent;
        if (!memo[top])
            memo[top] = title_matches(c, top, re) ? 2 : 1;
        return memo[top] == 2;
    }
    /* Up to the first title that matches or the first known answer; the
     * sections on the way get that answer. */
    signed char answer = 1;
    for (top = s; top >= 0; top = c->tree->sections[top].parent) {
        if (memo[top] || title_matches(c, top, re)) {
            answer = memo[top] ? memo[top] : 2;
            break;
        }
    }
    for (; s >= 0 && s != top; s = c->tree->sections[s].parent)
        memo[s] = answer;
    if (top >= 0)
        memo[top] = answer;
    return answer == 2;
}

/* ---- deadlines ------------------------------------------------------------ */

/* The slot of s[0, n), or the free slot where it belongs. */
static phrase_memo *memo_slot(const task_ctx *c, const char *s, size_t n, uint64_t h)
{
    for (size_t i = h & (c->memo_cap - 1);; i = (i + 1) & (c->memo_cap - 1)) {
        phrase_memo *e = &c->memo[i];
        if (!e->s || (e->hash == h && e->n == n && memcmp(e->s, s, n) == 0))
            return e;
    }
}

/* Room for one more phrase; false (no memo for it) when out of memory. */
static bool memo_room(task_ctx *c)
{
    if ((c->memo_len + 1) * 2 <= c->memo_cap)
        return true;
    size_t cap = c->memo_cap ? 2 * c->memo_cap : 64;
    phrase_memo *old = c->memo, *slots = pm_arena_alloc(c->a, cap * sizeof *slots);
    if (!slots)
        return false;
    memset(slots, 0, cap * sizeof *slots);
    size_t old_cap = c->memo_cap;
    c->memo = slots;
    c->memo_cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].s)
            *memo_slot(c, old[i].s, old[i].n, old[i].hash) = old[i];
    return true;
}

/* pm_parse_deadline reads only the bytes of the phrase, so a phrase seen
 * before gets the same deadline (its text shared, as the JSON only reads
 * it). */
static pm_deadline parse_phrase(task_ctx *c, const char *s, size_t n)
{
    uint64_t h = pm_hash_text(s, n, 0);
    phrase_memo *e = c->memo_cap ? memo_slot(c, s, n, h) : NULL;
    if (e && e->s)
        return e->d;
    pm_deadline d = {0};
    if (!pm_parse_deadline_md(c->x, c->a, c->md, s, n, &d))
        memset(&d, 0, sizeof d);
    if (memo_room(c)) {
        *memo_slot(c, s, n, h) = (phrase_memo){s, n, h, d};
        c->memo_len++;
    }
    return d;
}

/* Does s name a year `(?:19|20)\d\d`? Every year phrase of this source of
 * target-cues.year has one (proven for it only): without it
 * pm_find_year_phrases finds none. */
const pm_proof pm_proof_year_digits = {"target-cues.year", "bb0d2852fff1a3ee",
                                       "tasks.c has_year"};

static bool has_year(const char *s, size_t n)
{
    for (const char *p = s, *end = s + n; n > 1 && (p = memchr(p, '1', (size_t)(end - 1 - p)));
         p++)
        if (p[1] == '9')
            return true;
    for (const char *p = s, *end = s + n; n > 1 && (p = memchr(p, '2', (size_t)(end - 1 - p)));
         p++)
        if (p[1] == '0')
            return true;
    return false;
}

/* pm_find_year_phrases, skipped where it cannot find one. */
static size_t year_phrases(task_ctx *c, const char *s, size_t n, pm_year_phrase *out,
                           size_t max)
{
    if (c->x->year_digits_proven && !has_year(s, n))
        return 0;
    return pm_find_year_phrases(c->x, c->md, s, n, out, max);
}

/* The first time phrase of s that is not a document's vision year. */
static pm_deadline phrase_in(task_ctx *c, const char *s, size_t n)
{
    pm_year_phrase yp[16];
    size_t ny = year_phrases(c, s, n, yp, 16);
    for (size_t k = 0; k < ny; k++)
        if (!yp[k].vision)
            return parse_phrase(c, s + yp[k].start, yp[k].end - yp[k].start);
    pm_deadline none = {0};
    return none;
}

/* The one time phrase of the first sentence, unless it dates a target. */
static pm_deadline first_sentence_deadline(task_ctx *c, const char *s, size_t n)
{
    pm_deadline none = {0};
    size_t end = pm_sentence_end(s, n, 0);
    pm_year_phrase yp[4];
    size_t ny = year_phrases(c, s, end, yp, 4);
    if (ny != 1 || yp[0].vision)
        return none;
    pm_quantity q[32];
    size_t nq = pm_find_quantities(c->x, s, end, q, 32);
    for (size_t i = 0; i < nq; i++) {
        size_t k = q[i].end;
        while (k < yp[0].start && is_ws(s[k]))
            k++;
        if (k == yp[0].start)
            return none;
    }
    return parse_phrase(c, s + yp[0].start, yp[0].end - yp[0].start);
}

/* Is the phrase at `at` a target's year, right after its value (`đạt
 * 98% vào năm 2025`)? */
static bool dates_a_value(const char *s, const pm_quantity *q, size_t nq, size_t at)
{
    for (size_t i = 0; i < nq; i++) {
        size_t k = q[i].end;
        while (k < at && is_ws(s[k]))
            k++;
        if (k == at)
            return true;
    }
    return false;
}

/* The source of task-fields.deadline_phrase closing_deadline's prefilter
 * was proven for: three of its six branches need a year `(?:19|20)\d\d`;
 * the other three end in `h[ằăàa]ng\s+` then n, q or t (`hằng năm`, `hằng
 * quý`, `hằng tháng`), `th[ưu][ờơo]ng\s+xuy[êe]n`, `li[êe]n\s+t[ụu]c`, or
 * `k[ỳy]\s+\d` (`định kỳ 6 tháng`). */
const pm_proof pm_proof_deadline_phrase = {"task-fields.deadline_phrase", "ad11583a342e8a45",
                                           "tasks.c recurrence_may_occur"};

/* The length of the first of alts (NULL-ended) at s[i], else 0. */
static size_t one_of(const char *s, size_t n, size_t i, const char *const *alts)
{
    for (; *alts; alts++) {
        size_t k = strlen(*alts);
        if (k <= n - i && memcmp(s + i, *alts, k) == 0)
            return k;
    }
    return 0;
}

/* Does s[i] start `\s+` and then a byte of `next` (or a non-ASCII one,
 * which may be a blank or the letter: left to the regex)? */
static bool blanks_then(const char *s, size_t n, size_t i, const char *next)
{
    if (i < n && (unsigned char)s[i] >= 0x80)
        return true;
    if (i >= n || !((s[i] >= '\t' && s[i] <= '\r') || s[i] == ' '))
        return false;
    while (i < n && ((s[i] >= '\t' && s[i] <= '\r') || s[i] == ' '))
        i++;
    return i < n && ((unsigned char)s[i] >= 0x80 || strchr(next, s[i]));
}

/* Can a branch of deadline_phrase without a year match in s? Exact for
 * pm_proof_deadline_phrase: it looks for the words those branches end in,
 * each letter in either case (as the regex is caseless: `k` is also the
 * Kelvin sign; the other letters have no other case twin). */
static bool recurrence_may_occur(const char *s, size_t n)
{
    typedef const char *const alts[];
    static alts a = {"a", "A", "à", "À", "ă", "Ă", "ằ", "Ằ", NULL},
                ng = {"ng", "nG", "Ng", "NG", NULL}, u = {"u", "U", NULL}, y = {"y", "Y", NULL},
                i_ = {"i", "I", NULL}, e = {"e", "E", "ê", "Ê", NULL}, nn = {"n", "N", NULL},
                k = {"k", "K", "\xE2\x84\xAA" /* U+212A */, NULL},
                yy = {"y", "Y", "ỳ", "Ỳ", NULL};
    /* The bytes the switch below looks at, the others skipped a step each. */
    static const bool opens[256] = {['h'] = true, ['H'] = true, ['x'] = true, ['X'] = true,
                                    ['l'] = true, ['L'] = true, ['k'] = true, ['K'] = true,
                                    [0xE2] = true};
    for (size_t i = 0; i < n; i++) {
        size_t j, w;
        while (i < n && !opens[(unsigned char)s[i]])
            i++;
        if (i == n)
            break;
        switch (s[i]) {
        case 'h': case 'H': /* h[ằăàa]ng\s+[nqt] */
            j = i + 1;
            /* `th`, `nh`, `ch` are everywhere: the lead bytes of a's
             * letters first. */
            if (j < n && ((s[j] | 0x20) == 'a' || s[j] == '\xC3' || s[j] == '\xC4' ||
                          s[j] == '\xE1') &&
                (w = one_of(s, n, j, a)) && one_of(s, n, j + w, ng) &&
                blanks_then(s, n, j + w + 2, "nNqQtT"))
                return true;
            break;
        case 'x': case 'X': /* xuy[êe]n */
            if (one_of(s, n, i + 1, u) && one_of(s, n, i + 2, y))
                return true;
            break;
        case 'l': case 'L': /* li[êe]n\s+t */
            j = i + 1;
            if (one_of(s, n, j, i_) && (w = one_of(s, n, j + 1, e)) &&
                one_of(s, n, j + 1 + w, nn) && blanks_then(s, n, j + 2 + w, "tT"))
                return true;
            break;
        case 'k': case 'K': case '\xE2': /* k[ỳy]\s+\d */
            if ((w = one_of(s, n, i, k)) && (j = one_of(s, n, i + w, yy)) &&
                blanks_then(s, n, i + w + j, "0123456789"))
                return true;
            break;
        default:
            break;
        }
    }
    return false;
}

/* The last time phrase of an assignment (`…, trình UBND tỉnh ban hành
 * trong Quý III/2024`, `…; thực hiện hằng năm`): an item written as a
 * sentence says when at its end, after the years of the documents it
 * names (`Chương trình … đến năm 2030`). Vision years and targets' years
 * are no deadlines. */
static pm_deadline closing_deadline(task_ctx *c, const char *s, size_t n)
{
    pm_deadline none = {0};
    pm_year_phrase yp[16];
    pm_quantity q[32];
    size_t ny = 0, nq = 0;
    const pcre2_code *re = c->deadline_phrase;
    size_t at = 0, ms, me, best_start = 0, best_end = 0;
    if (c->phrase_proven && !has_year(s, n) && !recurrence_may_occur(s, n))
        return none;
    while (pm_cue_find(c->x, re, s, n, at, c->md, &ms, &me)) {
        if (at == 0) { /* what dates a phrase, read once there is one */
            ny = year_phrases(c, s, n, yp, 16);
            nq = pm_find_quantities(c->x, s, n, q, 32);
        }
        at = me > ms ? me : ms + 1;
        bool vision = false;
        for (size_t k = 0; k < ny; k++)
            vision = vision || (yp[k].vision && yp[k].start <= ms && ms < yp[k].end);
        if (!vision && !dates_a_value(s, q, nq, ms)) {
            best_start = ms;
            best_end = me;
        }
    }
    return best_end ? parse_phrase(c, s + best_start, best_end - best_start) : none;
}

/* `… thực hiện theo tiến độ các dự án được phê duyệt.`: says how, not
 * when — an unspecified deadline, the phrase to its sentence end. */
static pm_deadline schedule_deadline(task_ctx *c, const char *s, size_t n)
{
    pm_deadline none = {0};
    size_t ms, me;
    if (!pm_cue_find(c->x, c->schedule_phrase, s, n, 0, c->md, &ms,
                     &me))
        return none;
    return parse_phrase(c, s + ms, pm_sentence_end(s, n, ms) - ms);
}

/* The source of task-fields.phase phase_may_start was proven for:
 * `(?i)^[\s\-–+•*]*` and then `giai`, `năm`, `đến` or `từ`, and a year
 * `(?:19|20)\d\d`. */
const pm_proof pm_proof_phase = {"task-fields.phase", "fc63ea13b1801f1a",
                                 "tasks.c phase_may_start"};

/* Can the phase regex (pm_proof_phase) match s, which it anchors at its
 * start? Exact: past the ASCII bytes of the leading class, the first must
 * be g, n, t in either case (none has a non-ASCII case twin) or non-ASCII
 * (`đ`, `–`, `•`, a Unicode blank: left to the regex), and s must name a
 * year. */
static bool phase_may_start(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r') || s[i] == '-' ||
                     s[i] == '+' || s[i] == '*'))
        i++;
    if (i == n)
        return false;
    unsigned char b = (unsigned char)s[i] | 0x20;
    return ((unsigned char)s[i] >= 0x80 || b == 'g' || b == 'n' || b == 't') && has_year(s, n);
}

/* `- Giai đoạn 2023-2025: …` … `- Giai đoạn 2026-2030: …` -> 2023-2030. */
static pm_deadline phases_deadline(task_ctx *c, int from_block, int to_block)
{
    const pcre2_code *re = c->phase;
    int first = 0, last = 0;
    pm_deadline d = {0};
    for (int b = from_block; b >= 0 && b != to_block; b = c->next_direct[b]) {
        const pm_span *sp = &c->tree->blocks[b].body;
        size_t ms, me, gs, ge;
        if ((c->phase_proven && !phase_may_start(sp->s, sp->len)) ||
            !pm_cue_find(c->x, re, sp->s, sp->len, 0, c->md, &ms, &me) ||
            !pm_regex_named(re, c->md, "phase", &gs, &ge))
            continue;
        pm_deadline p = parse_phrase(c, sp->s + gs, ge - gs);
        int lo = p.start ? p.start : p.end, hi = p.end;
        if (!hi)
            continue;
        if (!first || lo < first)
            first = lo;
        if (hi > last)
            last = hi;
    }
    if (!last)
        return d;
    d.kind = first && first < last ? PM_DEADLINE_RANGE : PM_DEADLINE_YEAR;
    d.start = d.kind == PM_DEADLINE_RANGE ? first : 0;
    d.end = last;
    d.text = pm_arena_printf(c->a, d.start ? "%d-%d" : "%d", d.start ? d.start : last, last);
    return d;
}

/* ---- records ------------------------------------------------------------------- */

static pm_task *new_task(task_ctx *c, int section, int table, const pm_span *text)
{
    pm_task *k = PM_PUSH(c->a, c->out->tasks, c->out->n_tasks, c->out->cap_tasks);
    if (!k)
        return NULL;
    memset(k, 0, sizeof *k);
    k->section = section;
    k->table = table;
    k->text = dup_trim(c->a, text->s, text->len);
    k->source = pm_source_of_span(c->a, c->t, text, 0, text->len);
    return k->text ? k : NULL;
}

static void take_agencies(pm_task *k, const pm_agency_set *set)
{
    k->lead = set->lead;
    k->n_lead = set->n_lead;
    k->support = set->support;
    k->n_support = set->n_support;
    k->approver = set->approver;
    k->n_approver = set->n_approver;
}

/* Agencies of one field value: its subjects, or every name when no
 * sentence starts with one. */
static pm_status field_agencies(task_ctx *c, const char *s, size_t n, pm_role role,
                                pm_agency_set *set)
{
    if (role == PM_ROLE_LEAD &&
        pm_agencies_subject(c->x, c->a, c->facts, c->md, s, n, role, true, set) > 0)
        return PM_OK;
    return pm_agencies_all(c->x, c->a, c->facts, s, n, role, set);
}

/* Applies one field's value v to the task k. */
static pm_status field_value(task_ctx *c, pm_task *k, field_kind kind, const char *v, size_t vn,
                             pm_agency_set *set, pm_deadline *from_assignment)
{
    switch (kind) {
    case FIELD_LEAD:
    case FIELD_SUPPORT:
        if (from_assignment->kind == PM_DEADLINE_NONE)
            *from_assignment = phrase_in(c, v, vn);
        return field_agencies(c, v, vn, kind == FIELD_LEAD ? PM_ROLE_LEAD : PM_ROLE_SUPPORT, set);
    case FIELD_APPROVER:
        return pm_agencies_all(c->x, c->a, c->facts, v, vn, PM_ROLE_APPROVER, set);
    case FIELD_DEADLINE:
        if (k->deadline.kind == PM_DEADLINE_NONE)
            k->deadline = parse_phrase(c, v, vn);
        return PM_OK;
    case FIELD_PRODUCT:
        k->product = dup_trim(c->a, v, vn);
        return k->product ? PM_OK : PM_ERR_NOMEM;
    case FIELD_NONE:
        break;
    }
    return PM_OK;
}

/* A task from `owner` and the field blocks [group, group_end). */
static pm_status field_task(task_ctx *c, int section, int owner, int group, int group_end)
{
    const pm_block *ob = &c->tree->blocks[owner];
    pm_task *k = new_task(c, section, -1, &ob->body);
    if (!k)
        return PM_ERR_NOMEM;
    if (ob->kind == PM_BLOCK_HEADING && section >= 0)
        k->label = c->tree->sections[section].label;
    pm_agency_set set = {0};
    pm_deadline from_assignment = {0};
    for (int b = group; b >= 0 && b != group_end; b = c->next_direct[b]) {
        const pm_span *sp = &c->tree->blocks[b].body;
        field_kind kind = c->field[b];
        for (size_t at = c->value_at[b]; kind != FIELD_NONE;) {
            field_kind next;
            size_t next_at = 0, end = field_value_end(c, sp->s, sp->len, at, &next, &next_at);
            pm_status st = field_value(c, k, kind, sp->s + at, end - at, &set, &from_assignment);
            if (st != PM_OK)
                return st;
            kind = next;
            at = next_at;
        }
    }
    take_agencies(k, &set);
    if (k->deadline.kind == PM_DEADLINE_NONE)
        k->deadline = from_assignment;
    if (k->deadline.kind == PM_DEADLINE_NONE)
        k->deadline = phases_deadline(c, c->next_direct[owner], group);
    if (k->deadline.kind == PM_DEADLINE_NONE)
        k->deadline = first_sentence_deadline(c, ob->body.s, ob->body.len);
    return PM_OK;
}

/* An item of the task part whose sentences say who carries it out. */
static pm_status sentence_task(task_ctx *c, int section)
{
    const pm_section *sec = &c->tree->sections[section];
    if (sec->block < 0)
        return PM_OK;
    const pm_block *hb = &c->tree->blocks[sec->block];
    pm_agency_set set = {0};
    size_t found = pm_agencies_subject(c->x, c->a, c->facts, c->md, hb->body.s, hb->body.len,
                                       PM_ROLE_LEAD, true, &set);
    const pm_block *assigning = hb;
    for (int b = c->first_direct[section]; !found && b >= 0; b = c->next_direct[b]) {
        const pm_block *bl = &c->tree->blocks[b];
        if (b != sec->block && bl->kind != PM_BLOCK_TABLE) {
            found = pm_agencies_subject(c->x, c->a, c->facts, c->md, bl->body.s, bl->body.len,
                                        PM_ROLE_LEAD, false, &set);
            assigning = bl;
        }
    }
    if (!found)
        return PM_OK;
    pm_task *k = new_task(c, section, -1, &hb->body);
    if (!k)
        return PM_ERR_NOMEM;
    k->label = sec->label;
    take_agencies(k, &set);
    k->deadline = phases_deadline(c, c->next_direct[sec->block], -1);
    /* the paragraph that assigns the item says when, at its end */
    if (k->deadline.kind == PM_DEADLINE_NONE && assigning != hb)
        k->deadline = closing_deadline(c, assigning->body.s, assigning->body.len);
    if (k->deadline.kind == PM_DEADLINE_NONE)
        k->deadline = closing_deadline(c, hb->body.s, hb->body.len);
    if (k->deadline.kind == PM_DEADLINE_NONE)
        k->deadline = first_sentence_deadline(c, hb->body.s, hb->body.len);
    if (k->deadline.kind == PM_DEADLINE_NONE && assigning != hb)
        k->deadline = schedule_deadline(c, assigning->body.s, assigning->body.len);
    if (k->deadline.kind == PM_DEADLINE_NONE)
        k->deadline = schedule_deadline(c, hb->body.s, hb->body.len);
    return PM_OK;
}

static pm_status section_tasks(task_ctx *c, int s)
{
    const pm_section *sec = &c->tree->sections[s];
    int groups = 0;
    bool in_group = false;
    for (int b = c->first_direct[s]; b >= 0; b = c->next_direct[b]) {
        bool field = c->field[b] != FIELD_NONE;
        groups += field && !in_group;
        in_group = field;
    }
    if (groups == 0) {
        if (c->has_children[s] || sec->appendix || sec->block < 0 ||
            c->tree->blocks[sec->block].zone != PM_ZONE_BODY ||
            !section_matches(c, s, c->task_part, false, c->in_task_part) ||
            section_matches(c, s, c->request, true, c->under_request))
            return PM_OK;
        return sentence_task(c, s);
    }
    /* Fields that close a leaf section assign its heading; otherwise each
     * group assigns the paragraph it follows. */
    bool heading_owns = groups == 1 && !c->has_children[s] && sec->block >= 0 &&
                        !blank(&c->tree->blocks[sec->block].body);
    int owner = -1;
    for (int b = c->first_direct[s]; b >= 0;) {
        if (c->field[b] == FIELD_NONE) {
            if (owner < 0 && b != sec->block)
                owner = b;
            b = c->next_direct[b];
            continue;
        }
        int end = b;
        while (end >= 0 && c->field[end] != FIELD_NONE)
            end = c->next_direct[end];
        int who = heading_owns || owner < 0 ? sec->block : owner;
        if (who >= 0) {
            pm_status st = field_task(c, s, who, b, end);
            if (st != PM_OK)
                return st;
        }
        owner = -1;
        b = end;
    }
    return PM_OK;
}

static pm_status body_tasks(task_ctx *c)
{
    const pm_tree *tree = c->tree;
    size_t nb = tree->n_blocks, ns = tree->n_sections;
    c->field = pm_arena_alloc(c->a, (nb + 1) * sizeof *c->field);
    c->value_at = pm_arena_alloc(c->a, (nb + 1) * sizeof *c->value_at);
    c->next_direct = pm_arena_alloc(c->a, (nb + 1) * sizeof *c->next_direct);
    c->first_direct = pm_arena_alloc(c->a, (ns + 1) * sizeof *c->first_direct);
    c->has_children = pm_arena_alloc(c->a, (ns + 1) * sizeof *c->has_children);
    c->in_task_part = pm_arena_alloc(c->a, ns + 1);
    c->under_request = pm_arena_alloc(c->a, ns + 1);
    int *last = pm_arena_alloc(c->a, (ns + 1) * sizeof *last);
    if (!c->field || !c->value_at || !c->next_direct || !c->first_direct || !c->has_children ||
        !c->in_task_part || !c->under_request || !last)
        return PM_ERR_NOMEM;
    for (size_t s = 0; s < ns; s++) {
        c->first_direct[s] = last[s] = -1;
        if (tree->sections[s].parent >= 0)
            c->has_children[tree->sections[s].parent] = true;
    }
    for (size_t b = 0; b < nb; b++) {
        const pm_block *bl = &tree->blocks[b];
        c->next_direct[b] = -1;
        c->field[b] = FIELD_NONE;
        if (bl->kind == PM_BLOCK_PARAGRAPH || bl->kind == PM_BLOCK_BULLET) {
            c->field[b] = field_at(c, bl->body.s, bl->body.len, &c->value_at[b]);
        }
        int s = bl->section;
        if (s < 0 || (size_t)s >= ns || bl->zone == PM_ZONE_FRONT || bl->zone == PM_ZONE_CLOSING)
            continue;
        if (last[s] < 0)
            c->first_direct[s] = (int)b;
        else
            c->next_direct[last[s]] = (int)b;
        last[s] = (int)b;
    }
    for (size_t s = 0; s < ns; s++) {
        pm_status st = section_tasks(c, (int)s);
        if (st != PM_OK)
            return st;
    }
    return PM_OK;
}

/* ---- task tables ---------------------------------------------------------------- */

static const pm_span *cell(const pm_row *row, int col)
{
    return col >= 0 && (size_t)col < row->n_cells ? &row->cells[col] : NULL;
}

static pm_status row_task(task_ctx *c, const pm_table *tb, int ti, const pm_column *cols,
                          size_t r)
{
    size_t nc = tb->n_columns;
    const pm_row *row = &tb->rows[r];
    const pm_span *content = cell(row, pm_column_find(cols, nc, PM_COL_CONTENT));
    if (row->unparsed || blank(content) || pm_is_group_row(tb, cols, r))
        return PM_OK;
    pm_task *k = new_task(c, tb->section, ti, content);
    if (!k)
        return PM_ERR_NOMEM;
    const pm_span *label = cell(row, pm_column_find(cols, nc, PM_COL_LABEL));
    if (!blank(label))
        k->label = dup_trim(c->a, label->s, label->len);
    pm_agency_set set = {0};
    pm_status st = PM_OK;
    const pm_span *lead = cell(row, pm_column_find(cols, nc, PM_COL_LEAD));
    if (!blank(lead))
        st = pm_agencies_all(c->x, c->a, c->facts, lead->s, lead->len, PM_ROLE_LEAD, &set);
    else /* `Các Sở, ban, ngành … thực hiện: …` names its lead in the content */
        pm_agencies_subject(c->x, c->a, c->facts, c->md, content->s, content->len,
                            PM_ROLE_LEAD, false, &set);
    for (size_t col = 0; st == PM_OK && col < nc; col++) {
        const pm_span *v = cell(row, (int)col);
        if (blank(v))
            continue;
        switch (cols[col].role) {
        case PM_COL_SUPPORT:
            st = pm_agencies_all(c->x, c->a, c->facts, v->s, v->len, PM_ROLE_SUPPORT, &set);
            break;
        case PM_COL_APPROVER:
            st = pm_agencies_all(c->x, c->a, c->facts, v->s, v->len, PM_ROLE_APPROVER, &set);
            break;
        case PM_COL_DEADLINE:
            if (k->deadline.kind == PM_DEADLINE_NONE)
                k->deadline = parse_phrase(c, v->s, v->len);
            break;
        case PM_COL_PRODUCT:
            if (!k->product)
                k->product = dup_trim(c->a, v->s, v->len);
            break;
        default:
            break;
        }
    }
    take_agencies(k, &set);
    return st;
}

static pm_status table_tasks(task_ctx *c)
{
    for (size_t ti = 0; ti < c->tree->n_tables; ti++) {
        const pm_table *tb = &c->tree->tables[ti];
        pm_column *cols;
        pm_status st = pm_table_columns(c->x, c->a, tb, &cols);
        if (st != PM_OK)
            return st;
        size_t nc = tb->n_columns;
        if (pm_is_targets_table(cols, nc) || pm_column_find(cols, nc, PM_COL_CONTENT) < 0 ||
            (pm_column_find(cols, nc, PM_COL_LEAD) < 0 &&
             pm_column_find(cols, nc, PM_COL_SUPPORT) < 0 &&
             pm_column_find(cols, nc, PM_COL_DEADLINE) < 0))
            continue;
        for (size_t r = 0; r < tb->n_rows; r++)
            if ((st = row_task(c, tb, (int)ti, cols, r)) != PM_OK)
                return st;
    }
    return PM_OK;
}

pm_status pm_extract_tasks(const pm_extractor *x, pm_arena *a, const pm_text *t,
                           const pm_tree *tree, pm_doc_facts *facts, pm_records *out,
                           pm_warnings *w)
{
    (void)w;
    task_ctx c = {.x = x,
                  .facts = facts,
                  .a = a,
                  .t = t,
                  .tree = tree,
                  .out = out,
                  .deadline_phrase = pm_cue(x, "task-fields.deadline_phrase"),
                  .schedule_phrase = pm_cue(x, "task-fields.schedule_phrase"),
                  .phase = pm_cue(x, "task-fields.phase"),
                  .task_part = pm_cue(x, "task-fields.task_part"),
                  .request = pm_cue(x, "task-fields.request")};
    c.phrase_proven = pm_proven(x->patterns, &pm_proof_deadline_phrase);
    c.phase_proven = pm_proven(x->patterns, &pm_proof_phase);
    c.labels_proven = true;
    for (size_t f = 0; f < N_FIELDS; f++) {
        c.field_re[f] = pm_cue(x, field_names[f]);
        c.labels_proven &= pm_proven(x->patterns, &pm_proof_field_labels[f]);
    }
    c.md = pcre2_match_data_create(32, NULL);
    if (!c.md)
        return PM_ERR_NOMEM;
    pm_status st = body_tasks(&c);
    if (st == PM_OK)
        st = table_tasks(&c);
    pcre2_match_data_free(c.md);
    return st;
}

/* indicator.c: the catalogue id of an indicator text (patterns/indicators.tsv).
 *
 * Texts and forms are reduced to a key of lower-case words between single
 * spaces (" tỷ lệ đô thị hóa "), with the fixes of patterns/ocr-fixes.tsv
 * applied, and a second key without diacritics. A form matches when its
 * key occurs in the text's key; the longest form wins, then the one that
 * ends later (Vietnamese puts the narrowing word last: `quy hoạch chung
 * xã`), then one matched with its diacritics. When no form occurs as
 * written, a form whose words occur in order with a qualifier or two
 * inserted between them matches (`nước thải sinh hoạt đô thị được xử lý`). Indicator texts are short and
 * the catalogue small, so a scan of every form is cheaper than an index. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract/internal.h"
#include "text/text.h"

typedef struct indicator_form {
    const char *id;
    const char *fold;  /* " w w " */
    const char *ascii; /* the same without diacritics */
    size_t words;
} indicator_form;

typedef struct ocr_fix {
    const char *from, *to; /* " w w " keys */
} ocr_fix;

struct pm_indicator_lexicon {
    pm_arena arena;
    indicator_form *forms;
    size_t n_forms, cap_forms;
    ocr_fix *fixes;
    size_t n_fixes, cap_fixes;
};

static bool is_word_cp(utf8proc_int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* " w w w ": the lower-case words of s; anything else is a space. */
static void word_key(const char *s, size_t n, pm_buf *out)
{
    pm_buf lower = {0};
    pm_fold_lower(s, n, &lower);
    pm_buf_putc(out, ' ');
    bool space = true;
    for (size_t i = 0; i < lower.len;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)lower.data + i,
                                              (utf8proc_ssize_t)(lower.len - i), &cp);
        if (k < 1) {
            k = 1;
            cp = -1;
        }
        if (cp >= 0 && is_word_cp(cp)) {
            pm_buf_append(out, lower.data + i, (size_t)k);
            space = false;
        } else if (!space) {
            pm_buf_putc(out, ' ');
            space = true;
        }
        i += (size_t)k;
    }
    if (!space)
        pm_buf_putc(out, ' ');
    if (lower.failed)
        out->failed = true;
    pm_buf_free(&lower);
}

/* Replaces every OCR confusion in key (whole words) with what was meant. */
static void apply_fixes(const struct pm_indicator_lexicon *lex, pm_buf *key, pm_buf *tmp)
{
    for (size_t f = 0; f < lex->n_fixes; f++) {
        const ocr_fix *fix = &lex->fixes[f];
        if (key->failed || !strstr(pm_buf_cstr(key), fix->from))
            continue;
        size_t from_len = strlen(fix->from);
        pm_buf_reset(tmp);
        const char *p = pm_buf_cstr(key);
        for (const char *hit; (hit = strstr(p, fix->from)) != NULL; p = hit + from_len - 1) {
            pm_buf_append(tmp, p, (size_t)(hit - p));
            pm_buf_puts(tmp, fix->to); /* both keys end in ' ', which the next match may start with */
            tmp->len--;
        }
        pm_buf_puts(tmp, p);
        pm_buf_reset(key);
        pm_buf_append(key, tmp->data, tmp->len);
        if (tmp->failed)
            key->failed = true;
    }
}

/* The folded key of s with fixes applied, and the same without diacritics. */
static bool keys_of(const struct pm_indicator_lexicon *lex, const char *s, size_t n,
                    pm_buf *fold, pm_buf *ascii)
{
    pm_buf tmp = {0};
    word_key(s, n, fold);
    apply_fixes(lex, fold, &tmp);
    pm_buf_free(&tmp);
    if (fold->failed)
        return false;
    pm_strip_marks(fold->data, fold->len, ascii);
    return !ascii->failed && pm_buf_cstr(ascii) && pm_buf_cstr(fold);
}

static pm_status load_fixes(struct pm_indicator_lexicon *lex, const pm_patterns *p, pm_error *err)
{
    const pm_tsv *tab = pm_patterns_table(p, "ocr-fixes", err);
    if (!tab)
        return PM_ERR_PATTERN;
    pm_buf a = {0}, b = {0};
    pm_status st = PM_OK;
    for (size_t r = 0; r < tab->n_rows && st == PM_OK; r++) {
        const pm_tsv_row *row = &tab->rows[r];
        if (row->n_fields != 2) {
            st = pm_fail(err, PM_ERR_PATTERN, tab->path, row->line,
                         "expected 'as found<TAB>as meant'");
            break;
        }
        pm_buf_reset(&a);
        pm_buf_reset(&b);
        word_key(row->fields[0], strlen(row->fields[0]), &a);
        word_key(row->fields[1], strlen(row->fields[1]), &b);
        ocr_fix *fix = PM_PUSH(&lex->arena, lex->fixes, lex->n_fixes, lex->cap_fixes);
        if (!fix || a.failed || b.failed || !(fix->from = pm_arena_strdup(&lex->arena, pm_buf_cstr(&a))) ||
            !(fix->to = pm_arena_strdup(&lex->arena, pm_buf_cstr(&b))))
            st = pm_fail(err, PM_ERR_NOMEM, tab->path, row->line, "out of memory");
        else if (a.len < 3 || b.len < 3)
            st = pm_fail(err, PM_ERR_PATTERN, tab->path, row->line, "a fix needs words on both sides");
    }
    pm_buf_free(&a);
    pm_buf_free(&b);
    return st;
}

static bool valid_id(const char *id)
{
    if (!*id)
        return false;
    for (; *id; id++)
        if (!((*id >= 'a' && *id <= 'z') || (*id >= '0' && *id <= '9') || *id == '_'))
            return false;
    return true;
}

static size_t count_words(const char *key)
{
    size_t n = 0;
    for (const char *p = key; *p; p++)
        n += *p == ' ';
    return n ? n - 1 : 0;
}

static pm_status load_forms(struct pm_indicator_lexicon *lex, const pm_patterns *p, pm_error *err)
{
    const pm_tsv *tab = pm_patterns_table(p, "indicators", err);
    if (!tab)
        return PM_ERR_PATTERN;
    pm_buf fold = {0}, ascii = {0};
    pm_status st = PM_OK;
    for (size_t r = 0; r < tab->n_rows && st == PM_OK; r++) {
        const pm_tsv_row *row = &tab->rows[r];
        if (row->n_fields < 2 || !valid_id(row->fields[0])) {
            st = pm_fail(err, PM_ERR_PATTERN, tab->path, row->line,
                         "expected 'id<TAB>form…' with an id of [a-z0-9_]");
            break;
        }
        const char *id = pm_arena_strdup(&lex->arena, row->fields[0]);
        for (size_t f = 1; f < row->n_fields && st == PM_OK; f++) {
            pm_buf_reset(&fold);
            pm_buf_reset(&ascii);
            if (!keys_of(lex, row->fields[f], strlen(row->fields[f]), &fold, &ascii)) {
                st = pm_fail(err, PM_ERR_NOMEM, tab->path, row->line, "out of memory");
                break;
            }
            if (fold.len < 3) {
                st = pm_fail(err, PM_ERR_PATTERN, tab->path, row->line, "empty form %zu", f);
                break;
            }
            indicator_form *form = PM_PUSH(&lex->arena, lex->forms, lex->n_forms, lex->cap_forms);
            if (!form || !id || !(form->fold = pm_arena_strdup(&lex->arena, fold.data)) ||
                !(form->ascii = pm_arena_strdup(&lex->arena, ascii.data))) {
                st = pm_fail(err, PM_ERR_NOMEM, tab->path, row->line, "out of memory");
                break;
            }
            form->id = id;
            form->words = count_words(form->fold);
        }
    }
    pm_buf_free(&fold);
    pm_buf_free(&ascii);
    return st;
}

pm_status pm_indicator_init(pm_extractor *x, pm_error *err)
{
    struct pm_indicator_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex)
        return pm_fail(err, PM_ERR_NOMEM, "indicators.tsv", 0, "out of memory");
    pm_arena_init(&lex->arena);
    x->indicator = lex;
    pm_status st = load_fixes(lex, x->patterns, err);
    if (st == PM_OK)
        st = load_forms(lex, x->patterns, err);
    if (st != PM_OK)
        pm_indicator_free(x);
    return st;
}

void pm_indicator_free(pm_extractor *x)
{
    if (!x || !x->indicator)
        return;
    pm_arena_free(&x->indicator->arena);
    free(x->indicator);
    x->indicator = NULL;
}

/* The word after the last one of `form` in `key`, or 0 when absent. */
static size_t match_end(const char *key, const char *form)
{
    const char *hit = strstr(key, form);
    if (!hit)
        return 0;
    size_t words = 0;
    for (const char *p = key; p <= hit; p++)
        words += *p == ' ';
    return words + count_words(form);
}

enum { MAX_INSERTED_WORDS = 2, MAX_KEY_WORDS = 64 };

/* Word starts of a " w w " key (at most max). */
static size_t key_words(const char *key, const char **out, size_t max)
{
    size_t n = 0;
    for (const char *p = key; *p && n < max; p++)
        if (*p == ' ' && p[1])
            out[n++] = p + 1;
    return n;
}

static bool same_word(const char *a, const char *b)
{
    while (*a != ' ' && *a == *b)
        a++, b++;
    return *a == ' ' && *b == ' ';
}

/* The form's words in order in the text with at most MAX_INSERTED_WORDS
 * others between them (`nước thải sinh hoạt đô thị được xử lý` for `nước
 * thải sinh hoạt được xử lý`): the word after the last one matched, 0 when
 * absent. The earliest next word is taken, which leaves the fewest inserted. */
static size_t gapped_match_end(const char *key, const char *form)
{
    const char *t[MAX_KEY_WORDS], *f[MAX_KEY_WORDS];
    size_t nt = key_words(key, t, MAX_KEY_WORDS), nf = key_words(form, f, MAX_KEY_WORDS);
    for (size_t start = 0; nf && start + nf <= nt; start++) {
        if (!same_word(t[start], f[0]))
            continue;
        size_t at = start, inserted = 0, k = 1;
        for (; k < nf; k++) {
            size_t next = at + 1;
            while (next < nt && inserted + (next - at - 1) <= MAX_INSERTED_WORDS &&
                   !same_word(t[next], f[k]))
                next++;
            if (next >= nt || inserted + (next - at - 1) > MAX_INSERTED_WORDS)
                break;
            inserted += next - at - 1;
            at = next;
        }
        if (k == nf)
            return at + 1;
    }
    return 0;
}

/* The best form: the longest, then the one that ends later, then one
 * matched with its diacritics. */
static const char *best_form(const struct pm_indicator_lexicon *lex, const char *fold,
                             const char *ascii, bool gapped)
{
    const char *best = NULL;
    size_t best_words = 0, best_end = 0;
    bool best_exact = false;
    for (size_t f = 0; f < lex->n_forms; f++) {
        const indicator_form *form = &lex->forms[f];
        size_t end = gapped ? gapped_match_end(fold, form->fold) : match_end(fold, form->fold);
        bool exact = end > 0;
        if (!exact)
            end = gapped ? gapped_match_end(ascii, form->ascii) : match_end(ascii, form->ascii);
        if (!end)
            continue;
        bool better = form->words != best_words ? form->words > best_words
                      : end != best_end         ? end > best_end
                                                : exact && !best_exact;
        if (better) {
            best = form->id;
            best_words = form->words;
            best_end = end;
            best_exact = exact;
        }
    }
    return best;
}

/* A form as written wins; only when none occurs do qualifiers inserted
 * between its words count. */
const char *pm_indicator_id(const pm_extractor *x, const char *s, size_t n)
{
    if (!x || !x->indicator || !s || !n)
        return NULL;
    const struct pm_indicator_lexicon *lex = x->indicator;
    pm_buf fold = {0}, ascii = {0};
    const char *best = NULL;
    if (keys_of(lex, s, n, &fold, &ascii)) {
        best = best_form(lex, fold.data, ascii.data, false);
        if (!best)
            best = best_form(lex, fold.data, ascii.data, true);
    }
    pm_buf_free(&fold);
    pm_buf_free(&ascii);
    return best;
}

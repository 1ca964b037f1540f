/* indicator.c: the catalogue id of an indicator text (patterns/indicators.tsv).
 *
 * Texts and forms are reduced to a key of lower-case words between single
 * spaces (" tỷ lệ đô thị hóa "), with the fixes of patterns/ocr-fixes.tsv
 * applied, and a second key without diacritics. A form matches when its
 * key occurs in the text's key; the longest form wins, then the one that
 * ends later (Vietnamese puts the narrowing word last: `quy hoạch chung
 * xã`), then one matched with its diacritics. When no form occurs as
 * written, a form whose words occur in order with a qualifier or two
 * inserted between them matches (`nước thải sinh hoạt đô thị được xử lý`).
 * Keys are cut into words once; forms are found through a table of their
 * first words, so a text costs its words, not its length times the forms. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "extract/internal.h"
#include "text/text.h"

/* The words of a " w w " key: pointers into it, each ending at a ' ',
 * and their word_hash, which settles most comparisons. */
typedef struct word_list {
    const char **w;
    uint64_t *hash;
    size_t n;
} word_list;

typedef struct indicator_form {
    const char *id;
    word_list fold;  /* of " w w " */
    word_list ascii; /* the same without diacritics */
} indicator_form;

/* A form among those with the same first word: its second word's hash
 * settles most of them before their words are compared. */
typedef struct chained_form {
    uint64_t hash2; /* word_hash of the second word; 0 for a one-word form */
    uint32_t f, n;  /* the form and its number of words */
} chained_form;

/* Forms by their first word: open addressing; the forms of slot i are
 * chain[start[i] .. start[i + 1]), in catalogue order. */
typedef struct first_words {
    const char **word;
    uint64_t *hash; /* of word */
    uint32_t *start;
    chained_form *chain;
    size_t cap;
} first_words;

typedef struct ocr_fix {
    const char *from, *to; /* " w w " keys */
    size_t from_len;
    /* word_bit of from's first word; of all of to's words */
    uint64_t first_bit, to_bits;
} ocr_fix;

/* A character as word_key writes it: lowered, and whether it is kept;
 * and as strip_key then writes the lowered character. */
typedef struct lowered_char {
    uint8_t len; /* bytes of the lowered character */
    bool word;   /* a letter, mark or number */
    char bytes[4];
    /* > sizeof strip: not kept (too long, or holding a ' ' or NUL, which
     * would cut the stripped key into other words than the folded one) */
    uint8_t strip_len;
    char strip[7];
} lowered_char;

typedef struct stripped_char {
    uint8_t len; /* > sizeof bytes: not kept */
    char bytes[7];
} stripped_char;

struct pm_indicator_lexicon {
    pm_arena arena;
    /* U+0080..U+07FF and U+1E00..U+1EFF (the Vietnamese letters) lowered */
    lowered_char lower2[0x800 - 0x80], lower3[0x100];
    /* the same characters without their marks (pm_strip_marks) */
    stripped_char strip2[0x800 - 0x80], strip3[0x100];
    indicator_form *forms;
    size_t n_forms, cap_forms;
    ocr_fix *fixes;
    size_t n_fixes, cap_fixes;
    first_words first_fold, first_ascii;
};

static bool is_word_cp(utf8proc_int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME) ||
           (c >= UTF8PROC_CATEGORY_ND && c <= UTF8PROC_CATEGORY_NO);
}

/* " w w w ": the lower-case words of s; anything else is a space. */
static void word_key_lowered(const char *s, size_t n, pm_buf *out)
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

static void lower_char(lowered_char *lc, utf8proc_int32_t cp)
{
    utf8proc_int32_t lower = utf8proc_tolower(cp);
    utf8proc_uint8_t enc[4];
    lc->len = (uint8_t)utf8proc_encode_char(lower, enc);
    memcpy(lc->bytes, enc, sizeof lc->bytes);
    lc->word = is_word_cp(lower);
}

static void strip_char(stripped_char *sc, utf8proc_int32_t cp)
{
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t len = utf8proc_encode_char(cp, enc);
    pm_buf out = {0};
    pm_strip_marks((const char *)enc, (size_t)len, &out);
    sc->len = 0xFF;
    if (!out.failed && out.len <= sizeof sc->bytes) {
        if (out.len)
            memcpy(sc->bytes, out.data, out.len);
        sc->len = (uint8_t)out.len;
    }
    pm_buf_free(&out);
}

/* pm_strip_marks of a key (valid UTF-8: word_key writes whole characters),
 * the common characters through the tables. */
static void strip_key(const struct pm_indicator_lexicon *lex, const char *s, size_t n,
                      pm_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] < 0x80) {
            size_t k = i + 1;
            while (k < n && u[k] < 0x80)
                k++;
            pm_buf_append(out, s + i, k - i);
            i = k;
            continue;
        }
        const stripped_char *sc = NULL;
        size_t k = u[i] >= 0xF0 ? 4 : u[i] >= 0xE0 ? 3 : 2;
        if (u[i] >= 0xC2 && u[i] <= 0xDF && i + 1 < n)
            sc = &lex->strip2[((u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F)) - 0x80];
        else if (u[i] == 0xE1 && i + 2 < n && u[i + 1] >= 0xB8 && u[i + 1] <= 0xBB)
            sc = &lex->strip3[(u[i + 1] & 0x03) << 6 | (u[i + 2] & 0x3F)];
        if (sc && sc->len <= sizeof sc->bytes)
            pm_buf_append(out, sc->bytes, sc->len);
        else
            pm_strip_marks(s + i, k < n - i ? k : n - i, out);
        i += k;
    }
}

/* Can stripped bytes stand for a character of a word (see lowered_char)? */
static bool strip_keepable(const char *p, size_t len)
{
    return len == 0 || (!memchr(p, ' ', len) && !memchr(p, '\0', len));
}

static void strip_lowered(const struct pm_indicator_lexicon *lex, lowered_char *lc)
{
    pm_buf out = {0};
    strip_key(lex, lc->bytes, lc->len, &out);
    lc->strip_len = 0xFF;
    if (!out.failed && out.len <= sizeof lc->strip && strip_keepable(out.data, out.len)) {
        if (out.len)
            memcpy(lc->strip, out.data, out.len);
        lc->strip_len = (uint8_t)out.len;
    }
    pm_buf_free(&out);
}

static void fill_tables(struct pm_indicator_lexicon *lex)
{
    for (utf8proc_int32_t cp = 0x80; cp < 0x800; cp++) {
        lower_char(&lex->lower2[cp - 0x80], cp);
        strip_char(&lex->strip2[cp - 0x80], cp);
    }
    for (utf8proc_int32_t cp = 0x1E00; cp < 0x1F00; cp++) {
        lower_char(&lex->lower3[cp - 0x1E00], cp);
        strip_char(&lex->strip3[cp - 0x1E00], cp);
    }
    /* the lowered characters through strip_key, once its tables are full */
    for (size_t i = 0; i < sizeof lex->lower2 / sizeof *lex->lower2; i++)
        strip_lowered(lex, &lex->lower2[i]);
    for (size_t i = 0; i < sizeof lex->lower3 / sizeof *lex->lower3; i++)
        strip_lowered(lex, &lex->lower3[i]);
}

/* The lowered form of the valid character at s[i] from the tables, its
 * length in *k; NULL when it has none there. */
static const lowered_char *table_lowered(const struct pm_indicator_lexicon *lex, const char *s,
                                         size_t n, size_t i, size_t *k)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] >= 0xC2 && u[0] <= 0xDF && i + 1 < n) {
        *k = 2;
        return &lex->lower2[((u[0] & 0x1F) << 6 | (u[1] & 0x3F)) - 0x80];
    }
    if (u[0] == 0xE1 && i + 2 < n && u[1] >= 0xB8 && u[1] <= 0xBB) {
        *k = 3;
        return &lex->lower3[(u[1] & 0x03) << 6 | (u[2] & 0x3F)];
    }
    return NULL;
}

/* The same key in one pass over valid UTF-8: each character lowered as
 * pm_fold_lower does (ASCII by hand, the rest by utf8proc_tolower, through
 * the tables for the common ones) and kept when a letter, mark or number. */
static void word_key(const struct pm_indicator_lexicon *lex, const char *s, size_t n,
                     pm_buf *out)
{
    size_t start = out->len;
    if (!pm_utf8_valid(s, n) || !pm_buf_reserve(out, n + 2)) {
        word_key_lowered(s, n, out);
        return;
    }
    out->data[out->len++] = ' ';
    bool space = true;
    for (size_t i = 0, k; i < n;) {
        unsigned char c = (unsigned char)s[i];
        const lowered_char *lc;
        if (c < 0x80) {
            i++;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
                pm_buf_putc(out, (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
                space = false;
                continue;
            }
        } else if ((lc = table_lowered(lex, s, n, i, &k)) != NULL) {
            i += k;
            if (lc->word) {
                pm_buf_append(out, lc->bytes, lc->len);
                space = false;
                continue;
            }
        } else {
            utf8proc_int32_t cp;
            utf8proc_ssize_t used = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                                     (utf8proc_ssize_t)(n - i), &cp);
            if (used < 1) { /* not expected of valid UTF-8: the long way */
                out->len = start;
                word_key_lowered(s, n, out);
                return;
            }
            i += (size_t)used;
            utf8proc_int32_t lower = utf8proc_tolower(cp);
            if (is_word_cp(lower)) {
                utf8proc_uint8_t enc[4];
                pm_buf_append(out, enc, (size_t)utf8proc_encode_char(lower, enc));
                space = false;
                continue;
            }
        }
        if (!space) {
            pm_buf_putc(out, ' ');
            space = true;
        }
    }
    if (!space)
        pm_buf_putc(out, ' ');
}

static uint64_t word_hash(const char *w)
{
    uint64_t h = 1469598103934665603u;
    for (; *w != ' '; w++)
        h = (h ^ (unsigned char)*w) * 1099511628211u;
    return h;
}

/* A word's bit in a 64-bit summary of a key's words: a word whose bit is
 * not in the summary is not among them. */
static uint64_t word_bit(uint64_t hash)
{
    return (uint64_t)1 << (hash >> 58);
}

/* Word starts of a " w w " key (NUL-terminated, each word ending at a
 * ' ') and their word_hash, in one pass; returns how many. */
static size_t key_words(const char *key, const char **out, uint64_t *hash)
{
    size_t n = 0;
    uint64_t h = 0;
    for (const char *p = key; *p; p++) {
        if (*p != ' ') {
            h = (h ^ (unsigned char)*p) * 1099511628211u;
            continue;
        }
        if (n)
            hash[n - 1] = h;
        if (p[1]) {
            out[n++] = p + 1;
            h = 1469598103934665603u;
        }
    }
    return n;
}

/* The word_bit summary of a key's words. */
static uint64_t key_bits(const char *key)
{
    uint64_t bits = 0;
    for (const char *p = key; *p; p++)
        if (*p == ' ' && p[1])
            bits |= word_bit(word_hash(p + 1));
    return bits;
}

/* Replaces every OCR confusion in key (whole words) with what was meant;
 * bits: key_bits of key. A fix's match starts at a word of the key equal
 * to its first word, so a fix whose first word's bit is not in bits
 * cannot match; a fix made adds only its to-words. Returns whether any
 * fix changed the key. */
static bool apply_fixes(const struct pm_indicator_lexicon *lex, pm_buf *key, uint64_t bits)
{
    pm_buf tmp = {0};
    bool changed = false;
    for (size_t f = 0; f < lex->n_fixes; f++) {
        const ocr_fix *fix = &lex->fixes[f];
        if (!(bits & fix->first_bit) || key->failed || !strstr(pm_buf_cstr(key), fix->from))
            continue;
        pm_buf_reset(&tmp);
        const char *p = pm_buf_cstr(key);
        for (const char *hit; (hit = strstr(p, fix->from)) != NULL; p = hit + fix->from_len - 1) {
            pm_buf_append(&tmp, p, (size_t)(hit - p));
            pm_buf_puts(&tmp, fix->to); /* both keys end in ' ', which the next match may start with */
            tmp.len--;
        }
        pm_buf_puts(&tmp, p);
        pm_buf_reset(key);
        pm_buf_append(key, tmp.data, tmp.len);
        if (tmp.failed)
            key->failed = true;
        bits |= fix->to_bits;
        changed = true;
    }
    pm_buf_free(&tmp);
    return changed;
}

/* The folded key of s with fixes applied, and the same without diacritics. */
static bool keys_of(const struct pm_indicator_lexicon *lex, const char *s, size_t n,
                    pm_buf *fold, pm_buf *ascii)
{
    word_key(lex, s, n, fold);
    if (fold->failed || !pm_buf_cstr(fold))
        return false;
    apply_fixes(lex, fold, key_bits(fold->data));
    if (fold->failed)
        return false;
    strip_key(lex, fold->data, fold->len, ascii);
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
        word_key(lex, row->fields[0], strlen(row->fields[0]), &a);
        word_key(lex, row->fields[1], strlen(row->fields[1]), &b);
        ocr_fix *fix = PM_PUSH(&lex->arena, lex->fixes, lex->n_fixes, lex->cap_fixes);
        if (!fix || a.failed || b.failed || !(fix->from = pm_arena_strdup(&lex->arena, pm_buf_cstr(&a))) ||
            !(fix->to = pm_arena_strdup(&lex->arena, pm_buf_cstr(&b))))
            st = pm_fail(err, PM_ERR_NOMEM, tab->path, row->line, "out of memory");
        else if (a.len < 3 || b.len < 3)
            st = pm_fail(err, PM_ERR_PATTERN, tab->path, row->line, "a fix needs words on both sides");
        else {
            fix->from_len = a.len;
            fix->first_bit = word_bit(word_hash(fix->from + 1));
            fix->to_bits = key_bits(fix->to);
        }
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


/* Room for the words of key: one more than its spaces. */
static size_t word_room(const char *key)
{
    size_t spaces = 0;
    for (const char *p = key; *p; p++)
        spaces += *p == ' ';
    return spaces + 1;
}

/* The words of key in arrays from the arena. */
static bool split_key(pm_arena *a, const char *key, word_list *out)
{
    size_t room = word_room(key);
    out->w = pm_arena_alloc(a, room * sizeof *out->w);
    out->hash = pm_arena_alloc(a, room * sizeof *out->hash);
    out->n = out->w && out->hash ? key_words(key, out->w, out->hash) : 0;
    return out->w && out->hash;
}

static bool same_word(const char *a, const char *b)
{
    while (*a != ' ' && *a == *b)
        a++, b++;
    return *a == ' ' && *b == ' ';
}

/* Is word i of a word j of b? */
static bool same_word_at(const word_list *a, size_t i, const word_list *b, size_t j)
{
    return a->hash[i] == b->hash[j] && same_word(a->w[i], b->w[j]);
}

/* The chain head for word (of word_hash hash): its slot, or the free slot
 * where it belongs. */
static size_t first_slot(const first_words *fw, const char *word, uint64_t hash)
{
    size_t i = hash & (fw->cap - 1);
    while (fw->word[i] && (fw->hash[i] != hash || !same_word(fw->word[i], word)))
        i = (i + 1) & (fw->cap - 1);
    return i;
}

/* Chains every form into fw by its first word (as written or without
 * diacritics). */
static bool index_first_words(struct pm_indicator_lexicon *lex, first_words *fw, bool ascii)
{
    fw->cap = 16;
    while (fw->cap < 2 * lex->n_forms)
        fw->cap *= 2;
    fw->word = pm_arena_alloc(&lex->arena, fw->cap * sizeof *fw->word);
    fw->hash = pm_arena_alloc(&lex->arena, fw->cap * sizeof *fw->hash);
    fw->start = pm_arena_alloc(&lex->arena, (fw->cap + 1) * sizeof *fw->start);
    fw->chain = pm_arena_alloc(&lex->arena, (lex->n_forms + 1) * sizeof *fw->chain);
    if (!fw->word || !fw->hash || !fw->start || !fw->chain)
        return false;
    memset(fw->word, 0, fw->cap * sizeof *fw->word);
    memset(fw->start, 0, (fw->cap + 1) * sizeof *fw->start);
    /* count the forms of each slot, turn the counts into starts, place */
    for (size_t f = 0; f < lex->n_forms; f++) {
        const word_list *wl = ascii ? &lex->forms[f].ascii : &lex->forms[f].fold;
        if (!wl->n)
            continue;
        size_t i = first_slot(fw, wl->w[0], wl->hash[0]);
        fw->word[i] = wl->w[0];
        fw->hash[i] = wl->hash[0];
        fw->start[i + 1]++;
    }
    for (size_t i = 0; i < fw->cap; i++)
        fw->start[i + 1] += fw->start[i];
    for (size_t f = 0; f < lex->n_forms; f++) {
        const word_list *wl = ascii ? &lex->forms[f].ascii : &lex->forms[f].fold;
        if (!wl->n)
            continue;
        size_t i = first_slot(fw, wl->w[0], wl->hash[0]);
        chained_form *c = &fw->chain[fw->start[i]++];
        c->hash2 = wl->n > 1 ? wl->hash[1] : 0;
        c->f = (uint32_t)f;
        c->n = (uint32_t)wl->n;
    }
    /* placing moved each start to the next slot's: shift them back */
    for (size_t i = fw->cap; i > 0; i--)
        fw->start[i] = fw->start[i - 1];
    fw->start[0] = 0;
    return true;
}

/* The forms whose first word is word (of word_hash hash): *n of them. */
static const chained_form *forms_starting(const first_words *fw, const char *word,
                                          uint64_t hash, size_t *n)
{
    size_t i = first_slot(fw, word, hash);
    *n = fw->word[i] ? fw->start[i + 1] - fw->start[i] : 0;
    return fw->chain + fw->start[i];
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
            const char *fold_key = pm_arena_strdup(&lex->arena, fold.data);
            const char *ascii_key = pm_arena_strdup(&lex->arena, ascii.data);
            if (!form || !id || !fold_key || !ascii_key ||
                !split_key(&lex->arena, fold_key, &form->fold) ||
                !split_key(&lex->arena, ascii_key, &form->ascii)) {
                st = pm_fail(err, PM_ERR_NOMEM, tab->path, row->line, "out of memory");
                break;
            }
            form->id = id;
        }
    }
    pm_buf_free(&fold);
    pm_buf_free(&ascii);
    if (st == PM_OK && (!index_first_words(lex, &lex->first_fold, false) ||
                        !index_first_words(lex, &lex->first_ascii, true)))
        st = pm_fail(err, PM_ERR_NOMEM, tab->path, 0, "out of memory");
    return st;
}

pm_status pm_indicator_init(pm_extractor *x, pm_error *err)
{
    struct pm_indicator_lexicon *lex = calloc(1, sizeof *lex);
    if (!lex)
        return pm_fail(err, PM_ERR_NOMEM, "indicators.tsv", 0, "out of memory");
    pm_arena_init(&lex->arena);
    fill_tables(lex);
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

/* Do the form's words stand at t[at …]? */
static bool words_at(const word_list *t, size_t at, const word_list *form)
{
    if (at + form->n > t->n)
        return false;
    for (size_t k = 1; k < form->n; k++)
        if (!same_word_at(t, at + k, form, k))
            return false;
    return true;
}

/* For every form, where its first occurrence in t ends (as the number of
 * the word after it, plus one), 0 when absent: end[f]; the forms found
 * are added to found[*n_found]. */
static void contiguous_ends(const struct pm_indicator_lexicon *lex, const first_words *fw, bool ascii, const word_list *t, size_t *end,
                            uint32_t *found, size_t *n_found)
{
    for (size_t at = 0; at < t->n; at++) {
        size_t n;
        const chained_form *c = forms_starting(fw, t->w[at], t->hash[at], &n);
        for (size_t k = 0; k < n; k++) {
            /* the first word is the text's (first_slot compared it) */
            if (end[c[k].f] || at + c[k].n > t->n ||
                (c[k].n > 1 && c[k].hash2 != t->hash[at + 1]))
                continue;
            const indicator_form *form = &lex->forms[c[k].f];
            if (words_at(t, at, ascii ? &form->ascii : &form->fold)) {
                end[c[k].f] = at + 1 + c[k].n;
                found[(*n_found)++] = c[k].f;
            }
        }
    }
}

enum { MAX_INSERTED_WORDS = 2, MAX_KEY_WORDS = 64 };

/* The form's words in order in the text with at most MAX_INSERTED_WORDS
 * others between them (`nước thải sinh hoạt đô thị được xử lý` for `nước
 * thải sinh hoạt được xử lý`), among the text's first MAX_KEY_WORDS: the
 * word after the last one matched, 0 when absent. The earliest next word
 * is taken, which leaves the fewest inserted. */
static size_t gapped_match_end(const word_list *text, const word_list *form)
{
    size_t nt = text->n < MAX_KEY_WORDS ? text->n : MAX_KEY_WORDS;
    size_t nf = form->n < MAX_KEY_WORDS ? form->n : MAX_KEY_WORDS;
    for (size_t start = 0; nf && start + nf <= nt; start++) {
        if (!same_word_at(text, start, form, 0))
            continue;
        size_t at = start, inserted = 0, k = 1;
        for (; k < nf; k++) {
            size_t next = at + 1;
            while (next < nt && inserted + (next - at - 1) <= MAX_INSERTED_WORDS &&
                   !same_word_at(text, next, form, k))
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

/* mark[f] = 1 for every form whose first word is one of t's first
 * MAX_KEY_WORDS (mark is all 0 before). */
static void mark_first_words(const first_words *fw, const word_list *t, size_t *mark)
{
    size_t nt = t->n < MAX_KEY_WORDS ? t->n : MAX_KEY_WORDS;
    for (size_t at = 0; at < nt; at++) {
        size_t n;
        const chained_form *c = forms_starting(fw, t->w[at], t->hash[at], &n);
        /* a form is in one chain: a chain marked once is marked whole */
        for (size_t k = 0; k < n && !mark[c[k].f]; k++)
            mark[c[k].f] = 1;
    }
}

/* Is form f, which ends at end (exact: matched with its diacritics),
 * better than the best so far? The longest, then the one that ends later,
 * then one matched with its diacritics, then the first in the catalogue. */
typedef struct best_so_far {
    size_t f, words, end; /* f == SIZE_MAX: none yet */
    bool exact;
} best_so_far;

static void consider(const struct pm_indicator_lexicon *lex, best_so_far *b, size_t f,
                     size_t end, bool exact)
{
    size_t words = lex->forms[f].fold.n;
    bool better = b->f == SIZE_MAX        ? true
                  : words != b->words     ? words > b->words
                  : end != b->end         ? end > b->end
                  : exact != b->exact     ? exact
                                          : f < b->f;
    if (better)
        *b = (best_so_far){f, words, end, exact};
}

/* The best form among found[] (forms with fold_end or ascii_end set;
 * fold_end/ascii_end: each form's end in the text's keys, 0 when absent). */
static const char *best_form(const struct pm_indicator_lexicon *lex, const size_t *fold_end,
                             const size_t *ascii_end, const uint32_t *found, size_t n_found)
{
    best_so_far b = {SIZE_MAX, 0, 0, false};
    for (size_t k = 0; k < n_found; k++) {
        size_t f = found[k];
        bool exact = fold_end[f] > 0;
        consider(lex, &b, f, exact ? fold_end[f] : ascii_end[f], exact);
    }
    return b.f == SIZE_MAX ? NULL : lex->forms[b.f].id;
}

enum { STACK_WORDS = 128 };

/* The words of a text's key and their word_hash, in the struct itself
 * when the key is short (a key has fewer words than bytes). */
typedef struct text_words {
    word_list list;
    void *heap;
    const char *stack_w[STACK_WORDS];
    uint64_t stack_h[STACK_WORDS];
} text_words;

/* Room in t for cap words. */
static bool words_room(text_words *t, size_t cap)
{
    t->heap = NULL;
    t->list.w = t->stack_w;
    t->list.hash = t->stack_h;
    t->list.n = 0;
    if (cap > STACK_WORDS) {
        t->heap = malloc(cap * (sizeof *t->list.w + sizeof *t->list.hash));
        if (!t->heap)
            return false;
        t->list.w = t->heap;
        t->list.hash = (uint64_t *)(t->list.w + cap);
    }
    return true;
}

static bool split_text(const pm_buf *key, text_words *t)
{
    free(t->heap);
    if (!words_room(t, key->len))
        return false;
    t->list.n = key_words(key->data, t->list.w, t->list.hash);
    return true;
}

/* word_key, key_words of it, strip_key of it and key_words of that, in
 * one pass over s through the tables, into fold, ascii, tf and ta (empty
 * before). The stripped key has a word for each word of the folded key
 * (no stripped character holds a ' '), so both are cut at the same
 * characters. False when s is not valid UTF-8 or has a character the
 * tables do not hold, left to the separate passes. */
static bool keys_in_one_pass(const struct pm_indicator_lexicon *lex, const char *s, size_t n,
                             pm_buf *fold, pm_buf *ascii, text_words *tf, text_words *ta)
{
    /* a character of k >= 1 bytes adds at most 2k to fold (lowered, from
     * the tables: at most 4 bytes, for 2 or 3; a separator: 1) and 4k to
     * ascii (stripped, from the tables: at most 7 bytes), so the buffers
     * never move while word pointers into them are taken */
    size_t max_words = n / 2 + 1;
    if (!pm_utf8_valid(s, n) || !pm_buf_reserve(fold, 2 * n + 2) ||
        !pm_buf_reserve(ascii, 4 * n + 2) || !words_room(tf, max_words) ||
        !words_room(ta, max_words))
        return false;
    const uint64_t basis = 1469598103934665603u, prime = 1099511628211u;
    char *fo = fold->data, *as = ascii->data;
    size_t fl = 0, al = 0, nw = 0;
    uint64_t hf = basis, ha = basis;
    bool in_word = false;
    fo[fl++] = as[al++] = ' ';
    for (size_t i = 0, k; i < n;) {
        unsigned char c = (unsigned char)s[i];
        const lowered_char *lc = NULL;
        char a = 0;
        if (c < 0x80) {
            i++;
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                a = (char)c;
            else if (c >= 'A' && c <= 'Z')
                a = (char)(c - 'A' + 'a');
        } else if ((lc = table_lowered(lex, s, n, i, &k)) != NULL) {
            i += k;
            if (lc->word && lc->strip_len > sizeof lc->strip)
                return false;
        } else {
            /* beyond the tables: a separator as word_key finds it, else
             * the separate passes */
            utf8proc_int32_t cp;
            utf8proc_ssize_t used = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                                     (utf8proc_ssize_t)(n - i), &cp);
            if (used < 1 || is_word_cp(utf8proc_tolower(cp)))
                return false;
            i += (size_t)used;
        }
        if (a || (lc && lc->word)) {
            if (!in_word) {
                tf->list.w[nw] = fo + fl;
                ta->list.w[nw] = as + al;
                hf = ha = basis;
                in_word = true;
            }
            if (a) {
                fo[fl++] = as[al++] = a;
                hf = (hf ^ (unsigned char)a) * prime;
                ha = (ha ^ (unsigned char)a) * prime;
                continue;
            }
            for (size_t b = 0; b < lc->len; b++) {
                fo[fl++] = lc->bytes[b];
                hf = (hf ^ (unsigned char)lc->bytes[b]) * prime;
            }
            for (size_t b = 0; b < lc->strip_len; b++) {
                as[al++] = lc->strip[b];
                ha = (ha ^ (unsigned char)lc->strip[b]) * prime;
            }
        } else if (in_word) {
            tf->list.hash[nw] = hf;
            ta->list.hash[nw++] = ha;
            fo[fl++] = as[al++] = ' ';
            in_word = false;
        }
    }
    if (in_word) {
        tf->list.hash[nw] = hf;
        ta->list.hash[nw++] = ha;
        fo[fl++] = as[al++] = ' ';
    }
    fold->len = fl;
    ascii->len = al;
    fo[fl] = as[al] = '\0';
    tf->list.n = ta->list.n = nw;
    return true;
}

enum { STACK_FORMS = 128 };

/* A form as written wins; only when none occurs do qualifiers inserted
 * between its words count. */
const char *pm_indicator_id(const pm_extractor *x, const char *s, size_t n)
{
    if (!x || !x->indicator || !s || !n)
        return NULL;
    const struct pm_indicator_lexicon *lex = x->indicator;
    pm_buf fold = {0}, ascii = {0};
    text_words tf, ta;
    tf.heap = ta.heap = NULL;
    void *heap = NULL;
    const char *best = NULL;
    bool one_pass = keys_in_one_pass(lex, s, n, &fold, &ascii, &tf, &ta);
    if (!one_pass) {
        pm_buf_reset(&fold);
        word_key(lex, s, n, &fold);
        if (fold.failed || !pm_buf_cstr(&fold) || !split_text(&fold, &tf))
            goto done;
    }
    uint64_t bits = 0;
    for (size_t i = 0; i < tf.list.n; i++)
        bits |= word_bit(tf.list.hash[i]);
    /* a fix changes the folded key: its words and the stripped key anew */
    bool fixed = apply_fixes(lex, &fold, bits);
    if (fixed && (fold.failed || !pm_buf_cstr(&fold) || !split_text(&fold, &tf)))
        goto done;
    if (fixed || !one_pass) {
        pm_buf_reset(&ascii);
        strip_key(lex, fold.data, fold.len, &ascii);
        if (ascii.failed || !pm_buf_cstr(&ascii) || !split_text(&ascii, &ta))
            goto done;
    }
    /* each form's end in either key (0: absent), and the forms found */
    size_t stack_end[2 * (STACK_FORMS + 1)];
    uint32_t stack_found[2 * STACK_FORMS];
    size_t *fold_end = stack_end;
    uint32_t *found = stack_found;
    size_t n_found = 0;
    if (lex->n_forms > STACK_FORMS) {
        heap = malloc(2 * (lex->n_forms + 1) * sizeof *fold_end + 2 * lex->n_forms * sizeof *found);
        if (!heap)
            goto done;
        fold_end = heap;
        found = (uint32_t *)(fold_end + 2 * (lex->n_forms + 1));
    }
    memset(fold_end, 0, 2 * (lex->n_forms + 1) * sizeof *fold_end);
    size_t *ascii_end = fold_end + lex->n_forms + 1;
    contiguous_ends(lex, &lex->first_fold, false, &tf.list, fold_end, found, &n_found);
    contiguous_ends(lex, &lex->first_ascii, true, &ta.list, ascii_end, found, &n_found);
    best = best_form(lex, fold_end, ascii_end, found, n_found);
    if (!best) {
        /* A gapped match starts at one of the first MAX_KEY_WORDS words:
         * only forms whose first word is among them (found through the
         * first-word tables, marked 1 in the zeroed ends) can have one. */
        mark_first_words(&lex->first_fold, &tf.list, fold_end);
        mark_first_words(&lex->first_ascii, &ta.list, ascii_end);
        n_found = 0;
        for (size_t f = 0; f < lex->n_forms; f++) {
            bool ascii_may = ascii_end[f] != 0;
            fold_end[f] = fold_end[f] ? gapped_match_end(&tf.list, &lex->forms[f].fold) : 0;
            ascii_end[f] =
                !fold_end[f] && ascii_may ? gapped_match_end(&ta.list, &lex->forms[f].ascii) : 0;
            if (fold_end[f] || ascii_end[f])
                found[n_found++] = (uint32_t)f;
        }
        best = best_form(lex, fold_end, ascii_end, found, n_found);
    }
done:
    free(heap);
    free(tf.heap);
    free(ta.heap);
    pm_buf_free(&fold);
    pm_buf_free(&ascii);
    return best;
}

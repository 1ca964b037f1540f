/* legacy.c: tables of the legacy Vietnamese encodings and the syllable
 * grammar that picks one (see text.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text/internal.h"
#include "text/internal.h"

enum { MAX_ENCODINGS = 8, MAX_SYLLABLE_BYTES = 24, GUESS_BYTES = 64 * 1024 };
#define NO_CP UINT32_MAX

struct pm_legacy_encoding {
    char name[32];
    uint32_t single[256]; /* NO_CP: not in the encoding */
    uint32_t *pairs;      /* [first << 8 | second], NULL when it has none */
};

/* Sorted, so lookups are a binary search. */
typedef struct word_set {
    char **items;
    size_t len, cap;
} word_set;

struct pm_legacy {
    pm_legacy_encoding enc[MAX_ENCODINGS];
    size_t n_enc;
    word_set onsets, rhymes;
};

pm_status pm_legacy_new(pm_legacy **out, pm_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return pm_fail(err, PM_ERR_NOMEM, "", 0, "out of memory");
    return PM_OK;
}

static void word_set_free(word_set *s)
{
    for (size_t i = 0; i < s->len; i++)
        free(s->items[i]);
    free(s->items);
}

void pm_legacy_free(pm_legacy *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->n_enc; i++)
        free(l->enc[i].pairs);
    word_set_free(&l->onsets);
    word_set_free(&l->rhymes);
    free(l);
}

static pm_legacy_encoding *encoding_named(const pm_legacy *l, const char *name)
{
    for (size_t i = 0; i < l->n_enc; i++)
        if (!strcasecmp(l->enc[i].name, name))
            return (pm_legacy_encoding *)&l->enc[i];
    return NULL;
}

pm_status pm_legacy_add_mapping(pm_legacy *l, const char *encoding, const char *bytes,
                                const char *code_point, const char *file, size_t line,
                                pm_error *err)
{
    unsigned b[2];
    int n_bytes = 0, used = 0;
    unsigned long cp;
    char *end;
    if (sscanf(bytes, "%2x%n %2x%n", &b[0], &used, &b[1], &used) >= 1)
        n_bytes = bytes[used] == '\0' ? (used > 3 ? 2 : 1) : 0;
    if (!n_bytes)
        return pm_fail(err, PM_ERR_PATTERN, file, line,
                       "bytes '%s' are not one or two hex bytes", bytes);
    if (strncmp(code_point, "U+", 2) != 0 || (cp = strtoul(code_point + 2, &end, 16), *end) ||
        cp > 0x10FFFF)
        return pm_fail(err, PM_ERR_PATTERN, file, line, "'%s' is not a code point (U+XXXX)",
                       code_point);
    pm_legacy_encoding *e = encoding_named(l, encoding);
    if (!e) {
        if (l->n_enc == MAX_ENCODINGS || strlen(encoding) >= sizeof e->name)
            return pm_fail(err, PM_ERR_PATTERN, file, line, "too many encodings or name too long");
        e = &l->enc[l->n_enc++];
        snprintf(e->name, sizeof e->name, "%s", encoding);
        for (unsigned i = 0; i < 256; i++)
            e->single[i] = i < 0x80 ? i : NO_CP;
    }
    if (n_bytes == 1) {
        e->single[b[0]] = (uint32_t)cp;
        return PM_OK;
    }
    if (!e->pairs) {
        e->pairs = malloc(65536 * sizeof *e->pairs);
        if (!e->pairs)
            return pm_fail(err, PM_ERR_NOMEM, file, line, "out of memory");
        for (size_t i = 0; i < 65536; i++)
            e->pairs[i] = NO_CP;
    }
    e->pairs[b[0] << 8 | b[1]] = (uint32_t)cp;
    return PM_OK;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool word_set_has(const word_set *s, const char *w)
{
    return s->len && bsearch(&w, s->items, s->len, sizeof *s->items, compare_strings);
}

pm_status pm_legacy_add_syllable_part(pm_legacy *l, const char *kind, const char *letters,
                                      const char *file, size_t line, pm_error *err)
{
    word_set *s = !strcmp(kind, "onset") ? &l->onsets : !strcmp(kind, "rhyme") ? &l->rhymes : NULL;
    if (!s)
        return pm_fail(err, PM_ERR_PATTERN, file, line, "kind '%s' is not onset or rhyme", kind);
    if (strlen(letters) >= MAX_SYLLABLE_BYTES)
        return pm_fail(err, PM_ERR_PATTERN, file, line, "'%s' is too long", letters);
    if (word_set_has(s, letters))
        return PM_OK;
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        char **grown = realloc(s->items, cap * sizeof *grown);
        if (!grown)
            return pm_fail(err, PM_ERR_NOMEM, file, line, "out of memory");
        s->items = grown;
        s->cap = cap;
    }
    char *copy = strdup(letters);
    if (!copy)
        return pm_fail(err, PM_ERR_NOMEM, file, line, "out of memory");
    size_t at = s->len; /* insertion keeps the few hundred rows sorted */
    while (at && strcmp(s->items[at - 1], copy) > 0) {
        s->items[at] = s->items[at - 1];
        at--;
    }
    s->items[at] = copy;
    s->len++;
    return PM_OK;
}

/* ---- syllables ------------------------------------------------------------- */

static bool is_tone_mark(utf8proc_int32_t cp)
{
    return cp == 0x0300 || cp == 0x0301 || cp == 0x0303 || cp == 0x0309 || cp == 0x0323;
}

/* A word's letters without tone marks, lower case, NFC; false when it has
 * more than one tone mark or is too long to be a syllable. */
static bool toneless(const utf8proc_int32_t *cps, size_t n, char out[MAX_SYLLABLE_BYTES])
{
    utf8proc_int32_t buf[MAX_SYLLABLE_BYTES];
    size_t len = 0;
    int tones = 0;
    for (size_t i = 0; i < n; i++) {
        utf8proc_int32_t parts[8];
        utf8proc_ssize_t np = utf8proc_decompose_char(cps[i], parts, 8, UTF8PROC_DECOMPOSE, NULL);
        if (np < 1 || np > 8)
            return false;
        for (utf8proc_ssize_t k = 0; k < np; k++) {
            if (is_tone_mark(parts[k])) {
                tones++;
                continue;
            }
            if (len == MAX_SYLLABLE_BYTES)
                return false;
            buf[len++] = utf8proc_tolower(parts[k]);
        }
    }
    if (tones > 1)
        return false;
    utf8proc_ssize_t m = utf8proc_normalize_utf32(buf, (utf8proc_ssize_t)len, UTF8PROC_COMPOSE);
    size_t o = 0;
    for (utf8proc_ssize_t i = 0; i < m; i++) {
        if (o + 4 >= MAX_SYLLABLE_BYTES)
            return false;
        o += (size_t)pm_utf8_put((uint32_t)buf[i], out + o);
    }
    out[o] = '\0';
    return true;
}

static bool is_syllable(const pm_legacy *l, const char *w)
{
    if (word_set_has(&l->rhymes, w))
        return true;
    char onset[MAX_SYLLABLE_BYTES];
    for (size_t k = 1; w[k]; k++) {
        memcpy(onset, w, k);
        onset[k] = '\0';
        if (word_set_has(&l->onsets, onset) && word_set_has(&l->rhymes, w + k))
            return true;
    }
    return false;
}

static bool is_word_cp(uint32_t cp)
{
    utf8proc_category_t c = utf8proc_category((utf8proc_int32_t)cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO) ||
           c == UTF8PROC_CATEGORY_MN;
}

double pm_legacy_syllable_share(const pm_legacy *l, const char *s, size_t n, size_t *words)
{
    utf8proc_int32_t word[MAX_SYLLABLE_BYTES];
    size_t len = 0, total = 0, valid = 0;
    bool non_ascii = false, overflow = false;
    for (size_t i = 0; i <= n;) {
        uint32_t cp = ' ';
        if (i < n) {
            int k = pm_utf8_next((const unsigned char *)s + i, n - i, &cp);
            i += (size_t)(k < 0 ? -k : k);
            if (k < 0)
                cp = 0xFFFD;
        } else {
            i++;
        }
        if (is_word_cp(cp) || cp == 0xFFFD) { /* a repaired byte spoils its word */
            if (len < MAX_SYLLABLE_BYTES)
                word[len++] = (utf8proc_int32_t)cp;
            else
                overflow = true;
            non_ascii |= cp >= 0x80;
            continue;
        }
        if (len && non_ascii) {
            char form[MAX_SYLLABLE_BYTES];
            total++;
            valid += !overflow && toneless(word, len, form) && is_syllable(l, form);
        }
        len = 0;
        non_ascii = overflow = false;
    }
    *words = total;
    return total ? (double)valid / (double)total : 0.0;
}

/* ---- decoding --------------------------------------------------------------- */

const pm_legacy_encoding *pm_legacy_find(const pm_legacy *l, const char *name)
{
    return encoding_named(l, name);
}

const char *pm_legacy_name(const pm_legacy_encoding *e)
{
    return e->name;
}

size_t pm_legacy_next(const pm_legacy_encoding *e, const unsigned char *p, size_t n,
                      uint32_t *cp, bool *invalid)
{
    *invalid = false;
    if (e->pairs && n >= 2 && e->pairs[p[0] << 8 | p[1]] != NO_CP) {
        *cp = e->pairs[p[0] << 8 | p[1]];
        return 2;
    }
    *cp = e->single[p[0]];
    if (*cp == NO_CP) {
        *cp = 0xFFFD;
        *invalid = true;
    }
    return 1;
}

const pm_legacy_encoding *pm_legacy_guess(const pm_legacy *l, const unsigned char *p, size_t n)
{
    if (n > GUESS_BYTES)
        n = GUESS_BYTES;
    pm_buf text = {0};
    const pm_legacy_encoding *best = NULL;
    double best_share = 0.5; /* below half the words: not this encoding */
    for (size_t e = 0; e < l->n_enc; e++) {
        pm_buf_reset(&text);
        for (size_t i = 0; i < n && pm_buf_reserve(&text, 4);) {
            uint32_t cp;
            bool invalid;
            i += pm_legacy_next(&l->enc[e], p + i, n - i, &cp, &invalid);
            text.len += (size_t)pm_utf8_put(cp, text.data + text.len);
        }
        size_t words;
        double share = pm_legacy_syllable_share(l, text.data ? text.data : "", text.len, &words);
        if (!text.failed && words && share > best_share) {
            best = &l->enc[e];
            best_share = share;
        }
    }
    pm_buf_free(&text);
    return best;
}

/* text/internal.h: helpers shared by the files of the text stage. */
#ifndef PM_TEXT_INTERNAL_H
#define PM_TEXT_INTERNAL_H

#include <stdint.h>

#include "text/text.h"

/* Decodes one UTF-8 sequence at p (n > 0 bytes available). Returns its
 * length (1-4) and sets *cp, or returns minus the length of the maximal
 * invalid subpart, which is replaced by one U+FFFD (Unicode 3.9, "best
 * practice" substitution), so repairs are the same everywhere. */
static inline int pm_utf8_next(const unsigned char *p, size_t n, uint32_t *cp)
{
    unsigned c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int need;
    uint32_t v;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return -1;
    }
    for (int k = 1; k <= need; k++) {
        if ((size_t)k >= n || p[k] < lo || p[k] > hi)
            return -k;
        lo = 0x80;
        hi = 0xBF;
        v = (v << 6) | (p[k] & 0x3Fu);
    }
    *cp = v;
    return need + 1;
}

/* Writes cp as UTF-8 into out (room for 4 bytes); returns the length. */
static inline int pm_utf8_put(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Code points that are NFC-stable starters no earlier character composes
 * with, so text made of them (and ASCII) can be copied without utf8proc:
 * Latin up to U+02FF, Cyrillic letters, Latin Extended Additional (all
 * precomposed Vietnamese letters), general punctuation, super/subscripts,
 * currency, arrows and mathematical operators (bullets and ≥ ≤ in plans),
 * box drawing to dingbats, the private use area (symbol-font bullets) and
 * U+FFFD. Every character that can be the
 * second half of a canonical composition is a combining mark, a Hangul
 * jamo or an Indic/Brahmic vowel sign, none of which is in these ranges
 * (test_text checks this against utf8proc's data). */
static inline bool pm_cp_nfc_fast(uint32_t cp)
{
    return cp < 0x300 || (cp >= 0x0400 && cp <= 0x0482) ||
           (cp >= 0x048A && cp <= 0x04FF) || (cp >= 0x1E00 && cp <= 0x1EFF) ||
           (cp >= 0x2010 && cp <= 0x20CF) || (cp >= 0x2190 && cp <= 0x22FF) ||
           (cp >= 0x2500 && cp <= 0x27BF) || (cp >= 0xE000 && cp <= 0xF8FF) || cp == 0xFFFD;
}

/* ---- legacy encodings (legacy.c) ---------------------------------------- */
typedef struct pm_legacy_encoding pm_legacy_encoding;

/* The encoding called `name` (any case), or NULL. */
const pm_legacy_encoding *pm_legacy_find(const pm_legacy *l, const char *name);
const char *pm_legacy_name(const pm_legacy_encoding *e);
/* Decodes the character at p (n > 0 bytes); returns the bytes it takes.
 * A byte outside the encoding gives U+FFFD and *invalid. */
size_t pm_legacy_next(const pm_legacy_encoding *e, const unsigned char *p, size_t n,
                      uint32_t *cp, bool *invalid);
/* The encoding whose decoding of (the start of) p has the highest share of
 * Vietnamese syllables, if at least half; NULL otherwise. */
const pm_legacy_encoding *pm_legacy_guess(const pm_legacy *l, const unsigned char *p, size_t n);

#endif

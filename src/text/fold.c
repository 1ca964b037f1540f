/* fold.c: case folding, diacritic stripping, slugs, NFC and UTF-8
 * validation for matching. ASCII takes a word or byte path, Latin letters
 * a table computed once, other characters utf8proc one code point at a
 * time, writing into the caller's buffer (no allocation per character). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "text/internal.h"

/* The code point at s[*i] (U+FFFD for an invalid sequence); advances *i. */
static uint32_t next_cp(const char *s, size_t n, size_t *i, bool *invalid)
{
    uint32_t cp = 0xFFFD;
    int k = pm_utf8_next((const unsigned char *)s + *i, n - *i, &cp);
    *invalid = k < 0;
    if (k < 0) {
        cp = 0xFFFD;
        k = -k;
    }
    *i += (size_t)k;
    return cp;
}

/* next_cp with the sequences of precomposed Vietnamese letters (two
 * bytes, or three from E1, which has no forbidden second byte) decoded
 * inline: the loops below meet one every few bytes. */
static inline uint32_t next_letter(const char *text, size_t n, size_t *i)
{
    const unsigned char *s = (const unsigned char *)text + *i;
    size_t left = n - *i;
    if (s[0] >= 0xC2 && s[0] <= 0xDF && left >= 2 && (s[1] & 0xC0) == 0x80) {
        *i += 2;
        return (uint32_t)(s[0] & 0x1F) << 6 | (s[1] & 0x3F);
    }
    if (s[0] == 0xE1 && left >= 3 && (s[1] & 0xC0) == 0x80 && (s[2] & 0xC0) == 0x80) {
        *i += 3;
        return 0x1000 | (uint32_t)(s[1] & 0x3F) << 6 | (s[2] & 0x3F);
    }
    bool invalid;
    return next_cp(text, n, i, &invalid);
}

static void put_cp(pm_buf *out, uint32_t cp)
{
    if (!pm_buf_reserve(out, 4))
        return;
    out->len += (size_t)pm_utf8_put(cp, out->data + out->len);
}

/* The letters of cp without their diacritics, into base[0..return). */
static size_t decompose_base_letters(uint32_t cp, uint32_t base[8])
{
    if (cp == 0x0111 || cp == 0x0110) { /* đ, Đ have no decomposition */
        base[0] = cp == 0x0111 ? 'd' : 'D';
        return 1;
    }
    utf8proc_int32_t parts[8];
    utf8proc_ssize_t np = utf8proc_decompose_char((utf8proc_int32_t)cp, parts, 8,
                                                  UTF8PROC_DECOMPOSE, NULL);
    if (np < 1 || np > 8) {
        base[0] = cp;
        return 1;
    }
    size_t nb = 0;
    for (utf8proc_ssize_t i = 0; i < np; i++) {
        utf8proc_category_t cat = utf8proc_category(parts[i]);
        if (cat != UTF8PROC_CATEGORY_MN && cat != UTF8PROC_CATEGORY_ME)
            base[nb++] = (uint32_t)parts[i];
    }
    return nb;
}

/* decompose_base_letters and the lower case of every Latin letter
 * (U+0080..U+024F and U+1E00..U+1EFF hold all the Vietnamese ones),
 * computed once: utf8proc spends hundreds of instructions on each and the
 * text is full of them. */
enum { LATIN_END = 0x250, LATIN_EXTENDED = 0x1E00, LATIN_EXTENDED_END = 0x1F00 };

typedef struct cached_letters {
    uint8_t n; /* > 2: base not cached */
    uint32_t base[2];
    uint32_t lower;
} cached_letters;

static cached_letters latin_letters[LATIN_END - 0x80 + LATIN_EXTENDED_END - LATIN_EXTENDED];
static pthread_once_t latin_letters_once = PTHREAD_ONCE_INIT;

static uint32_t latin_code_point(size_t slot)
{
    return (uint32_t)(slot < LATIN_END - 0x80 ? slot + 0x80
                                               : slot - (LATIN_END - 0x80) + LATIN_EXTENDED);
}

static void fill_latin_letters(void)
{
    for (size_t slot = 0; slot < sizeof latin_letters / sizeof *latin_letters; slot++) {
        uint32_t cp = latin_code_point(slot), base[8];
        size_t nb = decompose_base_letters(cp, base);
        cached_letters *c = &latin_letters[slot];
        c->n = (uint8_t)(nb <= 2 ? nb : 0xFF);
        for (size_t j = 0; j < nb && j < 2; j++)
            c->base[j] = base[j];
        c->lower = (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
    }
}

/* The cache entry of cp, or NULL outside the Latin ranges. *table is the
 * filled cache once a caller has asked for it (one pthread_once per call
 * of the functions below, not per character). */
static const cached_letters *latin_entry(const cached_letters **table, uint32_t cp)
{
    size_t slot;
    if (cp >= 0x80 && cp < LATIN_END)
        slot = cp - 0x80;
    else if (cp >= LATIN_EXTENDED && cp < LATIN_EXTENDED_END)
        slot = LATIN_END - 0x80 + (cp - LATIN_EXTENDED);
    else
        return NULL;
    if (!*table) {
        pthread_once(&latin_letters_once, fill_latin_letters);
        *table = latin_letters;
    }
    return &(*table)[slot];
}

static size_t base_letters(const cached_letters **table, uint32_t cp, uint32_t base[8])
{
    const cached_letters *c = latin_entry(table, cp);
    if (!c || c->n > 2)
        return decompose_base_letters(cp, base);
    for (size_t j = 0; j < c->n; j++)
        base[j] = c->base[j];
    return c->n;
}

static size_t utf8_length(uint32_t cp)
{
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* pm_fold_lower and pm_strip_marks reserve the input's length once and
 * keep room for the rest of the input (rest bytes) after each character:
 * ASCII and most letters never give more bytes than they take. This
 * appends cps[0..k), which replace `took` bytes, reserving only when
 * they are longer. */
static bool put_in_room(pm_buf *out, const uint32_t *cps, size_t k, size_t took, size_t rest)
{
    size_t m = 0;
    for (size_t j = 0; j < k; j++)
        m += utf8_length(cps[j]);
    if (m > took && !pm_buf_reserve(out, m + rest))
        return false;
    for (size_t j = 0; j < k; j++)
        out->len += (size_t)pm_utf8_put(cps[j], out->data + out->len);
    return true;
}

/* The 8 bytes at s as a word, when they are all ASCII. */
static bool ascii_word(const char *s, uint64_t *w)
{
    memcpy(w, s, sizeof *w);
    return !(*w & 0x8080808080808080u);
}

/* pm_buf_reserve without the call when the room is there (quantity.c
 * strips one character at a time). */
static bool reserve(pm_buf *out, size_t n)
{
    return (!out->failed && out->cap - out->len > n) || pm_buf_reserve(out, n);
}

void pm_fold_lower(const char *s, size_t n, pm_buf *out)
{
    if (!reserve(out, n))
        return;
    const cached_letters *latin = NULL;
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (n - i >= 8 && ascii_word(s + i, &w)) {
            /* Bytes 'A'..'Z' get 0x20: x + 0x3F has the high bit from 'A'
             * on, x + 0x25 from '[' on, and no byte carries into the next. */
            const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
            uint64_t upper = (w + 0x3F * ones) & ~(w + 0x25 * ones) & highs;
            w |= upper >> 2;
            memcpy(out->data + out->len, &w, sizeof w);
            out->len += sizeof w;
            i += sizeof w;
            continue;
        }
        char c = s[i];
        if ((unsigned char)c < 0x80) {
            out->data[out->len++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            i++;
            continue;
        }
        size_t at = i;
        uint32_t cp = next_letter(s, n, &i);
        /* Simple lower-case mappings keep precomposed letters precomposed,
         * so NFC input stays NFC. */
        const cached_letters *e = latin_entry(&latin, cp);
        uint32_t lower = e ? e->lower : (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp);
        if (utf8_length(lower) <= i - at) /* no longer than the capital: fits the room */
            out->len += (size_t)pm_utf8_put(lower, out->data + out->len);
        else if (!put_in_room(out, &lower, 1, i - at, n - i))
            return;
    }
}

void pm_strip_marks(const char *s, size_t n, pm_buf *out)
{
    if (!n || !reserve(out, n))
        return;
    const cached_letters *latin = NULL;
    for (size_t i = 0; i < n;) {
        uint64_t w;
        if (n - i >= 8 && ascii_word(s + i, &w)) {
            memcpy(out->data + out->len, &w, sizeof w);
            out->len += sizeof w;
            i += sizeof w;
            continue;
        }
        if ((unsigned char)s[i] < 0x80) {
            out->data[out->len++] = s[i++];
            continue;
        }
        size_t at = i;
        uint32_t cp = next_letter(s, n, &i);
        const cached_letters *e = latin_entry(&latin, cp);
        if (e && e->n == 1 && e->base[0] < 0x80) { /* a letter with marks */
            out->data[out->len++] = (char)e->base[0];
            continue;
        }
        uint32_t base[8];
        size_t nb = base_letters(&latin, cp, base);
        if (!put_in_room(out, base, nb, i - at, n - i))
            return;
    }
}

void pm_slugify(const char *s, size_t n, pm_buf *out)
{
    const cached_letters *latin = NULL;
    size_t start = out->len;
    bool dash = false; /* a run of separators is waiting */
    for (size_t i = 0; i < n;) {
        uint32_t base[8];
        size_t nb;
        if ((unsigned char)s[i] < 0x80) {
            base[0] = (unsigned char)s[i++];
            nb = 1;
        } else {
            nb = base_letters(&latin, next_letter(s, n, &i), base);
        }
        for (size_t j = 0; j < nb; j++) {
            uint32_t c = base[j];
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                if (dash && out->len > start)
                    pm_buf_putc(out, '-');
                dash = false;
                pm_buf_putc(out, (char)c);
            } else {
                dash = true;
            }
        }
    }
}

void pm_nfc(const char *s, size_t n, pm_buf *out)
{
    bool stable = true; /* valid and made only of NFC-stable characters */
    for (size_t i = 0; i < n && stable;) {
        bool invalid;
        uint32_t cp = next_cp(s, n, &i, &invalid);
        stable = !invalid && pm_cp_nfc_fast(cp);
    }
    if (stable) {
        pm_buf_append(out, s, n);
        return;
    }
    pm_buf repaired = {0};
    for (size_t i = 0; i < n;) {
        bool invalid;
        put_cp(&repaired, next_cp(s, n, &i, &invalid));
    }
    utf8proc_uint8_t *nfc = NULL;
    utf8proc_ssize_t len = -1;
    if (!repaired.failed)
        len = utf8proc_map((const utf8proc_uint8_t *)pm_buf_cstr(&repaired),
                           (utf8proc_ssize_t)repaired.len, &nfc,
                           UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (len >= 0)
        pm_buf_append(out, nfc, (size_t)len);
    else
        out->failed = true;
    free(nfc);
    pm_buf_free(&repaired);
}

/* ---- UTF-8 validation --------------------------------------------------- */

/* A shift DFA: the next state is row >> state, where the row of a byte holds
 * the next state of every state in 6-bit fields. The states after a lead
 * byte say what the rest of its sequence may hold, following the table of
 * well-formed sequences in Unicode 3.9 (which PCRE2 checks too). */
enum {
    V_ACCEPT = 0,
    V_INVALID = 6, /* final */
    V_CONT1 = 12, /* one more continuation byte 80..BF */
    V_CONT2 = 18, /* two more */
    V_CONT3 = 24, /* three more (after F1..F3) */
    V_E0 = 30,    /* A0..BF, then one more (no overlong forms) */
    V_ED = 36,    /* 80..9F, then one more (no surrogates) */
    V_F0 = 42,    /* 90..BF, then two more (no overlong forms) */
    V_F4 = 48,    /* 80..8F, then two more (nothing past U+10FFFF) */
};

/* The next states from ACCEPT, CONT1, CONT2, CONT3, E0, ED, F0 and F4. */
#define V_ROW(accept, cont1, cont2, cont3, e0, ed, f0, f4)                                \
    ((uint64_t)(accept) << V_ACCEPT | (uint64_t)V_INVALID << V_INVALID | \
     (uint64_t)(cont1) << V_CONT1 | (uint64_t)(cont2) << V_CONT2 |                         \
     (uint64_t)(cont3) << V_CONT3 | (uint64_t)(e0) << V_E0 | (uint64_t)(ed) << V_ED |      \
     (uint64_t)(f0) << V_F0 | (uint64_t)(f4) << V_F4)
#define XX V_INVALID
#define AS V_ROW(V_ACCEPT, XX, XX, XX, XX, XX, XX, XX)
/* continuation bytes 80..8F, 90..9F, A0..BF */
#define C8 V_ROW(XX, V_ACCEPT, V_CONT1, V_CONT2, XX, V_CONT1, XX, V_CONT2)
#define C9 V_ROW(XX, V_ACCEPT, V_CONT1, V_CONT2, XX, V_CONT1, V_CONT2, XX)
#define CA V_ROW(XX, V_ACCEPT, V_CONT1, V_CONT2, V_CONT1, XX, V_CONT2, XX)
/* leads */
#define L2 V_ROW(V_CONT1, XX, XX, XX, XX, XX, XX, XX)
#define E0 V_ROW(V_E0, XX, XX, XX, XX, XX, XX, XX)
#define L3 V_ROW(V_CONT2, XX, XX, XX, XX, XX, XX, XX)
#define ED V_ROW(V_ED, XX, XX, XX, XX, XX, XX, XX)
#define F0 V_ROW(V_F0, XX, XX, XX, XX, XX, XX, XX)
#define L4 V_ROW(V_CONT3, XX, XX, XX, XX, XX, XX, XX)
#define F4 V_ROW(V_F4, XX, XX, XX, XX, XX, XX, XX)
/* C0, C1, F5..FF never occur */
#define BD V_ROW(XX, XX, XX, XX, XX, XX, XX, XX)
static const uint64_t utf8_rows[256] = {
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 00 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 10 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 20 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 30 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 40 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 50 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 60 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 70 */
    C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, C8, /* 80 */
    C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, C9, /* 90 */
    CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, /* A0 */
    CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, CA, /* B0 */
    BD, BD, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, /* C0 */
    L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, L2, /* D0 */
    E0, L3, L3, L3, L3, L3, L3, L3, L3, L3, L3, L3, L3, ED, L3, L3, /* E0 */
    F0, L4, L4, L4, F4, BD, BD, BD, BD, BD, BD, BD, BD, BD, BD, BD, /* F0 */
};
#undef XX
#undef AS
#undef C8
#undef C9
#undef CA
#undef L2
#undef E0
#undef L3
#undef ED
#undef F0
#undef L4
#undef F4
#undef BD
#undef V_ROW

static inline uint64_t utf8_step(uint64_t state, unsigned char byte)
{
    return utf8_rows[byte] >> (state & 63); /* the & 63 is free on x86 */
}

bool pm_utf8_valid(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    /* Two halves checked side by side: each byte's step waits for the one
     * before it, so one chain keeps the CPU idle half the time. The halves
     * meet at a character start (well-formed text has one at most 3 bytes
     * back); the text is well-formed iff both halves are, wherever they
     * meet, as long as the split is at a boundary when the text is. */
    size_t mid = n / 2;
    for (int k = 0; k < 3 && mid > 0 && (s[mid] & 0xC0) == 0x80; k++)
        mid--;
    const unsigned char *b = s + mid;
    size_t na = mid, nb = n - mid, both = na < nb ? na : nb;
    uint64_t sa = V_ACCEPT, sb = V_ACCEPT;
    for (size_t i = 0; i < both; i++) {
        sa = utf8_step(sa, s[i]);
        sb = utf8_step(sb, b[i]);
    }
    for (size_t i = both; i < na; i++)
        sa = utf8_step(sa, s[i]);
    for (size_t i = both; i < nb; i++)
        sb = utf8_step(sb, b[i]);
    return (sa & 63) == V_ACCEPT && (sb & 63) == V_ACCEPT;
}

/* fold.c: case folding, diacritic stripping, slugs and NFC for matching.
 * ASCII takes a byte path; other characters go through utf8proc one code
 * point at a time, writing into the caller's buffer (no allocation per
 * character). */
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

static void put_cp(pm_buf *out, uint32_t cp)
{
    if (!pm_buf_reserve(out, 4))
        return;
    out->len += (size_t)pm_utf8_put(cp, out->data + out->len);
}

void pm_fold_lower(const char *s, size_t n, pm_buf *out)
{
    /* ASCII is written straight into the room reserved for the rest. */
    if (!pm_buf_reserve(out, n))
        return;
    for (size_t i = 0; i < n;) {
        char c = s[i];
        if ((unsigned char)c < 0x80) {
            out->data[out->len++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
            i++;
            continue;
        }
        bool invalid;
        uint32_t cp = next_cp(s, n, &i, &invalid);
        /* Simple lower-case mappings keep precomposed letters precomposed,
         * so NFC input stays NFC. */
        put_cp(out, (uint32_t)utf8proc_tolower((utf8proc_int32_t)cp));
        if (!pm_buf_reserve(out, n - i))
            return;
    }
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

/* decompose_base_letters of every Latin letter (U+0080..U+024F and
 * U+1E00..U+1EFF hold all the Vietnamese ones), computed once: utf8proc
 * spends hundreds of instructions on each and the text is full of them. */
enum { LATIN_END = 0x250, LATIN_EXTENDED = 0x1E00, LATIN_EXTENDED_END = 0x1F00 };

typedef struct cached_letters {
    uint8_t n; /* > 2: not cached */
    uint32_t base[2];
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
        uint32_t base[8];
        size_t nb = decompose_base_letters(latin_code_point(slot), base);
        cached_letters *c = &latin_letters[slot];
        c->n = (uint8_t)(nb <= 2 ? nb : 0xFF);
        for (size_t j = 0; j < nb && j < 2; j++)
            c->base[j] = base[j];
    }
}

static size_t base_letters(uint32_t cp, uint32_t base[8])
{
    size_t slot;
    if (cp >= 0x80 && cp < LATIN_END)
        slot = cp - 0x80;
    else if (cp >= LATIN_EXTENDED && cp < LATIN_EXTENDED_END)
        slot = LATIN_END - 0x80 + (cp - LATIN_EXTENDED);
    else
        return decompose_base_letters(cp, base);
    pthread_once(&latin_letters_once, fill_latin_letters);
    const cached_letters *c = &latin_letters[slot];
    if (c->n > 2)
        return decompose_base_letters(cp, base);
    for (size_t j = 0; j < c->n; j++)
        base[j] = c->base[j];
    return c->n;
}

void pm_strip_marks(const char *s, size_t n, pm_buf *out)
{
    for (size_t i = 0; i < n;) {
        if ((unsigned char)s[i] < 0x80) {
            pm_buf_putc(out, s[i++]);
            continue;
        }
        bool invalid;
        uint32_t base[8];
        size_t nb = base_letters(next_cp(s, n, &i, &invalid), base);
        for (size_t j = 0; j < nb; j++)
            put_cp(out, base[j]);
    }
}

void pm_slugify(const char *s, size_t n, pm_buf *out)
{
    size_t start = out->len;
    bool dash = false; /* a run of separators is waiting */
    for (size_t i = 0; i < n;) {
        uint32_t base[8];
        size_t nb;
        if ((unsigned char)s[i] < 0x80) {
            base[0] = (unsigned char)s[i++];
            nb = 1;
        } else {
            bool invalid;
            nb = base_letters(next_cp(s, n, &i, &invalid), base);
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

bool pm_utf8_valid(const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], cp;
        size_t more;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF)
            more = 1, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            more = 2, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            more = 3, cp = c & 0x07;
        else
            return false;
        if (n - i <= more)
            return false;
        for (size_t j = 1; j <= more; j++) {
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
            cp = cp << 6 | (s[i + j] & 0x3F);
        }
        if ((more == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
            (more == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
            return false;
        i += more + 1;
    }
    return true;
}

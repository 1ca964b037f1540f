/* quantity.c: Vietnamese numbers and quantities (comparator + number or
 * range + unit) in prose and in table cells.
 *
 * The shapes are regexes in patterns/quantities.pcre and the units a table
 * in patterns/quantities.tsv. Both are matched against a folded key of the
 * text — diacritics stripped character by character, with a map back to
 * the original offsets — so OCR diacritic slips (`Phần đầu` for `Phấn đấu`)
 * change nothing. What the regexes cannot say well is decided here: whether
 * a number is well formed, a year, a label or a code, and whether a bare
 * number is a value at all. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "extract/internal.h"

typedef struct unit_form {
    char *key;        /* the written form, folded and lower case */
    size_t len;
    const char *unit; /* what is reported (a string of the table) */
} unit_form;

typedef struct folded_char {
    uint8_t len; /* > sizeof bytes: not cached */
    bool digit;  /* a decimal digit among bytes (see next_digit) */
    char bytes[6];
} folded_char;

/* The first words of the `value` regex (value_openers): how many, and the
 * most letters one has. */
enum { N_OPENERS = 16, MAX_OPENER = 8, MAX_SAME_LETTER = 4 };
/* The words of the `value` comparators, fillers and `từ` (bridge_words). */
enum { N_BRIDGE_WORDS = 26 };

/* Where U+1E00 is in the table of folds, and its size (see folds). */
enum { FOLD3 = 0xE00, N_FOLDS = 0x1000 };

/* What a byte says about a digit in the key: none, one (an ASCII digit),
 * or look at the character it leads. */
enum { DIGIT_NONE, DIGIT_ASCII, DIGIT_LOOK, DIGIT_LATIN3 /* 0xE1: look unless U+1Exx */ };

struct pm_quantity_lexicon {
    const pcre2_code *value;           /* comparator? from? number (range)? */
    const pcre2_code *excluded_before; /* `năm`, `số`, `loại` ... + number */
    const pcre2_code *excluded_after;  /* number + `/`, `-NQ`, `:1993` ... */
    const pcre2_code *bound_suffix;    /* `trở lên`, `trở xuống` */
    const pcre2_code *range_tail;      /* `đến 10` after `từ 8 m²` */
    const pcre2_code *aspiration;      /* `phấn đấu` and OCR variants */
    const pcre2_code *magnitude;       /* `triệu`, `nghìn tỷ` before what is counted */
    const pcre2_code *counted_noun;    /* a noun after a number: what it counts */
    const pcre2_code *share_of;        /* `các`, `số` after a percent: of a set */
    const pcre2_code *rate_tail;       /* `bệnh/vạn dân` after a counted noun */
    const pcre2_code *attained;        /* `đạt (khoảng)` before the number */
    const pcre2_code *time_noun;       /* `tuổi`, `năm` after an attained value */
    /* the fast paths that hold for the loaded regexes (pm_proof) */
    bool value_proven, excluded_proven, attained_proven, aspiration_proven, after_proven,
        bound_proven, magnitude_proven, noun_proven, rate_proven;
    uint8_t digit_class[256];    /* of a byte, for key_may_have_digit */
    /* from digit_class: the least byte of class DIGIT_LOOK or DIGIT_LATIN3
     * (0x80 and up; 0 when none) and the byte of class DIGIT_LATIN3 (0 when
     * none), for the eight-byte test of key_may_have_digit */
    uint8_t look_min, latin3_lead;
    /* value_openers by first letter, packed as opener_word reads words
     * (0 after the last) */
    uint64_t openers_by_letter[26][MAX_SAME_LETTER];
    uint64_t bridge_packed[N_BRIDGE_WORDS]; /* bridge_words, packed as packed_word */
    /* group numbers, looked up once: the `value` comparator groups in the
     * order of comparator_ops, then its other groups, and one of each of
     * range_tail (n2), bound_suffix (ge) and time_noun (unit) */
    int g_ops[6], g_from, g_n1, g_pct1, g_n2, g_pct2, g_gt, g_tail_n2, g_bound_ge, g_time_unit;
    unit_form *units;
    size_t n_units;
    /* The units that may match at a byte, in table order: unit_order[
     * unit_first[b] .. unit_first[b + 1]) for byte b (see match_unit). */
    size_t unit_first[257];
    size_t *unit_order;
    /* pm_strip_marks of each two-byte character (U+0080..U+07FF) and of
     * U+1E00..U+1EFF (the Vietnamese letters), computed once, at the low
     * six bits of the last two bytes of the character: its code point for
     * the first, FOLD3 + cp - 0x1E00 for the others (E1 B8..BB xx). Other
     * entries are not cached. */
    folded_char folds[N_FOLDS];
    unit_form *magnitudes; /* `triệu` -> 1e6: unit is the factor, as text */
    double *factors;       /* factors[i] of magnitudes[i] */
    size_t n_magnitudes;
};

/* ---- numbers ------------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static size_t digit_run(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n && is_digit(s[j]))
        j++;
    return j - i;
}

/* Digits are accumulated as an integer and divided once by a power of ten,
 * so `1.573,1` is exactly the double nearest 1573.1 (for up to 15 digits). */
size_t pm_parse_number(const char *s, size_t n, double *out)
{
    size_t i = digit_run(s, n, 0);
    if (i == 0)
        return 0;
    double mantissa = 0;
    for (size_t k = 0; k < i; k++)
        mantissa = mantissa * 10 + (s[k] - '0');
    /* `1.000.000`: a dot followed by exactly three digits groups thousands,
     * but only after a first group of at most three digits. */
    bool grouped = false;
    if (i <= 3) {
        while (i + 4 <= n && s[i] == '.' && digit_run(s, n, i + 1) == 3) {
            for (size_t k = i + 1; k < i + 4; k++)
                mantissa = mantissa * 10 + (s[k] - '0');
            i += 4;
            grouped = true;
        }
    }
    size_t frac = 0;
    if (i + 1 < n && s[i] == ',' && is_digit(s[i + 1])) {
        frac = digit_run(s, n, i + 1);
    } else if (!grouped && i + 1 < n && s[i] == '.') {
        /* A lone `2.5` is a decimal point written the English way; a dot
         * with 4+ digits, or another separator after, is something else
         * (a phone number, a date) and ends the number. */
        size_t d = digit_run(s, n, i + 1), after = i + 1 + d;
        bool more = after + 1 < n && (s[after] == '.' || s[after] == ',') && is_digit(s[after + 1]);
        if ((d == 1 || d == 2) && !more)
            frac = d;
    }
    double scale = 1;
    for (size_t k = i + 1; k < i + 1 + frac; k++) {
        mantissa = mantissa * 10 + (s[k] - '0');
        scale *= 10;
    }
    if (frac)
        i += 1 + frac;
    *out = mantissa / scale;
    return i;
}

/* ---- the folded key ------------------------------------------------------ */

/* A non-ASCII character of s (or an ill-formed byte sequence, as
 * utf8_char_len cuts it): where its fold starts in the key and where it
 * starts in s. Everything between two marks is ASCII, its own key byte for
 * byte, so the lengths of a character and of its fold follow (see
 * orig_offset). */
typedef struct fold_mark {
    size_t key, text;
} fold_mark;

/* s with diacritics stripped (pm_strip_marks, one character at a time).
 * The way back from a key offset to s is the marks: only the non-ASCII
 * characters are recorded (a map entry per key byte cost more to write
 * than the fold itself, and only the ends of accepted values are mapped).
 * ASCII text is its own key. */
typedef struct folded {
    const char *key;
    const char *text; /* s */
    size_t len, text_len;
    fold_mark *marks; /* in text order; NULL when key == s */
    size_t n_marks;
    pm_buf buf;
    uint32_t match_options; /* PCRE2_NO_UTF_CHECK when the key is valid UTF-8 */
} folded;

static size_t utf8_char_len(const char *s, size_t n, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    size_t want = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    size_t k = 1;
    while (k < want && i + k < n && ((unsigned char)s[i + k] & 0xC0) == 0x80)
        k++;
    return k;
}

/* The cached fold of the valid character at s[i], its length in *k; NULL
 * when it has none. */
static inline const folded_char *cached_fold(const struct pm_quantity_lexicon *lx, const char *s,
                                      size_t n, size_t i, size_t *k)
{
    const unsigned char *u = (const unsigned char *)s + i;
    const folded_char *fc = NULL;
    if (u[0] >= 0xC2 && u[0] <= 0xDF && i + 1 < n && (u[1] & 0xC0) == 0x80) {
        fc = &lx->folds[(u[0] & 0x1F) << 6 | (u[1] & 0x3F)];
        *k = 2;
    } else if (u[0] == 0xE1 && i + 2 < n && u[1] >= 0xB8 && u[1] <= 0xBB &&
               (u[2] & 0xC0) == 0x80) {
        fc = &lx->folds[(u[1] & 0x3F) << 6 | (u[2] & 0x3F)];
        *k = 3;
    }
    return fc && fc->len <= sizeof fc->bytes ? fc : NULL;
}

enum { FOLD_SLACK = 64 };

/* fold_text's state between its steps. The key keeps room for the rest of
 * the text and FOLD_SLACK bytes, more than one character's fold can add (a
 * cached one copies all of its bytes), so a fold is written without a
 * check; the marks keep room for a mark per two bytes of the rest and one
 * more (a cached character takes two bytes or three, so only an uncached
 * one checks). */
typedef struct fold_state {
    pm_buf *buf;      /* the key; its len is not kept up to date but in len */
    fold_mark *marks; /* mark_cap of them, m used */
    size_t len, cap, m, mark_cap;
    bool checked; /* every piece of the key is known to be valid UTF-8 */
    bool failed;
} fold_state;

/* One character (or ASCII run) of s at i folded into st: the new i. */
static size_t fold_step(const struct pm_quantity_lexicon *lx, const char *s, size_t n, size_t i,
                        fold_state *st)
{
    char *key = st->buf->data;
    size_t len = st->len;
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        /* ASCII is its own key, byte for byte (runs are short here: a
         * byte loop, not a call) */
        do
            key[len++] = s[i++];
        while (i < n && (unsigned char)s[i] < 0x80);
        st->len = len;
        return i;
    }
    size_t k;
    const folded_char *fc = cached_fold(lx, s, n, i, &k);
    if (fc) {
        /* the room kept takes all of fc->bytes */
        memcpy(key + len, fc->bytes, sizeof fc->bytes);
        st->marks[st->m++] = (fold_mark){len, i};
        len += fc->len;
        i += k;
    } else {
        st->buf->len = len;
        k = utf8_char_len(s, n, i);
        pm_strip_marks(s + i, k, st->buf);
        st->checked = false;
        if (st->buf->failed) {
            st->failed = true;
            return n;
        }
        size_t want = st->m + 1 + (n - i - k) / 2 + 1;
        if (want > st->mark_cap) {
            fold_mark *grown = realloc(st->marks, 2 * want * sizeof *grown);
            if (!grown) {
                st->failed = true;
                return n;
            }
            st->marks = grown;
            st->mark_cap = 2 * want;
        }
        st->marks[st->m++] = (fold_mark){len, i};
        len = st->buf->len;
        i += k;
    }
    st->len = len;
    /* a fold no longer than its character keeps the room */
    size_t need = len + (n - i) + FOLD_SLACK;
    if (need > st->cap) {
        st->cap = 2 * need;
        st->buf->len = len;
        if (!pm_buf_reserve(st->buf, st->cap - len))
            st->failed = true;
    }
    return i;
}

#if defined(__SSE2__)
/* fold_step over s[i, n - 32), sixteen bytes a step. Vietnamese alternates
 * short runs of ASCII with two- and three-byte letters: a step per
 * character would wait on the length of each before finding the next, so
 * a block's characters are found from bit masks of its bytes at once and
 * folded in turn. A block of well-formed UTF-8 (the continuation bytes
 * those its lead bytes ask for, no four-byte sequence) takes each character
 * with a cached fold no longer than itself here, and fold_step any other;
 * any other block goes to fold_step whole. Returns the new i. */
static size_t fold_blocks(const struct pm_quantity_lexicon *lx, const char *s, size_t n,
                          size_t i, fold_state *st)
{
    char *key = st->buf->data;
    size_t len = st->len, m = st->m;
    fold_mark *marks = st->marks;
    const __m128i c0 = _mm_set1_epi8((char)0xBF), e0 = _mm_set1_epi8((char)0xDF),
                  f0 = _mm_set1_epi8((char)0xEF);
    while (i + 32 <= n && !st->failed) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned high = (unsigned)_mm_movemask_epi8(v);
        if (!high) {
            /* the room holds: the rest of the text is longer */
            _mm_storeu_si128((__m128i *)(void *)(key + len), v);
            len += 16;
            i += 16;
            continue;
        }
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
        uint32_t hi = high | (uint32_t)_mm_movemask_epi8(w) << 16;
        /* lead bytes (>= 0xC0 as signed bytes > (char)0xBF, among the
         * high ones), three-byte leads (>= 0xE0), four-byte ones (>= 0xF0) */
        uint32_t lead = hi & ((uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(v, c0)) |
                              (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(w, c0)) << 16);
        uint32_t lead3 = high & (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(v, e0));
        uint32_t lead4 = high & (uint32_t)_mm_movemask_epi8(_mm_cmpgt_epi8(v, f0));
        uint32_t first = lead & 0xFFFF; /* the characters of this block */
        uint32_t want = first << 1 | lead3 << 2, cont = hi & ~lead;
        if (lead4 || ((want ^ cont) & 0xFFFF) || (want & ~cont)) {
            st->len = len, st->m = m;
            for (size_t end = i + 16; i < end && !st->failed;)
                i = fold_step(lx, s, n, i, st);
            key = st->buf->data, len = st->len, m = st->m, marks = st->marks;
            continue;
        }
        /* the block ends after the continuation bytes of its last character */
        size_t end = i + 16 + (want >> 16 & 1) + (want >> 17 & 1);
        size_t prev = i; /* ASCII from here to the next character */
        for (uint32_t left = first; left;) {
            size_t p = i + (size_t)__builtin_ctz(left);
            left &= left - 1;
            /* the ASCII before it, sixteen bytes stored, p - prev kept */
            _mm_storeu_si128((__m128i *)(void *)(key + len),
                             _mm_loadu_si128((const __m128i *)(const void *)(s + prev)));
            len += p - prev;
            const unsigned char *u = (const unsigned char *)s + p;
            unsigned three = (lead3 >> (p - i)) & 1;
            /* the table is indexed by the last two bytes (any two index
             * it in range) */
            const folded_char *fc = &lx->folds[(u[three] & 0x3F) << 6 | (u[three + 1] & 0x3F)];
            size_t k = 2 + three;
            /* C2..DF of two-byte leads, E1 B8..BB of three-byte ones */
            unsigned cached = ((unsigned)(u[0] - 0xC2) <= 0xDF - 0xC2) |
                              ((u[0] == 0xE1) & ((unsigned)(u[1] - 0xB8) <= 3));
            if (!(cached & (fc->len <= k))) {
                st->len = len, st->m = m;
                prev = fold_step(lx, s, n, p, st);
                key = st->buf->data, len = st->len, m = st->m, marks = st->marks;
                if (st->failed)
                    return n;
                /* (one character: prev <= i + 18) */
                left &= ~0u << (prev - i);
                continue;
            }
            memcpy(key + len, fc->bytes, sizeof fc->bytes);
            marks[m++] = (fold_mark){len, p};
            len += fc->len;
            prev = p + k;
        }
        if (prev < i + 16) {
            /* the ASCII after the last character */
            _mm_storeu_si128((__m128i *)(void *)(key + len),
                             _mm_loadu_si128((const __m128i *)(const void *)(s + prev)));
            len += i + 16 - prev;
            prev = i + 16;
        }
        i = prev > end ? prev : end;
    }
    st->len = len, st->m = m;
    return i;
}
#endif

static bool fold_text(const struct pm_quantity_lexicon *lx, const char *s, size_t n, folded *f)
{
    memset(f, 0, sizeof *f);
    f->text = s;
    f->text_len = n;
    size_t i = 0;
    while (i < n && (unsigned char)s[i] < 0x80)
        i++;
    if (i == n) {
        f->key = s;
        f->len = n;
        f->match_options = PCRE2_NO_UTF_CHECK;
        return true;
    }
    fold_state st = {.buf = &f->buf, .cap = n + FOLD_SLACK, .mark_cap = n / 2 + 1,
                     .checked = true};
    st.marks = malloc(st.mark_cap * sizeof *st.marks);
    if (!st.marks || !pm_buf_reserve(&f->buf, st.cap))
        goto fail;
    memcpy(f->buf.data, s, i);
    st.len = i;
    while (i < n && !st.failed) {
#if defined(__SSE2__)
        i = fold_blocks(lx, s, n, i, &st);
        if (i >= n || st.failed)
            break;
#endif
        i = fold_step(lx, s, n, i, &st);
    }
    if (st.failed)
        goto fail;
    f->buf.len = st.len;
    f->marks = st.marks;
    f->n_marks = st.m;
    f->key = pm_buf_cstr(&f->buf);
    f->len = f->buf.len;
    if (st.checked || pm_utf8_valid(f->key, f->len))
        f->match_options = PCRE2_NO_UTF_CHECK;
    if (!f->buf.failed)
        return true;
fail:
    free(st.marks);
    pm_buf_free(&f->buf);
    memset(f, 0, sizeof *f);
    return false;
}

static void folded_free(folded *f)
{
    free(f->marks);
    pm_buf_free(&f->buf);
}

/* The offset in s of the character that gave key byte key_off (the end of
 * s for the end of the key): that of the last mark at or before key_off
 * when its fold holds the byte, else as far past that character (or the
 * start) as key_off is past its fold, the ASCII between being 1:1. A fold
 * of no bytes shares its key offset with what follows: the last of such
 * marks is the one to go from. */
static size_t orig_offset(const folded *f, size_t key_off)
{
    if (!f->marks)
        return key_off;
    if (key_off >= f->len)
        return f->text_len;
    size_t lo = 0, hi = f->n_marks; /* marks[0, lo) start at or before key_off */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->marks[mid].key <= key_off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return key_off;
    /* the character's bytes (utf8_char_len, as fold_text took it) and
     * its fold's: up to the next mark (or the end) key and text differ by
     * them only, the rest being ASCII */
    const fold_mark *mk = &f->marks[lo - 1];
    size_t text_len = utf8_char_len(f->text, f->text_len, mk->text);
    size_t key_next = lo < f->n_marks ? f->marks[lo].key : f->len;
    size_t text_next = lo < f->n_marks ? f->marks[lo].text : f->text_len;
    size_t key_len = key_next - mk->key - (text_next - mk->text - text_len);
    if (key_off < mk->key + key_len)
        return mk->text;
    return mk->text + text_len + (key_off - mk->key - key_len);
}

/* ---- lexicon -------------------------------------------------------------- */

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool ascii_letter(char c)
{
    /* | 0x20 lowers A..Z and takes no other byte into a..z */
    return (unsigned char)(((unsigned char)c | 0x20) - 'a') < 26;
}

static bool is_ascii_alnum(char c)
{
    return ascii_letter(c) || is_digit(c);
}

/* A letter at key[i] (an ASCII letter, or any Unicode letter: the key keeps
 * letters it cannot strip, like `ø`). */
static bool letter_at(const char *key, size_t n, size_t i)
{
    if (i >= n)
        return false;
    if ((unsigned char)key[i] < 0x80)
        return ascii_letter(key[i]);
    utf8proc_int32_t cp;
    if (utf8proc_iterate((const utf8proc_uint8_t *)key + i, (utf8proc_ssize_t)(n - i), &cp) < 0)
        return false;
    utf8proc_category_t cat = utf8proc_category(cp);
    return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

/* Bytes of one space at key[i] (ASCII blank or NBSP), 0 if none. */
static size_t space_at(const char *key, size_t n, size_t i)
{
    if (i < n && (key[i] == ' ' || key[i] == '\t'))
        return 1;
    if (i + 1 < n && (unsigned char)key[i] == 0xC2 && (unsigned char)key[i + 1] == 0xA0)
        return 2;
    return 0;
}

static size_t skip_spaces(const char *key, size_t n, size_t i)
{
    for (size_t k; (k = space_at(key, n, i)) != 0;)
        i += k;
    return i;
}

static pm_status need_regex(const pm_patterns *p, const char *name, const pcre2_code **out,
                            pm_error *err)
{
    *out = pm_patterns_regex(p, name, err);
    return *out ? PM_OK : PM_ERR_PATTERN;
}

/* The form as the matcher wants it: folded, lower case, `²` as `2`,
 * single spaces. */
static char *unit_key(const char *form, size_t *len)
{
    pm_buf folded_form = {0};
    pm_strip_marks(form, strlen(form), &folded_form);
    char *key = malloc(folded_form.len + 1);
    size_t n = 0;
    if (key && !folded_form.failed) {
        const char *f = pm_buf_cstr(&folded_form);
        for (size_t i = 0; i < folded_form.len; i++) {
            if ((unsigned char)f[i] == 0xC2 && i + 1 < folded_form.len &&
                ((unsigned char)f[i + 1] == 0xB2 || (unsigned char)f[i + 1] == 0xB3)) {
                key[n++] = (unsigned char)f[++i] == 0xB2 ? '2' : '3';
            } else if (f[i] == ' ') {
                if (n && key[n - 1] != ' ')
                    key[n++] = ' ';
            } else {
                key[n++] = ascii_lower(f[i]);
            }
        }
        while (n && key[n - 1] == ' ')
            n--;
        key[n] = '\0';
    } else {
        free(key);
        key = NULL;
    }
    pm_buf_free(&folded_form);
    *len = n;
    return key;
}

/* patterns/magnitudes.tsv: `word<TAB>factor`, what a magnitude word
 * multiplies a count by. */
static pm_status load_magnitudes(const pm_patterns *p, struct pm_quantity_lexicon *lx,
                                 pm_error *err)
{
    const pm_tsv *t = pm_patterns_table(p, "magnitudes", err);
    if (!t)
        return PM_ERR_PATTERN;
    size_t rows = t->n_rows ? t->n_rows : 1;
    lx->magnitudes = calloc(rows, sizeof *lx->magnitudes);
    lx->factors = calloc(rows, sizeof *lx->factors);
    if (!lx->magnitudes || !lx->factors)
        return pm_fail(err, PM_ERR_NOMEM, t->path, 0, "out of memory");
    for (size_t r = 0; r < t->n_rows; r++) {
        const pm_tsv_row *row = &t->rows[r];
        char *rest = NULL;
        double factor = row->n_fields == 2 ? strtod(row->fields[1], &rest) : 0;
        if (row->n_fields != 2 || !row->fields[0][0] || !rest || *rest || factor <= 1)
            return pm_fail(err, PM_ERR_PATTERN, t->path, row->line,
                           "expected 'magnitude word<TAB>factor > 1'");
        unit_form *m = &lx->magnitudes[lx->n_magnitudes];
        m->key = unit_key(row->fields[0], &m->len);
        if (!m->key)
            return pm_fail(err, PM_ERR_NOMEM, t->path, row->line, "out of memory");
        m->unit = row->fields[1];
        lx->factors[lx->n_magnitudes++] = factor;
    }
    return PM_OK;
}

/* Offset of the first decimal digit (\d: any Unicode Nd) at or after i, or n. */
static size_t next_digit(const char *key, size_t n, size_t i)
{
    for (; i < n; i++) {
#if defined(__SSE2__)
        /* Sixteen bytes of ASCII without a digit hold none: the next ASCII
         * digit or non-ASCII byte (negative as a signed byte) is looked at. */
        const __m128i below = _mm_set1_epi8('0' - 1), above = _mm_set1_epi8('9' + 1);
        for (; i + 16 <= n; i += 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(key + i));
            unsigned stop = (unsigned)_mm_movemask_epi8(_mm_or_si128(
                _mm_and_si128(_mm_cmpgt_epi8(v, below), _mm_cmplt_epi8(v, above)), v));
            if (stop) {
                i += (size_t)__builtin_ctz(stop);
                break;
            }
        }
        if (i >= n)
            break;
#endif
        unsigned char c = (unsigned char)key[i];
        if (c >= '0' && c <= '9')
            return i;
        utf8proc_int32_t cp;
        if (c >= 0xC0 &&
            utf8proc_iterate((const utf8proc_uint8_t *)key + i, (utf8proc_ssize_t)(n - i),
                             &cp) > 0 &&
            utf8proc_category(cp) == UTF8PROC_CATEGORY_ND)
            return i;
    }
    return n;
}

/* One character's pm_strip_marks, kept when it is short and valid UTF-8
 * (so a key made of ASCII and cached folds needs no check). */
static void fill_fold(folded_char *fc, uint32_t cp)
{
    char enc[3];
    size_t len = cp < 0x800 ? 2 : 3;
    if (len == 2) {
        enc[0] = (char)(0xC0 | cp >> 6);
        enc[1] = (char)(0x80 | (cp & 0x3F));
    } else {
        enc[0] = (char)(0xE0 | cp >> 12);
        enc[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        enc[2] = (char)(0x80 | (cp & 0x3F));
    }
    pm_buf out = {0};
    pm_strip_marks(enc, len, &out);
    fc->len = 0xFF;
    if (!out.failed && out.len <= sizeof fc->bytes && pm_utf8_valid(out.data, out.len)) {
        if (out.len)
            memcpy(fc->bytes, out.data, out.len);
        fc->len = (uint8_t)out.len;
        fc->digit = next_digit(fc->bytes, out.len, 0) < out.len;
    }
    pm_buf_free(&out);
}

static void fill_folds(struct pm_quantity_lexicon *lx)
{
    for (size_t i = 0; i < N_FOLDS; i++)
        lx->folds[i].len = 0xFF;
    for (uint32_t cp = 0x80; cp < 0x800; cp++)
        fill_fold(&lx->folds[cp], cp);
    for (uint32_t cp = 0x1E00; cp < 0x1F00; cp++)
        fill_fold(&lx->folds[FOLD3 + cp - 0x1E00], cp);
    for (unsigned b = 0; b < 256; b++) {
        uint8_t cls = b >= '0' && b <= '9' ? DIGIT_ASCII : b < 0xC2 ? DIGIT_NONE : DIGIT_LOOK;
        for (unsigned c = 0; b >= 0xC2 && b <= 0xDF && c < 64; c++) {
            const folded_char *fc = &lx->folds[(b & 0x1F) << 6 | c];
            if (fc->len > sizeof fc->bytes || fc->digit)
                break;
            cls = c == 63 ? DIGIT_NONE : cls;
        }
        lx->digit_class[b] = cls;
    }
    /* U+2000..U+2FFF (dashes, quotes, symbols) hold no digit nor fold to one */
    bool e2_plain = true;
    for (uint32_t cp = 0x2000; cp < 0x3000 && e2_plain; cp++) {
        folded_char fc;
        fill_fold(&fc, cp);
        e2_plain = fc.len <= sizeof fc.bytes && !fc.digit;
    }
    if (e2_plain)
        lx->digit_class[0xE2] = DIGIT_NONE;
    bool latin3_plain = true;
    for (size_t i = FOLD3; i < FOLD3 + 0x100; i++)
        latin3_plain &= lx->folds[i].len <= sizeof lx->folds[i].bytes && !lx->folds[i].digit;
    if (latin3_plain)
        lx->digit_class[0xE1] = DIGIT_LATIN3;
    lx->look_min = lx->latin3_lead = 0;
    for (unsigned b = 256; b-- > 0x80;) {
        if (lx->digit_class[b] == DIGIT_LOOK || lx->digit_class[b] == DIGIT_LATIN3)
            lx->look_min = (uint8_t)b;
        if (lx->digit_class[b] == DIGIT_LATIN3)
            lx->latin3_lead = (uint8_t)b;
    }
}

/* The words of the `value` comparators, its fillers and `từ`, folded
 * (see bridge_start). */
static const char *const bridge_words[N_BRIDGE_WORDS] = {
    "toi", "thieu", "it",  "nhat", "khong", "duoi", "thap", "hon",  "nho", "da",
    "vuot", "qua",  "cao", "lon",  "nhieu", "tren", "khoang", "xap", "xi", "gan",
    "dat",  "la",   "duoc", "o",   "muc",   "tu"};

/* The ASCII letters w[0, len) (len <= 8), lowered, one byte each from the
 * lowest: words compared in one step. */
static uint64_t packed_word(const char *w, size_t len)
{
    uint64_t p = 0;
    for (size_t k = 0; k < len; k++)
        p |= (uint64_t)(unsigned char)((unsigned char)w[k] | 0x20) << 8 * k;
    return p;
}

/* The first words of `value` (comparators and `từ`), folded: the words
 * opener_word accepts, at most MAX_OPENER letters each; those of the
 * source pm_proof_value_start names (see next_value). */
static const char *const value_openers[N_OPENERS] = {
    "toi", "it", "khong", "cao", "lon", "nhieu", "hon", "tren",
    "duoi", "thap", "nho", "khoang", "xap", "gan", "dat", "tu"};
/* Can unit u match where the key has byte b? match_form reads its first
 * character as the key's, lowered, or `²`/`³` (led by 0xC2) for `2`/`3`. */
static bool unit_may_start(const unit_form *u, unsigned char b)
{
    char first = u->key[0];
    return first == ascii_lower((char)b) ||
           (b == 0xC2 && (first == '2' || first == '3'));
}

/* unit_first and unit_order: the units of each first byte, in table order. */
static bool index_units(struct pm_quantity_lexicon *lx)
{
    size_t total = 0;
    for (unsigned b = 0; b < 256; b++)
        for (size_t u = 0; u < lx->n_units; u++)
            total += unit_may_start(&lx->units[u], (unsigned char)b);
    lx->unit_order = malloc((total ? total : 1) * sizeof *lx->unit_order);
    if (!lx->unit_order)
        return false;
    size_t k = 0;
    for (unsigned b = 0; b < 256; b++) {
        lx->unit_first[b] = k;
        for (size_t u = 0; u < lx->n_units; u++)
            if (unit_may_start(&lx->units[u], (unsigned char)b))
                lx->unit_order[k++] = u;
    }
    lx->unit_first[256] = k;
    return true;
}

/* The comparators of `value` by group name, in the order they are tried. */
static const struct {
    const char *group;
    pm_op op;
} comparator_ops[] = {{"ge", PM_OP_GE}, {"le", PM_OP_LE},         {"gt", PM_OP_GT},
                      {"lt", PM_OP_LT}, {"approx", PM_OP_APPROX}, {"eq", PM_OP_EQ}};

/* The number of a named group, -1 (never set) when the pattern has none. */
static int group_number(const pcre2_code *re, const char *name)
{
    int n = pcre2_substring_number_from_name(re, (PCRE2_SPTR)name);
    return n >= 0 ? n : -1;
}

pm_status pm_quantity_init(pm_extractor *x, pm_error *err)
{
    struct pm_quantity_lexicon *lx = calloc(1, sizeof *lx);
    if (!lx)
        return pm_fail(err, PM_ERR_NOMEM, "quantities", 0, "out of memory");
    x->quantity = lx;
    const pm_patterns *p = x->patterns;
    pm_status s;
    if ((s = need_regex(p, "quantities.value", &lx->value, err)) != PM_OK ||
        (s = need_regex(p, "quantities.excluded_before", &lx->excluded_before, err)) != PM_OK ||
        (s = need_regex(p, "quantities.excluded_after", &lx->excluded_after, err)) != PM_OK ||
        (s = need_regex(p, "quantities.bound_suffix", &lx->bound_suffix, err)) != PM_OK ||
        (s = need_regex(p, "quantities.range_tail", &lx->range_tail, err)) != PM_OK ||
        (s = need_regex(p, "quantities.aspiration", &lx->aspiration, err)) != PM_OK ||
        (s = need_regex(p, "quantities.magnitude", &lx->magnitude, err)) != PM_OK ||
        (s = need_regex(p, "quantities.counted_noun", &lx->counted_noun, err)) != PM_OK ||
        (s = need_regex(p, "quantities.share_of", &lx->share_of, err)) != PM_OK ||
        (s = need_regex(p, "quantities.rate_tail", &lx->rate_tail, err)) != PM_OK ||
        (s = need_regex(p, "quantities.attained", &lx->attained, err)) != PM_OK ||
        (s = need_regex(p, "quantities.time_noun", &lx->time_noun, err)) != PM_OK)
        return s;
    lx->value_proven = pm_proven(p, &pm_proof_value_start);
    lx->excluded_proven = pm_proven(p, &pm_proof_excluded_before);
    lx->attained_proven = pm_proven(p, &pm_proof_attained);
    lx->aspiration_proven = pm_proven(p, &pm_proof_aspiration);
    lx->after_proven = pm_proven(p, &pm_proof_excluded_after);
    lx->bound_proven = pm_proven(p, &pm_proof_bound_suffix);
    lx->magnitude_proven = pm_proven(p, &pm_proof_magnitude);
    lx->noun_proven = pm_proven(p, &pm_proof_counted_noun);
    lx->rate_proven = pm_proven(p, &pm_proof_rate_tail);
    const pm_tsv *t = pm_patterns_table(p, "quantities", err);
    if (!t)
        return PM_ERR_PATTERN;
    lx->units = calloc(t->n_rows ? t->n_rows : 1, sizeof *lx->units);
    if (!lx->units)
        return pm_fail(err, PM_ERR_NOMEM, t->path, 0, "out of memory");
    for (size_t r = 0; r < t->n_rows; r++) {
        const pm_tsv_row *row = &t->rows[r];
        if (row->n_fields != 2 || !row->fields[0][0] || !row->fields[1][0])
            return pm_fail(err, PM_ERR_PATTERN, t->path, row->line,
                           "expected 'written form<TAB>unit'");
        unit_form *u = &lx->units[lx->n_units];
        u->key = unit_key(row->fields[0], &u->len);
        if (!u->key)
            return pm_fail(err, PM_ERR_NOMEM, t->path, row->line, "out of memory");
        if (u->len == 0) {
            free(u->key);
            return pm_fail(err, PM_ERR_PATTERN, t->path, row->line, "empty unit form");
        }
        u->unit = row->fields[1];
        lx->n_units++;
    }
    fill_folds(lx);
    if (!index_units(lx))
        return pm_fail(err, PM_ERR_NOMEM, t->path, 0, "out of memory");
    for (size_t i = 0; i < sizeof value_openers / sizeof *value_openers; i++) {
        uint64_t w = 0;
        for (size_t k = 0; value_openers[i][k]; k++)
            w |= (uint64_t)(unsigned char)value_openers[i][k] << 8 * k;
        uint64_t *same = lx->openers_by_letter[value_openers[i][0] - 'a'];
        size_t k = 0;
        while (k < MAX_SAME_LETTER && same[k])
            k++;
        if (k == MAX_SAME_LETTER)
            return pm_fail(err, PM_ERR_PATTERN, "quantities", 0,
                           "too many value openers of one letter");
        same[k] = w;
    }
    for (size_t i = 0; i < N_BRIDGE_WORDS; i++)
        lx->bridge_packed[i] = packed_word(bridge_words[i], strlen(bridge_words[i]));
    for (size_t i = 0; i < sizeof comparator_ops / sizeof *comparator_ops; i++)
        lx->g_ops[i] = group_number(lx->value, comparator_ops[i].group);
    lx->g_from = group_number(lx->value, "from");
    lx->g_n1 = group_number(lx->value, "n1");
    lx->g_pct1 = group_number(lx->value, "pct1");
    lx->g_n2 = group_number(lx->value, "n2");
    lx->g_pct2 = group_number(lx->value, "pct2");
    lx->g_gt = group_number(lx->value, "gt");
    lx->g_tail_n2 = group_number(lx->range_tail, "n2");
    lx->g_bound_ge = group_number(lx->bound_suffix, "ge");
    lx->g_time_unit = group_number(lx->time_noun, "unit");
    return load_magnitudes(p, lx, err);
}

void pm_quantity_free(pm_extractor *x)
{
    struct pm_quantity_lexicon *lx = x->quantity;
    if (!lx)
        return;
    for (size_t i = 0; i < lx->n_units; i++)
        free(lx->units[i].key);
    free(lx->units);
    free(lx->unit_order);
    for (size_t i = 0; i < lx->n_magnitudes; i++)
        free(lx->magnitudes[i].key);
    free(lx->magnitudes);
    free(lx->factors);
    free(lx);
    x->quantity = NULL;
}

/* ---- units ------------------------------------------------------------------ */

/* End of `form` matched at key[i], or 0. Spaces in the text are free next
 * to a non-letter of the form (`m ² /người`); a space of the form needs at
 * least one; `²`/`³` read as `2`/`3`; a form ending in a letter or digit
 * must end a word. */
static size_t match_form(const char *key, size_t n, size_t i, const unit_form *u)
{
    for (size_t j = 0; j < u->len; j++) {
        char fc = u->key[j];
        if (fc == ' ') {
            size_t k = skip_spaces(key, n, i);
            if (k == i)
                return 0;
            i = k;
            continue;
        }
        if (j > 0 && !(ascii_letter(u->key[j - 1]) && ascii_letter(fc)))
            i = skip_spaces(key, n, i);
        if (i < n && ascii_lower(key[i]) == fc) {
            i++;
        } else if (i + 1 < n && (unsigned char)key[i] == 0xC2 &&
                   (((unsigned char)key[i + 1] == 0xB2 && fc == '2') ||
                    ((unsigned char)key[i + 1] == 0xB3 && fc == '3'))) {
            i += 2;
        } else {
            return 0;
        }
    }
    if (is_ascii_alnum(u->key[u->len - 1]) &&
        (letter_at(key, n, i) || (i < n && is_digit(key[i]))))
        return 0;
    return i;
}

/* The longest unit starting at key[i]; *end gets its end. */
static const unit_form *match_unit(const struct pm_quantity_lexicon *lx, const char *key,
                                   size_t n, size_t i, size_t *end)
{
    const unit_form *best = NULL;
    size_t best_end = 0;
    unsigned char b = i < n ? (unsigned char)key[i] : 0;
    for (size_t k = lx->unit_first[b]; k < lx->unit_first[b + 1]; k++) {
        const unit_form *u = &lx->units[lx->unit_order[k]];
        size_t e = match_form(key, n, i, u);
        if (e > best_end) {
            best_end = e;
            best = u;
        }
    }
    *end = best_end;
    return best;
}

/* The factor of the magnitude words in key[from, to) (`nghìn tỷ`: 1e12),
 * 0 when a word is not in magnitudes.tsv. */
static double magnitude_factor(const struct pm_quantity_lexicon *lx, const char *key,
                               size_t from, size_t to)
{
    double factor = 1;
    for (size_t i = skip_spaces(key, to, from); i < to; i = skip_spaces(key, to, i)) {
        size_t m = 0, word_end = 0;
        while (m < lx->n_magnitudes && !(word_end = match_form(key, to, i, &lx->magnitudes[m])))
            m++;
        if (m == lx->n_magnitudes)
            return 0;
        factor *= lx->factors[m];
        i = word_end;
    }
    return factor;
}

/* ---- finding quantities ------------------------------------------------------ */

const char pm_unit_written[] = "as written";

const char *pm_quantity_unit(pm_arena *a, const char *s, const pm_quantity *q)
{
    if (q->unit != pm_unit_written)
        return q->unit;
    return pm_arena_strndup(a, s + q->unit_start, q->unit_end - q->unit_start);
}

typedef struct span {
    size_t start, end;
    bool set;
} span;

static span group(pcre2_match_data *md, int number)
{
    span g = {0};
    g.set = pm_regex_group(md, number, &g.start, &g.end);
    return g;
}

/* The groups of a match, read from its ovector (fetched once: a dozen
 * groups are read per candidate). */
typedef struct groups {
    const PCRE2_SIZE *ov;
    uint32_t pairs;
} groups;

static span group_of(groups g, int number)
{
    span sp = {0};
    if (number >= 0 && (uint32_t)number < g.pairs && g.ov[2 * number] != PCRE2_UNSET) {
        sp.start = g.ov[2 * number];
        sp.end = g.ov[2 * number + 1];
        sp.set = true;
    }
    return sp;
}

typedef struct number_token {
    double value;
    bool year_like; /* a plain 4-digit integer in 1900..2100 */
    bool decimal;   /* has a decimal comma: a measurement, never a label */
    bool code_like; /* a leading zero and 3+ digits: a phone or area code */
} number_token;

/* The number of key[g), which must be one number as a whole. */
static bool read_number(const char *key, span g, number_token *t)
{
    size_t len = g.end - g.start;
    const char *s = key + g.start;
    if (pm_parse_number(s, len, &t->value) != len)
        return false;
    size_t int_digits = digit_run(s, len, 0);
    t->year_like = int_digits == 4 && len == 4 && t->value >= 1900 && t->value <= 2100;
    t->decimal = memchr(s, ',', len) != NULL;
    t->code_like = s[0] == '0' && int_digits >= 3;
    return true;
}

static bool anchored_match(const pm_extractor *x, const pcre2_code *re, const folded *f,
                           size_t at, pcre2_match_data *md)
{
    return pm_regex_match(x->patterns, re, f->key, f->len, at,
                          PCRE2_ANCHORED | f->match_options, md) > 0;
}

/* What a look at the text before a number says of a regex matched at its
 * end: it cannot match, it matches, or only the regex can tell. */
typedef enum verdict { NO_MATCH, MATCH, ASK } verdict;

static bool in_list(const char *w, size_t len, const char *const *words)
{
    for (; *words; words++) {
        /* w holds no NUL: a shorter word stops the loop at its end */
        const char *c = *words;
        size_t k = 0;
        while (k < len && c[k] == w[k])
            k++;
        if (k == len && c[len] == '\0')
            return true;
    }
    return false;
}

/* The run of ASCII letters that ends at key[end], after `\b`: a word of
 * `whole` (lower case) matches, one of `parts` (the last word of a longer
 * entry) asks, others do not match. A run that reaches `from` (but for the
 * start of the key, where \b holds) or follows a non-ASCII character (a
 * letter, or a caseless twin: U+212A for k, U+017F for s) asks; after a
 * digit or `_` there is no word boundary. */
static verdict last_word(const char *key, size_t from, size_t end, const char *const *whole,
                         const char *const *parts)
{
    size_t i = end;
    while (i > from && ascii_letter(key[i - 1]))
        i--;
    if (i > 0 && (i == from || (unsigned char)key[i - 1] >= 0x80))
        return ASK;
    char w[8];
    size_t len = end - i;
    if (len == 0 || len > sizeof w || (i > 0 && (is_digit(key[i - 1]) || key[i - 1] == '_')))
        return NO_MATCH;
    for (size_t k = 0; k < len; k++)
        w[k] = ascii_lower(key[i + k]);
    return in_list(w, len, whole) ? MATCH : in_list(w, len, parts) ? ASK : NO_MATCH;
}

/* Spaces (\s) before key[i], back to `from` at most: where they start. */
static size_t spaces_back(const char *key, size_t from, size_t i)
{
    for (size_t k; i > from && (k = pm_space_before(key, from, i)) != 0;)
        i -= k;
    return i;
}

/* quantities.excluded_before (`\b` entry `\s*[.:]?\s*\z`, or `[#№]\s*\z`)
 * before key[at], searched from `from`. Read backwards: spaces, then `#`,
 * or an optional `.` or `:` and spaces, then the last word of an entry
 * (none of them ends in k or s). A match holds a word or `#`, `№`, none of
 * them \s: none fits in spaces back to `from`. The lists are those of this
 * source: */
const pm_proof pm_proof_excluded_before = {"quantities.excluded_before", "b6ac2c7a60adf1f1",
                                           "quantity.c excluded_verdict"};

static verdict excluded_verdict(const char *key, size_t from, size_t at)
{
    static const char *const whole[] = {"nam",  "ngay", "thang", "quy",  "so",     "loai",
                                        "thu",  "km",   "khoa",  "tcvn", "qcvn",   "iso",
                                        "dieu", "khoan", "chuong", "bang", "hinh", "ql",
                                        "dt",   "tl",   NULL};
    static const char *const parts[] = {"luc", "lo", NULL}; /* phu luc, quoc lo … */
    size_t i = spaces_back(key, from, at);
    if (i == from)
        return NO_MATCH;
    if ((unsigned char)key[i - 1] >= 0x80)
        return ASK;
    if (key[i - 1] == '#')
        return MATCH;
    if (key[i - 1] == '.' || key[i - 1] == ':') {
        i = spaces_back(key, from, i - 1);
        if (i == from)
            return NO_MATCH;
        if ((unsigned char)key[i - 1] >= 0x80)
            return ASK;
    }
    return last_word(key, from, i, whole, parts);
}

/* quantities.attained (`\bdat`, then \s+ and comparator words, then
 * `\s*\z`) before key[at], searched from `from`: read backwards, the words
 * of a match are whole runs of ASCII letters (each follows \s, or \b for
 * `dat`, and is followed by \s or the end); only `muc` ends two of them
 * (`muc`, `o muc`), and `dat` ends none. No match fits in spaces back to
 * `from`. A run that reaches `from` (but for the start of the key, where
 * \b holds) or follows a non-ASCII character (a letter, a caseless twin:
 * U+212A for k) asks. The words are those of this source: */
const pm_proof pm_proof_attained = {"quantities.attained", "cd3045f181e3ed6f",
                                    "quantity.c attained_verdict, attained_words"};

/* The comparator words of quantities.attained, first word (or "") and last. */
static const char *const attained_words[][2] = {
    {"", "khoang"}, {"xap", "xi"},    {"", "gan"},     {"toi", "thieu"}, {"toi", "da"},
    {"it", "nhat"}, {"", "tren"},     {"", "duoi"},    {"", "hon"},      {"", "muc"},
    {"o", "muc"},   {"binh", "quan"}, {"trung", "binh"}};

/* The run of ASCII letters that ends at key[i], lower case, in w (at most
 * 8 letters: no word is longer); its start in *a. ASK when it reaches
 * `from` (but for 0) or follows a non-ASCII byte; NO_MATCH when it is
 * empty or too long; MATCH otherwise. */
static verdict run_before(const char *key, size_t from, size_t i, char w[8], size_t *len,
                          size_t *a)
{
    size_t k = i;
    while (k > from && ascii_letter(key[k - 1]))
        k--;
    if (k > 0 && (k == from || (unsigned char)key[k - 1] >= 0x80))
        return ASK;
    *a = k;
    *len = i - k;
    if (*len == 0 || *len > 8)
        return NO_MATCH;
    for (size_t j = 0; j < *len; j++)
        w[j] = ascii_lower(key[k + j]);
    return MATCH;
}

static bool word_eq(const char *w, size_t len, const char *word)
{
    return strlen(word) == len && memcmp(w, word, len) == 0;
}

/* Does a match of `\bdat(?:\s+word)*` (attained without its `\s*\z`) end
 * at key[i]? Every way to read the words back is tried: any match is one. */
static verdict attained_back(const char *key, size_t from, size_t i)
{
    char w[8];
    size_t len, a;
    verdict v = run_before(key, from, i, w, &len, &a);
    if (v != MATCH)
        return v;
    if (word_eq(w, len, "dat")) /* \b: key[a - 1], if any, is ASCII */
        return a > 0 && (is_ascii_alnum(key[a - 1]) || key[a - 1] == '_') ? NO_MATCH : MATCH;
    verdict best = NO_MATCH;
    for (size_t m = 0; m < sizeof attained_words / sizeof *attained_words && best != MATCH;
         m++) {
        if (!word_eq(w, len, attained_words[m][1]))
            continue;
        size_t j = spaces_back(key, from, a);
        if (j == a || j == from)
            continue; /* no \s before the word, or no room for `dat` */
        if (*attained_words[m][0]) {
            char w1[8];
            size_t len1, a1;
            v = run_before(key, from, j, w1, &len1, &a1);
            if (v == ASK)
                best = ASK;
            if (v != MATCH || !word_eq(w1, len1, attained_words[m][0]))
                continue;
            if ((j = spaces_back(key, from, a1)) == a1 || j == from)
                continue;
        }
        v = attained_back(key, from, j);
        if (v == MATCH || v == ASK)
            best = v;
    }
    return best;
}

static verdict attained_verdict(const char *key, size_t from, size_t at)
{
    size_t i = spaces_back(key, from, at);
    return i == from ? NO_MATCH : attained_back(key, from, i);
}

/* Does re, anchored at the end of its text (`\z`), match the few words right
 * before key[at]? `look` (NULL: none proven for re) answers first. */
static bool words_before(const pm_extractor *x, const pcre2_code *re, const char *key,
                         size_t at, pcre2_match_data *md,
                         verdict (*look)(const char *key, size_t from, size_t at))
{
    /* A few words back is enough; start on a character boundary. */
    size_t from = at > 40 ? at - 40 : 0;
    while (from < at && ((unsigned char)key[from] & 0xC0) == 0x80)
        from++;
    verdict v = look ? look(key, from, at) : ASK;
    return v == MATCH || (v == ASK && pm_regex_match(x->patterns, re, key, at, from, 0, md) > 0);
}

/* `1)`, `3.1.` opening a line, or a reference `(2)`. */
static bool is_label(const char *key, size_t n, size_t start, size_t end)
{
    if (end >= n || (key[end] != '.' && key[end] != ')'))
        return false;
    if (start > 0 && key[start - 1] == '(' && key[end] == ')')
        return true;
    if (end + 1 < n && !space_at(key, n, end + 1) && key[end + 1] != '\n')
        return false;
    size_t i = start;
    while (i > 0 && (key[i - 1] == ' ' || key[i - 1] == '\t'))
        i--;
    return i == 0 || key[i - 1] == '\n';
}

/* Only blanks and punctuation in key[a, b). */
static bool only_filler(const char *key, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (!strchr(" \t\r\n*-+:;.,", key[i]))
            return false;
    return true;
}

/* Tracks, in one pass over the text, the last `phấn đấu` and the last
 * clause boundary (`;`, a line end, a sentence-ending `.`) before a
 * position: a value is aspirational when the first is after the second. */
typedef struct aspiration_scan {
    span last, next;
    bool begun;        /* the general search has looked for `next` */
    size_t searched;   /* `next` is the first match at or after this */
    size_t boundary;   /* just after the last boundary seen */
    size_t scanned_to; /* boundaries are known up to here */
} aspiration_scan;

/* The matches of `phấn đấu` (quantities.aspiration, `\bphan\s*dau\b`)
 * are found in text order, each the leftmost at or after the end of the
 * one before, and only as far as a value asks (most texts have none before
 * their values, or no value). For this source, a match starts only where
 * `phan` stands, in any case (no letter of it has a non-ASCII caseless
 * twin), so it is tried anchored only there. */
const pm_proof pm_proof_aspiration = {"quantities.aspiration", "18d1899a35cd3c1f",
                                      "quantity.c find_next_aspiration"};

/* Offset of the first `p` or `P` of key at or after i, or n: eight bytes a
 * step (b | 0x20 is 'p' for exactly those two bytes). */
static size_t next_p(const char *key, size_t n, size_t i)
{
    const uint64_t ones = 0x0101010101010101u;
    for (uint64_t w; i + 8 <= n; i += 8) {
        memcpy(&w, key + i, 8);
        w = (w | ones * 0x20) ^ ones * 'p';
        if ((w - ones) & ~w & ones * 0x80)
            break;
    }
    while (i < n && ((unsigned char)key[i] | 0x20) != 'p')
        i++;
    return i;
}

/* The general search: the next match at or after a->searched. */
static void find_next_aspiration(const pm_extractor *x, const folded *f, aspiration_scan *a,
                                 pcre2_match_data *md)
{
    a->next.set = a->searched <= f->len &&
                  pm_regex_match(x->patterns, x->quantity->aspiration, f->key, f->len,
                                 a->searched, f->match_options, md) > 0;
    if (!a->next.set)
        return;
    pm_regex_group(md, 0, &a->next.start, &a->next.end);
    a->searched = a->next.end > a->next.start ? a->next.end : a->next.start + 1;
}

/* Takes the matches that start before `to` (the last is a->last) and the
 * clause boundaries before it. */
static void advance_aspiration(const pm_extractor *x, const folded *f, aspiration_scan *a,
                               size_t to, pcre2_match_data *md)
{
    if (x->quantity->aspiration_proven) {
        /* a->searched: no match starts in [end of a->last, a->searched) */
        uint32_t options = PCRE2_ANCHORED | f->match_options;
        size_t p = a->searched;
        while ((p = next_p(f->key, to, p)) < to) {
            const unsigned char *k = (const unsigned char *)f->key + p;
            if (p + 4 <= f->len && (k[0] | 0x20) == 'p' && (k[1] | 0x20) == 'h' &&
                (k[2] | 0x20) == 'a' && (k[3] | 0x20) == 'n' &&
                pm_regex_match(x->patterns, x->quantity->aspiration, f->key, f->len, p, options,
                               md) > 0) {
                pm_regex_group(md, 0, &a->last.start, &a->last.end);
                a->last.set = true;
                p = a->last.end > a->last.start ? a->last.end : a->last.start + 1;
            } else {
                p++;
            }
        }
        a->searched = p;
    } else {
        if (!a->begun) {
            a->begun = true;
            find_next_aspiration(x, f, a, md);
        }
        while (a->next.set && a->next.start < to) {
            a->last = a->next;
            find_next_aspiration(x, f, a, md);
        }
    }
    /* only the last boundary before `to` counts: read back to it */
    for (size_t i = to; i > a->scanned_to; i--) {
        char c = f->key[i - 1];
        if (c == '\n' || c == ';' ||
            (c == '.' && (i >= f->len || space_at(f->key, f->len, i) || f->key[i] == '\n'))) {
            a->boundary = i;
            break;
        }
    }
    if (to > a->scanned_to)
        a->scanned_to = to;
}

static bool aspiration_before(const aspiration_scan *a, size_t at)
{
    return a->last.set && a->last.start >= a->boundary && a->last.end <= at;
}

/* The whole text is this value and at most `phấn đấu` and punctuation:
 * a table cell (`23`, `1,5-1,9`, `Phấn đấu đạt 28`). */
static bool is_whole_cell(const folded *f, const aspiration_scan *a, size_t start, size_t end)
{
    if (!only_filler(f->key, end, f->len))
        return false;
    if (only_filler(f->key, 0, start))
        return true;
    return aspiration_before(a, start) && only_filler(f->key, 0, a->last.start) &&
           only_filler(f->key, a->last.end, start);
}

/* The parts of a `value` match read_candidate looks at: from PCRE2's
 * groups, or read without it (bare_number_at, comparator_at). */
typedef struct value_match {
    span whole, from, n1, pct1, n2, pct2, gt;
    pm_op op;
    bool has_cmp;
} value_match;

/* The groups of the `value` match in md (the comparator's op from the
 * first group of comparator_ops set). */
static void value_match_read(const struct pm_quantity_lexicon *lx, pcre2_match_data *md,
                             value_match *vm)
{
    groups g = {pcre2_get_ovector_pointer(md), pcre2_get_ovector_count(md)};
    vm->whole = group_of(g, 0);
    vm->op = PM_OP_EQ;
    vm->has_cmp = false;
    for (size_t i = 0; i < sizeof comparator_ops / sizeof *comparator_ops && !vm->has_cmp; i++)
        if (group_of(g, lx->g_ops[i]).set) {
            vm->has_cmp = true;
            vm->op = comparator_ops[i].op;
        }
    vm->from = group_of(g, lx->g_from);
    vm->n1 = group_of(g, lx->g_n1);
    vm->pct1 = group_of(g, lx->g_pct1);
    vm->n2 = group_of(g, lx->g_n2);
    vm->pct2 = group_of(g, lx->g_pct2);
    vm->gt = group_of(g, lx->g_gt);
}

/* \s of an ASCII byte under UCP (PCRE2 takes no other ASCII byte for it). */
static bool ascii_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static size_t skip_ascii_spaces(const char *key, size_t n, size_t i)
{
    while (i < n && ascii_space((unsigned char)key[i]))
        i++;
    return i;
}

/* Can quantities.excluded_after match at key[i]? Each branch opens with
 * `/`, `:`, `+` or `-`, or with blanks and then `/`, `:`, `+`, `thang` or
 * `sao` (`t` has no caseless twin; `s` has U+017F, not ASCII): after ASCII
 * blanks an ASCII byte other than those rules it out, whatever the blanks
 * the branch takes. A non-ASCII byte (a Unicode space, U+017F) is left to
 * the regex. Proven for this source only: */
const pm_proof pm_proof_excluded_after = {"quantities.excluded_after", "2264582082ad7c98",
                                          "quantity.c excluded_after_may_match"};

static bool excluded_after_may_match(const char *key, size_t n, size_t i)
{
    size_t j = skip_ascii_spaces(key, n, i);
    if (j == n)
        return false;
    unsigned char c = (unsigned char)key[j];
    if (c >= 0x80 || c == '/' || c == ':' || c == '+')
        return true;
    return j == i ? c == '-' : (c | 0x20) == 't' || (c | 0x20) == 's';
}

/* Can quantities.bound_suffix (blanks, then `tro`) match at key[i]? Not
 * when an ASCII byte other than `t`/`T` (no caseless twin) follows the ASCII
 * blanks. Proven for this source only: */
const pm_proof pm_proof_bound_suffix = {"quantities.bound_suffix", "d08d4ce421e55e6a",
                                        "quantity.c bound_may_follow"};

static bool bound_may_follow(const char *key, size_t n, size_t i)
{
    size_t j = skip_ascii_spaces(key, n, i);
    return j < n && ((unsigned char)key[j] >= 0x80 || ((unsigned char)key[j] | 0x20) == 't');
}

/* `từ 8 m² đến 10 m²`: the upper bound written with the unit repeated.
 * Returns the end of the range, or `end` when none follows. */
static size_t read_range_tail(const pm_extractor *x, const folded *f, pcre2_match_data *md,
                              const unit_form *unit, size_t end, span *n2, number_token *t2)
{
    const pcre2_code *re = x->quantity->range_tail;
    span g;
    size_t unit_end;
    if (!anchored_match(x, re, f, end, md))
        return end;
    g = group(md, x->quantity->g_tail_n2);
    if (!g.set || !read_number(f->key, g, t2) || t2->year_like)
        return end;
    const unit_form *u = match_unit(x->quantity, f->key, f->len,
                                    skip_spaces(f->key, f->len, g.end), &unit_end);
    if (!u || strcmp(u->unit, unit->unit) != 0)
        return end;
    *n2 = g;
    return unit_end;
}

/* Can quantities.magnitude (`\G(?:nghin|ngan|trieu|ty|ti)…`) match at
 * key[at]? Not when an ASCII byte other than n or t (either case, no
 * caseless twin) stands there. Proven for this source only: */
const pm_proof pm_proof_magnitude = {"quantities.magnitude", "60014363a915d979",
                                     "quantity.c magnitude_may_start"};

static bool magnitude_may_start(const char *key, size_t n, size_t at)
{
    unsigned char c = at < n ? (unsigned char)key[at] : 0;
    return c >= 0x80 || (c | 0x20) == 'n' || (c | 0x20) == 't';
}

/* quantities.counted_noun (`\G[\s\x{A0}]+`, no stopword as a whole word,
 * then `\p{Ll}++(?![\p{Nd}])`) anchored at key[at], read from ASCII: the
 * blanks are taken whole (no letter is \s), then a run of a-z (\p{Ll}),
 * which is the match unless a digit follows or it is a stopword (a
 * stopword followed by a digit fails both ways). A non-ASCII character
 * after the blanks or the run (a Unicode space, a letter, a caseless twin:
 * U+212A, U+017F), or an ASCII capital there (whether caseless matching
 * widens \p{Ll} depends on the PCRE2 version), asks. Proven for this
 * source only: */
const pm_proof pm_proof_counted_noun = {"quantities.counted_noun", "898c6a8278b393ca",
                                        "quantity.c counted_noun_verdict, noun_stopwords"};

static verdict counted_noun_verdict(const char *key, size_t n, size_t at, size_t *end)
{
    static const char *const noun_stopwords[] = {
        "nam", "thang", "ngay", "quy",  "tuan", "gio",  "phut", "giay", "tuoi", "lan",
        "thu", "dem",   "buoi", "khoa", "loai", "so",   "tro",  "va",   "hoac", "den",
        "toi", "tu",    "tren", "duoi", "trong", "cua", "voi",  "vao",  "tai",  "cho",
        "de",  "la",    "o",    "thi",  "nhu",  "con",  "da",   "dang", "se",   "duoc",
        "bi",  "theo",  "tang", "giam", NULL};
    size_t j = at;
    for (;;) {
        if (j < n && ascii_space((unsigned char)key[j]))
            j++;
        else if (j + 1 < n && (unsigned char)key[j] == 0xC2 && (unsigned char)key[j + 1] == 0xA0)
            j += 2;
        else
            break;
    }
    unsigned char c = j < n ? (unsigned char)key[j] : 0;
    if (j < n && (c >= 0x80 || (c >= 'A' && c <= 'Z')))
        return ASK;
    if (j == at || j == n || c < 'a' || c > 'z')
        return NO_MATCH;
    size_t e = j;
    while (e < n && key[e] >= 'a' && key[e] <= 'z')
        e++;
    c = e < n ? (unsigned char)key[e] : 0;
    if (e < n && (c >= 0x80 || (c >= 'A' && c <= 'Z')))
        return ASK;
    if ((e < n && is_digit((char)c)) || in_list(key + j, e - j, noun_stopwords))
        return NO_MATCH;
    *end = e;
    return MATCH;
}

/* The end of quantities.counted_noun matched at key[at], 0 when none. */
static size_t counted_noun_end(const pm_extractor *x, const folded *f, size_t at,
                               pcre2_match_data *md)
{
    const struct pm_quantity_lexicon *lx = x->quantity;
    size_t ms, me = 0;
    verdict v = lx->noun_proven ? counted_noun_verdict(f->key, f->len, at, &me) : ASK;
    if (v == ASK)
        v = anchored_match(x, lx->counted_noun, f, at, md) && pm_regex_group(md, 0, &ms, &me)
                ? MATCH
                : NO_MATCH;
    return v == MATCH ? me : 0;
}

/* End of re matched anchored at key[at], 0 when it does not match there. */
static size_t match_end(const pm_extractor *x, const pcre2_code *re, const folded *f, size_t at,
                        pcre2_match_data *md)
{
    size_t ms, me;
    if (!anchored_match(x, re, f, at, md) || !pm_regex_group(md, 0, &ms, &me))
        return 0;
    return me > at ? me : 0;
}

/* Can quantities.rate_tail (blanks and lower-case words, then `/`) match at
 * key[at]? Before its first `/` a match holds only [ \t\x{A0}] and \p{Ll}:
 * not when the first ASCII byte after key[at] that is neither a letter (of
 * either case, whatever \p{Ll} takes) nor a blank or tab is not `/`.
 * Proven for this source only: */
const pm_proof pm_proof_rate_tail = {"quantities.rate_tail", "58258982c0bc2e6a",
                                     "quantity.c rate_may_follow"};

static bool rate_may_follow(const char *key, size_t n, size_t at)
{
    size_t i = at;
    while (i < n && ((unsigned char)key[i] >= 0x80 || ascii_letter(key[i]) || key[i] == ' ' ||
                     key[i] == '\t'))
        i++;
    return i < n && key[i] == '/';
}

/* The end of quantities.rate_tail matched at key[at], 0 when none. */
static size_t rate_end_at(const pm_extractor *x, const folded *f, size_t at,
                          pcre2_match_data *md)
{
    const struct pm_quantity_lexicon *lx = x->quantity;
    if (lx->rate_proven && !rate_may_follow(f->key, f->len, at))
        return 0;
    return match_end(x, lx->rate_tail, f, at, md);
}

/* One candidate from a `value` match: accepted (true, *q filled) or not.
 * *resume is where scanning goes on either way. */
static bool read_candidate(const pm_extractor *x, const folded *f, aspiration_scan *asp,
                           const value_match *vm, pcre2_match_data *md, pm_quantity *q,
                           size_t *resume)
{
    const struct pm_quantity_lexicon *lx = x->quantity;
    const char *key = f->key;
    size_t n = f->len;
    span whole = vm->whole, from = vm->from, n1 = vm->n1, pct1 = vm->pct1, n2 = vm->n2,
         pct2 = vm->pct2, gt = vm->gt;
    bool has_cmp = vm->has_cmp;
    pm_op op = vm->op;
    bool said_tren = gt.set && ascii_lower(key[gt.start]) == 't'; /* not `hơn`, `>` */

    number_token t1, t2 = {0};
    *resume = n1.end;
    if (!read_number(key, n1, &t1))
        return false;
    /* `45% đến 2030` is a value and a year, not a range. */
    if (n2.set && (!read_number(key, n2, &t2) || (t2.year_like && !t1.year_like)))
        n2.set = pct2.set = false;
    size_t last_digit = n2.set ? n2.end : n1.end;
    size_t end = pct2.set ? pct2.end : n2.set ? n2.end : pct1.set ? pct1.end : n1.end;
    *resume = last_digit;

    if (t1.code_like || (n2.set && t2.code_like))
        return false;
    if (words_before(x, lx->excluded_before, key, n1.start, md,
                     lx->excluded_proven ? excluded_verdict : NULL) ||
        ((!lx->after_proven || excluded_after_may_match(key, n, last_digit)) &&
         anchored_match(x, lx->excluded_after, f, last_digit, md)) ||
        is_label(key, n, n1.start, n1.end))
        return false;

    const char *unit = NULL;
    size_t unit_start = 0, rate_end, noun_end;
    double factor = 1; /* of a magnitude word before counted things */
    bool attained = words_before(x, lx->attained, key, n1.start, md,
                                 lx->attained_proven ? attained_verdict : NULL);
    if (pct1.set || pct2.set) {
        unit = "%";
    } else {
        size_t unit_end, at = skip_spaces(key, n, end);
        const unit_form *u = match_unit(lx, key, n, at, &unit_end);
        if (u && strcmp(u->unit, "m2/person") != 0 && strcmp(u->unit, "%") != 0 &&
            (rate_end = rate_end_at(x, f, unit_end, md)) != 0) {
            /* `02 trạm/xã`, `43 triệu đồng/người/năm`: a rate, as written */
            unit = pm_unit_written;
            unit_start = at;
            end = rate_end;
        } else if (u) {
            unit = u->unit;
            end = unit_end;
            if (from.set && !n2.set)
                end = read_range_tail(x, f, md, u, end, &n2, &t2);
        } else if (letter_at(key, n, end)) {
            return false; /* `4G`, `Quốc lộ 4B`: a glued letter that is no unit */
        } else if (at > end && (!lx->magnitude_proven || magnitude_may_start(key, n, at)) &&
                   anchored_match(x, lx->magnitude, f, at, md)) {
            size_t ms, me;
            pm_regex_group(md, 0, &ms, &me);
            const unit_form *what = match_unit(lx, key, n, skip_spaces(key, n, me), &unit_end);
            if (what && strcmp(what->unit, "count") == 0 &&
                (factor = magnitude_factor(lx, key, ms, me)) > 0) {
                /* `1,25 triệu lượt khách`: a number of things, 1250000 */
                unit = "count";
                unit_start = skip_spaces(key, n, me);
            } else {
                /* `10 triệu cây`, `2 nghìn tỷ đồng`: money, measures and
                 * nouns of no count unit stay as written, unscaled */
                if (!what && (unit_end = counted_noun_end(x, f, me, md)) == 0)
                    unit_end = me;
                unit = pm_unit_written;
                unit_start = at;
            }
            end = unit_end;
        } else if (at > end && (noun_end = counted_noun_end(x, f, end, md)) != 0) {
            /* `11 bác sĩ/vạn dân`, `tối thiểu 60 lít/người/ngày`: a rate,
             * reported as written; `tối thiểu 1.200 phòng lưu trú`: a
             * stated value of things. A bare `12 phòng` states nothing. */
            if ((rate_end = rate_end_at(x, f, noun_end, md)) != 0) {
                unit = pm_unit_written;
                unit_start = at;
                end = rate_end;
            } else if (has_cmp) {
                unit = "count";
                unit_start = at;
                end = noun_end;
            }
        } else if (attained && anchored_match(x, lx->time_noun, f, end, md)) {
            /* `tuổi thọ đạt khoảng 71 tuổi`: the age is what is measured */
            span word = group(md, lx->g_time_unit);
            unit = pm_unit_written;
            unit_start = word.start;
            end = word.end;
        }
    }
    if (t1.year_like && (!n2.set || t2.year_like) && !unit)
        return false;

    span bound = {0};
    if ((!lx->bound_proven || bound_may_follow(key, n, end)) &&
        anchored_match(x, lx->bound_suffix, f, end, md)) {
        bound.set = true;
        op = group(md, lx->g_bound_ge).set ? PM_OP_GE : PM_OP_LE;
        pm_regex_group(md, 0, &bound.start, &end);
    } else if (from.set && op == PM_OP_EQ) {
        op = PM_OP_GE; /* `(đạt) từ 40%`: from 40% up */
    }

    /* `trên 100 % các tuyến đường`: no share of a set exceeds all of it, so
     * `trên` is the preposition `on`, not `above`. */
    if (said_tren && op == PM_OP_GT && unit && strcmp(unit, "%") == 0 && !n2.set &&
        t1.value == 100 && anchored_match(x, lx->share_of, f, end, md))
        op = PM_OP_EQ;

    size_t start = whole.start;
    advance_aspiration(x, f, asp, start, md);
    bool stated = has_cmp || from.set || bound.set || unit || t1.decimal || t2.decimal;
    if (!stated && !is_whole_cell(f, asp, start, end))
        return false;

    if (factor > 1) {
        /* a count is whole: round off what the decimal factor leaves */
        t1.value = (double)(long long)(t1.value * factor + 0.5);
        t2.value = (double)(long long)(t2.value * factor + 0.5);
    }
    memset(q, 0, sizeof *q);
    if (n2.set) {
        q->value.op = PM_OP_BETWEEN;
        q->value.has_min = q->value.has_max = true;
        q->value.min = t1.value < t2.value ? t1.value : t2.value;
        q->value.max = t1.value < t2.value ? t2.value : t1.value;
    } else if (op == PM_OP_LT || op == PM_OP_LE) {
        q->value.op = op;
        q->value.has_max = true;
        q->value.max = t1.value;
    } else {
        q->value.op = op;
        q->value.has_min = true;
        q->value.min = t1.value;
    }
    q->unit = unit;
    if (unit == pm_unit_written || factor > 1) {
        q->unit_start = orig_offset(f, unit_start);
        q->unit_end = orig_offset(f, end);
    }
    q->aspirational = aspiration_before(asp, start);
    q->attained = attained;
    q->start = orig_offset(f, start);
    q->end = orig_offset(f, end);
    *resume = end;
    return true;
}

/* How far before a number the search for a value starts: a value is a
 * number, with at most a few words before it (comparator, `đạt`, `từ`)
 * and no digit among them. */
enum { VALUE_LOOKBACK = 96 };

/* Is the run of ASCII letters key[p, e), lowered, a first word of `value`
 * (value_openers)? */
static inline bool opener_word(const struct pm_quantity_lexicon *lx, const char *key, size_t n,
                               size_t p, size_t e)
{
    const uint64_t *same = lx->openers_by_letter[(unsigned char)ascii_lower(key[p]) - 'a'];
    size_t len = e - p;
    if (len > MAX_OPENER || !same[0])
        return false;
    uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (p + 8 <= n) {
        /* the letters as one load, in the order the openers are packed;
         * | 0x20 lowers an ASCII letter */
        memcpy(&w, key + p, 8);
        w = (w | 0x2020202020202020u) & (~(uint64_t)0 >> (8 * (8 - len)));
    } else
#endif
        for (size_t k = 0; k < len && p + k < n; k++)
            w |= (uint64_t)(unsigned char)ascii_lower(key[p + k]) << 8 * k;
    for (size_t i = 0; i < MAX_SAME_LETTER && same[i]; i++)
        if (w == same[i])
            return true;
    return false;
}

/* The first `value` match at or after `from` (the key is valid UTF-8).
 * For this source the pattern is tried anchored only where a match can
 * start:
 * before a number, a match holds no ASCII digit, `;` or `.` (comparators,
 * filler words, `từ`, and `[^0-9;.]` in `tối thiểu mỗi … có`), so its
 * number is the first after its start, which lies after the last of those
 * bytes before the number; there it starts where next_value looks, or at
 * the number's first digit, whose look-behind excludes a letter, a digit
 * and `.,/:+_` before it. Numbers are tried in order and, for each, every
 * possible start from the left: the leftmost match, as an unanchored
 * search from `from` finds. */
const pm_proof pm_proof_value_start = {"quantities.value", "343cad7328cb45ed",
                                       "quantity.c next_value, opener_word, value_openers, "
                                       "bare_number_at, comparator_at, value_may_reach, "
                                       "value_comparators, bridge_words, bridge_start"};

/* `[0-9]+(?:[.,][0-9]+)*` from the digit key[i], as greedy as PCRE2 takes
 * it: its end. */
static size_t number_end(const char *key, size_t n, size_t i)
{
    i += digit_run(key, n, i);
    while (i + 1 < n && (key[i] == '.' || key[i] == ',') && is_digit(key[i + 1]))
        i += 1 + digit_run(key, n, i + 1);
    return i;
}

/* `(?<pct>\s*%)?` at key[i]: sets *pct (or leaves it unset); false when a
 * non-ASCII byte after the blanks leaves it open (a Unicode space). */
static bool percent_at(const char *key, size_t n, size_t i, span *pct)
{
    size_t j = skip_ascii_spaces(key, n, i);
    if (j < n && (unsigned char)key[j] >= 0x80)
        return false;
    if (j < n && key[j] == '%')
        *pct = (span){i, j + 1, true};
    return true;
}

/* The `value` match anchored at key[d], a digit no comparator or `từ` opens
 * (next_value has tried those) and, when d > 0, after an ASCII byte that is
 * not in the look-behind `[\p{L}\p{N}.,/:+_]`. For the source of
 * pm_proof_value_start the match is then n1, `(?<pct1>\s*%)?` and
 * `(?:\s*[-–—]\s*(?<n2>…)(?<pct2>\s*%)?)?` (the `đến`/`tới` branch needs
 * `từ`): every part after n1 is optional, so the first path PCRE2 tries is
 * the match, each part as long as it can be. Read from ASCII only: false
 * when a non-ASCII byte could decide (a letter or digit before d, a Unicode
 * space or dash after a number), for PCRE2 to answer. */
static bool bare_number_at(const char *key, size_t n, size_t d, value_match *vm)
{
    if (d > 0 && (unsigned char)key[d - 1] >= 0x80)
        return false;
    memset(vm, 0, sizeof *vm);
    vm->op = PM_OP_EQ;
    size_t end = number_end(key, n, d);
    vm->n1 = (span){d, end, true};
    if (!percent_at(key, n, end, &vm->pct1))
        return false;
    if (vm->pct1.set)
        end = vm->pct1.end;
    size_t dash = skip_ascii_spaces(key, n, end);
    if (dash < n && (unsigned char)key[dash] >= 0x80)
        return false;
    if (dash < n && key[dash] == '-') {
        size_t d2 = skip_ascii_spaces(key, n, dash + 1);
        if (d2 < n && (unsigned char)key[d2] >= 0x80)
            return false;
        if (d2 < n && is_digit(key[d2])) {
            vm->n2 = (span){d2, number_end(key, n, d2), true};
            if (!percent_at(key, n, vm->n2.end, &vm->pct2))
                return false;
            end = vm->pct2.set ? vm->pct2.end : vm->n2.end;
        }
    }
    vm->whole = (span){d, end, true};
    return true;
}

/* The one-word comparators comparator_at reads, as value_openers spells
 * them, and their group's op (`gt` for those whose group is `gt`). */
static const struct {
    const char *word;
    pm_op op;
} plain_comparators[] = {{"dat", PM_OP_EQ},    {"tren", PM_OP_GT}, {"hon", PM_OP_GT},
                         {"khoang", PM_OP_APPROX}, {"gan", PM_OP_APPROX}, {"duoi", PM_OP_LT}};

/* The `value` match anchored at key[p], where the run of ASCII letters
 * key[p, e) is a first word of the pattern after a word boundary, when it
 * is the whole comparator: one of plain_comparators, then ASCII blanks,
 * then the number at d. For the source of pm_proof_value_start no earlier
 * branch of the comparator group matches such a word (none opens with it;
 * `khong`, `(cao|lon|nhieu) hon` differ in letters), its branch is the
 * word between \b and \b, the filler loop after it takes nothing before a
 * digit, `\s*` takes the blanks and `từ` cannot follow; the number is then
 * bare_number_at's. False, for PCRE2 to answer, for any other shape, a
 * non-ASCII byte before p, or what bare_number_at leaves open. */
static bool comparator_at(const char *key, size_t n, size_t p, size_t e, size_t d,
                          value_match *vm)
{
    if (e == d || (p > 0 && (unsigned char)key[p - 1] >= 0x80))
        return false;
    for (size_t i = e; i < d; i++)
        if (!ascii_space((unsigned char)key[i]))
            return false;
    char w[8];
    size_t len = e - p;
    if (len > sizeof w)
        return false;
    for (size_t k = 0; k < len; k++)
        w[k] = ascii_lower(key[p + k]);
    for (size_t i = 0; i < sizeof plain_comparators / sizeof *plain_comparators; i++) {
        const char *c = plain_comparators[i].word;
        if (strncmp(c, w, len) != 0 || c[len] != '\0')
            continue;
        if (!bare_number_at(key, n, d, vm))
            return false;
        vm->whole.start = p;
        vm->op = plain_comparators[i].op;
        vm->has_cmp = true;
        if (vm->op == PM_OP_GT)
            vm->gt = (span){p, e, true};
        return true;
    }
    return false;
}

enum { MAX_BRIDGE_WORDS = 24 };

/* The comparators of `value` made of words, folded. */
static const char *const value_comparators[][4] = {
    {"toi", "thieu"}, {"it", "nhat"},   {"khong", "duoi"},  {"khong", "thap", "hon"},
    {"khong", "it", "hon"}, {"khong", "nho", "hon"}, {"toi", "da"}, {"khong", "qua"},
    {"khong", "vuot", "qua"}, {"khong", "cao", "hon"}, {"khong", "lon", "hon"},
    {"khong", "nhieu", "hon"}, {"cao", "hon"}, {"lon", "hon"}, {"nhieu", "hon"}, {"hon"},
    {"tren"}, {"duoi"}, {"it", "hon"}, {"thap", "hon"}, {"nho", "hon"}, {"khoang"},
    {"xap", "xi"}, {"gan"}, {"dat"}};

/* Can a `value` match that opens with the word at p reach the number
 * at d? For the source of pm_proof_value_start the words from p to d are
 * then a comparator (value_comparators), then fillers (`đạt`, `là`,
 * `được`, `ở mức`, `mức`), then at most `từ`; or `từ` alone. Each word is a
 * whole run of ASCII letters and only blanks and `:` lie between them: an
 * ASCII byte other than a blank, `:` or a letter, a word no branch takes,
 * or words in another order (`đạt trên 5%` at `đạt`), rule a match out;
 * a non-ASCII byte, `mỗi` (the bridge `mỗi … có` of `tối thiểu` and `ít
 * nhất`) or more words than kept are left to the regex. Looser than the
 * regex (`:` is taken anywhere, blanks may be missing before `:`), never
 * stricter. */
static bool value_may_reach(const char *key, size_t p, size_t d)
{
    char words[MAX_BRIDGE_WORDS][8];
    size_t k = 0;
    for (size_t i = p; i < d;) {
        unsigned char c = (unsigned char)key[i];
        if (c >= 0x80)
            return true;
        if (ascii_space(c) || c == ':') {
            i++;
            continue;
        }
        if (!ascii_letter((char)c))
            return false;
        size_t end = i;
        while (end < d && ascii_letter(key[end]))
            end++;
        if (end - i >= sizeof words[0])
            return false; /* longer than any word of the grammar */
        if (k == MAX_BRIDGE_WORDS)
            return true;
        for (size_t j = 0; j < end - i; j++)
            words[k][j] = ascii_lower(key[i + j]);
        words[k][end - i] = '\0';
        if (strcmp(words[k], "moi") == 0)
            return true;
        k++;
        i = end;
    }
    if (k == 1 && strcmp(words[0], "tu") == 0)
        return true;
    for (size_t c = 0; c < sizeof value_comparators / sizeof *value_comparators; c++) {
        size_t j = 0; /* (each list ends with NULL) */
        while (value_comparators[c][j] && j < k && strcmp(words[j], value_comparators[c][j]) == 0)
            j++;
        if (value_comparators[c][j])
            continue; /* not this comparator */
        /* fillers: none is a prefix of another but `ở mức` of nothing */
        while (j < k) {
            const char *w = words[j];
            if (!strcmp(w, "dat") || !strcmp(w, "la") || !strcmp(w, "duoc") || !strcmp(w, "muc"))
                j++;
            else if (!strcmp(w, "o") && j + 1 < k && !strcmp(words[j + 1], "muc"))
                j += 2;
            else
                break;
        }
        if (j == k || (j + 1 == k && !strcmp(words[j], "tu")))
            return true;
    }
    return false;
}

/* Where, in [lo, d), the search for a `value` match whose number is at d
 * can start: after the last byte or word no match can cross. For the
 * source of pm_proof_value_start a match that starts before d has its n1
 * at d (nothing between its start and n1 is a digit) and holds before it
 * only comparators (words, `>`, `<`, `=`, `~` and non-ASCII signs), blanks
 * (ASCII or not), `:` and the words of value_may_reach, or the bridge
 * `mỗi … có` (anything but a digit, `;` or `.`). So, read back from d, an
 * ASCII byte other than those, or a whole word not among them, ends what
 * a match can hold, and a word that runs on before lo starts none; `mỗi`
 * or `có` (which may end the bridge) leaves lo, bounded only by the last
 * `;` or `.`. A run of letters glued to a non-ASCII byte is crossed. */
static size_t bridge_start(const struct pm_quantity_lexicon *lx, const char *key, size_t lo,
                           size_t d)
{
    for (size_t i = d; i > lo;) {
        unsigned char c = (unsigned char)key[i - 1];
        if (c >= 0x80 || ascii_space(c) || c == ':' || c == '>' || c == '<' || c == '=' ||
            c == '~') {
            i--;
            continue;
        }
        if (!ascii_letter((char)c))
            return i;
        size_t end = i;
        while (i > lo && ascii_letter(key[i - 1]))
            i--;
        if (end - i > 8 || (i == lo && lo > 0 && ascii_letter(key[lo - 1])))
            return end;
        uint64_t w = packed_word(key + i, end - i);
        if (w == packed_word("moi", 3) || w == packed_word("co", 2)) {
            while (d > lo && key[d - 1] != ';' && key[d - 1] != '.')
                d--;
            return d;
        }
        size_t k = 0;
        while (k < N_BRIDGE_WORDS && lx->bridge_packed[k] != w)
            k++;
        /* (a word glued to a non-ASCII character may be the rest of one
         * whose first letter is a caseless twin: `\u212Ahoang`) */
        if (k == N_BRIDGE_WORDS && (i == 0 || (unsigned char)key[i - 1] < 0x80))
            return end;
    }
    return lo;
}

static bool next_value(const pm_extractor *x, const folded *f, size_t from,
                       pcre2_match_data *md, value_match *vm)
{
    const struct pm_quantity_lexicon *lx = x->quantity;
    const pcre2_code *re = lx->value;
    if (!lx->value_proven) { /* the general search */
        if (pm_regex_match(x->patterns, re, f->key, f->len, from, PCRE2_NO_UTF_CHECK, md) <= 0)
            return false;
        value_match_read(lx, md, vm);
        return true;
    }
    uint32_t options = PCRE2_ANCHORED | PCRE2_NO_UTF_CHECK;
    const char *key = f->key;
    size_t n = f->len, lo = from; /* no match starts before lo */
    for (size_t d = pm_next_ascii_digit(key, n, from); d < n;
         lo = d + 1, d = pm_next_ascii_digit(key, n, d + 1)) {
        if (d > 0 && (is_digit(key[d - 1]) || ascii_letter(key[d - 1]) ||
                      memchr(".,/:+_", key[d - 1], 6)))
            continue; /* inside a number or glued: no number starts here */
        lo = bridge_start(lx, key, lo, d);
        /* Where a value may open: `>`, `<`, `=`, `~`; a character led by
         * 0xE2 (`≥`, `⩾`, `≤`, `⩽`, `≈`, and U+212A, the Kelvin sign, which
         * `(?i)` takes for `k`); or, after a word boundary, a first word of
         * the pattern as the whole run of ASCII letters before d (each is
         * followed by \s or \b, and no letter of them has another caseless
         * twin: `s` would, U+017F, but none of them holds one). Only the
         * first letter of a run can follow a boundary. */
        for (size_t p = lo; p < d;) {
            unsigned char c = (unsigned char)key[p];
            if (!ascii_letter((char)c)) {
                if ((c == '>' || c == '<' || c == '=' || c == '~' || c == 0xE2) &&
                    pm_regex_match(x->patterns, re, key, n, p, options, md) > 0) {
                    value_match_read(lx, md, vm);
                    return true;
                }
                p++;
                continue;
            }
            size_t e = p + 1;
            while (e < d && ascii_letter(key[e]))
                e++;
            if ((p == 0 || !(is_ascii_alnum(key[p - 1]) || key[p - 1] == '_')) &&
                opener_word(lx, key, n, p, e)) {
                if (comparator_at(key, n, p, e, d, vm))
                    return true;
                if (value_may_reach(key, p, d) &&
                    pm_regex_match(x->patterns, re, key, n, p, options, md) > 0) {
                    value_match_read(lx, md, vm);
                    return true;
                }
            }
            p = e;
        }
        if (bare_number_at(key, n, d, vm))
            return true;
        if (pm_regex_match(x->patterns, re, key, n, d, options, md) > 0) {
            value_match_read(lx, md, vm);
            return true;
        }
    }
    return false;
}

/* Does byte i (not the last) ask key_may_have_digit for a look? */
static inline unsigned byte_asks_look(const struct pm_quantity_lexicon *lx,
                                      const unsigned char *u, size_t i)
{
    unsigned cls = lx->digit_class[u[i]];
    return (cls == DIGIT_LOOK) | ((cls == DIGIT_LATIN3) & ((unsigned)(u[i + 1] - 0xB8) > 3));
}

/* Can the key of s hold a decimal digit? Not when s has no ASCII digit and
 * each of its other characters has a cached fold without one. Bytes are
 * read through digit_class: a continuation byte, and a lead byte all of
 * whose characters fold without a digit, need no look; nor does an invalid
 * sequence, whose U+FFFD is no digit. */
static bool key_may_have_digit(const struct pm_quantity_lexicon *lx, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (pm_next_ascii_digit(s, n, 0) < n)
        return true;
    /* Most texts need no look at all: one pass says so. A byte asks for a
     * look when its class is DIGIT_LOOK, or DIGIT_LATIN3 and the next byte
     * is not 0xB8..0xBB. Classes below 0x80 are DIGIT_NONE or an ASCII digit
     * (none here), so such a byte is at least look_min (or 0x80 when
     * look_min is 0). Eight bytes at a time, the bytes flagged are those at
     * least that but for latin3_lead before 0xB8..0xBB: a superset of those
     * that ask, so a word without a flag holds none and a word with one is
     * settled byte by byte as the tail is. */
    const uint64_t ones = 0x0101010101010101u, low7 = ones * 0x7F, high = ones * 0x80;
    const uint64_t ge_add = ones * (uint64_t)(0x80 - (lx->look_min & 0x7F));
    unsigned look = 0;
    size_t i = 0;
#if defined(__SSE2__)
    /* The same flags sixteen bytes at a time (unsigned >= as max == self). */
    const __m128i least = _mm_set1_epi8((char)(lx->look_min ? lx->look_min : 0x80));
    const __m128i lead = _mm_set1_epi8((char)lx->latin3_lead);
    const __m128i top6 = _mm_set1_epi8((char)0xFC), b8 = _mm_set1_epi8((char)0xB8);
    for (; i + 17 <= n && !look; i += 16) {
        __m128i w = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        __m128i ge = _mm_cmpeq_epi8(_mm_max_epu8(w, least), w);
        __m128i latin3 = _mm_and_si128(_mm_cmpeq_epi8(w, lead),
                                       _mm_cmpeq_epi8(_mm_and_si128(v, top6), b8));
        if (!_mm_movemask_epi8(_mm_andnot_si128(latin3, ge)))
            continue;
        for (size_t j = i; j < i + 16; j++)
            look |= byte_asks_look(lx, u, j);
    }
#endif
    for (uint64_t w, v; i + 9 <= n && !look; i += 8) {
        memcpy(&w, s + i, 8);
        memcpy(&v, s + i + 1, 8);
        /* bit 7 of a byte: it is >= look_min (no carry crosses bytes) */
        uint64_t flag = ((w & low7) + ge_add) & w & high;
        if (!flag)
            continue;
        /* bit 7 of a byte: it is latin3_lead; the next is 0xB8..0xBB
         * (exact zero-byte tests) */
        uint64_t e = w ^ ones * lx->latin3_lead;
        uint64_t c = (v & ones * 0xFC) ^ ones * 0xB8;
        flag &= ~(~(((e & low7) + low7) | e) & ~(((c & low7) + low7) | c));
        for (size_t j = i; flag && j < i + 8; j++)
            look |= byte_asks_look(lx, u, j);
    }
    for (; i + 1 < n && !look; i++)
        look |= byte_asks_look(lx, u, i);
    if (!look && (n == 0 || lx->digit_class[u[n - 1]] == DIGIT_NONE))
        return false;
    for (i = 0; i < n; i++) {
        uint8_t cls = lx->digit_class[u[i]];
        if (cls == DIGIT_NONE)
            continue;
        /* U+1E00..U+1EFF fold without a digit (checked once), valid or not */
        if (cls == DIGIT_LATIN3 && i + 1 < n && u[i + 1] >= 0xB8 && u[i + 1] <= 0xBB)
            continue;
        size_t k;
        const folded_char *fc = cls != DIGIT_ASCII ? cached_fold(lx, s, n, i, &k) : NULL;
        if (!fc || fc->digit)
            return true;
        i += k - 1;
    }
    return false;
}

size_t pm_find_quantities(const pm_extractor *x, const char *s, size_t n, pm_quantity *out,
                          size_t max)
{
    /* A value is a number: no digit in the key, nothing to find. */
    if (!s || n == 0 || max == 0 || !key_may_have_digit(x->quantity, s, n))
        return 0;
    folded f;
    /* Out of memory: nothing can be read, which is what is reported. */
    if (!fold_text(x->quantity, s, n, &f))
        return 0;
    pcre2_match_data *md = pcre2_match_data_create_from_pattern(x->quantity->value, NULL);
    size_t found = 0;
    /* PCRE2 refuses a key that is not UTF-8: nothing is found in it. */
    if (md && f.match_options) {
        aspiration_scan asp = {0};
        for (size_t pos = 0; found < max && pos < f.len;) {
            size_t digit = next_digit(f.key, f.len, pos);
            if (digit == f.len)
                break;
            size_t from = pos;
            if (digit - pos > VALUE_LOOKBACK) {
                from = digit - VALUE_LOOKBACK;
                while (((unsigned char)f.key[from] & 0xC0) == 0x80)
                    from++;
            }
            value_match vm;
            if (!next_value(x, &f, from, md, &vm))
                break;
            /* resume is past the first digit of the match, so this ends. */
            size_t resume;
            if (read_candidate(x, &f, &asp, &vm, md, &out[found], &resume))
                found++;
            pos = resume;
        }
    }
    pcre2_match_data_free(md);
    folded_free(&f);
    return found;
}

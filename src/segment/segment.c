/* The segmenter's driver: tables claim their lines first, then every other
 * line is classified once, the layout (front matter, closing, appendices)
 * is found, the outline and blocks are built and the header fields read. */
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "segment/internal.h"

pm_status pm_segmenter_new(const pm_patterns *p, pm_segmenter **out, pm_error *err)
{
    *out = NULL;
    pm_segmenter *s = calloc(1, sizeof *s);
    if (!s)
        return pm_fail(err, PM_ERR_NOMEM, "segmenter", 0, "out of memory");
    s->patterns = p;
    pm_status st = pm_tables_init(s, err);
    if (st == PM_OK)
        st = pm_outline_init(s, err);
    if (st == PM_OK)
        st = pm_header_init(s, err);
    if (st != PM_OK) {
        pm_segmenter_free(s);
        return st;
    }
    *out = s;
    return PM_OK;
}

void pm_segmenter_free(pm_segmenter *s)
{
    if (!s)
        return;
    pm_tables_free(s);
    pm_outline_free(s);
    pm_header_free(s);
    free(s);
}

/* The set is found by asking PCRE2 itself: a one-character subject c
 * matched with PCRE2_PARTIAL_HARD gives PCRE2_ERROR_NOMATCH only when no
 * subject starting with c can match. Up to the first time the matcher
 * inspects what follows c it takes the same steps as on any longer subject
 * starting with c, and at that moment hard partial matching stops with
 * PCRE2_ERROR_PARTIAL; the two optimisations that look at the whole subject
 * (minimum length, a required code unit) are off for partial matching.
 * Every code point of U+0000..U+01FF is tried: ASCII, and the leads C2..C7
 * of Latin letters with marks (Đ, Ơ, Ư, Â ...). The other leads always stay
 * in the set: lines rarely start with them, and trying all their code points
 * would cost more at start than it saves. Anything but NOMATCH (a match, a
 * partial match, an error) keeps the byte. */
pm_status pm_first_bytes_of(const pcre2_code *re, pm_first_bytes *out, pm_error *err)
{
    memset(out->bits, 0xFF, sizeof out->bits);
    uint32_t options = 0;
    if (pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &options) != 0 ||
        !(options & PCRE2_ANCHORED))
        return PM_OK; /* a match may start anywhere: no first byte */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (!md)
        return pm_fail(err, PM_ERR_NOMEM, "segmenter", 0, "out of memory");
    for (unsigned lead = 0; lead < 0xC8; lead++) {
        if (lead >= 0x80 && lead < 0xC2)
            continue; /* continuation bytes and overlong leads: never a valid start */
        bool may = false;
        unsigned char s[2] = {(unsigned char)lead, 0};
        if (lead < 0x80)
            may = pcre2_match(re, s, 1, 0, PCRE2_PARTIAL_HARD, md, NULL) != PCRE2_ERROR_NOMATCH;
        for (unsigned cont = 0x80; lead >= 0x80 && cont < 0xC0 && !may; cont++) {
            s[1] = (unsigned char)cont;
            may = pcre2_match(re, s, 2, 0, PCRE2_PARTIAL_HARD, md, NULL) != PCRE2_ERROR_NOMATCH;
        }
        if (!may)
            out->bits[lead >> 3] &= (unsigned char)~(1u << (lead & 7));
    }
    pcre2_match_data_free(md);
    return PM_OK;
}

pm_zone pm_zone_of(const pm_layout *lay, size_t line)
{
    if (line >= lay->closing_start && line < lay->closing_end)
        return PM_ZONE_CLOSING;
    if (line >= lay->appendix_start ||
        (lay->closing_end > lay->closing_start && line >= lay->closing_end))
        return PM_ZONE_APPENDIX;
    return line < lay->front_end ? PM_ZONE_FRONT : PM_ZONE_BODY;
}

/* Eight bytes at a time (SWAR): most of a line is plain text. */
enum { WORD = 8 };
#define ONES UINT64_C(0x0101010101010101)
#define HIGHS UINT64_C(0x8080808080808080)

static uint64_t load_word(const char *s)
{
    uint64_t w;
    memcpy(&w, s, sizeof w);
    return w;
}

#if defined(__SSE2__)
/* Sixteen bytes a step (x86-64 always has SSE2); bit k of a mask is byte k
 * of the block. */
enum { BLOCK = 16 };

static unsigned byte_mask(__m128i v, char c)
{
    return (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c)));
}

static __m128i load_block(const char *s) { return _mm_loadu_si128((const __m128i *)(const void *)s); }

/* Bits set in a 16-bit mask (the baseline x86-64 has no popcnt). */
static unsigned popcount16(unsigned x)
{
    x -= (x >> 1) & 0x5555u;
    x = (x & 0x3333u) + ((x >> 2) & 0x3333u);
    x = (x + (x >> 4)) & 0x0F0Fu;
    return (x + (x >> 8)) & 0x1Fu;
}
#endif

/* Code points starting in w: every byte but a continuation byte 10xxxxxx;
 * the flags (one per byte, at most 8) are summed by the multiplication. */
static size_t starts_in_word(uint64_t w)
{
    return (size_t)(((((~w | (w << 1)) & HIGHS) >> 7) * ONES) >> 56);
}

size_t pm_utf8_count(const char *s, size_t n)
{
    size_t count = 0, i = 0;
#if defined(__SSE2__)
    /* Each byte lane counts the bytes that start a code point (a
     * continuation byte 10xxxxxx is -65 or below as a signed byte: the
     * comparison gives -1 for the others), up to 255 blocks; then the lanes
     * are summed. */
    const __m128i continuation_max = _mm_set1_epi8(-65), zero = _mm_setzero_si128();
    while (i + BLOCK <= n) {
        __m128i lanes = zero;
        for (size_t k = 0; k < 255 && i + BLOCK <= n; k++, i += BLOCK)
            lanes = _mm_sub_epi8(lanes, _mm_cmpgt_epi8(load_block(s + i), continuation_max));
        __m128i sums = _mm_sad_epu8(lanes, zero);
        count += (size_t)_mm_cvtsi128_si32(sums) + (size_t)_mm_extract_epi16(sums, 4);
    }
    /* The rest (under a block) as the block that ends at n, the bytes
     * counted already masked off. */
    if (i < n && n >= BLOCK) {
        size_t base = n - BLOCK;
        unsigned starts = (unsigned)_mm_movemask_epi8(
            _mm_cmpgt_epi8(load_block(s + base), continuation_max));
        return count + popcount16(starts >> (i - base));
    }
#endif
    for (; i + WORD <= n; i += WORD) {
        uint64_t w = load_word(s + i);
        count += starts_in_word(w);
    }
    for (; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

size_t pm_first_word_count(const char *s, size_t n)
{
    size_t i = 0, count = 0;
#if defined(__SSE2__)
    /* Most first words fit in a block: the code points before its first
     * blank are counted from one compare (a continuation byte is -65 or
     * below as a signed byte). */
    const __m128i continuation_max = _mm_set1_epi8(-65);
    for (; i + BLOCK <= n; i += BLOCK) {
        __m128i v = load_block(s + i);
        unsigned starts = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, continuation_max));
        unsigned blank = byte_mask(v, ' ') | byte_mask(v, '\t');
        if (blank)
            return count + popcount16(starts & ((1u << __builtin_ctz(blank)) - 1));
        count += popcount16(starts);
    }
#endif
    for (; i < n && s[i] != ' ' && s[i] != '\t'; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

/* Bytes 'a'..'z' in w: the low seven bits of each byte plus an offset carry
 * into its high bit at 'a' and again past 'z'; bytes >= 0x80 are left out. */
static size_t ascii_small_in_word(uint64_t w)
{
    uint64_t low = w & ~HIGHS;
    uint64_t from_a = low + ONES * (0x80 - 'a'), past_z = low + ONES * (0x80 - 'z' - 1);
    return (size_t)((((from_a & ~past_z & ~w & HIGHS) >> 7) * ONES) >> 56);
}

bool pm_surely_not_upper(const char *s, size_t n, size_t upper, size_t lower)
{
    /* lower only grows by letters that are surely small; upper counts every
     * other code point starting in a word, and the bytes not read yet could
     * all be capitals: both bounds hold for the whole text */
    for (size_t i = 0; i + WORD <= n; i += WORD) {
        uint64_t w = load_word(s + i);
        size_t small = ascii_small_in_word(w);
        lower += small;
        upper += starts_in_word(w) - small;
        if (lower * 10 > upper + (n - i - WORD))
            return true;
    }
    return false;
}

static bool is_blank_byte(char c) { return c == ' ' || c == '\t'; }

/* Whether some byte of x is 0: exact as a whole, though the flags above
 * the lowest 0 byte may be wrong. */
static bool has_zero_byte(uint64_t x) { return ((x - ONES) & ~x & HIGHS) != 0; }

/* Whether the word at s holds two spaces in a row: byte k of x is 0 when
 * bytes k and k + 1 (in value order, which is adjacent in memory in either
 * byte order) are both spaces; the top byte has no successor in the word and
 * is set to 0xFF. Callers step by WORD - 1 so that every pair lies inside a
 * word. */
static bool word_has_space_pair(uint64_t w)
{
    uint64_t y = w ^ (ONES * ' ');
    return has_zero_byte(y | (y >> 8) | (UINT64_C(0xFF) << 56));
}

bool pm_has_space_pair(const char *s, size_t n)
{
    size_t i = 0;
    for (; i + WORD <= n; i += WORD - 1)
        if (word_has_space_pair(load_word(s + i)))
            return true;
    for (; i + 1 < n; i++)
        if (s[i] == ' ' && s[i + 1] == ' ')
            return true;
    return false;
}

size_t pm_next_break(const char *s, size_t n, size_t from)
{
    size_t i = from;
#if defined(__SSE2__)
    /* A tab or a '|' anywhere in the block, or a space before a blank (bit
     * k of sp & (blank >> 1)), is a break; a space in the last byte is
     * settled by the next block, which starts there (step BLOCK - 1). */
    for (; i + BLOCK <= n; i += BLOCK - 1) {
        __m128i v = load_block(s + i);
        unsigned tab = byte_mask(v, '\t'), sp = byte_mask(v, ' ');
        unsigned at = tab | byte_mask(v, '|') | (sp & ((sp | tab) >> 1));
        if (at)
            return i + (size_t)__builtin_ctz(at);
    }
    /* The rest (under a block) as the block that ends at n, its bytes before
     * i masked off; bit 15 is the last byte, whose space has no successor. */
    if (i < n && n - from >= BLOCK) {
        size_t base = n - BLOCK;
        __m128i v = load_block(s + base);
        unsigned tab = byte_mask(v, '\t'), sp = byte_mask(v, ' ');
        unsigned at = (tab | byte_mask(v, '|') | (sp & ((sp | tab) >> 1))) >> (i - base)
                      << (i - base);
        return at ? base + (size_t)__builtin_ctz(at) : n;
    }
#else
    /* Skip words without a tab, a '|' or two spaces in a row (a space
     * before a tab shows as the tab); the byte-by-byte loop finds the break
     * in the word that holds one. */
    for (; i + WORD <= n; i += WORD - 1) {
        uint64_t w = load_word(s + i);
        if (has_zero_byte(w ^ (ONES * '\t')) || has_zero_byte(w ^ (ONES * '|')) ||
            word_has_space_pair(w))
            break;
    }
#endif
    for (; i < n; i++)
        if (s[i] == '\t' || s[i] == '|' || (s[i] == ' ' && i + 1 < n && is_blank_byte(s[i + 1])))
            return i;
    return n;
}

size_t pm_next_either_letter(const char *s, size_t n, size_t from, char a, char b)
{
    /* OR-ing 0x20 maps only 'A'..'Z' onto 'a'..'z' among the bytes equal to
     * a letter after it: a word with no byte equal to a or b after it holds
     * neither letter in either case, and is skipped whole */
    uint64_t lower_a = ONES * (unsigned char)a, lower_b = ONES * (unsigned char)b;
    for (size_t i = from; i < n;) {
        if (i + WORD <= n) {
            uint64_t w = load_word(s + i) | (ONES * 0x20);
            if (!has_zero_byte(w ^ lower_a) && !has_zero_byte(w ^ lower_b)) {
                i += WORD;
                continue;
            }
        }
        for (size_t end = i + WORD < n ? i + WORD : n; i < end; i++) {
            char c = (char)(s[i] | 0x20);
            if (c == a || c == b)
                return i;
        }
    }
    return n;
}

pm_status pm_range_span(pm_arena *a, const pm_text *t, size_t start, size_t end, size_t line,
                        pm_span *out)
{
    size_t len = end - start;
    pm_piece *piece = pm_arena_alloc(a, sizeof *piece + len + 1);
    if (!piece)
        return PM_ERR_NOMEM;
    char *s = (char *)(piece + 1);
    memcpy(s, t->norm + start, len);
    s[len] = '\0';
    *piece = (pm_piece){0, start};
    /* a hint is checked: the line holds start when the next line starts after it */
    if (!line || line > t->n_lines || t->line_norm[line - 1] > start ||
        (line < t->n_lines && t->line_norm[line] <= start))
        line = pm_text_line(t, start);
    *out = (pm_span){s, len, piece, 1, line};
    return PM_OK;
}

char *pm_sentence_case(pm_arena *a, const char *s, size_t n)
{
    /* Case mapping never more than doubles a UTF-8 sequence here
     * (Vietnamese letters keep their length); 4 bytes per code point is safe. */
    char *out = pm_arena_alloc(a, n * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    bool first = true;
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t cp;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &cp);
        if (k <= 0) { /* not reachable on normalised text; copy the byte */
            out[o++] = s[i++];
            continue;
        }
        if (utf8proc_category(cp) == UTF8PROC_CATEGORY_LU ||
            utf8proc_category(cp) == UTF8PROC_CATEGORY_LL) {
            cp = first ? utf8proc_toupper(cp) : utf8proc_tolower(cp);
            first = false;
        }
        o += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + o);
        i += (size_t)k;
    }
    out[o] = '\0';
    return out;
}

pm_status pm_segment(const pm_segmenter *s, pm_arena *a, const pm_text *t, pm_tree *out,
                     pm_warnings *w, pm_error *err)
{
    memset(out, 0, sizeof *out);
    size_t n = t->n_lines;
    unsigned char *line_used = calloc(n + 1, 1), *line_plain = calloc(n + 1, 1);
    pm_line *lines = calloc(n + 1, sizeof *lines);
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    pm_status st = PM_OK;
    if (!line_used || !line_plain || !lines || !md) {
        st = pm_fail(err, PM_ERR_NOMEM, "segment", 0, "out of memory");
        goto done;
    }
    st = pm_find_tables(s, a, t, line_used, line_plain, &out->tables, &out->n_tables, w, err);
    if (st != PM_OK)
        goto done;
    pm_classify_lines(s, t, line_used, line_plain, lines, md);
    pm_layout lay;
    pm_find_layout(s, t, lines, n, md, &lay);
    st = pm_build_outline(s, a, t, lines, &lay, out, err);
    if (st == PM_OK)
        st = pm_read_header(s, a, t, lines, &lay, out, md, err);
done:
    pcre2_match_data_free(md);
    free(lines);
    free(line_used);
    free(line_plain);
    return st;
}

/* decode.c: bytes -> NFC text with an offset map and line tables.
 *
 * One pass over the input. In UTF-8, runs of ASCII and of characters that
 * are already NFC-stable (pm_cp_nfc_fast) are found by bit masks of 32 or
 * 16 bytes, or a DFA for the last few (scan_fast), and copied with one
 * memcpy; a decomposed letter (a starter and marks U+0300..U+036F) goes
 * whole to a table of the Latin letters' decompositions, a memo of its
 * NFC or utf8proc; other
 * input (UTF-16, legacy encodings, special characters) goes code point by
 * code point through feed_cp. Only a character that may need normalising
 * opens a "segment" (from the starter before it to the next stable
 * character) that goes through utf8proc. Every emitted unit knows the
 * original bytes it came from; a breakpoint is recorded only when a unit
 * does not start where the current constant shift puts it. Removed
 * characters (soft hyphens, ...) thus belong to the unit before them.
 *
 * The text is well-formed UTF-8 as PCRE2 defines it by construction, so
 * the later stages need not check it again: the runs copied as they are
 * were accepted by the fast scanner or pm_utf8_next (which refuse overlong
 * forms, surrogates and code points past U+10FFFF), feed_cp writes only
 * ASCII, U+FFFD and pm_cp_nfc_fast code points, and the code points
 * utf8proc gives back are checked as they are written (emit_cps). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text/internal.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* AVX2 is chosen at run time (the build targets any x86-64). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define DECODE_AVX2 1
#endif

/* How much of the input the binary and UTF-16 sniffers look at. */
enum { SNIFF_BYTES = 64 * 1024 };

typedef enum encoding { ENC_UTF8, ENC_UTF16LE, ENC_UTF16BE, ENC_LEGACY } encoding;

/* A starter and the combining marks after it: the smallest piece of a
 * segment that can keep its own breakpoint. */
typedef struct seg_group {
    size_t seg_off; /* where it starts in the segment's bytes */
    size_t orig;    /* where it starts in the original */
    size_t n_out;   /* how many code points its NFC has */
} seg_group;

/* The NFC of a short one-group segment, remembered: decomposed text
 * repeats the same few letter-and-marks sequences, each of which would
 * otherwise cost a utf8proc call. */
enum { MEMO_BYTES = 15, MEMO_SLOTS = 512 };
typedef struct nfc_memo {
    uint8_t key_len, out_len; /* key_len 0: an empty slot */
    char key[MEMO_BYTES], out[MEMO_BYTES];
} nfc_memo;

/* The NFC of the canonical decompositions (NFD) of the Latin letters:
 * an ASCII letter and one or two marks U+0300..U+036F (488 letters, all
 * the Vietnamese ones), by the bytes of that decomposition. Decomposed
 * text is made of exactly these keys, and the memo met each of them once
 * per document as a utf8proc call. Filled once from utf8proc's answer to
 * the same call flush_segment makes (so a key gives the same bytes as
 * there); read-only after. */
enum { NFD_KEY_MAX = 5, NFD_SLOT_BITS = 10, NFD_SLOTS = 1 << NFD_SLOT_BITS };
typedef struct nfd_letter {
    uint64_t key; /* the key's bytes, first in the low byte; 0: an empty slot */
    uint8_t out_len; /* 2 or 3 */
    char out[4];
} nfd_letter;

static nfd_letter nfd_letters[NFD_SLOTS];
static pthread_once_t nfd_letters_once = PTHREAD_ONCE_INIT;

typedef struct decoder {
    pm_arena *arena;
    size_t orig_len;
    pm_buf norm;
    pm_breakpoint *bp;
    size_t n_bp, cap_bp;
    size_t *line_norm, *line_orig; /* starts of the lines seen so far */
    size_t n_starts, cap_line_norm, cap_line_orig;
    /* The last emitted code point, while a combining mark that follows
     * could still compose with it. */
    bool has_starter;
    size_t starter_norm, starter_orig;
    /* Code points waiting for utf8proc (as UTF-8), from their starter on. */
    bool in_segment;
    pm_buf seg;
    seg_group *groups; /* the segment split before each starter */
    size_t n_groups, cap_groups;
    utf8proc_int32_t *cps, *group_cps; /* utf8proc output for the segment, a group */
    size_t cap_cps, cap_group_cps;
    nfc_memo *memo; /* MEMO_SLOTS, allocated with the first segment */
    const nfd_letter *nfd; /* nfd_letters once filled, NULL before */
    /* A '\r': one line end alone, or together with a following '\n'. */
    bool pending_cr;
    size_t cr_start, cr_end;
    size_t invalid, nuls, first_invalid_line;
    size_t first_bad_utf8; /* offset of the first ill-formed UTF-8 sequence; SIZE_MAX: none */
    bool nomem;
    bool not_utf8;        /* utf8proc gave a code point that is not a scalar value */
    size_t max_lines;     /* 0: no limit */
    bool too_many_lines;  /* a line start past max_lines was refused */
} decoder;

typedef enum cp_kind { CP_FAST, CP_SLOW, CP_SPACE, CP_DROP } cp_kind;

/* NEL and the Unicode line/paragraph separators become spaces: only \n,
 * \r\n and \r end lines, so line numbers match what editors show. */
static cp_kind classify(uint32_t cp)
{
    if (cp < 0x80)
        return CP_FAST;
    switch (cp) {
    case 0x00A0: case 0x0085: case 0x1680: case 0x2028: case 0x2029:
    case 0x202F: case 0x205F: case 0x3000:
        return CP_SPACE;
    case 0x00AD: case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF:
        return CP_DROP;
    default:
        break;
    }
    if (cp >= 0x2000 && cp <= 0x200A)
        return CP_SPACE;
    return pm_cp_nfc_fast(cp) ? CP_FAST : CP_SLOW;
}

/* Records a breakpoint if the unit about to be appended at norm.len does
 * not start at orig_start under the current shift. */
static inline void map_next_unit(decoder *d, size_t orig_start)
{
    size_t norm = d->norm.len;
    if (d->n_bp) {
        const pm_breakpoint *last = &d->bp[d->n_bp - 1];
        if (last->orig + (norm - last->norm) == orig_start)
            return;
    }
    /* (the room is checked here first: most pushes need no call) */
    if (d->n_bp == d->cap_bp &&
        !pm_grow_uninit(d->arena, (void **)&d->bp, &d->cap_bp, d->n_bp, sizeof *d->bp)) {
        d->nomem = true;
        return;
    }
    d->bp[d->n_bp++] = (pm_breakpoint){norm, orig_start};
}

static inline void emit(decoder *d, const void *bytes, size_t n, size_t orig_start)
{
    map_next_unit(d, orig_start);
    pm_buf_append(&d->norm, bytes, n);
}

/* NFC of UTF-8 s[0..n) as code points in *buf (grown as needed); returns
 * their count, or -1. */
static utf8proc_ssize_t nfc_cps(decoder *d, const char *s, size_t n, utf8proc_int32_t **buf,
                                size_t *cap)
{
    const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    for (;;) {
        utf8proc_ssize_t got = utf8proc_decompose((const utf8proc_uint8_t *)s,
                                                  (utf8proc_ssize_t)n, *buf,
                                                  (utf8proc_ssize_t)*cap, opt);
        if (got < 0)
            return -1;
        if ((size_t)got <= *cap)
            return utf8proc_normalize_utf32(*buf, got, opt);
        size_t want = (size_t)got * 2;
        utf8proc_int32_t *grown = realloc(*buf, want * sizeof *grown);
        if (!grown) {
            d->nomem = true;
            return -1;
        }
        *buf = grown;
        *cap = want;
    }
}

static void emit_cps(decoder *d, const utf8proc_int32_t *cps, size_t n, size_t orig_start)
{
    map_next_unit(d, orig_start);
    if (!pm_buf_reserve(&d->norm, n * 4))
        return;
    for (size_t i = 0; i < n; i++) {
        uint32_t cp = (uint32_t)cps[i];
        d->not_utf8 |= cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF);
        d->norm.len += (size_t)pm_utf8_put(cp, d->norm.data + d->norm.len);
    }
}

/* The memo slot of the one-group segment s[0..n) (n <= MEMO_BYTES);
 * NULL when out of memory. */
static inline nfc_memo *memo_slot(decoder *d, const char *s, size_t n)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t k = 0; k < n; k++)
        h = (h ^ (unsigned char)s[k]) * 16777619u;
    if (!d->memo && !(d->memo = calloc(MEMO_SLOTS, sizeof *d->memo))) {
        d->nomem = true;
        return NULL;
    }
    return &d->memo[h % MEMO_SLOTS];
}

/* Whether the slot holds the NFC of s[0..n) (a few bytes: no memcmp call). */
static bool memo_holds(const nfc_memo *m, const char *s, size_t n)
{
    if (m->key_len != n)
        return false;
    for (size_t k = 0; k < n; k++)
        if (m->key[k] != s[k])
            return false;
    return true;
}

/* The bytes of a letter and one or two marks, s[0..n) with n 3 or 5,
 * first in the low byte: without a NUL in them, different strings give
 * different keys. */
static inline uint64_t nfd_key(const unsigned char *s, size_t n)
{
    uint64_t key = s[0] | (uint64_t)s[1] << 8 | (uint64_t)s[2] << 16;
    if (n == 5)
        key |= (uint64_t)s[3] << 24 | (uint64_t)s[4] << 32;
    return key;
}

static inline size_t nfd_slot(uint64_t key)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - NFD_SLOT_BITS));
}

static void fill_nfd_letters(void)
{
    const utf8proc_option_t opt = UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    for (uint32_t cp = 0xC0; cp < 0x1F00; cp = cp == 0x24F ? 0x1E00 : cp + 1) {
        utf8proc_int32_t parts[8], nfc[8];
        utf8proc_ssize_t np = utf8proc_decompose_char((utf8proc_int32_t)cp, parts, 8,
                                                      UTF8PROC_DECOMPOSE, NULL);
        if (np < 2 || np > 3 || parts[0] < 1 || parts[0] >= 0x80)
            continue;
        unsigned char key[NFD_KEY_MAX];
        size_t n = 0;
        key[n++] = (unsigned char)parts[0];
        bool marks = true;
        for (utf8proc_ssize_t j = 1; j < np; j++) {
            marks &= parts[j] >= 0x300 && parts[j] <= 0x36F;
            n += (size_t)pm_utf8_put((uint32_t)parts[j], (char *)key + n);
        }
        if (!marks) /* (then n is 3 or 5) */
            continue;
        /* What nfc_cps answers for these bytes. */
        utf8proc_ssize_t got = utf8proc_decompose(key, (utf8proc_ssize_t)n, nfc, 8, opt);
        if (got < 1 || got > 8 || (got = utf8proc_normalize_utf32(nfc, got, opt)) != 1 ||
            nfc[0] < 0x80 || nfc[0] > 0xFFFF || (nfc[0] >= 0xD800 && nfc[0] <= 0xDFFF))
            continue;
        uint64_t k = nfd_key(key, n);
        size_t slot = nfd_slot(k);
        while (nfd_letters[slot].key)
            slot = (slot + 1) & (NFD_SLOTS - 1);
        nfd_letters[slot].key = k;
        nfd_letters[slot].out_len =
            (uint8_t)pm_utf8_put((uint32_t)nfc[0], nfd_letters[slot].out);
    }
}

/* The entry of the decomposed letter s[0..n), or NULL. */
static inline const nfd_letter *nfd_find(decoder *d, const unsigned char *s, size_t n)
{
    if ((n != 3 && n != 5) || s[0] >= 0x80)
        return NULL;
    if (!d->nfd) {
        pthread_once(&nfd_letters_once, fill_nfd_letters);
        d->nfd = nfd_letters;
    }
    uint64_t key = nfd_key(s, n);
    for (size_t slot = nfd_slot(key); d->nfd[slot].key; slot = (slot + 1) & (NFD_SLOTS - 1))
        if (d->nfd[slot].key == key)
            return &d->nfd[slot];
    return NULL;
}

/* Normalises the open segment. Its groups become separate units, each with
 * its own breakpoint, wherever the NFC of the groups so far is a prefix of
 * the NFC of the whole; groups whose starters compose (Hangul jamo) merge
 * into one unit. groups[g].n_out is the unit's length in code points, 0 for
 * a group merged into the unit before it. */
static void flush_segment(decoder *d)
{
    if (!d->in_segment)
        return;
    d->in_segment = false;
    nfc_memo *memo = NULL;
    if (d->n_groups == 1 && d->seg.len <= MEMO_BYTES && !d->seg.failed) {
        if (!(memo = memo_slot(d, d->seg.data, d->seg.len)))
            return;
        if (memo_holds(memo, d->seg.data, d->seg.len)) {
            emit(d, memo->out, memo->out_len, d->groups[0].orig);
            return;
        }
    }
    utf8proc_ssize_t n = nfc_cps(d, d->seg.data, d->seg.len, &d->cps, &d->cap_cps);
    if (n < 0) { /* out of memory (the bytes are valid UTF-8 we wrote) */
        d->nomem = true;
        return;
    }
    if (memo) {
        /* (a result longer than MEMO_BYTES is not remembered) */
        size_t start = d->norm.len;
        emit_cps(d, d->cps, (size_t)n, d->groups[0].orig);
        if (d->norm.len - start <= MEMO_BYTES && !d->norm.failed) {
            memo->key_len = (uint8_t)d->seg.len;
            memcpy(memo->key, d->seg.data, d->seg.len);
            memo->out_len = (uint8_t)(d->norm.len - start);
            memcpy(memo->out, d->norm.data + start, memo->out_len);
        }
        return;
    }
    size_t done = 0, unit = 0;
    for (size_t g = 0; g < d->n_groups; g++) {
        d->groups[g].n_out = 0;
        if (d->n_groups == 1)
            break;
        size_t from = d->groups[unit].seg_off;
        size_t to = g + 1 < d->n_groups ? d->groups[g + 1].seg_off : d->seg.len;
        utf8proc_ssize_t k =
            nfc_cps(d, d->seg.data + from, to - from, &d->group_cps, &d->cap_group_cps);
        if (k > 0 && done + (size_t)k <= (size_t)n &&
            memcmp(d->cps + done, d->group_cps, (size_t)k * sizeof *d->cps) == 0) {
            d->groups[unit].n_out = (size_t)k;
            done += (size_t)k;
            unit = g + 1;
        }
    }
    if (unit < d->n_groups)
        d->groups[unit].n_out = (size_t)n - done;
    done = 0;
    for (size_t g = 0; g < d->n_groups; g++) {
        if (!d->groups[g].n_out)
            continue;
        emit_cps(d, d->cps + done, d->groups[g].n_out, d->groups[g].orig);
        done += d->groups[g].n_out;
    }
}

/* Starts a new group of the open segment at its current end. */
static void open_group(decoder *d, size_t orig)
{
    if (d->n_groups == d->cap_groups) {
        size_t cap = d->cap_groups ? d->cap_groups * 2 : 16;
        seg_group *grown = realloc(d->groups, cap * sizeof *grown);
        if (!grown) {
            d->nomem = true;
            return;
        }
        d->groups = grown;
        d->cap_groups = cap;
    }
    d->groups[d->n_groups++] = (seg_group){d->seg.len, orig, 0};
}

static void push_line_start(decoder *d, size_t norm, size_t orig)
{
    /* n_starts line starts so far: the one pushed now opens line n_starts
     * + 1, or closes line n_starts (the final sentinel), so n_starts =
     * max_lines + 1 starts hold max_lines lines and their end. */
    if (d->max_lines && d->n_starts > d->max_lines) {
        d->too_many_lines = true;
        return;
    }
    if ((d->n_starts == d->cap_line_norm &&
         !pm_grow_uninit(d->arena, (void **)&d->line_norm, &d->cap_line_norm, d->n_starts,
                         sizeof *d->line_norm)) ||
        (d->n_starts == d->cap_line_orig &&
         !pm_grow_uninit(d->arena, (void **)&d->line_orig, &d->cap_line_orig, d->n_starts,
                         sizeof *d->line_orig))) {
        d->nomem = true;
        return;
    }
    d->line_norm[d->n_starts] = norm;
    d->line_orig[d->n_starts] = orig;
    d->n_starts++;
}

static void emit_newline(decoder *d, size_t orig_start, size_t orig_end)
{
    flush_segment(d);
    emit(d, "\n", 1, orig_start);
    push_line_start(d, d->norm.len, orig_end);
    d->has_starter = false;
}

static void flush_cr(decoder *d)
{
    if (d->pending_cr) {
        d->pending_cr = false;
        emit_newline(d, d->cr_start, d->cr_end);
    }
}

static void note_invalid(decoder *d, bool nul)
{
    if (!d->invalid)
        d->first_invalid_line = d->n_starts; /* the 1-based current line */
    d->invalid++;
    d->nuls += nul;
}

/* Takes one decoded code point and the original bytes [start, end) it
 * came from. */
static void feed_cp(decoder *d, uint32_t cp, size_t start, size_t end, bool invalid)
{
    if (d->pending_cr) {
        d->pending_cr = false;
        if (cp == '\n' && !invalid) {
            emit_newline(d, d->cr_start, end);
            return;
        }
        emit_newline(d, d->cr_start, d->cr_end);
    }
    if (invalid || cp == 0) {
        note_invalid(d, !invalid);
        cp = 0xFFFD;
    } else if (cp == '\r') {
        d->pending_cr = true;
        d->cr_start = start;
        d->cr_end = end;
        return;
    } else if (cp == '\n') {
        emit_newline(d, start, end);
        return;
    }
    char u[4];
    switch (classify(cp)) {
    case CP_DROP:
        return; /* its bytes belong to the unit before it */
    case CP_SPACE:
        cp = ' ';
        /* fall through */
    case CP_FAST:
        flush_segment(d);
        d->starter_norm = d->norm.len;
        d->starter_orig = start;
        emit(d, u, (size_t)pm_utf8_put(cp, u), start);
        d->has_starter = true;
        return;
    case CP_SLOW:
        if (!d->in_segment) {
            d->in_segment = true;
            pm_buf_reset(&d->seg);
            d->n_groups = 0;
            if (d->has_starter) { /* take the starter back: it may compose */
                open_group(d, d->starter_orig);
                pm_buf_append(&d->seg, d->norm.data + d->starter_norm,
                              d->norm.len - d->starter_norm);
                d->norm.len = d->starter_norm;
                while (d->n_bp && d->bp[d->n_bp - 1].norm >= d->starter_norm)
                    d->n_bp--;
                d->has_starter = false;
            }
        }
        if (!d->n_groups || utf8proc_get_property((utf8proc_int32_t)cp)->combining_class == 0)
            open_group(d, start);
        if (!d->nomem)
            pm_buf_append(&d->seg, u, (size_t)pm_utf8_put(cp, u));
        return;
    }
}

/* A run of text that needs no change; last_cp is the offset of its last
 * code point inside the run. */
static void emit_run(decoder *d, const unsigned char *p, size_t n, size_t orig_start,
                     size_t last_cp)
{
    flush_cr(d);
    flush_segment(d);
    d->starter_norm = d->norm.len + last_cp;
    d->starter_orig = orig_start + last_cp;
    /* Runs between decomposed letters are a few bytes: one fixed copy of
     * 16 when the input has them (p is the input at orig_start), not a
     * memcpy call. */
    if (n <= 16 && d->orig_len - orig_start >= 16 && pm_buf_reserve(&d->norm, 16)) {
        map_next_unit(d, orig_start);
        memcpy(d->norm.data + d->norm.len, p, 16);
        d->norm.len += n;
    } else {
        emit(d, p, n, orig_start);
    }
    d->has_starter = true;
}

/* ---- the fast scanner ----------------------------------------------------- */

/* Most of a plan is ASCII, precomposed Vietnamese letters (U+00C0..U+02FF,
 * U+1E00..U+1EFF) and Latin-1 signs, all copied as they are. A DFA finds
 * where such text ends without a branch per character (Vietnamese mixes
 * ASCII and 2- and 3-byte letters in every word, so such branches are
 * mispredicted all the time): the row of a byte holds the next state of
 * every state in 6-bit fields, and the next state is row >> state, one
 * shift per byte (a "shift DFA"). The set is a subset of what classify
 * calls CP_FAST; the rest of CP_FAST goes through pm_utf8_next. */
enum { FAST_READY = 0, FAST_CONT = 6, FAST_AFTER_C2 = 12, FAST_AFTER_E1 = 18, FAST_STOP = 24 };

/* The next states from READY, CONT, AFTER_C2 and AFTER_E1; STOP stays. */
#define FAST_ROW(ready, cont, after_c2, after_e1)                                       \
    ((uint64_t)(ready) << FAST_READY | (uint64_t)(cont) << FAST_CONT |                  \
     (uint64_t)(after_c2) << FAST_AFTER_C2 | (uint64_t)(after_e1) << FAST_AFTER_E1 |   \
     (uint64_t)FAST_STOP << FAST_STOP)
/* ASCII other than the line ends and NUL that feed_cp handles */
#define AS FAST_ROW(FAST_READY, FAST_STOP, FAST_STOP, FAST_STOP)
#define LN FAST_ROW(FAST_STOP, FAST_STOP, FAST_STOP, FAST_STOP)
/* continuation bytes; after C2, 85 A0 AD are spaces and the soft hyphen,
 * after E1, B8..BB start U+1E00..U+1EFF */
#define CO FAST_ROW(FAST_STOP, FAST_READY, FAST_READY, FAST_STOP)
#define C2 FAST_ROW(FAST_STOP, FAST_READY, FAST_STOP, FAST_STOP)
#define E1 FAST_ROW(FAST_STOP, FAST_READY, FAST_READY, FAST_CONT)
/* leads: C2 (U+0080..U+00BF), C3..CB (U+00C0..U+02FF), E1 (U+1000..U+1FFF) */
#define L2 FAST_ROW(FAST_AFTER_C2, FAST_STOP, FAST_STOP, FAST_STOP)
#define LL FAST_ROW(FAST_CONT, FAST_STOP, FAST_STOP, FAST_STOP)
#define LE FAST_ROW(FAST_AFTER_E1, FAST_STOP, FAST_STOP, FAST_STOP)
#define OT FAST_ROW(FAST_STOP, FAST_STOP, FAST_STOP, FAST_STOP)
static const uint64_t fast_rows[256] = {
    LN, AS, AS, AS, AS, AS, AS, AS, AS, AS, LN, AS, AS, LN, AS, AS, /* 00 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 10 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 20 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 30 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 40 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 50 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 60 */
    AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, AS, /* 70 */
    CO, CO, CO, CO, CO, C2, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, /* 80 */
    CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, /* 90 */
    C2, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, CO, C2, CO, CO, /* A0 */
    CO, CO, CO, CO, CO, CO, CO, CO, E1, E1, E1, E1, CO, CO, CO, CO, /* B0 */
    OT, OT, L2, LL, LL, LL, LL, LL, LL, LL, LL, LL, OT, OT, OT, OT, /* C0 */
    OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, /* D0 */
    OT, LE, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, /* E0 */
    OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, OT, /* F0 */
};
#undef AS
#undef LN
#undef CO
#undef C2
#undef E1
#undef L2
#undef LL
#undef LE
#undef OT
#undef FAST_ROW

static inline uint64_t fast_step(uint64_t state, unsigned char byte)
{
    return fast_rows[byte] >> (state & 63); /* the & 63 is free on x86 */
}

#if defined(__SSE2__)
/* The bytes of the 16 at p where a run of whole fast characters stops
 * (0: the block continues the run), from bit masks of the bytes instead of
 * a chain of dependent DFA steps. *carry holds what the sequence open at
 * the end of the block before asks of this one (bits 0-1: continuations at
 * p[0] and p[1]; bit 2: p[0] follows a C2; bit 3: p[0] follows an E1) and,
 * when the block is taken, gets what this block's last sequence asks of
 * the next; the blocks do not wait for each other. *starts gets the bytes
 * that start a character (no continuation is asked of them). Exactly the
 * DFA's language: bytes below 0x80 but NUL, '\n' and '\r'; leads C2..CB
 * and E1, each followed by the continuations it needs and no others
 * (0x80..0xBF where no lead asks for one stops), where C2 is not followed
 * by 85, A0 or AD, and E1 is by B8..BB. Each test at a byte depends only
 * on it and the bytes before, so the first stop byte is where the DFA
 * meets STOP. Signed byte compares: the bytes from 0x80 up are negative
 * (0xC0 is -64, 0xE1 -31). */
static inline unsigned fast_block_stops(const unsigned char *p, unsigned *carry,
                                        unsigned *starts)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
#define BYTES(x) _mm_set1_epi8((char)(x))
#define MASK(x) ((unsigned)_mm_movemask_epi8(x))
    unsigned line_end = MASK(_mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_setzero_si128()),
        _mm_or_si128(_mm_cmpeq_epi8(v, BYTES('\n')), _mm_cmpeq_epi8(v, BYTES('\r')))));
    unsigned high = MASK(v);
    if (!(high | *carry)) { /* ASCII, *carry stays 0 */
        *starts = 0xFFFF;
        return line_end;
    }
    unsigned lead = MASK(_mm_cmpgt_epi8(v, BYTES(-65))) & high; /* C0..FF */
    unsigned lead2 = MASK(_mm_and_si128(_mm_cmpgt_epi8(v, BYTES(-63)),  /* C2..CB */
                                        _mm_cmplt_epi8(v, BYTES(-52))));
    unsigned e1 = MASK(_mm_cmpeq_epi8(v, BYTES(0xE1)));
    unsigned c2 = MASK(_mm_cmpeq_epi8(v, BYTES(0xC2)));
    unsigned not_after_c2 = MASK(_mm_or_si128(
        _mm_cmpeq_epi8(v, BYTES(0x85)),
        _mm_or_si128(_mm_cmpeq_epi8(v, BYTES(0xA0)), _mm_cmpeq_epi8(v, BYTES(0xAD)))));
    unsigned after_e1 = MASK(_mm_and_si128(_mm_cmpgt_epi8(v, BYTES(-73)), /* B8..BB */
                                           _mm_cmplt_epi8(v, BYTES(-68))));
#undef BYTES
#undef MASK
    unsigned required = lead2 << 1 | e1 << 1 | e1 << 2 | (*carry & 3);
    unsigned follows_c2 = c2 << 1 | (*carry >> 2 & 1);
    unsigned follows_e1 = e1 << 1 | (*carry >> 3 & 1);
    unsigned stops = (line_end | (lead & ~(lead2 | e1)) | (follows_c2 & not_after_c2) |
                      (follows_e1 & ~after_e1) | (required ^ (high & ~lead))) &
                     0xFFFF;
    *starts = ~required & 0xFFFF;
    if (!stops)
        *carry = required >> 16 | (c2 >> 15) << 2 | (e1 >> 15) << 3;
    return stops;
}

#if defined(DECODE_AVX2)
/* fast_block_stops over 32 bytes at a time: blocks from in[i] (a
 * character start) while they continue the run. When one stops it,
 * *stopped and the end of the run, as fast_blocks finds it; otherwise the
 * end of the blocks taken, with *carry what the last one asks of the
 * next (the 16-byte blocks go on from there). */
__attribute__((target("avx2"))) static size_t fast_blocks_avx2(const unsigned char *in,
                                                                size_t i, size_t len,
                                                                unsigned *carry, bool *stopped)
{
    for (; len - i >= 32; i += 32) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(in + i));
#define BYTES(x) _mm256_set1_epi8((char)(x))
#define MASK(x) ((uint64_t)(uint32_t)_mm256_movemask_epi8(x))
        uint64_t line_end = MASK(_mm256_or_si256(
            _mm256_cmpeq_epi8(v, _mm256_setzero_si256()),
            _mm256_or_si256(_mm256_cmpeq_epi8(v, BYTES('\n')), _mm256_cmpeq_epi8(v, BYTES('\r')))));
        uint64_t high = MASK(v), starts = 0xFFFFFFFFu, stops = line_end;
        if (high | *carry) {
            uint64_t lead = MASK(_mm256_cmpgt_epi8(v, BYTES(-65))) & high; /* C0..FF */
            uint64_t lead2 = MASK(_mm256_and_si256(_mm256_cmpgt_epi8(v, BYTES(-63)), /* C2..CB */
                                                   _mm256_cmpgt_epi8(BYTES(-52), v)));
            uint64_t e1 = MASK(_mm256_cmpeq_epi8(v, BYTES(0xE1)));
            uint64_t c2 = MASK(_mm256_cmpeq_epi8(v, BYTES(0xC2)));
            uint64_t not_after_c2 = MASK(_mm256_or_si256(
                _mm256_cmpeq_epi8(v, BYTES(0x85)),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, BYTES(0xA0)),
                                _mm256_cmpeq_epi8(v, BYTES(0xAD)))));
            uint64_t after_e1 = MASK(_mm256_and_si256(_mm256_cmpgt_epi8(v, BYTES(-73)), /* B8..BB */
                                                      _mm256_cmpgt_epi8(BYTES(-68), v)));
            uint64_t required = lead2 << 1 | e1 << 1 | e1 << 2 | (*carry & 3);
            uint64_t follows_c2 = c2 << 1 | (*carry >> 2 & 1);
            uint64_t follows_e1 = e1 << 1 | (*carry >> 3 & 1);
            stops = (line_end | (lead & ~(lead2 | e1)) | (follows_c2 & not_after_c2) |
                     (follows_e1 & ~after_e1) | (required ^ (high & ~lead))) &
                    0xFFFFFFFFu;
            starts = ~required & 0xFFFFFFFFu;
            if (!stops)
                *carry = (unsigned)(required >> 32 | (c2 >> 31) << 2 | (e1 >> 31) << 3);
        }
#undef BYTES
#undef MASK
        if (stops) {
            *stopped = true;
            uint64_t first = stops & (0u - stops);
            uint64_t before = starts & (first | (first - 1));
            if (before)
                return i + (63 - (size_t)__builtin_clzll(before));
            do /* in the sequence the block before left open */
                i--;
            while ((in[i] & 0xC0) == 0x80);
            return i;
        }
    }
    return i;
}
#endif

/* Takes blocks of 16 from in[i] (a character start) while they continue
 * the run. When a block stops it, *stopped and the end of the run: the
 * start of the character its first stop byte belongs to (the last start
 * at or before that byte, or the sequence the block before left open);
 * otherwise where the DFA goes on, in READY: the end of the blocks taken,
 * or the start of the sequence they leave open. */
static size_t fast_blocks(const unsigned char *in, size_t i, size_t len, bool *stopped)
{
    unsigned carry = 0;
    *stopped = false;
#if defined(DECODE_AVX2)
    if (len - i >= 32 && __builtin_cpu_supports("avx2")) {
        i = fast_blocks_avx2(in, i, len, &carry, stopped);
        if (*stopped)
            return i;
    }
#endif
    while (len - i >= 16) {
        unsigned starts, stops = fast_block_stops(in + i, &carry, &starts);
        if (stops) {
            *stopped = true;
            unsigned first = stops & (0u - stops);
            unsigned before = starts & (first | (first - 1));
            if (before)
                return i + (31 - (size_t)__builtin_clz(before));
            break; /* in the sequence left open (carry is not 0) */
        }
        i += 16;
    }
    if (carry) /* back to the start of the sequence left open */
        do
            i--;
        while ((in[i] & 0xC0) == 0x80);
    return i;
}
#endif

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Decomposed text is a few ASCII letters, then a letter's marks, whose
 * lead byte CC or CD stops the run; the 8 bytes at p are tested for that
 * at once. When the first of them that is not ASCII, or is NUL, '\n' or
 * '\r', is a CC or CD, its offset (*k) ends the run, as the DFA finds it
 * (the bytes before are ASCII it takes, CC and CD stop it). The zero-byte
 * tests flag false bytes only above a true one, so the lowest flag is
 * exact. */
static inline bool ascii_then_mark(const unsigned char *p, size_t *k)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w, lf, cr;
    memcpy(&w, p, sizeof w);
    lf = w ^ (ones * '\n');
    cr = w ^ (ones * '\r');
    uint64_t stops = (w | ((w - ones) & ~w) | ((lf - ones) & ~lf) | ((cr - ones) & ~cr)) & highs;
    if (!stops)
        return false;
    *k = (size_t)__builtin_ctzll(stops) / 8;
    return p[*k] == 0xCC || p[*k] == 0xCD;
}
#endif

/* The end of the longest run of whole fast characters at in[i..len). */
static size_t scan_fast(const unsigned char *in, size_t i, size_t len)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    size_t mark;
    if (len - i >= 8 && ascii_then_mark(in + i, &mark))
        return i + mark;
#endif
#if defined(__SSE2__)
    /* Blocks of 16 while they last; the DFA takes the rest. */
    bool stopped;
    i = fast_blocks(in, i, len, &stopped);
    if (stopped)
        return i;
#endif
    uint64_t state = FAST_READY;
    /* The run ends after its last READY state, which no STOP is followed
     * by (STOP is final). That end is kept beside the state, off its chain
     * of steps, so a step of 8 bytes that stops knows it at once. */
    size_t end = i;
    while (len - i >= 8) {
        const unsigned char *p = in + i;
        uint64_t s = state;
        size_t e = end;
        for (size_t k = 0; k < 8; k++) {
            s = fast_step(s, p[k]);
            e = (s & 63) == FAST_READY ? i + k + 1 : e;
        }
        if ((s & 63) == FAST_STOP)
            return e;
        state = s;
        end = e;
        i += 8;
    }
    for (; i < len; i++) {
        state = fast_step(state, in[i]);
        end = (state & 63) == FAST_READY ? i + 1 : end;
    }
    return end;
}

/* The end of the combining marks U+0300..U+036F at in[i..len) when
 * what follows them closes a segment for sure: the end, ASCII (line
 * ends included), or a lead byte C3..CB (a fast letter, or an invalid
 * sequence, which becomes U+FFFD). Otherwise (or without marks) i. The
 * grapheme joiner U+034F is left out: it is a starter. */
static size_t combining_marks_end(const unsigned char *in, size_t i, size_t len)
{
    size_t j = i;
    while (len - j >= 2 && ((in[j] == 0xCC && (in[j + 1] & 0xC0) == 0x80) ||
                            (in[j] == 0xCD && in[j + 1] >= 0x80 && in[j + 1] <= 0xAF &&
                             in[j + 1] != 0x8F)))
        j += 2;
    if (j == len || in[j] < 0x80 || (in[j] >= 0xC3 && in[j] <= 0xCB))
        return j;
    return i;
}

static void decode_utf8(decoder *d, const unsigned char *in, size_t len, size_t i)
{
    while (i < len) {
        size_t run = i;
        for (;;) {
            i = scan_fast(in, i, len);
            if (i >= len)
                break;
            /* CP_FAST characters the scanner leaves out (Cyrillic, dashes
             * and quotes, arrows, ...) continue the run too; the leads CC
             * and CD (U+0300..U+037F, marks first) never do. */
            if (in[i] == 0xCC || in[i] == 0xCD)
                break;
            uint32_t cp = 0;
            int k = pm_utf8_next(in + i, len - i, &cp);
            if (k < 0 || cp == '\n' || cp == '\r' || cp == 0 || classify(cp) != CP_FAST)
                break;
            i += (size_t)k;
        }
        size_t last = i - 1; /* the start of the run's last code point */
        if (i > run)
            while ((in[last] & 0xC0) == 0x80)
                last--;
        size_t marks_end = i > run ? combining_marks_end(in, i, len) : i;
        if (marks_end > i) {
            /* Decomposed text: the run's last character and the marks
             * after it form the segment feed_cp would have built (taking
             * the starter back), in one group, which the next character
             * closes; it goes straight to flush_segment. */
            if (last > run) {
                size_t before = last - 1;
                while ((in[before] & 0xC0) == 0x80)
                    before--;
                emit_run(d, in + run, last - run, run, before - run);
            } else {
                flush_cr(d);
                flush_segment(d);
            }
            /* Mostly a Latin letter decomposed, or a letter and marks
             * seen before: its NFC straight from a table or the memo, as
             * flush_segment would make it. */
            const nfd_letter *letter = nfd_find(d, in + last, marks_end - last);
            if (letter) {
                map_next_unit(d, last);
                if (pm_buf_reserve(&d->norm, sizeof letter->out)) { /* one fixed copy */
                    memcpy(d->norm.data + d->norm.len, letter->out, sizeof letter->out);
                    d->norm.len += letter->out_len;
                }
                d->has_starter = false;
                i = marks_end;
                continue;
            }
            const char *key = (const char *)in + last;
            nfc_memo *memo;
            if (marks_end - last <= MEMO_BYTES && (memo = memo_slot(d, key, marks_end - last)) &&
                memo_holds(memo, key, marks_end - last)) {
                emit(d, memo->out, memo->out_len, last);
                d->has_starter = false;
                i = marks_end;
                continue;
            }
            d->in_segment = true;
            pm_buf_reset(&d->seg);
            d->n_groups = 0;
            open_group(d, last);
            pm_buf_append(&d->seg, in + last, marks_end - last);
            d->has_starter = false;
            flush_segment(d);
            i = marks_end;
            continue;
        }
        if (i > run)
            emit_run(d, in + run, i - run, run, last - run);
        if (i >= len)
            break;
        uint32_t cp = 0;
        int k = pm_utf8_next(in + i, len - i, &cp);
        size_t n = k < 0 ? (size_t)-k : (size_t)k;
        if (k < 0 && d->first_bad_utf8 == SIZE_MAX)
            d->first_bad_utf8 = i;
        feed_cp(d, cp, i, i + n, k < 0);
        i += n;
    }
}

static void decode_utf16(decoder *d, const unsigned char *in, size_t len, size_t i,
                         bool big_endian)
{
    int hi = big_endian ? 0 : 1;
    while (i + 1 < len) {
        uint32_t u = (uint32_t)in[i + hi] << 8 | in[i + 1 - hi];
        size_t n = 2;
        bool bad = false;
        if (u >= 0xD800 && u <= 0xDBFF) {
            uint32_t u2 = i + 3 < len ? ((uint32_t)in[i + 2 + hi] << 8 | in[i + 3 - hi]) : 0;
            if (u2 >= 0xDC00 && u2 <= 0xDFFF) {
                u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
                n = 4;
            } else {
                bad = true;
            }
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            bad = true;
        }
        feed_cp(d, u, i, i + n, bad);
        i += n;
    }
    if (i < len) /* an odd final byte */
        feed_cp(d, 0, i, len, true);
}

static void decode_legacy(decoder *d, const pm_legacy_encoding *e, const unsigned char *in,
                          size_t len)
{
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        bool invalid;
        size_t n = pm_legacy_next(e, in + i, len - i, &cp, &invalid);
        feed_cp(d, cp, i, i + n, invalid);
        i += n;
    }
}

static void finish(decoder *d)
{
    flush_cr(d);
    flush_segment(d);
    size_t norm = d->norm.len;
    const pm_breakpoint *last = d->n_bp ? &d->bp[d->n_bp - 1] : NULL;
    if (!last || last->orig + (norm - last->norm) != d->orig_len) {
        pm_breakpoint *b = PM_PUSH(d->arena, d->bp, d->n_bp, d->cap_bp);
        if (!b) {
            d->nomem = true;
            return;
        }
        b->norm = norm;
        b->orig = d->orig_len;
    }
    /* A last line without a line end still counts; its successor starts
     * one past the end, as if a '\n' followed. */
    if (!d->nomem && d->line_orig[d->n_starts - 1] < d->orig_len)
        push_line_start(d, norm + 1, d->orig_len);
}

/* ---- sniffing ------------------------------------------------------------ */

static bool starts_with(const unsigned char *p, size_t n, const char *magic, size_t m)
{
    return n >= m && memcmp(p, magic, m) == 0;
}

/* What a known binary format looks like, or NULL. */
static const char *binary_format(const unsigned char *p, size_t n)
{
    static const struct {
        const char *magic;
        size_t len;
        const char *what;
    } formats[] = {
        {"%PDF-", 5, "a PDF document (extract its text first)"},
        {"PK\x03\x04", 4, "a ZIP archive (DOCX, XLSX or ODT?)"},
        {"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8, "an old Microsoft Office file (DOC or XLS)"},
        {"\x89PNG\r\n\x1A\n", 8, "a PNG image"},
        {"\xFF\xD8\xFF", 3, "a JPEG image"},
        {"GIF87a", 6, "a GIF image"},
        {"GIF89a", 6, "a GIF image"},
        {"\x7F" "ELF", 4, "an ELF executable"},
        {"\x1F\x8B", 2, "gzip-compressed data"},
        {"\xFF\xFE\x00\x00", 4, "UTF-32 text, which is not supported (convert it to UTF-8)"},
        {"\x00\x00\xFE\xFF", 4, "UTF-32 text, which is not supported (convert it to UTF-8)"},
    };
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (starts_with(p, n, formats[i].magic, formats[i].len))
            return formats[i].what;
    return NULL;
}

/* What the sniffers count in the first SNIFF_BYTES. */
typedef struct byte_counts {
    size_t sample;            /* how many bytes were looked at */
    size_t nul_even, nul_odd; /* NULs at even and odd offsets, in whole 16-bit units */
    size_t controls;          /* control bytes no text file has (all but \t \n \v \f \r) */
} byte_counts;

/* Whether any byte of the 8 at p is below 0x20: the classic has-less
 * test, exact as a whole though not byte by byte. */
static bool has_control_byte(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t w;
    memcpy(&w, p, sizeof w);
    return ((w - ones * 0x20) & ~w & highs) != 0;
}

#if defined(__SSE2__)
/* 0xFF for each of the 16 bytes at p that is a control byte: below 9 (at
 * most 8), or 14..31 (byte - 14 at most 17, wrapping). */
static inline __m128i control_bytes(const unsigned char *p)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    const __m128i below_tab = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(8)), _mm_set1_epi8(8));
    const __m128i after_cr = _mm_cmpeq_epi8(
        _mm_max_epu8(_mm_sub_epi8(v, _mm_set1_epi8(14)), _mm_set1_epi8(17)), _mm_set1_epi8(17));
    return _mm_or_si128(below_tab, after_cr);
}

/* Counts the control bytes and NULs of the 16 bytes at p. */
static inline void count_block(const unsigned char *p, byte_counts *c)
{
    unsigned controls = (unsigned)_mm_movemask_epi8(control_bytes(p));
    if (controls) { /* NUL is one of them */
        const __m128i v = _mm_loadu_si128((const __m128i *)p);
        unsigned nuls = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_setzero_si128()));
        c->controls += (size_t)__builtin_popcount(controls);
        c->nul_even += (size_t)__builtin_popcount(nuls & 0x5555u);
        c->nul_odd += (size_t)__builtin_popcount(nuls & 0xAAAAu);
    }
}
#endif

/* One pass for both sniffers; words of 8 bytes without a byte below 0x20
 * (no NUL, no control byte: most of any text) are skipped whole. */
static void count_bytes(const unsigned char *p, size_t n, byte_counts *c)
{
    memset(c, 0, sizeof *c);
    c->sample = n < SNIFF_BYTES ? n : SNIFF_BYTES;
    size_t units_end = c->sample & ~(size_t)1;
    size_t i = 0;
#if defined(__SSE2__)
    /* 16 bytes a step, bit masks counted: the blocks end at even offsets
     * before units_end, so every NUL in them is in a whole unit, at an even
     * offset where its bit is even. The line ends, the only bytes below
     * 0x20 in most text, are not looked at twice: the test is for control
     * bytes themselves, so text goes 64 bytes to a branch. */
    for (; units_end - i >= 64; i += 64) {
        const __m128i any = _mm_or_si128(
            _mm_or_si128(control_bytes(p + i), control_bytes(p + i + 16)),
            _mm_or_si128(control_bytes(p + i + 32), control_bytes(p + i + 48)));
        if (!_mm_movemask_epi8(any))
            continue;
        for (size_t k = i; k < i + 64; k += 16)
            count_block(p + k, c);
    }
    for (; units_end - i >= 16; i += 16)
        count_block(p + i, c);
#endif
    for (; i < c->sample; i += 8) {
        size_t m = c->sample - i < 8 ? c->sample - i : 8;
        if (m == 8 && !has_control_byte(p + i))
            continue;
        for (size_t k = i; k < i + m; k++) {
            c->controls += p[k] < 0x20 && (p[k] < '\t' || p[k] > '\r');
            if (!p[k] && k < units_end) {
                c->nul_even += !(k & 1);
                c->nul_odd += k & 1;
            }
        }
    }
}

/* UTF-16 without a BOM: ASCII characters put a NUL in every other byte. */
static bool sniff_utf16(const byte_counts *c, encoding *enc)
{
    size_t units = c->sample / 2;
    if (!units)
        return false;
    /* Plan texts are mostly ASCII (digits, spaces, unaccented letters). */
    if (c->nul_odd * 5 >= units * 2 && c->nul_even * 8 <= c->nul_odd) {
        *enc = ENC_UTF16LE;
        return true;
    }
    if (c->nul_even * 5 >= units * 2 && c->nul_odd * 8 <= c->nul_even) {
        *enc = ENC_UTF16BE;
        return true;
    }
    return false;
}

/* More invalid than valid non-ASCII UTF-8 sequences at the start. */
static bool looks_like_legacy(const unsigned char *p, size_t n)
{
    size_t sample = n < SNIFF_BYTES ? n : SNIFF_BYTES, valid = 0, invalid = 0;
    for (size_t i = 0; i < sample;) {
        uint32_t cp;
        int k = pm_utf8_next(p + i, sample - i, &cp);
        if (k < 0 && i + (size_t)-k == sample && sample < n)
            break; /* a sequence cut by the sample's end */
        valid += k > 1;
        invalid += k < 0;
        i += (size_t)(k < 0 ? -k : k);
    }
    return invalid > valid;
}

/* Chooses the encoding. *maybe_legacy: the input could be in a legacy
 * encoding if it is not UTF-8, which pm_text_decode settles after decoding
 * it as UTF-8 (most input is, and then looks_like_legacy need not run). */
static pm_status choose_encoding(const unsigned char *p, size_t n, const char *forced,
                                 const pm_legacy *legacy, const pm_legacy_encoding **old,
                                 encoding *enc, bool *maybe_legacy, size_t *skip,
                                 const char **name, pm_error *err)
{
    *old = NULL;
    *maybe_legacy = false;
    bool bom8 = starts_with(p, n, "\xEF\xBB\xBF", 3);
    bool bom_le = starts_with(p, n, "\xFF\xFE", 2), bom_be = starts_with(p, n, "\xFE\xFF", 2);
    byte_counts counts;
    count_bytes(p, n, &counts);
    *skip = 0;
    if (forced) {
        if (!strcasecmp(forced, "utf-8") || !strcasecmp(forced, "utf8")) {
            *enc = ENC_UTF8;
        } else if (!strcasecmp(forced, "utf-16le")) {
            *enc = ENC_UTF16LE;
        } else if (!strcasecmp(forced, "utf-16be")) {
            *enc = ENC_UTF16BE;
        } else if (!strcasecmp(forced, "utf-16")) {
            *enc = bom_be ? ENC_UTF16BE : ENC_UTF16LE;
        } else if (legacy && (*old = pm_legacy_find(legacy, forced))) {
            *enc = ENC_LEGACY;
        } else {
            return pm_fail(err, PM_ERR_USAGE, "", 0,
                           "unknown encoding '%s' (known: utf-8, utf-16, utf-16le, utf-16be%s)",
                           forced, legacy ? " and the legacy-encodings.tsv ones" : "");
        }
    } else if (bom8) {
        *enc = ENC_UTF8;
    } else if (bom_le) {
        *enc = ENC_UTF16LE;
    } else if (bom_be) {
        *enc = ENC_UTF16BE;
    } else if (!sniff_utf16(&counts, enc)) {
        *enc = ENC_UTF8;
        *maybe_legacy = legacy != NULL;
    }
    switch (*enc) {
    case ENC_UTF8:
        *skip = bom8 ? 3 : 0;
        *name = bom8 ? "utf-8-bom" : "utf-8";
        break;
    case ENC_UTF16LE:
        *skip = bom_le ? 2 : 0;
        *name = "utf-16le";
        break;
    case ENC_UTF16BE:
        *skip = bom_be ? 2 : 0;
        *name = "utf-16be";
        break;
    case ENC_LEGACY:
        *name = pm_legacy_name(*old);
        break;
    }
    /* Share of control bytes (a legacy encoding would count the same). */
    if (*enc != ENC_UTF16LE && *enc != ENC_UTF16BE && counts.controls * 10 > counts.sample)
        return pm_fail(err, PM_ERR_INPUT, "", 0,
                       "not a text file: looks like binary data (%u%% control bytes)",
                       (unsigned)(counts.controls * 100 / counts.sample));
    return PM_OK;
}

/* ---- decoding ------------------------------------------------------------ */

static void run_decoder(decoder *d, pm_arena *a, const unsigned char *bytes, size_t len,
                        encoding enc, const pm_legacy_encoding *old, size_t skip,
                        size_t max_lines)
{
    *d = (decoder){.arena = a, .orig_len = len, .first_bad_utf8 = SIZE_MAX,
                   .max_lines = max_lines};
    /* Clean UTF-8 never grows; UTF-16 grows by at most half. */
    pm_buf_reserve(&d->norm, enc == ENC_UTF8 ? len + len / 16 + 16 : len + len / 2 + 16);
    push_line_start(d, 0, 0);
    if (d->nomem)
        return;
    if (enc == ENC_UTF8)
        decode_utf8(d, bytes, len, skip);
    else if (enc == ENC_LEGACY)
        decode_legacy(d, old, bytes, len);
    else
        decode_utf16(d, bytes, len, skip, enc == ENC_UTF16BE);
    finish(d);
}

/* Frees the decoder's heap memory (its arena memory is the text's). */
static void free_decoder(decoder *d)
{
    pm_buf_free(&d->norm);
    pm_buf_free(&d->seg);
    free(d->groups);
    free(d->cps);
    free(d->group_cps);
    free(d->memo);
}

pm_status pm_text_decode(pm_arena *a, const unsigned char *bytes, size_t len,
                         const pm_text_options *opt, pm_text *t, pm_warnings *w,
                         pm_error *err)
{
    const pm_legacy *legacy = opt ? opt->legacy : NULL;
    memset(t, 0, sizeof *t);
    t->orig = bytes;
    t->orig_len = len;
    if (!len)
        return pm_fail(err, PM_ERR_INPUT, "", 0, "empty file");
    const char *format = binary_format(bytes, len);
    if (format)
        return pm_fail(err, PM_ERR_INPUT, "", 0, "not a text file: looks like %s", format);
    encoding enc = ENC_UTF8;
    size_t skip;
    const char *name = "utf-8";
    const pm_legacy_encoding *old = NULL;
    bool maybe_legacy;
    pm_status st = choose_encoding(bytes, len, opt ? opt->encoding : NULL, legacy, &old, &enc,
                                   &maybe_legacy, &skip, &name, err);
    if (st != PM_OK)
        return st;

    size_t max_lines = opt ? opt->max_lines : 0;
    decoder d;
    run_decoder(&d, a, bytes, len, enc, old, skip, max_lines);
    /* Input taken for UTF-8 that is ill-formed in the sample: the rule that
     * may make it legacy needs an invalid sequence there (looks_like_legacy
     * meets the same sequences as decode_utf8 up to the first one). */
    if (maybe_legacy && d.first_bad_utf8 < SNIFF_BYTES && looks_like_legacy(bytes, len) &&
        (old = pm_legacy_guess(legacy, bytes, len))) {
        free_decoder(&d); /* what it put in the arena stays there unused */
        enc = ENC_LEGACY;
        name = pm_legacy_name(old);
        run_decoder(&d, a, bytes, len, enc, old, 0, max_lines);
    }
    if (d.not_utf8) {
        free_decoder(&d);
        return pm_fail(err, PM_ERR_INPUT, "", 0,
                       "internal error: the normalised text is not UTF-8");
    }
    if (d.too_many_lines) {
        free_decoder(&d);
        return pm_fail(err, PM_ERR_LIMIT, "", 0,
                       "more than %zu lines, the limit (each line costs memory of its own; "
                       "raise it with --max-lines)",
                       max_lines);
    }
    /* The text is the decoder's buffer itself, NUL-terminated and handed
     * to the arena rather than copied into it. */
    char *norm = NULL;
    size_t norm_len = d.norm.len;
    if (!d.nomem && !d.norm.failed && !d.seg.failed) {
        pm_buf_cstr(&d.norm);
        if (!d.norm.failed && pm_arena_adopt(a, d.norm.data, d.norm.cap)) {
            norm = d.norm.data;
            d.norm.data = NULL;
        }
    }
    free_decoder(&d);
    if (!norm)
        return pm_fail(err, PM_ERR_NOMEM, "", 0, "out of memory decoding %zu bytes", len);

    t->norm = norm;
    t->norm_len = norm_len;
    t->bp = d.bp;
    t->n_bp = d.n_bp;
    t->line_norm = d.line_norm;
    t->line_orig = d.line_orig;
    t->n_lines = d.n_starts - 1;
    t->encoding = enc == ENC_LEGACY ? pm_arena_strdup(a, name) : name;
    t->invalid_sequences = d.invalid;
    t->first_invalid_line = d.first_invalid_line;
    if (d.invalid && w) {
        if (d.nuls)
            pm_warn(w, "invalid_utf8", d.first_invalid_line,
                    "%zu invalid byte sequences repaired (first on line %zu), %zu of them NUL bytes",
                    d.invalid, d.first_invalid_line, d.nuls);
        else
            pm_warn(w, "invalid_utf8", d.first_invalid_line,
                    "%zu invalid byte sequences repaired (first on line %zu)", d.invalid,
                    d.first_invalid_line);
    }
    return PM_OK;
}

/* ---- the maps -------------------------------------------------------------- */

size_t pm_text_orig(const pm_text *t, size_t norm_off)
{
    if (norm_off > t->norm_len)
        norm_off = t->norm_len;
    if (!t->n_bp)
        return norm_off;
    size_t lo = 0, hi = t->n_bp; /* the last breakpoint at or before norm_off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->bp[mid].norm <= norm_off)
            lo = mid;
        else
            hi = mid;
    }
    size_t orig = t->bp[lo].orig + (norm_off - t->bp[lo].norm);
    /* Inside a unit that grew (a repaired byte, UTF-16 -> 3-byte UTF-8)
     * the shift would overshoot the next unit. */
    if (lo + 1 < t->n_bp && orig > t->bp[lo + 1].orig)
        orig = t->bp[lo + 1].orig;
    return orig < t->orig_len ? orig : t->orig_len;
}

size_t pm_text_line(const pm_text *t, size_t norm_off)
{
    if (!t->n_lines)
        return 0;
    size_t lo = 0, hi = t->n_lines; /* the last line starting at or before norm_off */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->line_norm[mid] <= norm_off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

const char *pm_text_line_str(const pm_text *t, size_t line, size_t *len)
{
    if (line < 1 || line > t->n_lines) {
        *len = 0;
        return NULL;
    }
    size_t start = t->line_norm[line - 1];
    *len = t->line_norm[line] - 1 - start;
    return t->norm + start;
}

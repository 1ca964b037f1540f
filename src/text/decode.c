/* decode.c: bytes -> NFC text with an offset map and line tables.
 *
 * One pass over the input. In UTF-8, runs of ASCII and of characters that
 * are already NFC-stable (pm_cp_nfc_fast) are copied with one memcpy; other
 * input (UTF-16, legacy encodings, special characters) goes code point by
 * code point through feed_cp. Only a character that may need normalising
 * opens a "segment" (from the starter before it to the next stable
 * character) that goes through utf8proc. Every emitted unit knows the
 * original bytes it came from; a breakpoint is recorded only when a unit
 * does not start where the current constant shift puts it. Removed
 * characters (soft hyphens, ...) thus belong to the unit before them. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "text/internal.h"

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
    /* A '\r': one line end alone, or together with a following '\n'. */
    bool pending_cr;
    size_t cr_start, cr_end;
    size_t invalid, nuls, first_invalid_line;
    bool nomem;
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
static void map_next_unit(decoder *d, size_t orig_start)
{
    size_t norm = d->norm.len;
    if (d->n_bp) {
        const pm_breakpoint *last = &d->bp[d->n_bp - 1];
        if (last->orig + (norm - last->norm) == orig_start)
            return;
    }
    pm_breakpoint *b = PM_PUSH(d->arena, d->bp, d->n_bp, d->cap_bp);
    if (!b) {
        d->nomem = true;
        return;
    }
    b->norm = norm;
    b->orig = orig_start;
}

static void emit(decoder *d, const void *bytes, size_t n, size_t orig_start)
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
    for (size_t i = 0; i < n; i++)
        d->norm.len += (size_t)pm_utf8_put((uint32_t)cps[i], d->norm.data + d->norm.len);
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
    utf8proc_ssize_t n = nfc_cps(d, d->seg.data, d->seg.len, &d->cps, &d->cap_cps);
    if (n < 0) { /* out of memory (the bytes are valid UTF-8 we wrote) */
        d->nomem = true;
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
    if (!pm_grow(d->arena, (void **)&d->line_norm, &d->cap_line_norm, d->n_starts,
                 sizeof *d->line_norm) ||
        !pm_grow(d->arena, (void **)&d->line_orig, &d->cap_line_orig, d->n_starts,
                 sizeof *d->line_orig)) {
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
    emit(d, p, n, orig_start);
    d->has_starter = true;
}

static void decode_utf8(decoder *d, const unsigned char *in, size_t len, size_t i)
{
    while (i < len) {
        size_t run = i, last = i;
        while (i < len) {
            unsigned c = in[i];
            if (c < 0x80) {
                if (c == '\n' || c == '\r' || c == 0)
                    break;
                last = i++;
                continue;
            }
            uint32_t cp = 0;
            int k = pm_utf8_next(in + i, len - i, &cp);
            if (k < 0 || classify(cp) != CP_FAST)
                break;
            last = i;
            i += (size_t)k;
        }
        if (i > run)
            emit_run(d, in + run, i - run, run, last - run);
        if (i >= len)
            break;
        uint32_t cp = 0;
        int k = pm_utf8_next(in + i, len - i, &cp);
        size_t n = k < 0 ? (size_t)-k : (size_t)k;
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

/* UTF-16 without a BOM: ASCII characters put a NUL in every other byte. */
static bool sniff_utf16(const unsigned char *p, size_t n, encoding *enc)
{
    size_t sample = (n < SNIFF_BYTES ? n : SNIFF_BYTES) & ~(size_t)1;
    size_t nul_even = 0, nul_odd = 0;
    for (size_t i = 0; i < sample; i += 2) {
        nul_even += p[i] == 0;
        nul_odd += p[i + 1] == 0;
    }
    size_t units = sample / 2;
    if (!units)
        return false;
    /* Plan texts are mostly ASCII (digits, spaces, unaccented letters). */
    if (nul_odd * 5 >= units * 2 && nul_even * 8 <= nul_odd) {
        *enc = ENC_UTF16LE;
        return true;
    }
    if (nul_even * 5 >= units * 2 && nul_odd * 8 <= nul_even) {
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

/* Share of control bytes no text file has (all but \t \n \v \f \r). */
static bool mostly_control_bytes(const unsigned char *p, size_t n, unsigned *percent)
{
    size_t sample = n < SNIFF_BYTES ? n : SNIFF_BYTES, controls = 0;
    for (size_t i = 0; i < sample; i++)
        controls += p[i] < 0x20 && (p[i] < '\t' || p[i] > '\r');
    *percent = (unsigned)(controls * 100 / sample);
    return controls * 10 > sample;
}

static pm_status choose_encoding(const unsigned char *p, size_t n, const char *forced,
                                 const pm_legacy *legacy, const pm_legacy_encoding **old,
                                 encoding *enc, size_t *skip, const char **name,
                                 pm_error *err)
{
    *old = NULL;
    bool bom8 = starts_with(p, n, "\xEF\xBB\xBF", 3);
    bool bom_le = starts_with(p, n, "\xFF\xFE", 2), bom_be = starts_with(p, n, "\xFE\xFF", 2);
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
    } else if (!sniff_utf16(p, n, enc)) {
        *enc = ENC_UTF8;
        if (legacy && looks_like_legacy(p, n) && (*old = pm_legacy_guess(legacy, p, n)))
            *enc = ENC_LEGACY;
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
    unsigned percent;
    if (*enc != ENC_UTF16LE && *enc != ENC_UTF16BE && mostly_control_bytes(p, n, &percent))
        return pm_fail(err, PM_ERR_INPUT, "", 0,
                       "not a text file: looks like binary data (%u%% control bytes)", percent);
    return PM_OK;
}

/* ---- decoding ------------------------------------------------------------ */

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
    pm_status st = choose_encoding(bytes, len, opt ? opt->encoding : NULL, legacy, &old, &enc,
                                   &skip, &name, err);
    if (st != PM_OK)
        return st;

    decoder d = {.arena = a, .orig_len = len};
    /* Clean UTF-8 never grows; UTF-16 grows by at most half. */
    pm_buf_reserve(&d.norm, enc == ENC_UTF8 ? len + len / 16 + 16 : len + len / 2 + 16);
    push_line_start(&d, 0, 0);
    if (!d.nomem) {
        if (enc == ENC_UTF8)
            decode_utf8(&d, bytes, len, skip);
        else if (enc == ENC_LEGACY)
            decode_legacy(&d, old, bytes, len);
        else
            decode_utf16(&d, bytes, len, skip, enc == ENC_UTF16BE);
        finish(&d);
    }
    char *norm = NULL;
    if (!d.nomem && !d.norm.failed && !d.seg.failed)
        norm = pm_arena_strndup(a, d.norm.data ? d.norm.data : "", d.norm.len);
    size_t norm_len = d.norm.len;
    pm_buf_free(&d.norm);
    pm_buf_free(&d.seg);
    free(d.groups);
    free(d.cps);
    free(d.group_cps);
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

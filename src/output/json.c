/* The `plan-extract/1` JSON renderer: one walk over the header, the outline,
 * the tables and the records. Pretty output indents by two spaces; compact
 * output is one line (JSONL). Absent knowledge is null, never "". */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* AVX2 is chosen at run time (the build targets any x86-64). */
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define JSON_AVX2 1
#endif

/* ---- strings ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is invalid.
 * `*bad` receives the length of the maximal invalid subpart (at least 1),
 * which becomes a single U+FFFD as the Unicode standard recommends. */
static inline size_t utf8_sequence(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char b = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        need = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        need = 3;
        if (b == 0xE0)
            lo = 0xA0; /* overlong */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 4;
        if (b == 0xF0)
            lo = 0x90; /* overlong */
        else if (b == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    size_t i = 1;
    for (; i < need && i < n; i++) {
        unsigned char c = s[i];
        bool ok = i == 1 ? (c >= lo && c <= hi) : (c >= 0x80 && c <= 0xBF);
        if (!ok)
            break;
    }
    if (i == need)
        return need;
    *bad = i;
    return 0;
}

/* ASCII that is copied as it is: everything but controls, '"' and '\\'. */
static inline bool plain_ascii(unsigned char c)
{
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

#if defined(__SSE2__)
/* Bit masks of 16 bytes: a byte from 0xC0 up leads 1 or 2 continuation
 * bytes (those >= 0xC0, >= 0xE0); the bytes 0x80-0xBF must be exactly the
 * continuations so required. The leads with a narrower range for the next
 * byte (C0 C1 E0 ED) and those of 4 bytes or none (F0 up, rare here) are
 * left to utf8_sequence, as are controls, '"' and '\\'. */
typedef struct block_masks {
    unsigned escape, high, lead, lead3, unusual;
} block_masks;

static inline block_masks masks_of(const unsigned char *p)
{
    const __m128i v = _mm_loadu_si128((const __m128i *)p);
    block_masks m;
    m.high = (unsigned)_mm_movemask_epi8(v);
    m.escape = (unsigned)_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
    /* Signed bytes: below 0x20 are the controls and the bytes >= 0x80. */
    m.escape |= (unsigned)_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(0x20))) & ~m.high;
    m.lead = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(-65))) & m.high;
    m.lead3 = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(-33))) & m.high;
    unsigned lead4 = (unsigned)_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(-17))) & m.high;
    unsigned narrow = (unsigned)_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8(-2)), _mm_set1_epi8(-64)),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(-32)), _mm_cmpeq_epi8(v, _mm_set1_epi8(-19)))));
    m.unusual = lead4 | narrow;
    return m;
}

/* Whether the 16 bytes at p (readable) are plain ASCII and valid UTF-8
 * sequences of the usual kind. *carry holds the continuations the sequence
 * open at the end of the block before asks of p[0] and p[1] (bits 0-1) and,
 * when the block is taken, gets what this block's last sequence asks of
 * the next, so a block does not wait for the one before. */
static inline bool plain_block(const unsigned char *p, unsigned *carry)
{
    block_masks m = masks_of(p);
    if (m.escape)
        return false;
    if (!(m.high | *carry))
        return true; /* ASCII: *carry stays 0 */
    unsigned required = m.lead << 1 | m.lead3 << 2 | *carry;
    if (m.unusual || (required & 0xFFFF) != (m.high & ~m.lead))
        return false;
    *carry = required >> 16;
    return true;
}

/* Whether the bytes of the 16 at p from p[skip] (a character boundary) to
 * the end, the end of the string, are all plain: plain_block's test on the
 * bytes from skip, where no sequence may go on past the end. The bytes
 * before skip were taken already; reading them saves copying the tail. */
static inline bool plain_end(const unsigned char *p, unsigned skip)
{
    block_masks m = masks_of(p);
    unsigned from = 0xFFFFu << skip & 0xFFFFu;
    unsigned lead = m.lead & from, high = m.high & from;
    unsigned required = lead << 1 | (m.lead3 & from) << 2;
    return !(m.escape & from) && !(m.unusual & from) && required == (high & ~lead);
}
#endif

#if defined(JSON_AVX2)
/* plain_block over 32 bytes at a time, copying them to o while they are
 * plain: the same masks and carry, twice the bytes per test. Returns the
 * bytes taken (a multiple of 32, at most n); *carry as plain_block leaves
 * it after the last block taken. */
__attribute__((target("avx2"))) static size_t plain_blocks_avx2(const unsigned char *p,
                                                                 size_t n, char *o,
                                                                 unsigned *carry)
{
    size_t i = 0;
    for (; n - i >= 32; i += 32) {
        const __m256i v = _mm256_loadu_si256((const __m256i *)(p + i));
#define MASK(x) ((uint64_t)(uint32_t)_mm256_movemask_epi8(x))
#define BYTES(x) _mm256_set1_epi8((char)(x))
        uint64_t high = MASK(v);
        uint64_t escape = MASK(_mm256_or_si256(_mm256_cmpeq_epi8(v, BYTES('"')),
                                               _mm256_cmpeq_epi8(v, BYTES('\\'))));
        escape |= MASK(_mm256_cmpgt_epi8(BYTES(0x20), v)) & ~high;
        if (escape)
            break;
        if (high | *carry) {
            uint64_t lead = MASK(_mm256_cmpgt_epi8(v, BYTES(-65))) & high;
            uint64_t lead3 = MASK(_mm256_cmpgt_epi8(v, BYTES(-33))) & high;
            uint64_t lead4 = MASK(_mm256_cmpgt_epi8(v, BYTES(-17))) & high;
            uint64_t narrow = MASK(_mm256_or_si256(
                _mm256_cmpeq_epi8(_mm256_and_si256(v, BYTES(-2)), BYTES(-64)),
                _mm256_or_si256(_mm256_cmpeq_epi8(v, BYTES(-32)), _mm256_cmpeq_epi8(v, BYTES(-19)))));
            uint64_t required = lead << 1 | lead3 << 2 | *carry;
            if (lead4 | narrow || (required & 0xFFFFFFFFu) != (high & ~lead))
                break;
            *carry = (unsigned)(required >> 32);
        }
#undef MASK
#undef BYTES
        _mm256_storeu_si256((__m256i *)(o + i), v);
    }
    return i;
}
#endif

/* The escape of the byte c (below 0x80 and not plain) into e; its length. */
static size_t escape_ascii(unsigned char c, char e[6])
{
    static const char hex[] = "0123456789abcdef";
    e[0] = '\\';
    switch (c) {
    case '"': e[1] = '"'; return 2;
    case '\\': e[1] = '\\'; return 2;
    case '\n': e[1] = 'n'; return 2;
    case '\t': e[1] = 't'; return 2;
    case '\r': e[1] = 'r'; return 2;
    case '\b': e[1] = 'b'; return 2;
    case '\f': e[1] = 'f'; return 2;
    default:
        memcpy(e + 1, "u00", 3);
        e[4] = hex[c >> 4];
        e[5] = hex[c & 15];
        return 6;
    }
}

void pm_json_string(pm_buf *out, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    /* One pass: the bytes are copied as they are checked. A block is
     * stored whole, 16 bytes, and o moves on by what it took, so SLACK
     * bytes of room past the end are overwritten. Reserved once for the
     * string as it is (most need no escape); invariant below: the room
     * from o holds the n - i bytes left, the closing quote and SLACK. */
    enum { SLACK = 16 };
    if (n > SIZE_MAX - 2 - SLACK)
        out->failed = true;
    if (!pm_buf_reserve(out, n + 2 + SLACK))
        return;
    char *o = out->data + out->len;
    *o++ = '"';
    size_t i = 0;
    for (;;) {
        size_t stop = n;
#if defined(__SSE2__)
        unsigned carry = 0;
        bool refused = false;
#if defined(JSON_AVX2)
        if (n - i >= 32 && __builtin_cpu_supports("avx2")) {
            size_t took = plain_blocks_avx2(p + i, n - i, o, &carry);
            i += took;
            o += took;
        }
#endif
        while (i + 16 <= n) {
            if (!plain_block(p + i, &carry)) {
                refused = true;
                break;
            }
            _mm_storeu_si128((__m128i *)o, _mm_loadu_si128((const __m128i *)(p + i)));
            o += 16;
            i += 16;
        }
        if (carry) { /* back to the start of the sequence left open */
            size_t back = 0;
            do
                back++;
            while ((p[i - back] & 0xC0) == 0x80);
            i -= back;
            o -= back;
        }
        /* What a block could not take goes byte by byte, to its end; a
         * tail of a long string is tested in the last 16 bytes; a short
         * string goes byte by byte. */
        if (refused)
            stop = i + 16;
        else if (n - i >= 16)
            continue;
        else if (i < n && n >= 16 && plain_end(p + n - 16, (unsigned)(16 - (n - i)))) {
            memcpy(o, p + i, n - i);
            o += n - i;
            i = n;
        }
#endif
        while (i < stop) {
            unsigned char c = p[i];
            if (plain_ascii(c)) {
                *o++ = (char)c;
                i++;
                continue;
            }
            size_t bad = 0;
            if (c >= 0x80) {
                size_t len = utf8_sequence(p + i, n - i, &bad);
                if (len) {
                    for (size_t k = 0; k < len; k++)
                        o[k] = (char)p[i + k];
                    o += len;
                    i += len;
                    continue;
                }
            }
            /* An escape or U+FFFD is at most 6 bytes for at least 1 taken. */
            out->len = (size_t)(o - out->data);
            if (!pm_buf_reserve(out, 6 + (n - i) + 1 + SLACK))
                return;
            o = out->data + out->len;
            if (bad) {
                memcpy(o, "\xEF\xBF\xBD", 3);
                o += 3;
                i += bad;
            } else {
                o += escape_ascii(c, o);
                i++;
            }
        }
        if (i >= n)
            break;
    }
    *o++ = '"';
    out->len = (size_t)(o - out->data);
}

/* ---- a small streaming writer ------------------------------------------- */

/* The document nests at most six levels (root > tables > table > rows >
 * row > cells); the renderer below is the only writer. */
enum { MAX_DEPTH = 8 };

typedef struct json_writer {
    pm_buf *out;
    bool pretty;
    bool after_key;             /* the next value completes a "key": pair */
    int depth;
    size_t count[MAX_DEPTH];    /* members written at each open level */
} json_writer;

static const char spaces[] = "\n                ";
_Static_assert(sizeof spaces == 2 * MAX_DEPTH + 2, "room for the deepest indentation");

/* Room for what goes before an item (a comma, the newline and indentation)
 * and `extra` bytes of the item, asked for once: a copy of fixed size is a
 * few moves, not a call, and the spaces past the indentation are
 * overwritten by the item. */
enum { ITEM_ROOM = sizeof spaces };

/* The newline and indentation of `depth` at o (ITEM_ROOM - 1 bytes of room);
 * their end. */
static inline char *put_indent(char *o, int depth)
{
    memcpy(o, spaces, sizeof spaces - 1);
    return o + 1 + 2 * (size_t)depth;
}

/* Reserves the room for the separator and indentation of an item that is
 * not after a key, and `extra` bytes, writes the separator and the
 * indentation and returns where the item goes (NULL: out of memory). */
static inline char *item_start(json_writer *w, size_t extra)
{
    pm_buf *out = w->out;
    if (!pm_buf_reserve(out, ITEM_ROOM + extra))
        return NULL;
    char *o = out->data + out->len;
    if (w->depth == 0)
        return o;
    if (w->count[w->depth - 1]++ > 0)
        *o++ = ',';
    return w->pretty ? put_indent(o, w->depth) : o;
}

/* Separator and indentation before a value; a value after its key has
 * them already. */
static void begin_item(json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    char *o = item_start(w, 0);
    if (o)
        w->out->len = (size_t)(o - w->out->data);
}

/* A value of n bytes that need no escape, with what goes before it. */
static inline void put_item(json_writer *w, const char *s, size_t n)
{
    pm_buf *out = w->out;
    char *o;
    if (w->after_key) {
        w->after_key = false;
        if (!pm_buf_reserve(out, n))
            return;
        o = out->data + out->len;
    } else if (!(o = item_start(w, n)))
        return;
    memcpy(o, s, n);
    out->len = (size_t)(o + n - out->data);
}

#define put_literal(w, lit) put_item((w), lit, sizeof lit - 1)

static void open_container(json_writer *w, char bracket)
{
    put_item(w, &bracket, 1);
    w->count[w->depth++] = 0;
}

static void close_container(json_writer *w, char bracket)
{
    pm_buf *out = w->out;
    w->depth--;
    if (!pm_buf_reserve(out, ITEM_ROOM))
        return;
    char *o = out->data + out->len;
    if (w->pretty && w->count[w->depth] > 0)
        o = put_indent(o, w->depth);
    *o++ = bracket;
    out->len = (size_t)(o - out->data);
}

/* Keys are literals: quoted and followed by ": " at compile time (compact
 * output drops the space), so they are neither measured nor escaped. A key
 * is never after a key: its separator, indentation and text take one
 * check for room. */
#define json_key(w, key) json_quoted_key((w), "\"" key "\": ", sizeof("\"" key "\": ") - 1)

static inline void json_quoted_key(json_writer *w, const char *quoted, size_t pretty_len)
{
    size_t n = w->pretty ? pretty_len : pretty_len - 1;
    char *o = item_start(w, n);
    if (!o)
        return;
    memcpy(o, quoted, n);
    w->out->len = (size_t)(o + n - w->out->data);
    w->after_key = true;
}

static void json_null(json_writer *w)
{
    put_literal(w, "null");
}

static void json_bool(json_writer *w, bool v)
{
    if (v)
        put_literal(w, "true");
    else
        put_literal(w, "false");
}

/* Decimal digits of v, written backwards ending at `end`; their start.
 * The same digits as printf's %llu, without parsing a format. */
static char *decimal_digits(unsigned long long v, char *end)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* v in decimal as printf's %lld prints it, written backwards ending at
 * `end`; its start. */
static char *signed_digits(long long v, char *end)
{
    char *start = decimal_digits(v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, end);
    if (v < 0)
        *--start = '-';
    return start;
}

static void json_size(json_writer *w, size_t v)
{
    char digits[24], *end = digits + sizeof digits;
    char *start = decimal_digits(v, end);
    put_item(w, start, (size_t)(end - start));
}

static void json_int(json_writer *w, long long v)
{
    char digits[24], *end = digits + sizeof digits;
    char *start = signed_digits(v, end);
    put_item(w, start, (size_t)(end - start));
}

/* Integers print without a fraction (45, not 45.0); other values print with
 * the fewest digits that read back as the same double (1573.1, not
 * 1573.0999999999999). JSON has no NaN or infinity: those become null. */
static void json_number(json_writer *w, double v)
{
    if (!isfinite(v)) {
        json_null(w);
        return;
    }
    if (v == 0) {
        put_literal(w, "0"); /* also for -0 */
        return;
    }
    if (v == trunc(v) && fabs(v) < 1e15) {
        /* What %.0f prints: the integer is exact in a long long. */
        json_int(w, (long long)v);
        return;
    }
    char digits[40];
    int n = 0;
    for (int precision = 1; precision <= 17; precision++) {
        n = snprintf(digits, sizeof digits, "%.*g", precision, v);
        if (strtod(digits, NULL) == v)
            break;
    }
    put_item(w, digits, n > 0 ? (size_t)n : 0);
}

/* The string s of n bytes (n known: not measured again). */
static void json_str_n(json_writer *w, const char *s, size_t n)
{
    begin_item(w);
    pm_json_string(w->out, s, n);
}

static void json_str(json_writer *w, const char *s)
{
    json_str_n(w, s, strlen(s));
}

#define json_str_literal(w, lit) json_str_n((w), lit, sizeof lit - 1)

/* A text field: null when nothing is known. */
static void json_text(json_writer *w, const char *s)
{
    if (s && *s)
        json_str(w, s);
    else
        json_null(w);
}

/* A reference to the i-th item of a kind ("s12", "t2"), null when none. */
static void json_ref(json_writer *w, char prefix, long long i, size_t n)
{
    if (i < 0 || (size_t)i >= n) {
        json_null(w);
        return;
    }
    char ref[32], *end = ref + sizeof ref;
    *--end = '"';
    char *start = signed_digits(i + 1, end);
    *--start = prefix;
    *--start = '"';
    put_item(w, start, (size_t)(ref + sizeof ref - start));
}

/* A year or other positive count where 0 means unknown. */
static void json_int_or_null(json_writer *w, int v)
{
    if (v)
        json_int(w, v);
    else
        json_null(w);
}

static void json_line_or_null(json_writer *w, size_t line)
{
    if (line)
        json_size(w, line);
    else
        json_null(w);
}

/* ---- pieces of the document ---------------------------------------------- */

static const char *op_name(pm_op op)
{
    switch (op) {
    case PM_OP_EQ: return "eq";
    case PM_OP_GT: return "gt";
    case PM_OP_GE: return "ge";
    case PM_OP_LT: return "lt";
    case PM_OP_LE: return "le";
    case PM_OP_APPROX: return "approx";
    case PM_OP_BETWEEN: return "between";
    }
    return "eq";
}

static const char *deadline_kind_name(pm_deadline_kind kind)
{
    switch (kind) {
    case PM_DEADLINE_NONE: break;
    case PM_DEADLINE_YEAR: return "year";
    case PM_DEADLINE_RANGE: return "range";
    case PM_DEADLINE_DATE: return "date";
    case PM_DEADLINE_QUARTER: return "quarter";
    case PM_DEADLINE_ANNUAL: return "annual";
    case PM_DEADLINE_ONGOING: return "ongoing";
    case PM_DEADLINE_UNSPECIFIED: return "unspecified";
    }
    return NULL;
}

static void write_source_file(json_writer *w, const pm_result *r)
{
    const pm_text *t = r->text;
    json_key(w, "source");
    open_container(w, '{');
    json_key(w, "path");
    json_text(w, r->path);
    json_key(w, "sha256");
    json_str(w, r->sha256);
    json_key(w, "bytes");
    json_size(w, t->orig_len);
    json_key(w, "encoding");
    json_text(w, t->encoding);
    json_key(w, "lines");
    json_size(w, t->n_lines);
    close_container(w, '}');
}

static void write_strings(json_writer *w, const char *const *items, size_t n)
{
    open_container(w, '[');
    for (size_t i = 0; i < n; i++)
        json_str(w, items[i] ? items[i] : "");
    close_container(w, ']');
}

static void write_document(json_writer *w, const pm_header *h)
{
    json_key(w, "document");
    open_container(w, '{');
    json_key(w, "type");
    json_text(w, h->type);
    json_key(w, "number");
    json_text(w, h->number);
    json_key(w, "issuer");
    json_text(w, h->issuer);
    json_key(w, "province");
    json_text(w, h->province);
    json_key(w, "date");
    json_text(w, h->date);
    json_key(w, "title");
    json_text(w, h->title);

    json_key(w, "implements");
    open_container(w, '[');
    for (size_t i = 0; i < h->n_implements; i++) {
        open_container(w, '{');
        json_key(w, "number");
        json_text(w, h->implements[i].number);
        json_key(w, "date");
        json_text(w, h->implements[i].date);
        close_container(w, '}');
    }
    close_container(w, ']');

    json_key(w, "signer");
    if (h->signer_name || h->signer_title || h->signer_on_behalf) {
        open_container(w, '{');
        json_key(w, "name");
        json_text(w, h->signer_name);
        json_key(w, "title");
        json_text(w, h->signer_title);
        json_key(w, "on_behalf");
        json_text(w, h->signer_on_behalf);
        close_container(w, '}');
    } else {
        json_null(w);
    }

    json_key(w, "recipients");
    write_strings(w, h->recipients, h->n_recipients);
    close_container(w, '}');
}

static void write_sections(json_writer *w, const pm_tree *tree)
{
    json_key(w, "sections");
    open_container(w, '[');
    for (size_t i = 0; i < tree->n_sections; i++) {
        const pm_section *s = &tree->sections[i];
        open_container(w, '{');
        json_key(w, "id");
        json_ref(w, 's', (long long)i, tree->n_sections);
        json_key(w, "parent");
        json_ref(w, 's', s->parent, tree->n_sections);
        json_key(w, "level");
        json_int(w, s->level);
        json_key(w, "label");
        json_text(w, s->label);
        json_key(w, "title");
        json_text(w, s->title);
        json_key(w, "kind");
        if (s->appendix)
            json_str_literal(w, "appendix");
        else
            json_str_literal(w, "body");
        json_key(w, "line_start");
        json_size(w, s->line_start);
        json_key(w, "line_end");
        json_size(w, s->line_end);
        close_container(w, '}');
    }
    close_container(w, ']');
}

static void write_row(json_writer *w, const pm_row *row)
{
    open_container(w, '{');
    json_key(w, "cells");
    open_container(w, '[');
    if (!row->unparsed)
        for (size_t c = 0; c < row->n_cells; c++)
            json_str(w, row->cells[c].s ? row->cells[c].s : "");
    close_container(w, ']');
    if (row->unparsed) {
        json_key(w, "raw");
        json_str(w, row->raw.s ? row->raw.s : "");
    }
    json_key(w, "line");
    json_size(w, row->line);
    close_container(w, '}');
}

static void write_tables(json_writer *w, const pm_tree *tree)
{
    json_key(w, "tables");
    open_container(w, '[');
    for (size_t i = 0; i < tree->n_tables; i++) {
        const pm_table *t = &tree->tables[i];
        open_container(w, '{');
        json_key(w, "id");
        json_ref(w, 't', (long long)i, tree->n_tables);
        json_key(w, "section");
        json_ref(w, 's', t->section, tree->n_sections);
        json_key(w, "title");
        json_text(w, t->title);
        json_key(w, "columns");
        write_strings(w, t->columns, t->n_columns);
        json_key(w, "rows");
        open_container(w, '[');
        for (size_t r = 0; r < t->n_rows; r++)
            write_row(w, &t->rows[r]);
        close_container(w, ']');
        json_key(w, "line_start");
        json_size(w, t->line_start);
        json_key(w, "line_end");
        json_size(w, t->line_end);
        close_container(w, '}');
    }
    close_container(w, ']');
}

/* The value of a key the caller wrote. */
static void write_agencies(json_writer *w, const pm_agency *a, size_t n)
{
    open_container(w, '[');
    for (size_t i = 0; i < n; i++) {
        open_container(w, '{');
        json_key(w, "id");
        json_text(w, a[i].id);
        json_key(w, "name");
        json_text(w, a[i].name);
        json_key(w, "raw");
        json_text(w, a[i].raw);
        close_container(w, '}');
    }
    close_container(w, ']');
}

static void write_evidence(json_writer *w, const pm_source *src)
{
    json_key(w, "source");
    open_container(w, '{');
    json_key(w, "line");
    json_size(w, src->line);
    json_key(w, "byte_start");
    json_size(w, src->byte_start);
    json_key(w, "byte_end");
    json_size(w, src->byte_end);
    json_key(w, "text");
    json_str(w, src->text ? src->text : "");
    close_container(w, '}');
}

static void write_value(json_writer *w, const pm_value *v)
{
    json_key(w, "value");
    open_container(w, '{');
    json_key(w, "op");
    json_str(w, op_name(v->op));
    json_key(w, "min");
    if (v->has_min)
        json_number(w, v->min);
    else
        json_null(w);
    json_key(w, "max");
    if (v->has_max)
        json_number(w, v->max);
    else
        json_null(w);
    close_container(w, '}');
}

static void write_targets(json_writer *w, const pm_tree *tree, const pm_records *rec)
{
    json_key(w, "targets");
    open_container(w, '[');
    for (size_t i = 0; i < rec->n_targets; i++) {
        const pm_target *g = &rec->targets[i];
        open_container(w, '{');
        json_key(w, "id");
        json_ref(w, 'g', (long long)i, rec->n_targets);
        json_key(w, "section");
        json_ref(w, 's', g->section, tree->n_sections);
        json_key(w, "table");
        json_ref(w, 't', g->table, tree->n_tables);
        json_key(w, "indicator");
        json_text(w, g->indicator);
        json_key(w, "indicator_id");
        json_text(w, g->indicator_id);
        json_key(w, "year");
        json_int_or_null(w, g->year);
        write_value(w, &g->value);
        json_key(w, "unit");
        json_text(w, g->unit);
        json_key(w, "aspirational");
        json_bool(w, g->aspirational);
        json_key(w, "scope");
        json_text(w, g->scope);
        json_key(w, "lead");
        write_agencies(w, g->lead, g->n_lead);
        write_evidence(w, &g->source);
        close_container(w, '}');
    }
    close_container(w, ']');
}

static void write_deadline(json_writer *w, const pm_deadline *d)
{
    json_key(w, "deadline");
    const char *kind = deadline_kind_name(d->kind);
    if (!kind) {
        json_null(w);
        return;
    }
    open_container(w, '{');
    json_key(w, "kind");
    json_str(w, kind);
    json_key(w, "start");
    json_int_or_null(w, d->start);
    json_key(w, "end");
    json_int_or_null(w, d->end);
    json_key(w, "date");
    json_text(w, d->date);
    json_key(w, "text");
    json_text(w, d->text);
    close_container(w, '}');
}

static void write_tasks(json_writer *w, const pm_tree *tree, const pm_records *rec)
{
    json_key(w, "tasks");
    open_container(w, '[');
    for (size_t i = 0; i < rec->n_tasks; i++) {
        const pm_task *k = &rec->tasks[i];
        open_container(w, '{');
        json_key(w, "id");
        json_ref(w, 'k', (long long)i, rec->n_tasks);
        json_key(w, "section");
        json_ref(w, 's', k->section, tree->n_sections);
        json_key(w, "table");
        json_ref(w, 't', k->table, tree->n_tables);
        json_key(w, "label");
        json_text(w, k->label);
        json_key(w, "text");
        json_str(w, k->text ? k->text : "");
        json_key(w, "lead");
        write_agencies(w, k->lead, k->n_lead);
        json_key(w, "support");
        write_agencies(w, k->support, k->n_support);
        json_key(w, "approver");
        write_agencies(w, k->approver, k->n_approver);
        write_deadline(w, &k->deadline);
        json_key(w, "product");
        json_text(w, k->product);
        write_evidence(w, &k->source);
        close_container(w, '}');
    }
    close_container(w, ']');
}

static void write_warnings(json_writer *w, const pm_warnings *warnings)
{
    json_key(w, "warnings");
    open_container(w, '[');
    for (size_t i = 0; warnings && i < warnings->len; i++) {
        const pm_warning *x = &warnings->items[i];
        open_container(w, '{');
        json_key(w, "code");
        json_str(w, x->code ? x->code : "");
        json_key(w, "message");
        json_str(w, x->message ? x->message : "");
        json_key(w, "line");
        json_line_or_null(w, x->line);
        close_container(w, '}');
    }
    close_container(w, ']');
}

pm_status pm_render_json(const pm_result *r, unsigned flags, pm_buf *out)
{
    json_writer w = {.out = out, .pretty = (flags & PM_RENDER_PRETTY) != 0};
    /* Room for the usual document at once (pretty JSON is 2-3 times its
     * input): no copies of the output as it grows. */
    size_t input = r->text->orig_len;
    if (input < SIZE_MAX / 4 - 4096 && !pm_buf_reserve(out, input * 3 + 4096))
        return PM_ERR_NOMEM;
    open_container(&w, '{');
    json_key(&w, "schema");
    json_str_literal(&w, PLANMINE_SCHEMA);
    write_source_file(&w, r);
    write_document(&w, &r->tree->header);
    write_sections(&w, r->tree);
    write_tables(&w, r->tree);
    write_targets(&w, r->tree, r->records);
    write_tasks(&w, r->tree, r->records);
    write_warnings(&w, r->warnings);
    close_container(&w, '}');
    return out->failed ? PM_ERR_NOMEM : PM_OK;
}

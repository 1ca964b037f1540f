/* text: bytes -> clean NFC UTF-8 text with a map back to the original bytes.
 *
 * The normalised text keeps the original line structure: line i of the
 * normalised text is line i of the input (line ends become '\n'), so line
 * numbers never need mapping. Inside a line the text is NFC, Unicode spaces
 * (NBSP, thin space, ...) are ' ', soft hyphens and zero-width characters
 * are gone, invalid bytes are U+FFFD. Joining hard-wrapped lines is the
 * segmenter's job (it builds spans across lines, see pm_span).
 *
 * Offsets: `pm_text_orig` maps a normalised byte offset to an original byte
 * offset using breakpoints recorded only where the mapping stops being a
 * constant shift, so clean UTF-8 costs one breakpoint. */
#ifndef PM_TEXT_H
#define PM_TEXT_H

#include "core/core.h"

typedef struct pm_breakpoint {
    size_t norm; /* offset in the normalised text */
    size_t orig; /* the original offset it comes from */
} pm_breakpoint;

typedef struct pm_text {
    const unsigned char *orig; /* original bytes (not owned) */
    size_t orig_len;
    char *norm;                /* NUL-terminated, arena-owned */
    size_t norm_len;
    pm_breakpoint *bp;         /* sorted by norm, strictly increasing */
    size_t n_bp;
    size_t *line_norm;         /* start of line i (0-based) in norm; n_lines+1 entries, so
                                  line i's text ends at line_norm[i+1] - 1 (the last entry
                                  is norm_len + 1 when the final line has no '\n') */
    size_t *line_orig;         /* start of line i in orig; n_lines+1 entries, the last is
                                  orig_len */
    size_t n_lines;            /* a final line without '\n' counts; an empty input has 0 */
    const char *encoding;      /* "utf-8", "utf-8-bom", "utf-16le", "utf-16be", or a legacy name */
    size_t invalid_sequences;  /* bytes that were not valid in the encoding */
    size_t first_invalid_line; /* 1-based, 0 = none */
} pm_text;

/* Legacy Vietnamese 8-bit encodings (Windows-1258, VISCII, TCVN3, VNI).
 * Their tables and the syllable grammar that tells them apart are data
 * (patterns/legacy-encodings.tsv, patterns/vi-syllables.tsv): the caller
 * feeds the rows in once, then any number of documents decode with them;
 * a pm_legacy is read-only after loading and may be shared by threads. */
typedef struct pm_legacy pm_legacy;

pm_status pm_legacy_new(pm_legacy **out, pm_error *err);
void pm_legacy_free(pm_legacy *l);
/* A row of legacy-encodings.tsv: ENCODING, BYTES ("61 F9"), CODE POINT
 * ("U+00E1"). file and line name the row in errors (PM_ERR_PATTERN). */
pm_status pm_legacy_add_mapping(pm_legacy *l, const char *encoding, const char *bytes,
                                const char *code_point, const char *file, size_t line,
                                pm_error *err);
/* A row of vi-syllables.tsv: KIND ("onset" or "rhyme"), LETTERS. */
pm_status pm_legacy_add_syllable_part(pm_legacy *l, const char *kind, const char *letters,
                                      const char *file, size_t line, pm_error *err);
/* Share (0..1) of the words of UTF-8 s that have a non-ASCII letter and
 * are Vietnamese syllables; *words counts those words. */
double pm_legacy_syllable_share(const pm_legacy *l, const char *s, size_t n, size_t *words);

typedef struct pm_text_options {
    const char *encoding;     /* NULL = detect */
    const pm_legacy *legacy;  /* NULL = UTF-8 and UTF-16 only. Otherwise encoding may name
                                 a legacy encoding, and input that is not UTF-8 (more
                                 invalid than valid non-ASCII sequences) is decoded in
                                 the one whose text has the highest share of Vietnamese
                                 syllables, when that share is at least half. */
    size_t max_lines;         /* more lines fail with PM_ERR_LIMIT; 0 = no limit */
} pm_text_options;

/* Decodes and normalises `len` bytes. `t->orig` points at `bytes`, which
 * must outlive `t`. Reports repaired input in `w` (code "invalid_utf8").
 * Fails with PM_ERR_INPUT for input that is not text (see err->message). */
pm_status pm_text_decode(pm_arena *a, const unsigned char *bytes, size_t len,
                         const pm_text_options *opt, pm_text *t, pm_warnings *w,
                         pm_error *err);

/* Original byte offset of a normalised offset (0 <= norm_off <= norm_len).
 * An offset at the end of a transformed unit maps past that unit. */
size_t pm_text_orig(const pm_text *t, size_t norm_off);
/* 1-based line of a normalised offset. */
size_t pm_text_line(const pm_text *t, size_t norm_off);
/* The text of line `line` (1-based) without its '\n'. */
const char *pm_text_line_str(const pm_text *t, size_t line, size_t *len);

/* ---- spans: text assembled from pieces of the normalised text ---------- */
/* A paragraph joined from hard-wrapped lines, a table cell that spills over
 * several lines, a list item cut out of an HTML fragment: its own string
 * plus the pieces that map its offsets back to the normalised text. */
typedef struct pm_piece {
    size_t at;   /* offset in the span's string */
    size_t norm; /* offset in pm_text.norm where this piece starts */
} pm_piece;

typedef struct pm_span {
    const char *s; /* NUL-terminated */
    size_t len;
    pm_piece *pieces; /* sorted by at; pieces[0].at == 0 when len > 0 */
    size_t n_pieces;
    size_t line;      /* 1-based line of s[0]; 0 for an empty span */
} pm_span;

/* Builds spans piece by piece. Appending a range of the normalised text
 * adds a piece; appending a separator (e.g. the ' ' that joins two lines)
 * extends the text without a piece (it maps to the preceding piece). */
typedef struct pm_span_builder {
    pm_arena *arena;
    const pm_text *text;
    pm_buf buf;
    pm_piece *pieces;
    size_t n_pieces, cap_pieces;
    size_t line;
} pm_span_builder;

/* Begin once per builder (it resets everything, including the buffer);
 * then pm_span_add/pm_span_sep and pm_span_end per span. */
void pm_span_begin(pm_span_builder *b, pm_arena *a, const pm_text *t);
void pm_span_add(pm_span_builder *b, size_t norm_start, size_t norm_end);
void pm_span_sep(pm_span_builder *b, const char *sep);
/* Finishes the span (trims nothing); the builder can be reused after. */
pm_status pm_span_end(pm_span_builder *b, pm_span *out);
void pm_span_builder_free(pm_span_builder *b);

/* Normalised-text offset of a span offset. */
size_t pm_span_norm(const pm_span *sp, size_t off);
/* A span from a single range of the normalised text (no copy of pieces). */
pm_status pm_span_from_range(pm_arena *a, const pm_text *t, size_t norm_start,
                             size_t norm_end, pm_span *out);
/* Sub-span [start, end) of a span, sharing its string. */
pm_status pm_span_sub(pm_arena *a, const pm_span *sp, size_t start, size_t end, pm_span *out);

/* ---- folding for matching --------------------------------------------- */
/* Lower-cases (Vietnamese-aware, full Unicode) into out; out->len grows. */
void pm_fold_lower(const char *s, size_t n, pm_buf *out);
/* ASCII slug: lower case, diacritics removed, đ->d, runs of anything else
 * -> single '-', no leading/trailing '-'. */
void pm_slugify(const char *s, size_t n, pm_buf *out);
/* Removes diacritics but keeps case and everything else (đ->d, Đ->D). */
void pm_strip_marks(const char *s, size_t n, pm_buf *out);
/* Whether s is well-formed UTF-8 as PCRE2 defines it (no overlong forms,
 * surrogates or code points past U+10FFFF): text checked once can be
 * matched with PCRE2_NO_UTF_CHECK, which otherwise re-checks the rest of
 * the subject at every match. */
bool pm_utf8_valid(const char *s, size_t n);
/* NFC-normalises arbitrary UTF-8 (invalid bytes -> U+FFFD); used by tests
 * and by pattern loading. */
void pm_nfc(const char *s, size_t n, pm_buf *out);

#endif

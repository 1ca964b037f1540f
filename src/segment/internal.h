/* Internal interface between the parts of the segmenter (not used outside
 * src/segment). segment.c drives: tables first (they claim their lines),
 * then header fields, outline and paragraphs over the remaining lines. */
#ifndef PM_SEGMENT_INTERNAL_H
#define PM_SEGMENT_INTERNAL_H

#include "segment/segment.h"

/* Regexes and lexicons resolved once by pm_segmenter_new. Each part adds
 * what it needs here and resolves it in its *_init function. */
struct pm_segmenter {
    const pm_patterns *patterns;
    struct pm_table_patterns *tables; /* owned by tables.c */
    struct pm_header_patterns *header; /* owned by header.c */
    struct pm_outline_patterns *outline; /* owned by outline.c */
};

/* tables.c ------------------------------------------------------------------
 * Finds every table in the text, whatever its shape (tab rows, one cell per
 * line, repeated headers after page breaks, rows split across pages, HTML
 * fragments in cells, pipe rows). Sets line_used[i] = 1 (i 0-based) for every
 * line that belongs to a table, including dropped repeated headers and blank
 * lines inside it, so the caller never turns them into paragraphs.
 * Sets line_plain[i] to 1 when line i is plain (pm_next_break finds nothing
 * between its first and last non-blank byte), else 0: it reads every line
 * once anyway, and most lines are plain.
 * Tables are returned in document order with section = -1, block = -1 and
 * title = NULL (the caller fills those). */
pm_status pm_tables_init(pm_segmenter *s, pm_error *err);
void pm_tables_free(pm_segmenter *s);
pm_status pm_find_tables(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                         unsigned char *line_used, unsigned char *line_plain,
                         pm_table **tables, size_t *n_tables, pm_warnings *w, pm_error *err);

/* Lines, layout and the shared helpers of segment.c, outline.c, header.c ---- */

/* The bytes a subject can start with when an anchored regex matches it from
 * offset 0: bit b of bits[b / 8]. Most lines are prose, and a line whose
 * first byte is not in the set is not given to the regex at all (each
 * pcre2_match call costs more than the failing match itself). */
typedef struct pm_first_bytes {
    unsigned char bits[32];
} pm_first_bytes;

/* Derives the set from the compiled regex (every byte when it is not
 * anchored). */
pm_status pm_first_bytes_of(const pcre2_code *re, pm_first_bytes *out, pm_error *err);

/* False only when re, matched from offset 0 of s[0, n), cannot match. */
static inline bool pm_may_match(const pm_first_bytes *f, const char *s, size_t n)
{
    unsigned char c = n ? (unsigned char)s[0] : 0;
    return n == 0 || (f->bits[c >> 3] >> (c & 7)) & 1;
}

typedef enum pm_line_kind {
    PM_LINE_BLANK,      /* nothing but spaces */
    PM_LINE_NOISE,      /* separator rule, `|`, page number: layout, not content */
    PM_LINE_TABLE,      /* claimed by a table */
    PM_LINE_TEXT,       /* anything else: part of a paragraph */
    PM_LINE_HEADING,    /* an outline label */
    PM_LINE_BULLET,
    PM_LINE_FIELD,      /* `Cơ quan thực hiện:` ...: starts a paragraph */
    PM_LINE_FOOTNOTE,   /* `¹ ...` */
    PM_LINE_DOCTYPE,    /* `KẾ HOẠCH`: a block of its own */
    PM_LINE_RECIPIENTS, /* `Nơi nhận:` */
    PM_LINE_SIGNATURE   /* `TM. ỦY BAN NHÂN DÂN`, `KT. CHỦ TỊCH`, `PHÓ CHỦ TỊCH` */
} pm_line_kind;

/* One line of the text, classified once. Offsets are into pm_text.norm.
 * There is one per line of the text: the one-byte fields come last, together,
 * so that no padding is spent between them. */
typedef struct pm_line {
    size_t text_start, text_end; /* without surrounding spaces: what blocks show */
    size_t start, end;           /* also without markdown emphasis: what patterns see;
                                    the first column of a line laid out in tab columns */
    size_t side_start, side_end; /* its last column (`Nơi nhận:` <TAB> `TM. ỦY BAN …`), else empty */
    size_t rest;                 /* HEADING/BULLET: where the body starts */
    size_t label_start, label_end;
    const char *style;           /* HEADING: the label style ("roman", "dotted", ...) */
    const char *word;            /* HEADING with a word label (`Phần`, `Phụ lục`), else NULL */
    size_t word_len;
    size_t indent;               /* leading spaces (a tab counts 4) */
    size_t chars, first_word;    /* code points of the line and of its first word */
    int depth;                   /* HEADING: components of a dotted label, else 1 */
    int ordinal;                 /* HEADING: value of the label, 0 when unknown */
    unsigned char kind;          /* pm_line_kind */
    char marker;                 /* BULLET: '-', '+', '*' */
    bool appendix;
    bool upper;                  /* letters (at least three) almost all capitals */
    bool starts_lower;           /* the first character is a lower-case letter */
    bool starts_capital;         /* the first character is a capital letter */
    bool ends_sentence;          /* last character (before `*`, quotes) is . ! ? : ; */
    bool ends_open;              /* last character is , - – ( / &: cut inside a phrase */
} pm_line;

/* Where the parts of the document are (0-based line indices). */
typedef struct pm_layout {
    size_t n_lines;
    size_t front_end;      /* first line of the body (the first heading) */
    size_t doctype_line;   /* the `KẾ HOẠCH` line, n_lines when none */
    size_t closing_start;  /* `Nơi nhận` or the signature; n_lines when none */
    size_t closing_end;    /* first line after the signer's name (and initials) */
    size_t signature_start;
    size_t appendix_start; /* first appendix heading, n_lines when none */
    size_t wrap_width;     /* typical full line, in code points, of hard-wrapped text */
    bool short_first_lines; /* blocks' first lines end far before the wrap width
                               and run on (a PDF export that cuts them short) */
} pm_layout;

pm_zone pm_zone_of(const pm_layout *lay, size_t line);

/* A copy of s in sentence case: `KẾ HOẠCH` -> `Kế hoạch`. */
char *pm_sentence_case(pm_arena *a, const char *s, size_t n);
/* Code points in s. */
size_t pm_utf8_count(const char *s, size_t n);
/* Code points in s before its first space or tab (all of s when none). */
size_t pm_first_word_count(const char *s, size_t n);
/* The first byte at or after `from` that is a tab, a '|', or a space
 * followed by a space or a tab; n when none. Everything before it is text
 * and single spaces, which no column or gap rule looks at. */
size_t pm_next_break(const char *s, size_t n, size_t from);
/* True only when a text of `upper` capitals and `lower` small letters
 * followed by s[0, n) has more than a tenth as many small letters as
 * capitals (outline.c's is_upper_case then says no): most lines are prose,
 * settled eight bytes at a time. s starts at a code point. */
bool pm_surely_not_upper(const char *s, size_t n, size_t upper, size_t lower);
/* Whether s holds two spaces in a row. */
bool pm_has_space_pair(const char *s, size_t n);

/* The first byte at or after `from` that is the small ASCII letter a or b
 * or its capital; n when none. Eight bytes a step. */
size_t pm_next_either_letter(const char *s, size_t n, size_t from, char a, char b);

/* The span of norm[start, end) (start < end), the same as a span builder
 * given that one range makes, with its string and piece in one allocation.
 * line: the line that holds start if the caller knows it, else 0. */
pm_status pm_range_span(pm_arena *a, const pm_text *t, size_t start, size_t end, size_t line,
                        pm_span *out);

/* Columns of a line laid out side by side: a tab, a pipe (a markdown export
 * of the layout table), or a gap of three or more spaces before a capital
 * letter (`Số: 187/KH-UBND      Đồng Nai, ngày …`, pdftotext -layout; a
 * blank draft date `ngày     tháng` stays one column).
 * Returns the end of the column starting at `from` and sets *next to where
 * the next one starts (n when none). */
size_t pm_column_end(const char *s, size_t n, size_t from, size_t *next);

/* outline.c: line shapes (headings.pcre), the outline and the blocks. */
pm_status pm_outline_init(pm_segmenter *s, pm_error *err);
void pm_outline_free(pm_segmenter *s);
/* Classifies every line of lines (n_lines zeroed entries); line_used marks
 * table lines, line_plain the plain ones (pm_find_tables). */
void pm_classify_lines(const pm_segmenter *s, const pm_text *t, const unsigned char *line_used,
                       const unsigned char *line_plain, pm_line *lines, pcre2_match_data *md);
/* Finds front matter, closing and appendices, and the wrap width; demotes
 * header-shaped lines found where they cannot be (a second `KẾ HOẠCH`, a
 * `CHỦ TỊCH` line in the front matter) to TEXT. */
void pm_find_layout(const pm_segmenter *s, const pm_text *t, pm_line *lines, size_t n_lines,
                    pcre2_match_data *md, pm_layout *lay);
/* Sections and blocks (tables inserted where they start; their section,
 * block and title set). */
pm_status pm_build_outline(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                           pm_line *lines, const pm_layout *lay, pm_tree *tree,
                           pm_error *err);

/* header.c: header fields (header.pcre, provinces.tsv). */
pm_status pm_header_init(pm_segmenter *s, pm_error *err);
void pm_header_free(pm_segmenter *s);
/* DOCTYPE, RECIPIENTS or SIGNATURE for header lines, TEXT otherwise. */
pm_line_kind pm_header_line_kind(const pm_segmenter *s, const char *line, size_t len,
                                 pcre2_match_data *md);
/* True when the line looks like a signer's name (`Trịnh Việt Hùng`). */
bool pm_header_is_name(const pm_segmenter *s, const char *line, size_t len,
                       pcre2_match_data *md);
/* Whether the docref fast path (header.c) holds for the loaded regex. */
bool pm_header_docref_proven(const pm_segmenter *s);
pm_status pm_read_header(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                         const pm_line *lines, const pm_layout *lay, pm_tree *tree,
                         pcre2_match_data *md, pm_error *err);

#endif

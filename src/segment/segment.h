/* segment: normalised text -> document tree.
 *
 * Lines are classified once (blank, page number, heading label, bullet,
 * tab row, one-cell-per-line cell, `Nơi nhận`, signature, ...), then built
 * into blocks: headings that open sections of the outline, paragraphs and
 * bullets joined across hard-wrapped lines, and logical tables merged across
 * page breaks. The header fields (number, date, issuer, signer, recipients,
 * implemented documents, appendix citations) are read on the way.
 * Nothing is dropped: a line that fits no shape becomes a paragraph, a table
 * row that cannot be understood keeps its raw text and adds a warning. */
#ifndef PM_SEGMENT_H
#define PM_SEGMENT_H

#include "patterns/patterns.h"
#include "text/text.h"

/* A document cited by number and date: `Nghị quyết số 148/NQ-CP ngày 11/11/2022`. */
typedef struct pm_docref {
    const char *number; /* spaces removed, e.g. "148/NQ-CP"; NULL when blank */
    const char *date;   /* ISO date or NULL */
    const char *kind;   /* "Nghị quyết", "Chương trình hành động", "Kế hoạch", ... */
    size_t line;
} pm_docref;

typedef struct pm_header {
    const char *type;     /* "Kế hoạch" */
    const char *number;   /* "221/KH-UBND" or NULL */
    const char *issuer;   /* "UBND tỉnh Thái Nguyên" */
    const char *province; /* "Thái Nguyên" */
    const char *date;     /* ISO or NULL */
    const char *title;
    size_t number_line, date_line; /* 0 = not found */
    pm_docref *implements;
    size_t n_implements;
    const char *signer_name, *signer_title, *signer_on_behalf;
    const char **recipients;
    size_t n_recipients;
    /* `(Kèm theo Kế hoạch số … ngày …)` lines of appendices: what they cite. */
    pm_docref *citations;
    size_t n_citations;
} pm_header;

typedef struct pm_section {
    int parent;        /* index or -1 */
    int level;         /* 1 = top */
    const char *label; /* "I", "3.1", "a", "Phụ lục I" */
    const char *style; /* "part", "chapter", "section" (Mục), "article" (Điều), "roman",
                          "arabic", "arabic-paren", "dotted", "letter", "alpha", "appendix" */
    const char *title; /* heading text after the label, lines joined */
    bool appendix;
    size_t line_start, line_end;
    int block;         /* index of the heading block */
} pm_section;

typedef enum pm_block_kind {
    PM_BLOCK_HEADING,   /* opens section `section` */
    PM_BLOCK_PARAGRAPH,
    PM_BLOCK_BULLET,    /* a paragraph that starts with '-', '+', '*', '•' */
    PM_BLOCK_TABLE      /* tables[table] */
} pm_block_kind;

typedef enum pm_zone {
    PM_ZONE_FRONT,    /* issuer block, number, date, title, grounds */
    PM_ZONE_BODY,
    PM_ZONE_CLOSING,  /* Nơi nhận, signature */
    PM_ZONE_APPENDIX
} pm_zone;

typedef struct pm_block {
    pm_block_kind kind;
    pm_zone zone;
    int section;     /* innermost enclosing section, -1 = none */
    int table;       /* for PM_BLOCK_TABLE, else -1 */
    char marker;     /* bullet marker, 0 otherwise */
    pm_span text;    /* the whole block, hard-wrapped lines joined with ' ' */
    pm_span body;    /* without heading label or bullet marker */
    size_t line_start, line_end;
} pm_block;

typedef struct pm_row {
    pm_span *cells;  /* n_cells == table n_columns (missing cells are empty spans) */
    size_t n_cells;
    size_t line, line_end;
    bool group;      /* `I`, `II Nhóm nhiệm vụ…`: label and title, other cells empty */
    bool unparsed;   /* could not be split into cells: raw holds the text */
    pm_span raw;
} pm_row;

typedef struct pm_table {
    int section;
    int block;
    const char *title;    /* caption or the heading above, or NULL */
    const char **columns; /* merged headers: "Chỉ tiêu cần đạt được / Đến năm 2025" */
    size_t n_columns;
    pm_row *rows;
    size_t n_rows;
    size_t line_start, line_end;
} pm_table;

typedef struct pm_tree {
    pm_header header;
    pm_section *sections;
    size_t n_sections;
    pm_block *blocks;     /* document order */
    size_t n_blocks;
    pm_table *tables;
    size_t n_tables;
} pm_tree;

typedef struct pm_segmenter pm_segmenter;

/* Resolves and checks the patterns the segmenter needs (headings.pcre,
 * header.pcre, tables.pcre, provinces.tsv ...). */
pm_status pm_segmenter_new(const pm_patterns *p, pm_segmenter **out, pm_error *err);
void pm_segmenter_free(pm_segmenter *s);

pm_status pm_segment(const pm_segmenter *s, pm_arena *a, const pm_text *t, pm_tree *out,
                     pm_warnings *w, pm_error *err);

#endif

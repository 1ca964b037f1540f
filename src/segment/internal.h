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
 * Tables are returned in document order with section = -1, block = -1 and
 * title = NULL (the caller fills those). */
pm_status pm_tables_init(pm_segmenter *s, pm_error *err);
void pm_tables_free(pm_segmenter *s);
pm_status pm_find_tables(const pm_segmenter *s, pm_arena *a, const pm_text *t,
                         unsigned char *line_used, pm_table **tables, size_t *n_tables,
                         pm_warnings *w, pm_error *err);

#endif

/* output: renders a finished document as `plan-extract/1` JSON (pretty, or
 * one line for JSONL). A walk over the tree and the records; it knows
 * nothing about how they were found. */
#ifndef PM_OUTPUT_H
#define PM_OUTPUT_H

#include "extract/extract.h"

typedef struct pm_result {
    const char *path;      /* as given on the command line */
    char sha256[65];
    const pm_text *text;
    const pm_tree *tree;
    const pm_records *records;
    const pm_warnings *warnings;
} pm_result;

enum { PM_RENDER_PRETTY = 1 };

/* Appends the JSON (no trailing newline) to out; fails only on memory. */
pm_status pm_render_json(const pm_result *r, unsigned flags, pm_buf *out);

/* JSON string literal of s (quotes included). Control characters are
 * escaped, invalid UTF-8 becomes U+FFFD: the output is always valid JSON. */
void pm_json_string(pm_buf *out, const char *s, size_t n);

#endif

/* compare: cross-province comparison of `plan-extract/1` documents.
 *
 * Reads extraction results (never the extraction internals), merges the
 * documents of each province, and builds:
 *   - the target matrix: indicator x year x province -> values, each with
 *     its document and line, compared with the national baseline;
 *   - the agency workload and the deadline profile of each province;
 *   - coverage: which catalogue indicators a province sets no target for;
 *   - warnings: documents of one province that disagree, inputs skipped.
 * and renders it as CSV, JSON, Markdown or one self-contained HTML file,
 * optionally loading the documents into SQLite (src/store).
 *
 * ---- the command (wired by the CLI) -------------------------------------
 *
 *   planmine compare [--baseline FILE] [--format csv|json|md|html]
 *                    [-o OUT] [--db FILE.sqlite] [-q] INPUT...
 *
 * INPUT, any number, in any mix:
 *   - a `plan-extract/1` JSON file;
 *   - a JSONL stream, one `plan-extract/1` object per line ("-" = stdin);
 *   - a directory: its *.json and *.jsonl files (not recursive), sorted;
 *   - a raw plan text (anything whose first non-blank byte is not '{'),
 *     extracted on the fly with the patterns of --patterns / the default.
 * The same document (same source.sha256) given twice is counted once.
 * --baseline FILE  national targets (default: PATTERNS/baseline.tsv);
 * --format         csv (the matrix, one row per value), json, md, html;
 *                  default csv;
 * -o OUT           output file, written atomically; default stdout;
 * --db FILE        also load every document and the baseline into SQLite
 *                  (created if missing; a document already there, by
 *                  sha256, is replaced).
 * -q               no progress line (on a terminal, the CLI keeps one on
 *                  stderr while inputs load, fed by `progress` below).
 * Exit: 0 on success; an unreadable or malformed input fails the run with
 * FILE:LINE: message (nothing is written).
 *
 * Wiring, in main.c:
 *     pm_compare_options o = { .inputs = argv + i, .n_inputs = argc - i,
 *                              .baseline_path = baseline, .format = fmt,
 *                              .out_path = out, .db_path = db,
 *                              .patterns_dir = patterns };
 *     status = pm_compare_run(&o, &err);
 * with fmt from pm_compare_format_parse(). */
#ifndef PM_COMPARE_H
#define PM_COMPARE_H

#include "core/core.h"

struct json_t; /* jansson */

/* ---- options and the entry point ---------------------------------------- */

typedef enum pm_compare_format {
    PM_COMPARE_CSV,
    PM_COMPARE_JSON,
    PM_COMPARE_MD,
    PM_COMPARE_HTML
} pm_compare_format;

/* Loading (and extracting raw texts) is the long part of a run: called
 * after each INPUT with the INPUTs done and their number, and the bytes of
 * those done and of all (regular files only: stdin and directories count
 * 0). Called last with done == total, before anything is written. */
typedef void pm_compare_progress_fn(void *data, size_t done, size_t total,
                                    unsigned long long bytes_done,
                                    unsigned long long bytes_total);

typedef struct pm_compare_options {
    const char *const *inputs;
    size_t n_inputs;
    const char *baseline_path; /* NULL = PATTERNS/baseline.tsv */
    pm_compare_format format;
    const char *out_path;      /* NULL or "-" = stdout */
    const char *db_path;       /* NULL = no SQLite */
    const char *patterns_dir;  /* NULL = as pm_context_new */
    pm_compare_progress_fn *progress; /* NULL = none */
    void *progress_data;       /* passed to progress */
} pm_compare_options;

pm_status pm_compare_run(const pm_compare_options *opt, pm_error *err);
/* "csv", "json", "md" (or "markdown"), "html"; PM_ERR_USAGE otherwise. */
pm_status pm_compare_format_parse(const char *name, pm_compare_format *out, pm_error *err);

/* ---- intervals: every op as a set of numbers ---------------------------- */

/* A province value and a baseline value are compared as intervals:
 *   eq x -> [x,x]      gt x -> (x,+inf)    ge x -> [x,+inf)
 *   lt x -> (-inf,x)   le x -> (-inf,x]    between a,b -> [a,b]
 *   approx x -> [x - t|x|, x + t|x|] with t = PM_APPROX_TOLERANCE,
 * because "khoảng 75%" in a plan means "about", not "exactly". */
#define PM_APPROX_TOLERANCE 0.05

typedef struct pm_interval {
    double lo, hi; /* -INFINITY / INFINITY for unbounded ends */
    bool lo_open, hi_open;
} pm_interval;

/* False when the value lacks the bound its op needs, a bound is not
 * finite, or between has min > max. */
bool pm_interval_from_value(const pm_value *v, pm_interval *out);

typedef enum pm_versus {
    PM_VERSUS_NO_BASELINE = 0,  /* no national target for this indicator and year */
    PM_VERSUS_BELOW,            /* every number the province allows is below the band */
    PM_VERSUS_WITHIN,           /* the two sets share at least one number */
    PM_VERSUS_ABOVE,            /* every number the province allows is above the band */
    PM_VERSUS_NOT_COMPARABLE    /* different units, or a value with no interval */
} pm_versus;

/* Position of province interval p relative to baseline interval b, with
 * open and closed ends exact: (45,inf) vs [40,45] is above, [45,inf) vs
 * [40,45] is within. */
pm_versus pm_interval_versus(const pm_interval *p, const pm_interval *b);
/* Same for two values with units; units compare case- and space-insensitively. */
pm_versus pm_value_versus(const pm_value *v, const char *unit, const pm_value *base,
                          const char *base_unit);
bool pm_units_equal(const char *a, const char *b);
/* "no_baseline", "below", "within", "above", "not_comparable". */
const char *pm_versus_name(pm_versus v);
/* Contract names of ops: "eq", "gt", ... and back. */
const char *pm_compare_op_name(pm_op op);
bool pm_compare_op_parse(const char *name, pm_op *out);
/* Human form: "45", ">45", "≥45", "<45", "≤45", "≈45", "11–16", plus unit. */
void pm_compare_format_value(pm_buf *out, const pm_value *v, const char *unit);
/* Shortest text that reads back as the same double ("1.5", "100", "-3"). */
void pm_compare_format_number(pm_buf *out, double x);

/* ---- the loaded set ----------------------------------------------------- */

typedef struct pm_cmp_document {
    const char *origin;   /* input path, with ":LINE" for a JSONL line */
    const char *path;     /* source.path */
    const char *sha256;   /* source.sha256 */
    const char *province; /* document.province, or "?" + path when absent */
    const char *type, *number, *date, *title; /* or NULL */
    size_t n_targets, n_tasks, n_warnings;
} pm_cmp_document;

typedef struct pm_cmp_target {
    size_t doc;               /* index into documents */
    const char *key;          /* "id:" + indicator_id, or "text:" + folded indicator */
    const char *indicator;    /* as written */
    const char *indicator_id; /* or NULL */
    int year;                 /* 0 = none */
    pm_value value;
    bool value_ok;            /* value had a known op and numbers */
    const char *unit;         /* or NULL */
    const char *scope;        /* or NULL */
    bool aspirational;
    size_t line;
    const char *evidence;     /* source.text or NULL */
} pm_cmp_target;

typedef struct pm_cmp_assignment {
    size_t doc;
    const char *agency_id, *agency_name;
    pm_role role;
} pm_cmp_assignment;

typedef struct pm_cmp_task {
    size_t doc;
    pm_deadline_kind deadline;
    int start, end; /* years, 0 = none */
} pm_cmp_task;

typedef struct pm_cmp_warning {
    size_t doc;          /* SIZE_MAX = not tied to one document */
    const char *code;
    const char *message;
    size_t line;
} pm_cmp_warning;

typedef struct pm_baseline_row {
    const char *indicator_id;
    int year;
    pm_value value;
    const char *unit;
    const char *statement; /* the resolution's wording, or NULL */
} pm_baseline_row;

/* Everything loaded for one run; all memory in `arena`. */
typedef struct pm_compare_set {
    pm_arena arena;
    pm_cmp_document *docs;       size_t n_docs, cap_docs;
    pm_cmp_target *targets;      size_t n_targets, cap_targets;
    pm_cmp_task *tasks;          size_t n_tasks, cap_tasks;
    pm_cmp_assignment *assign;   size_t n_assign, cap_assign;
    pm_cmp_warning *warnings;    size_t n_warnings, cap_warnings;
    pm_baseline_row *baseline;   size_t n_baseline, cap_baseline;
    const char *baseline_source;
    /* catalogue indicator ids, in catalogue order, for coverage */
    const char **catalogue;      size_t n_catalogue, cap_catalogue;
    const char *catalogue_source;
    /* the parsed documents, kept for the SQLite store */
    struct json_t **roots;                size_t n_roots, cap_roots;
    const char **sha_slots;      size_t n_sha, cap_sha; /* hash set of sha256s (heap) */
    pm_context *ctx;             /* created on the first raw text input */
    const char *patterns_dir;
} pm_compare_set;

void pm_compare_set_init(pm_compare_set *s, const char *patterns_dir);
void pm_compare_set_free(pm_compare_set *s);

/* Adds one parsed `plan-extract/1` object (taking a reference); origin
 * names it in errors and warnings. A document whose sha256 is already in
 * the set is skipped with a "duplicate_document" warning. */
pm_status pm_compare_add_json(pm_compare_set *s, struct json_t *root, const char *origin,
                              pm_error *err);
/* Adds an INPUT as described at the top of this file. */
pm_status pm_compare_add_input(pm_compare_set *s, const char *path, pm_error *err);
/* Reads baseline.tsv (format in patterns/baseline.tsv). */
pm_status pm_compare_load_baseline(pm_compare_set *s, const char *path, pm_error *err);
/* Catalogue ids for coverage: the id column of indicators_tsv when that
 * file exists (the first field of each row shaped like an id, [a-z0-9_]+),
 * else the ids of the baseline. Call after the baseline is loaded. */
pm_status pm_compare_load_catalogue(pm_compare_set *s, const char *indicators_tsv,
                                    pm_error *err);
/* The text with whitespace runs collapsed to one space and punctuation
 * (" .:;,-+*") trimmed from both ends; appended to out. */
void pm_compare_tidy(const char *s, pm_buf *out);
/* The grouping key of an indicator without a catalogue id: tidied, lower
 * case, diacritics removed, and syllable-final y after a consonant read
 * as i ("Tỉ lệ  hộ nghèo:" and "tỷ lệ hộ nghèo" give "ti le ho ngheo"). */
void pm_compare_fold_indicator(const char *s, pm_buf *out);

/* ---- the report ------------------------------------------------------------ */

typedef struct pm_matrix_value {
    const pm_cmp_target *target;
    pm_versus versus;
} pm_matrix_value;

typedef struct pm_matrix_cell {
    pm_matrix_value *values; /* in document order, then line order */
    size_t n_values;
    bool disagreement;       /* two of the values differ (op, bounds or unit) */
    bool across_documents;   /* ... and they come from different documents */
} pm_matrix_cell;

typedef struct pm_matrix_row {
    const char *key;
    const char *indicator_id; /* or NULL */
    const char *label;        /* the id, or the first indicator text seen */
    int year;
    const pm_baseline_row *baseline; /* or NULL */
    pm_matrix_cell *cells;    /* one per province, in report order */
} pm_matrix_row;

typedef struct pm_agency_load {
    const char *agency_id, *agency_name;
    size_t lead, support, approver;
} pm_agency_load;

/* Deadline buckets, in display order. */
typedef enum pm_deadline_bucket {
    PM_DUE_BY_2025, PM_DUE_BY_2030, PM_DUE_LATER, PM_DUE_ANNUAL, PM_DUE_ONGOING,
    PM_DUE_UNSPECIFIED, PM_DUE_NONE, PM_DUE_COUNT
} pm_deadline_bucket;
/* "by_2025", "by_2030", "later", "annual", "ongoing", "unspecified", "none". */
const char *pm_deadline_bucket_name(pm_deadline_bucket b);
pm_deadline_bucket pm_deadline_bucket_of(const pm_cmp_task *t);

typedef struct pm_province_view {
    const char *name;
    size_t *docs;             size_t n_docs;
    size_t n_targets, n_tasks;
    pm_agency_load *agencies; size_t n_agencies; /* by tasks led, then supported */
    size_t due[PM_DUE_COUNT];
    const char **missing;     size_t n_missing;  /* catalogue ids with no target */
} pm_province_view;

typedef struct pm_compare_report {
    const pm_compare_set *set;
    pm_province_view *provinces; size_t n_provinces; /* sorted by folded name */
    pm_matrix_row *rows;         size_t n_rows;
    pm_cmp_warning *warnings;    size_t n_warnings;  /* set warnings + disagreements */
} pm_compare_report;

/* Builds the report in the set's arena (it lives as long as the set). */
pm_status pm_compare_build(pm_compare_set *s, pm_compare_report *out, pm_error *err);

/* ---- renderers: append to out; fail only on memory ---------------------- */
pm_status pm_compare_render_csv(const pm_compare_report *r, pm_buf *out);
pm_status pm_compare_render_json(const pm_compare_report *r, pm_buf *out);
pm_status pm_compare_render_md(const pm_compare_report *r, pm_buf *out);
pm_status pm_compare_render_html(const pm_compare_report *r, pm_buf *out);

/* Cell writers, exposed for tests. A CSV text cell is quoted when it holds
 * , " CR or LF (quotes doubled) and gets a leading ' when it starts with
 * = + - @ TAB or CR (OWASP CSV injection); numbers are written by
 * pm_compare_format_number and never prefixed. */
void pm_csv_text(pm_buf *out, const char *s);
/* Markdown table cell: | and \ escaped, line breaks become spaces. */
void pm_md_text(pm_buf *out, const char *s);
/* HTML text and attribute value: & < > " ' escaped. */
void pm_html_text(pm_buf *out, const char *s);

#endif

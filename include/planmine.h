/* planmine: structured data out of Vietnamese provincial plan documents.
 *
 * The public interface of libplanmine. A program loads the patterns once
 * (pm_context_new), extracts any number of documents with it (one at a time
 * per thread; a context is read-only after creation and may be shared by
 * threads), reads the records, writes them as `plan-extract/1` JSON, and
 * frees each document.
 *
 *     pm_context *ctx;  pm_error err;
 *     if (pm_context_new(NULL, &ctx, &err) != PM_OK) { ... err.message ... }
 *     pm_document *doc;
 *     if (pm_extract_file(ctx, "plan.txt", NULL, &doc, &err) == PM_OK) {
 *         for (size_t i = 0; i < pm_document_target_count(doc); i++)
 *             use(pm_document_target(doc, i));
 *         pm_document_write_json(doc, stdout, PM_JSON_PRETTY);
 *         pm_document_free(doc);
 *     }
 *     pm_context_free(ctx);
 */
#ifndef PLANMINE_H
#define PLANMINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PLANMINE_VERSION "0.1.0"
#define PLANMINE_SCHEMA "plan-extract/1"

/* Every function that can fail returns one of these. */
typedef enum pm_status {
    PM_OK = 0,
    PM_ERR_NOMEM,   /* out of memory */
    PM_ERR_IO,      /* a file could not be read or written */
    PM_ERR_INPUT,   /* the input is not a plan text (binary, empty, too large) */
    PM_ERR_PATTERN, /* a pattern file is malformed */
    PM_ERR_LIMIT,   /* a resource limit was hit */
    PM_ERR_USAGE    /* the caller passed something invalid */
} pm_status;

/* Where and why something failed: `file:line: message`. line 0 = no line. */
typedef struct pm_error {
    pm_status status;
    char file[512];
    size_t line;
    char message[512];
} pm_error;

const char *pm_status_name(pm_status status);

/* ---- records (read-only views owned by the document) ------------------ */

/* Evidence: where a record came from. Offsets are into the ORIGINAL bytes,
 * half-open; line is the 1-based original line of byte_start. */
typedef struct pm_source {
    size_t line;
    size_t byte_start, byte_end;
    const char *text; /* normalised (NFC) text of the evidence */
} pm_source;

typedef enum pm_op {
    PM_OP_EQ, PM_OP_GT, PM_OP_GE, PM_OP_LT, PM_OP_LE, PM_OP_APPROX, PM_OP_BETWEEN
} pm_op;

/* A quantified value. For BETWEEN both bounds are set; for LT/LE only max;
 * otherwise only min. */
typedef struct pm_value {
    pm_op op;
    bool has_min, has_max;
    double min, max;
} pm_value;

/* What an agency does in a task: carries it out, supports, or approves. */
typedef enum pm_role { PM_ROLE_LEAD, PM_ROLE_SUPPORT, PM_ROLE_APPROVER } pm_role;

typedef struct pm_agency {
    const char *id;   /* slug of the canonical name, e.g. "so-xay-dung" */
    const char *name; /* canonical name, e.g. "Sở Xây dựng" */
    const char *raw;  /* as written */
} pm_agency;

typedef enum pm_deadline_kind {
    PM_DEADLINE_NONE = 0, /* no deadline given: JSON null */
    PM_DEADLINE_YEAR,
    PM_DEADLINE_RANGE,
    PM_DEADLINE_DATE,
    PM_DEADLINE_QUARTER,
    PM_DEADLINE_ANNUAL,
    PM_DEADLINE_ONGOING,
    PM_DEADLINE_UNSPECIFIED
} pm_deadline_kind;

typedef struct pm_deadline {
    pm_deadline_kind kind;
    int start, end;   /* years; 0 = null */
    char date[11];    /* ISO YYYY-MM-DD or "" */
    const char *text; /* as written, or NULL */
} pm_deadline;

typedef struct pm_target {
    int section;            /* index into sections, -1 = none */
    int table;              /* index into tables, -1 = none */
    const char *indicator;
    const char *indicator_id; /* catalogue id or NULL */
    int year;
    pm_value value;
    const char *unit;       /* "%", "m2/person", "count" or as written */
    bool aspirational;
    const char *scope;      /* or NULL */
    const pm_agency *lead;
    size_t n_lead;
    pm_source source;
} pm_target;

typedef struct pm_task {
    int section;
    int table;
    const char *label;      /* or NULL */
    const char *text;
    const pm_agency *lead, *support, *approver;
    size_t n_lead, n_support, n_approver;
    pm_deadline deadline;
    const char *product;    /* or NULL */
    pm_source source;
} pm_task;

typedef struct pm_warning {
    const char *code;       /* e.g. "number_mismatch", "invalid_utf8" */
    const char *message;
    size_t line;            /* 0 = not tied to a line */
} pm_warning;

/* ---- context and documents -------------------------------------------- */

typedef struct pm_context pm_context;
typedef struct pm_document pm_document;

typedef struct pm_options {
    const char *encoding;      /* force an input encoding, NULL = detect */
    size_t max_document_bytes; /* 0 = default (PM_DEFAULT_MAX_BYTES) */
    size_t max_document_lines; /* 0 = default (PM_DEFAULT_MAX_LINES) */
} pm_options;

#define PM_DEFAULT_MAX_BYTES ((size_t)512 * 1024 * 1024)
/* Every line costs ~160 bytes of tables whatever its length, so a file of
 * bare line ends needs far more memory than its size; a plan of the largest
 * size allowed has about 8 million lines of ~60 bytes. */
#define PM_DEFAULT_MAX_LINES ((size_t)16 * 1024 * 1024)

/* patterns_dir NULL: $PLANMINE_PATTERNS, then the build tree, then the
 * installed data directory. */
pm_status pm_context_new(const char *patterns_dir, pm_context **out, pm_error *err);
void pm_context_free(pm_context *ctx);
/* The directory the patterns were loaded from. */
const char *pm_context_patterns_dir(const pm_context *ctx);

/* Extract one document from bytes. `path` names it in `source.path` and in
 * errors. The bytes are copied; the caller keeps ownership. */
pm_status pm_extract_bytes(const pm_context *ctx, const char *path, const void *bytes,
                           size_t len, const pm_options *opt, pm_document **out,
                           pm_error *err);
/* Read a file ("-" = stdin) and extract it. */
pm_status pm_extract_file(const pm_context *ctx, const char *path, const pm_options *opt,
                          pm_document **out, pm_error *err);
void pm_document_free(pm_document *doc);

size_t pm_document_target_count(const pm_document *doc);
const pm_target *pm_document_target(const pm_document *doc, size_t i);
size_t pm_document_task_count(const pm_document *doc);
const pm_task *pm_document_task(const pm_document *doc, size_t i);
size_t pm_document_warning_count(const pm_document *doc);
const pm_warning *pm_document_warning(const pm_document *doc, size_t i);

enum { PM_JSON_PRETTY = 1 };
/* Write the `plan-extract/1` JSON of a document, followed by a newline. */
pm_status pm_document_write_json(const pm_document *doc, FILE *out, unsigned flags);
/* The same JSON and newline, appended to a buffer the caller owns and may
 * reuse for the next document (no allocation, no fresh pages each time):
 * *data (malloc'd, or NULL) holds *len bytes in room for *cap and is grown
 * with realloc; the caller frees it. On failure *len is unchanged. Adds to
 * the document's PM_STAGE_WRITE seconds like pm_document_write_json. */
pm_status pm_document_render_json(const pm_document *doc, unsigned flags, char **data,
                                  size_t *len, size_t *cap);

/* ---- timings ------------------------------------------------------------ */

/* The stages of one document, in the order they run. */
typedef enum pm_stage {
    PM_STAGE_DECODE,    /* reading the input (pm_extract_file) and its SHA-256 */
    PM_STAGE_NORMALISE, /* bytes -> NFC text with the map back to the original bytes
                           (charset decoding and NFC are one pass) */
    PM_STAGE_SEGMENT,   /* header, outline, paragraphs, tables */
    PM_STAGE_EXTRACT,   /* targets, tasks, consistency warnings */
    PM_STAGE_WRITE,     /* pm_document_write_json: rendering and writing the JSON */
    PM_STAGE_COUNT
} pm_stage;

/* Wall-clock seconds the document spent in a stage (WRITE adds up every
 * pm_document_write_json call on it); 0 for a stage that did not run. */
double pm_document_stage_seconds(const pm_document *doc, pm_stage stage);
/* "decode", "normalise", "segment", "extract", "write"; NULL when out of range. */
const char *pm_stage_name(pm_stage stage);

#ifdef __cplusplus
}
#endif
#endif

/* The library glue: a context holds what is loaded once (patterns, the
 * segmenter, the extractor); a document owns its bytes, its arena and what
 * the stages found in it. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"

#ifndef PM_DATADIR
#define PM_DATADIR "/usr/local/share/planmine"
#endif

struct pm_context {
    pm_patterns *patterns;
    pm_legacy *legacy; /* tables of the legacy Vietnamese encodings */
    pm_segmenter *segmenter;
    pm_extractor *extractor;
};

struct pm_document {
    pm_arena arena;
    unsigned char *bytes; /* the original input (heap), what every offset points into */
    pm_text text;
    pm_tree tree;
    pm_records records;
    pm_warnings warnings;
    pm_result result;
    double stage_seconds[PM_STAGE_COUNT];
    /* Accumulated by pm_document_write_json, which sees the document as
     * const: bookkeeping outside what the document says. */
    double *write_seconds;
};

static double monotonic_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool is_directory(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The patterns that travel with the running executable: the build tree's
 * (ROOT/build/planmine -> ROOT/patterns) or an installation's
 * (PREFIX/bin/planmine -> PREFIX/share/planmine/patterns, whatever PREFIX
 * or DESTDIR was). Empty when there are none. */
static void patterns_beside_executable(char *out, size_t size)
{
    char exe[PATH_MAX];
    out[0] = '\0';
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) { /* drop the file name, then bin/ or build/ */
        char *slash = strrchr(exe, '/');
        if (!slash)
            return;
        *slash = '\0';
    }
    static const char *const beside[] = {"/patterns", "/share/planmine/patterns"};
    for (size_t i = 0; i < sizeof beside / sizeof *beside; i++)
        if ((size_t)snprintf(out, size, "%s%s", exe, beside[i]) < size && is_directory(out))
            return;
    out[0] = '\0';
}

/* The patterns directory when the caller names none: $PLANMINE_PATTERNS
 * (taken as given, so a wrong value is an error, not a silent fallback),
 * then the executable's own tree, ./patterns and the configured data
 * directory. */
static pm_status find_patterns_dir(char *out, size_t size, pm_error *err)
{
    const char *env = getenv("PLANMINE_PATTERNS");
    if (env && *env) {
        snprintf(out, size, "%s", env);
        return PM_OK;
    }
    patterns_beside_executable(out, size);
    if (out[0])
        return PM_OK;
    static const char *const fallbacks[] = {"patterns", PM_DATADIR "/patterns"};
    for (size_t i = 0; i < sizeof fallbacks / sizeof *fallbacks; i++) {
        if (is_directory(fallbacks[i])) {
            snprintf(out, size, "%s", fallbacks[i]);
            return PM_OK;
        }
    }
    return pm_fail(err, PM_ERR_PATTERN, "", 0,
                   "no patterns directory: set PLANMINE_PATTERNS or install %s/patterns",
                   PM_DATADIR);
}

/* The legacy encodings' tables and the syllable grammar that tells them
 * apart, fed row by row from patterns/ into the text stage. */
static pm_status load_legacy(const pm_patterns *p, pm_legacy **out, pm_error *err)
{
    const pm_tsv *mappings = pm_patterns_table(p, "legacy-encodings", err);
    const pm_tsv *syllables = pm_patterns_table(p, "vi-syllables", err);
    if (!mappings || !syllables)
        return PM_ERR_PATTERN;
    pm_status s = pm_legacy_new(out, err);
    for (size_t i = 0; s == PM_OK && i < mappings->n_rows; i++) {
        const pm_tsv_row *r = &mappings->rows[i];
        if (r->n_fields < 3)
            return pm_fail(err, PM_ERR_PATTERN, mappings->path, r->line,
                           "expected ENCODING<TAB>BYTES<TAB>CODE POINT");
        s = pm_legacy_add_mapping(*out, r->fields[0], r->fields[1], r->fields[2], mappings->path,
                                  r->line, err);
    }
    for (size_t i = 0; s == PM_OK && i < syllables->n_rows; i++) {
        const pm_tsv_row *r = &syllables->rows[i];
        if (r->n_fields < 2)
            return pm_fail(err, PM_ERR_PATTERN, syllables->path, r->line,
                           "expected KIND<TAB>LETTERS");
        s = pm_legacy_add_syllable_part(*out, r->fields[0], r->fields[1], syllables->path,
                                        r->line, err);
    }
    return s;
}

pm_status pm_context_new(const char *patterns_dir, pm_context **out, pm_error *err)
{
    *out = NULL;
    char found[PATH_MAX];
    if (!patterns_dir) {
        pm_status s = find_patterns_dir(found, sizeof found, err);
        if (s != PM_OK)
            return s;
        patterns_dir = found;
    }
    pm_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return pm_fail(err, PM_ERR_NOMEM, patterns_dir, 0, "out of memory");
    pm_status s = pm_patterns_load(patterns_dir, &ctx->patterns, err);
    if (s == PM_OK)
        s = load_legacy(ctx->patterns, &ctx->legacy, err);
    if (s == PM_OK)
        s = pm_segmenter_new(ctx->patterns, &ctx->segmenter, err);
    if (s == PM_OK)
        s = pm_extractor_new(ctx->patterns, &ctx->extractor, err);
    if (s != PM_OK) {
        pm_context_free(ctx);
        return s;
    }
    *out = ctx;
    return PM_OK;
}

void pm_context_free(pm_context *ctx)
{
    if (!ctx)
        return;
    pm_extractor_free(ctx->extractor);
    pm_segmenter_free(ctx->segmenter);
    pm_legacy_free(ctx->legacy);
    pm_patterns_free(ctx->patterns);
    free(ctx);
}

const char *pm_context_patterns_dir(const pm_context *ctx)
{
    return pm_patterns_dir(ctx->patterns);
}

/* Runs the stages over bytes the document already owns. */
static pm_status run_stages(const pm_context *ctx, pm_document *doc, size_t len,
                            const pm_options *opt, pm_error *err)
{
    pm_text_options text_opt = {
        .encoding = opt ? opt->encoding : NULL,
        .legacy = ctx->legacy,
        .max_lines = opt && opt->max_document_lines ? opt->max_document_lines
                                                    : PM_DEFAULT_MAX_LINES,
    };
    double *spent = doc->stage_seconds;
    double t0 = monotonic_seconds();
    pm_sha256_hex(doc->bytes, len, doc->result.sha256);
    double t1 = monotonic_seconds();
    spent[PM_STAGE_DECODE] += t1 - t0;
    pm_status s = pm_text_decode(&doc->arena, doc->bytes, len, &text_opt, &doc->text,
                                 &doc->warnings, err);
    /* The later stages match regexes on the normalised text without PCRE2's
     * UTF-8 check, which would rescan the text at every match: the text
     * stage's output is well-formed UTF-8 by construction (decode.c), so
     * it is not scanned again here. */
    double t2 = monotonic_seconds();
    spent[PM_STAGE_NORMALISE] = t2 - t1;
    if (s == PM_OK)
        s = pm_segment(ctx->segmenter, &doc->arena, &doc->text, &doc->tree, &doc->warnings, err);
    double t3 = monotonic_seconds();
    spent[PM_STAGE_SEGMENT] = t3 - t2;
    if (s == PM_OK)
        s = pm_extract(ctx->extractor, &doc->arena, &doc->text, &doc->tree, &doc->records,
                       &doc->warnings, err);
    spent[PM_STAGE_EXTRACT] = monotonic_seconds() - t3;
    return s;
}

/* Takes ownership of `bytes` (malloc'd) whatever happens. */
static pm_status extract_owned(const pm_context *ctx, const char *path, unsigned char *bytes,
                               size_t len, double read_seconds, const pm_options *opt,
                               pm_document **out, pm_error *err)
{
    pm_error local;
    if (!err)
        err = &local;
    memset(err, 0, sizeof *err);
    pm_document *doc = calloc(1, sizeof *doc);
    if (!doc) {
        free(bytes);
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    }
    pm_arena_init(&doc->arena);
    doc->bytes = bytes;
    doc->stage_seconds[PM_STAGE_DECODE] = read_seconds;
    doc->write_seconds = pm_arena_alloc(&doc->arena, sizeof *doc->write_seconds);
    doc->warnings.arena = &doc->arena;
    doc->result.path = pm_arena_strdup(&doc->arena, path);
    doc->result.text = &doc->text;
    doc->result.tree = &doc->tree;
    doc->result.records = &doc->records;
    doc->result.warnings = &doc->warnings;
    pm_status s = doc->result.path && doc->write_seconds
                      ? run_stages(ctx, doc, len, opt, err)
                      : pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    if (s != PM_OK) {
        /* Stages that do not know the file name leave it to us. */
        if (!err->file[0])
            snprintf(err->file, sizeof err->file, "%s", path);
        pm_document_free(doc);
        return s;
    }
    *out = doc;
    return PM_OK;
}

static size_t max_bytes_of(const pm_options *opt)
{
    return opt && opt->max_document_bytes ? opt->max_document_bytes : PM_DEFAULT_MAX_BYTES;
}

pm_status pm_extract_bytes(const pm_context *ctx, const char *path, const void *bytes,
                           size_t len, const pm_options *opt, pm_document **out,
                           pm_error *err)
{
    *out = NULL;
    if (len > max_bytes_of(opt))
        return pm_fail(err, PM_ERR_LIMIT, path, 0,
                       "input is %zu bytes, more than the limit of %zu", len, max_bytes_of(opt));
    /* One spare byte so an empty input still gets a distinct allocation. */
    unsigned char *copy = malloc(len + 1);
    if (!copy)
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    if (len)
        memcpy(copy, bytes, len);
    return extract_owned(ctx, path, copy, len, 0, opt, out, err);
}

pm_status pm_extract_file(const pm_context *ctx, const char *path, const pm_options *opt,
                          pm_document **out, pm_error *err)
{
    *out = NULL;
    unsigned char *bytes;
    size_t len;
    double start = monotonic_seconds();
    pm_status s = pm_read_file(path, max_bytes_of(opt), &bytes, &len, err);
    if (s != PM_OK)
        return s;
    return extract_owned(ctx, path, bytes, len, monotonic_seconds() - start, opt, out, err);
}

void pm_document_free(pm_document *doc)
{
    if (!doc)
        return;
    pm_arena_free(&doc->arena);
    free(doc->bytes);
    free(doc);
}

size_t pm_document_target_count(const pm_document *doc)
{
    return doc->records.n_targets;
}

const pm_target *pm_document_target(const pm_document *doc, size_t i)
{
    return i < doc->records.n_targets ? &doc->records.targets[i] : NULL;
}

size_t pm_document_task_count(const pm_document *doc)
{
    return doc->records.n_tasks;
}

const pm_task *pm_document_task(const pm_document *doc, size_t i)
{
    return i < doc->records.n_tasks ? &doc->records.tasks[i] : NULL;
}

size_t pm_document_warning_count(const pm_document *doc)
{
    return doc->warnings.len;
}

const pm_warning *pm_document_warning(const pm_document *doc, size_t i)
{
    return i < doc->warnings.len ? &doc->warnings.items[i] : NULL;
}

pm_status pm_document_render_json(const pm_document *doc, unsigned flags, char **data,
                                  size_t *len, size_t *cap)
{
    double start = monotonic_seconds();
    pm_buf json = {.data = *data, .len = *len, .cap = *cap};
    pm_status s = pm_render_json(&doc->result, flags & PM_JSON_PRETTY ? PM_RENDER_PRETTY : 0,
                                 &json);
    if (s == PM_OK) {
        pm_buf_putc(&json, '\n');
        if (json.failed)
            s = PM_ERR_NOMEM;
    }
    /* The buffer, perhaps moved by a realloc, stays the caller's. */
    *data = json.data;
    *cap = json.cap;
    if (s == PM_OK)
        *len = json.len;
    *doc->write_seconds += monotonic_seconds() - start;
    return s;
}

pm_status pm_document_write_json(const pm_document *doc, FILE *out, unsigned flags)
{
    char *json = NULL;
    size_t len = 0, cap = 0;
    pm_status s = pm_document_render_json(doc, flags, &json, &len, &cap);
    double start = monotonic_seconds();
    if (s == PM_OK && (fwrite(json, 1, len, out) != len || fflush(out) != 0))
        s = PM_ERR_IO;
    free(json);
    *doc->write_seconds += monotonic_seconds() - start;
    return s;
}

double pm_document_stage_seconds(const pm_document *doc, pm_stage stage)
{
    if (stage == PM_STAGE_WRITE)
        return *doc->write_seconds;
    return (unsigned)stage < PM_STAGE_COUNT ? doc->stage_seconds[stage] : 0;
}

const char *pm_stage_name(pm_stage stage)
{
    static const char *const names[PM_STAGE_COUNT] = {"decode", "normalise", "segment",
                                                      "extract", "write"};
    return (unsigned)stage < PM_STAGE_COUNT ? names[stage] : NULL;
}

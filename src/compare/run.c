/* `planmine compare`: load, build, render, optionally store. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare/compare.h"
#include "store/store.h"

pm_status pm_compare_format_parse(const char *name, pm_compare_format *out, pm_error *err)
{
    static const struct {
        const char *name;
        pm_compare_format format;
    } formats[] = {
        { "csv", PM_COMPARE_CSV }, { "json", PM_COMPARE_JSON }, { "md", PM_COMPARE_MD },
        { "markdown", PM_COMPARE_MD }, { "html", PM_COMPARE_HTML },
    };
    for (size_t i = 0; name && i < sizeof formats / sizeof *formats; i++)
        if (strcmp(name, formats[i].name) == 0) {
            *out = formats[i].format;
            return PM_OK;
        }
    return pm_fail(err, PM_ERR_USAGE, "compare", 0, "unknown --format '%s' (csv, json, md, html)",
                   name ? name : "");
}

static pm_status store_all(const pm_compare_set *s, const char *db_path, pm_error *err)
{
    pm_store *st;
    pm_status rc = pm_store_open(db_path, &st, err);
    if (rc != PM_OK)
        return rc;
    rc = pm_store_clear_baseline(st, err);
    for (size_t i = 0; rc == PM_OK && i < s->n_baseline; i++) {
        const pm_baseline_row *b = &s->baseline[i];
        rc = pm_store_put_baseline(st, b->indicator_id, b->year, &b->value,
                                   pm_compare_op_name(b->value.op), b->unit, b->statement, err);
    }
    for (size_t i = 0; rc == PM_OK && i < s->n_roots; i++)
        rc = pm_store_put_document(st, s->roots[i], err);
    if (rc == PM_OK)
        rc = pm_store_commit(st, err);
    pm_store_close(st);
    return rc;
}

static pm_status render(const pm_compare_report *r, pm_compare_format format, pm_buf *out)
{
    switch (format) {
    case PM_COMPARE_CSV: return pm_compare_render_csv(r, out);
    case PM_COMPARE_JSON: return pm_compare_render_json(r, out);
    case PM_COMPARE_MD: return pm_compare_render_md(r, out);
    case PM_COMPARE_HTML: return pm_compare_render_html(r, out);
    }
    return PM_ERR_USAGE;
}

static pm_status write_output(const char *path, const pm_buf *out, pm_error *err)
{
    if (path && strcmp(path, "-") != 0)
        return pm_write_file_atomic(path, out->data, out->len, err);
    if (fwrite(out->data, 1, out->len, stdout) != out->len || fflush(stdout) != 0)
        return pm_fail(err, PM_ERR_IO, "-", 0, "cannot write to standard output");
    return PM_OK;
}

/* The size of a regular file INPUT; 0 for stdin, a directory or an error
 * (which loading reports). */
static unsigned long long input_size(const char *path)
{
    struct stat sb;
    if (strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    return (unsigned long long)sb.st_size;
}

/* Loads every INPUT, telling opt->progress after each. */
static pm_status add_inputs(pm_compare_set *set, const pm_compare_options *opt, pm_error *err)
{
    unsigned long long *sizes = NULL, total = 0, done = 0;
    if (opt->progress) {
        if (!(sizes = calloc(opt->n_inputs, sizeof *sizes)))
            return pm_fail(err, PM_ERR_NOMEM, "compare", 0, "out of memory");
        for (size_t i = 0; i < opt->n_inputs; i++)
            total += sizes[i] = input_size(opt->inputs[i]);
    }
    pm_status st = PM_OK;
    for (size_t i = 0; st == PM_OK && i < opt->n_inputs; i++) {
        st = pm_compare_add_input(set, opt->inputs[i], err);
        if (st == PM_OK && opt->progress) {
            done += sizes[i];
            opt->progress(opt->progress_data, i + 1, opt->n_inputs, done, total);
        }
    }
    free(sizes);
    return st;
}

pm_status pm_compare_run(const pm_compare_options *opt, pm_error *err)
{
    if (!opt->n_inputs)
        return pm_fail(err, PM_ERR_USAGE, "compare", 0, "no INPUT given");
    pm_compare_set set;
    pm_compare_set_init(&set, opt->patterns_dir);
    pm_status st = PM_OK;

    /* The patterns directory holds the default baseline and the catalogue;
     * without --patterns it is the one the extraction context would use. */
    const char *patterns = opt->patterns_dir;
    if (!patterns) {
        pm_error ctx_err;
        if (pm_context_new(NULL, &set.ctx, &ctx_err) == PM_OK)
            patterns = pm_context_patterns_dir(set.ctx);
        else if (!opt->baseline_path)
            st = pm_fail(err, ctx_err.status, ctx_err.file, ctx_err.line,
                         "no patterns directory for the default baseline: %s", ctx_err.message);
    }
    const char *baseline = opt->baseline_path;
    if (st == PM_OK && !baseline && !(baseline = pm_arena_printf(&set.arena, "%s/baseline.tsv", patterns)))
        st = pm_fail(err, PM_ERR_NOMEM, "compare", 0, "out of memory");
    if (st == PM_OK)
        st = pm_compare_load_baseline(&set, baseline, err);
    if (st == PM_OK) {
        const char *indicators = patterns ? pm_arena_printf(&set.arena, "%s/indicators.tsv", patterns) : NULL;
        st = pm_compare_load_catalogue(&set, indicators, err);
    }
    if (st == PM_OK)
        st = add_inputs(&set, opt, err);

    pm_compare_report report;
    pm_buf out = { 0 };
    if (st == PM_OK)
        st = pm_compare_build(&set, &report, err);
    if (st == PM_OK && (st = render(&report, opt->format, &out)) != PM_OK)
        pm_fail(err, st, "compare", 0, "cannot render the report: %s", pm_status_name(st));
    if (st == PM_OK && opt->db_path)
        st = store_all(&set, opt->db_path, err);
    if (st == PM_OK)
        st = write_output(opt->out_path, &out, err);
    pm_buf_free(&out);
    pm_compare_set_free(&set);
    return st;
}

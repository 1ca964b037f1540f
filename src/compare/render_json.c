/* JSON of the whole report (`plan-compare/1`, documented in docs/compare.md). */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "compare/compare.h"

#define COMPARE_SCHEMA "plan-compare/1"

/* jansson drops a member whose value failed to allocate; these wrappers
 * remember that so the render reports out of memory instead of writing an
 * incomplete report. */
static void set(bool *ok, json_t *obj, const char *key, json_t *value)
{
    if (json_object_set_new(obj, key, value) != 0) /* frees value when obj is NULL */
        *ok = false;
}

static void append(bool *ok, json_t *list, json_t *value)
{
    if (json_array_append_new(list, value) != 0)
        *ok = false;
}

/* Whole numbers as JSON integers ("45", not "45.0"), like plan-extract/1. */
static json_t *number(double x)
{
    if (x == floor(x) && fabs(x) < 9007199254740992.0)
        return json_integer((json_int_t)x);
    return json_real(x);
}

static json_t *str_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *value_fields(bool *ok, json_t *obj, const pm_value *v, bool op_known, const char *unit)
{
    set(ok, obj, "op", op_known ? json_string(pm_compare_op_name(v->op)) : json_null());
    set(ok, obj, "min", v->has_min ? number(v->min) : json_null());
    set(ok, obj, "max", v->has_max ? number(v->max) : json_null());
    set(ok, obj, "unit", str_or_null(unit));
    return obj;
}

static json_t *baseline_json(bool *ok, const pm_baseline_row *b)
{
    json_t *o = json_object();
    set(ok, o, "indicator_id", json_string(b->indicator_id));
    set(ok, o, "year", json_integer(b->year));
    value_fields(ok, o, &b->value, true, b->unit);
    set(ok, o, "statement", str_or_null(b->statement));
    return o;
}

static json_t *documents_json(bool *ok, const pm_compare_set *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n_docs; i++) {
        const pm_cmp_document *d = &s->docs[i];
        json_t *o = json_object();
        set(ok, o, "index", json_integer((json_int_t)i));
        set(ok, o, "origin", json_string(d->origin));
        set(ok, o, "path", str_or_null(d->path));
        set(ok, o, "sha256", json_string(d->sha256));
        set(ok, o, "province", json_string(d->province));
        set(ok, o, "type", str_or_null(d->type));
        set(ok, o, "number", str_or_null(d->number));
        set(ok, o, "date", str_or_null(d->date));
        set(ok, o, "title", str_or_null(d->title));
        set(ok, o, "targets", json_integer((json_int_t)d->n_targets));
        set(ok, o, "tasks", json_integer((json_int_t)d->n_tasks));
        set(ok, o, "warnings", json_integer((json_int_t)d->n_warnings));
        append(ok, list, o);
    }
    return list;
}

static json_t *provinces_json(bool *ok, const pm_compare_report *r)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->n_provinces; i++) {
        const pm_province_view *p = &r->provinces[i];
        json_t *o = json_object(), *docs = json_array(), *load = json_array(),
               *due = json_object(), *missing = json_array();
        for (size_t k = 0; k < p->n_docs; k++)
            append(ok, docs, json_integer((json_int_t)p->docs[k]));
        for (size_t k = 0; k < p->n_agencies; k++) {
            const pm_agency_load *a = &p->agencies[k];
            json_t *ao = json_object();
            set(ok, ao, "agency_id", json_string(a->agency_id));
            set(ok, ao, "agency_name", json_string(a->agency_name));
            set(ok, ao, "lead", json_integer((json_int_t)a->lead));
            set(ok, ao, "support", json_integer((json_int_t)a->support));
            set(ok, ao, "approver", json_integer((json_int_t)a->approver));
            append(ok, load, ao);
        }
        for (int b = 0; b < PM_DUE_COUNT; b++)
            set(ok, due, pm_deadline_bucket_name((pm_deadline_bucket)b),
                                json_integer((json_int_t)p->due[b]));
        for (size_t k = 0; k < p->n_missing; k++)
            append(ok, missing, json_string(p->missing[k]));
        set(ok, o, "name", json_string(p->name));
        set(ok, o, "documents", docs);
        set(ok, o, "targets", json_integer((json_int_t)p->n_targets));
        set(ok, o, "tasks", json_integer((json_int_t)p->n_tasks));
        set(ok, o, "workload", load);
        set(ok, o, "deadlines", due);
        set(ok, o, "missing_indicators", missing);
        append(ok, list, o);
    }
    return list;
}

static json_t *matrix_json(bool *ok, const pm_compare_report *r)
{
    const pm_compare_set *s = r->set;
    json_t *list = json_array();
    for (size_t i = 0; i < r->n_rows; i++) {
        const pm_matrix_row *row = &r->rows[i];
        json_t *o = json_object(), *cells = json_array();
        set(ok, o, "indicator_key", json_string(row->key));
        set(ok, o, "indicator_id", str_or_null(row->indicator_id));
        set(ok, o, "indicator", json_string(row->label));
        set(ok, o, "year", row->year ? json_integer(row->year) : json_null());
        set(ok, o, "baseline", row->baseline ? baseline_json(ok, row->baseline) : json_null());
        for (size_t p = 0; p < r->n_provinces; p++) {
            const pm_matrix_cell *cell = &row->cells[p];
            if (!cell->n_values)
                continue;
            json_t *co = json_object(), *values = json_array();
            set(ok, co, "province", json_string(r->provinces[p].name));
            set(ok, co, "disagreement", json_boolean(cell->disagreement));
            set(ok, co, "across_documents", json_boolean(cell->across_documents));
            for (size_t v = 0; v < cell->n_values; v++) {
                const pm_cmp_target *t = cell->values[v].target;
                json_t *vo = value_fields(ok, json_object(), &t->value, t->value_ok, t->unit);
                set(ok, vo, "indicator", str_or_null(t->indicator));
                set(ok, vo, "aspirational", json_boolean(t->aspirational));
                set(ok, vo, "scope", str_or_null(t->scope));
                set(ok, vo, "versus_baseline",
                                    json_string(pm_versus_name(cell->values[v].versus)));
                set(ok, vo, "document", json_integer((json_int_t)t->doc));
                set(ok, vo, "path", str_or_null(s->docs[t->doc].path));
                set(ok, vo, "line", t->line ? json_integer((json_int_t)t->line) : json_null());
                set(ok, vo, "evidence", str_or_null(t->evidence));
                append(ok, values, vo);
            }
            set(ok, co, "values", values);
            append(ok, cells, co);
        }
        set(ok, o, "cells", cells);
        append(ok, list, o);
    }
    return list;
}

static json_t *warnings_json(bool *ok, const pm_compare_report *r)
{
    json_t *list = json_array();
    for (size_t i = 0; i < r->n_warnings; i++) {
        const pm_cmp_warning *w = &r->warnings[i];
        json_t *o = json_object();
        set(ok, o, "code", json_string(w->code));
        set(ok, o, "message", json_string(w->message));
        set(ok, o, "document", w->doc == SIZE_MAX ? json_null() : json_integer((json_int_t)w->doc));
        set(ok, o, "line", w->line ? json_integer((json_int_t)w->line) : json_null());
        append(ok, list, o);
    }
    return list;
}

pm_status pm_compare_render_json(const pm_compare_report *r, pm_buf *out)
{
    const pm_compare_set *s = r->set;
    bool all_set = true, *ok = &all_set;
    json_t *root = json_object(), *baseline = json_object(), *rows = json_array(),
           *catalogue = json_object(), *ids = json_array();
    for (size_t i = 0; i < s->n_baseline; i++)
        append(ok, rows, baseline_json(ok, &s->baseline[i]));
    set(ok, baseline, "source", str_or_null(s->baseline_source));
    set(ok, baseline, "approx_tolerance", json_real(PM_APPROX_TOLERANCE));
    set(ok, baseline, "targets", rows);
    for (size_t i = 0; i < s->n_catalogue; i++)
        append(ok, ids, json_string(s->catalogue[i]));
    set(ok, catalogue, "source", str_or_null(s->catalogue_source));
    set(ok, catalogue, "ids", ids);
    set(ok, root, "schema", json_string(COMPARE_SCHEMA));
    set(ok, root, "baseline", baseline);
    set(ok, root, "catalogue", catalogue);
    set(ok, root, "documents", documents_json(ok, s));
    set(ok, root, "provinces", provinces_json(ok, r));
    set(ok, root, "matrix", matrix_json(ok, r));
    set(ok, root, "warnings", warnings_json(ok, r));
    char *text = all_set ? json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                               JSON_REAL_PRECISION(15))
                         : NULL;
    json_decref(root);
    if (!text)
        return PM_ERR_NOMEM;
    pm_buf_puts(out, text);
    pm_buf_putc(out, '\n');
    free(text);
    return out->failed ? PM_ERR_NOMEM : PM_OK;
}

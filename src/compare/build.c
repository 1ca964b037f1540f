/* Building the report: province views, the target matrix with baseline
 * positions and disagreements, workload, deadlines and coverage. Every
 * pass is a sort plus a linear walk. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare/compare.h"
#include "text/text.h"

const char *pm_deadline_bucket_name(pm_deadline_bucket b)
{
    static const char *const names[PM_DUE_COUNT] = {
        "by_2025", "by_2030", "later", "annual", "ongoing", "unspecified", "none",
    };
    return (unsigned)b < PM_DUE_COUNT ? names[b] : "?";
}

pm_deadline_bucket pm_deadline_bucket_of(const pm_cmp_task *t)
{
    switch (t->deadline) {
    case PM_DEADLINE_NONE: return PM_DUE_NONE;
    case PM_DEADLINE_ANNUAL: return PM_DUE_ANNUAL;
    case PM_DEADLINE_ONGOING: return PM_DUE_ONGOING;
    case PM_DEADLINE_UNSPECIFIED: return PM_DUE_UNSPECIFIED;
    case PM_DEADLINE_YEAR:
    case PM_DEADLINE_RANGE:
    case PM_DEADLINE_DATE:
    case PM_DEADLINE_QUARTER: {
        int year = t->end ? t->end : t->start; /* a task is due when its span ends */
        if (!year)
            return PM_DUE_UNSPECIFIED;
        return year <= 2025 ? PM_DUE_BY_2025 : year <= 2030 ? PM_DUE_BY_2030 : PM_DUE_LATER;
    }
    }
    return PM_DUE_UNSPECIFIED;
}

/* ---- provinces ------------------------------------------------------------- */

typedef struct province_key {
    const char *folded; /* diacritic- and case-insensitive, for order and identity */
    size_t doc;
} province_key;

static int compare_province_keys(const void *pa, const void *pb)
{
    const province_key *a = pa, *b = pb;
    int c = strcmp(a->folded, b->folded);
    return c ? c : (a->doc > b->doc) - (a->doc < b->doc);
}

static char *fold_name(pm_arena *arena, const char *s, pm_buf *scratch)
{
    pm_buf_reset(scratch);
    pm_compare_fold_indicator(s, scratch);
    return scratch->failed ? NULL : pm_arena_strndup(arena, scratch->data ? scratch->data : "", scratch->len);
}

/* Groups documents by province name, compared without case and diacritics
 * so an OCR-damaged "Lang Sơn" joins "Lạng Sơn". */
static pm_status group_provinces(pm_compare_set *s, pm_compare_report *r, size_t *doc_province)
{
    pm_arena *a = &s->arena;
    province_key *keys = pm_arena_alloc(a, (s->n_docs + 1) * sizeof *keys);
    pm_buf scratch = { 0 };
    if (!keys)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < s->n_docs; i++)
        if (!(keys[i] = (province_key){ fold_name(a, s->docs[i].province, &scratch), i }).folded) {
            pm_buf_free(&scratch);
            return PM_ERR_NOMEM;
        }
    pm_buf_free(&scratch);
    qsort(keys, s->n_docs, sizeof *keys, compare_province_keys);
    size_t cap = 0;
    for (size_t i = 0; i < s->n_docs;) {
        size_t j = i;
        while (j < s->n_docs && strcmp(keys[j].folded, keys[i].folded) == 0)
            j++;
        pm_province_view *p = PM_PUSH(a, r->provinces, r->n_provinces, cap);
        size_t *docs = pm_arena_alloc(a, (j - i) * sizeof *docs);
        if (!p || !docs)
            return PM_ERR_NOMEM;
        memset(p, 0, sizeof *p);
        /* The name as the earliest document writes it. */
        p->name = s->docs[keys[i].doc].province;
        p->docs = docs;
        for (size_t k = i; k < j; k++) {
            docs[p->n_docs++] = keys[k].doc;
            doc_province[keys[k].doc] = r->n_provinces - 1;
        }
        i = j;
    }
    return PM_OK;
}

/* ---- the matrix --------------------------------------------------------------- */

enum { BASELINE_ENTRY = 0, TARGET_ENTRY = 1 };

typedef struct entry {
    const char *key;
    size_t rank;     /* catalogue position; ids outside it, then text keys, after */
    int year;
    int kind;        /* the baseline sorts before the values of its row */
    size_t province, doc, line, index;
} entry;

static int compare_entries(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c;
    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if ((c = strcmp(a->key, b->key)))
        return c;
    /* Targets without a year go after the dated ones. */
    int ya = a->year ? a->year : INT_MAX, yb = b->year ? b->year : INT_MAX;
    if (ya != yb)
        return ya < yb ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    if (a->province != b->province)
        return a->province < b->province ? -1 : 1;
    if (a->doc != b->doc)
        return a->doc < b->doc ? -1 : 1;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    return (a->index > b->index) - (a->index < b->index);
}

static size_t catalogue_rank(const pm_compare_set *s, const char *indicator_id)
{
    if (!indicator_id)
        return s->n_catalogue + 1;
    for (size_t i = 0; i < s->n_catalogue; i++)
        if (strcmp(s->catalogue[i], indicator_id) == 0)
            return i;
    return s->n_catalogue;
}

static bool same_value(const pm_cmp_target *a, const pm_cmp_target *b)
{
    const pm_value *x = &a->value, *y = &b->value;
    return a->value_ok == b->value_ok && x->op == y->op && x->has_min == y->has_min &&
           x->has_max == y->has_max && (!x->has_min || x->min == y->min) &&
           (!x->has_max || x->max == y->max) && pm_units_equal(a->unit, b->unit);
}

static pm_status flag_disagreement(pm_compare_set *s, const pm_matrix_row *row,
                                   const pm_province_view *p, pm_matrix_cell *cell,
                                   pm_cmp_warning **out, size_t *n_out, size_t *cap_out)
{
    for (size_t i = 1; i < cell->n_values; i++)
        if (!same_value(cell->values[0].target, cell->values[i].target))
            cell->disagreement = true;
    if (!cell->disagreement)
        return PM_OK;
    /* Cells hold a handful of values: comparing all pairs is cheap. */
    for (size_t i = 0; i < cell->n_values && !cell->across_documents; i++)
        for (size_t j = i + 1; j < cell->n_values; j++) {
            const pm_cmp_target *x = cell->values[i].target, *y = cell->values[j].target;
            if (x->doc != y->doc && !same_value(x, y)) {
                cell->across_documents = true;
                break;
            }
        }
    pm_buf msg = { 0 };
    pm_buf_printf(&msg, "%s, %s %d:", p->name, row->label, row->year);
    for (size_t i = 0; i < cell->n_values; i++) {
        const pm_cmp_target *t = cell->values[i].target;
        const pm_cmp_document *d = &s->docs[t->doc];
        pm_buf_puts(&msg, i ? "; " : " ");
        pm_compare_format_value(&msg, &t->value, t->unit);
        pm_buf_printf(&msg, " (%s line %zu)", d->path ? d->path : d->origin, t->line);
    }
    pm_cmp_warning *w = PM_PUSH(&s->arena, *out, *n_out, *cap_out);
    const char *text = msg.failed ? NULL : pm_arena_strdup(&s->arena, pm_buf_cstr(&msg));
    pm_buf_free(&msg);
    if (!w || !text)
        return PM_ERR_NOMEM;
    const pm_cmp_target *first = cell->values[0].target;
    *w = (pm_cmp_warning){ first->doc,
                           cell->across_documents ? "documents_disagree" : "values_differ_in_document",
                           text, first->line };
    return PM_OK;
}

static pm_status build_matrix(pm_compare_set *s, pm_compare_report *r, const size_t *doc_province,
                              pm_cmp_warning **found, size_t *n_found, size_t *cap_found)
{
    pm_arena *a = &s->arena;
    size_t n = s->n_targets + s->n_baseline;
    entry *e = pm_arena_alloc(a, (n + 1) * sizeof *e);
    if (!e)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < s->n_baseline; i++) {
        const pm_baseline_row *b = &s->baseline[i];
        const char *key = pm_arena_printf(a, "id:%s", b->indicator_id);
        if (!key)
            return PM_ERR_NOMEM;
        e[i] = (entry){ key, catalogue_rank(s, b->indicator_id), b->year, BASELINE_ENTRY, 0, 0, 0, i };
    }
    for (size_t i = 0; i < s->n_targets; i++) {
        const pm_cmp_target *t = &s->targets[i];
        e[s->n_baseline + i] = (entry){ t->key, catalogue_rank(s, t->indicator_id), t->year,
                                        TARGET_ENTRY, doc_province[t->doc], t->doc, t->line, i };
    }
    qsort(e, n, sizeof *e, compare_entries);

    size_t cap_rows = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && e[j].rank == e[i].rank && e[j].year == e[i].year && strcmp(e[j].key, e[i].key) == 0)
            j++;
        pm_matrix_row *row = PM_PUSH(a, r->rows, r->n_rows, cap_rows);
        pm_matrix_cell *cells = pm_arena_alloc(a, (r->n_provinces + 1) * sizeof *cells);
        if (!row || !cells)
            return PM_ERR_NOMEM;
        *row = (pm_matrix_row){ .key = e[i].key, .year = e[i].year, .cells = cells };
        size_t k = i;
        if (e[k].kind == BASELINE_ENTRY)
            row->baseline = &s->baseline[e[k++].index];
        if (row->baseline) {
            row->indicator_id = row->baseline->indicator_id;
        } else {
            const pm_cmp_target *first = &s->targets[e[k].index];
            row->indicator_id = first->indicator_id;
        }
        if (row->indicator_id) {
            row->label = row->indicator_id;
        } else {
            const char *text = s->targets[e[k].index].indicator;
            pm_buf tidy = { 0 };
            pm_compare_tidy(text ? text : "", &tidy);
            row->label = tidy.failed ? NULL : pm_arena_strdup(a, pm_buf_cstr(&tidy));
            pm_buf_free(&tidy);
            if (!row->label)
                return PM_ERR_NOMEM;
        }
        /* Values of one province are contiguous: count, then fill. */
        while (k < j) {
            size_t p = e[k].province, end = k;
            while (end < j && e[end].province == p)
                end++;
            pm_matrix_cell *cell = &cells[p];
            cell->values = pm_arena_alloc(a, (end - k) * sizeof *cell->values);
            if (!cell->values)
                return PM_ERR_NOMEM;
            for (; k < end; k++) {
                const pm_cmp_target *t = &s->targets[e[k].index];
                pm_versus v = PM_VERSUS_NO_BASELINE;
                if (row->baseline)
                    v = t->value_ok ? pm_value_versus(&t->value, t->unit, &row->baseline->value,
                                                      row->baseline->unit)
                                    : PM_VERSUS_NOT_COMPARABLE;
                cell->values[cell->n_values++] = (pm_matrix_value){ t, v };
            }
            pm_status st = flag_disagreement(s, row, &r->provinces[p], cell, found, n_found, cap_found);
            if (st != PM_OK)
                return st;
        }
        i = j;
    }
    return PM_OK;
}

/* ---- workload, deadlines, coverage ---------------------------------------------- */

typedef struct assignment_key {
    size_t province;
    const pm_cmp_assignment *a;
} assignment_key;

static int compare_assignments(const void *pa, const void *pb)
{
    const assignment_key *a = pa, *b = pb;
    if (a->province != b->province)
        return a->province < b->province ? -1 : 1;
    return strcmp(a->a->agency_id, b->a->agency_id);
}

static int compare_loads(const void *pa, const void *pb)
{
    const pm_agency_load *a = pa, *b = pb;
    if (a->lead != b->lead)
        return a->lead > b->lead ? -1 : 1;
    if (a->support != b->support)
        return a->support > b->support ? -1 : 1;
    return strcmp(a->agency_id, b->agency_id);
}

static pm_status build_workload(pm_compare_set *s, pm_compare_report *r, const size_t *doc_province)
{
    pm_arena *a = &s->arena;
    assignment_key *keys = pm_arena_alloc(a, (s->n_assign + 1) * sizeof *keys);
    if (!keys)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < s->n_assign; i++)
        keys[i] = (assignment_key){ doc_province[s->assign[i].doc], &s->assign[i] };
    qsort(keys, s->n_assign, sizeof *keys, compare_assignments);
    for (size_t i = 0; i < s->n_assign;) {
        pm_province_view *p = &r->provinces[keys[i].province];
        size_t j = i, cap = 0;
        while (j < s->n_assign && keys[j].province == keys[i].province)
            j++;
        for (size_t k = i; k < j;) {
            pm_agency_load *load = PM_PUSH(a, p->agencies, p->n_agencies, cap);
            if (!load)
                return PM_ERR_NOMEM;
            *load = (pm_agency_load){ keys[k].a->agency_id, keys[k].a->agency_name, 0, 0, 0 };
            for (; k < j && strcmp(keys[k].a->agency_id, load->agency_id) == 0; k++) {
                switch (keys[k].a->role) {
                case PM_ROLE_LEAD: load->lead++; break;
                case PM_ROLE_SUPPORT: load->support++; break;
                case PM_ROLE_APPROVER: load->approver++; break;
                }
            }
        }
        qsort(p->agencies, p->n_agencies, sizeof *p->agencies, compare_loads);
        i = j;
    }
    for (size_t i = 0; i < s->n_tasks; i++) {
        pm_province_view *p = &r->provinces[doc_province[s->tasks[i].doc]];
        p->due[pm_deadline_bucket_of(&s->tasks[i])]++;
        p->n_tasks++;
    }
    return PM_OK;
}

static pm_status build_coverage(pm_compare_set *s, pm_compare_report *r, const size_t *doc_province)
{
    size_t n_cat = s->n_catalogue;
    bool *has = pm_arena_alloc(&s->arena, r->n_provinces * n_cat + 1);
    if (!has)
        return PM_ERR_NOMEM;
    for (size_t i = 0; i < s->n_targets; i++) {
        const pm_cmp_target *t = &s->targets[i];
        size_t p = doc_province[t->doc], rank = catalogue_rank(s, t->indicator_id);
        r->provinces[p].n_targets++;
        if (rank < n_cat)
            has[p * n_cat + rank] = true;
    }
    for (size_t p = 0; p < r->n_provinces; p++) {
        pm_province_view *v = &r->provinces[p];
        v->missing = pm_arena_alloc(&s->arena, (n_cat + 1) * sizeof *v->missing);
        if (!v->missing)
            return PM_ERR_NOMEM;
        for (size_t c = 0; c < n_cat; c++)
            if (!has[p * n_cat + c])
                v->missing[v->n_missing++] = s->catalogue[c];
    }
    return PM_OK;
}

pm_status pm_compare_build(pm_compare_set *s, pm_compare_report *out, pm_error *err)
{
    memset(out, 0, sizeof *out);
    out->set = s;
    size_t *doc_province = pm_arena_alloc(&s->arena, (s->n_docs + 1) * sizeof *doc_province);
    pm_cmp_warning *found = NULL;
    size_t n_found = 0, cap_found = 0;
    pm_status st = doc_province ? group_provinces(s, out, doc_province) : PM_ERR_NOMEM;
    if (st == PM_OK)
        st = build_matrix(s, out, doc_province, &found, &n_found, &cap_found);
    if (st == PM_OK)
        st = build_workload(s, out, doc_province);
    if (st == PM_OK)
        st = build_coverage(s, out, doc_province);
    if (st == PM_OK) {
        /* Disagreements first: they are what a reader of the comparison acts on. */
        out->n_warnings = n_found + s->n_warnings;
        out->warnings = pm_arena_alloc(&s->arena, (out->n_warnings + 1) * sizeof *out->warnings);
        if (!out->warnings) {
            st = PM_ERR_NOMEM;
        } else {
            if (n_found)
                memcpy(out->warnings, found, n_found * sizeof *found);
            if (s->n_warnings)
                memcpy(out->warnings + n_found, s->warnings, s->n_warnings * sizeof *s->warnings);
        }
    }
    return st == PM_OK ? PM_OK : pm_fail(err, st, "compare", 0, "out of memory");
}

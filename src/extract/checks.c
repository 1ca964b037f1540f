/* checks.c: what a careful reader flags once the records are assembled —
 * a target stated twice with different values, appendices that cite
 * another plan number or date than the header, tasks nobody is assigned,
 * deadlines that passed before the plan was issued. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

/* Targets are compared by catalogue id, else by their indicator text. */
static const char *target_key(const pm_target *t)
{
    return t->indicator_id ? t->indicator_id : t->indicator ? t->indicator : "";
}

static int by_key_year(const void *pa, const void *pb)
{
    const pm_target *a = *(const pm_target *const *)pa, *b = *(const pm_target *const *)pb;
    int k = strcmp(target_key(a), target_key(b));
    if (k)
        return k;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    return a->source.line < b->source.line ? -1 : a->source.line > b->source.line;
}

/* The values a target allows, as an interval with open or closed ends. */
typedef struct interval {
    double lo, hi;
    bool lo_open, hi_open, lo_inf, hi_inf;
} interval;

static interval interval_of(const pm_value *v)
{
    interval r = {v->min, v->has_max ? v->max : v->min, false, false, false, false};
    switch (v->op) {
    case PM_OP_GT:
        r.lo_open = true;
        /* fall through */
    case PM_OP_GE:
        r.hi_inf = true;
        break;
    case PM_OP_LT:
        r.hi_open = true;
        /* fall through */
    case PM_OP_LE:
        r.lo_inf = true;
        r.hi = v->max;
        break;
    default:
        break;
    }
    return r;
}

/* Two statements conflict when no value satisfies both: `đạt trên 50%`
 * and `đạt từ 40%-45%` do, `đạt 28` and `tối thiểu 28` do not. */
static bool disjoint(const pm_value *a, const pm_value *b)
{
    interval x = interval_of(a), y = interval_of(b);
    bool x_below = !x.hi_inf && !y.lo_inf &&
                   (x.hi < y.lo || (x.hi == y.lo && (x.hi_open || y.lo_open)));
    bool y_below = !y.hi_inf && !x.lo_inf &&
                   (y.hi < x.lo || (y.hi == x.lo && (y.hi_open || x.lo_open)));
    return x_below || y_below;
}

static bool same_unit(const pm_target *a, const pm_target *b)
{
    return (!a->unit && !b->unit) || (a->unit && b->unit && strcmp(a->unit, b->unit) == 0);
}

static void describe(char *out, size_t n, const pm_value *v)
{
    static const char *const ops[] = {"", ">", ">=", "<", "<=", "~", ""};
    if (v->op == PM_OP_BETWEEN)
        snprintf(out, n, "%g-%g", v->min, v->max);
    else
        snprintf(out, n, "%s%g", ops[v->op], v->has_min ? v->min : v->max);
}

static void value_conflicts(const pm_records *r, pm_warnings *w)
{
    if (r->n_targets < 2)
        return;
    const pm_target **order = malloc(r->n_targets * sizeof *order);
    if (!order)
        return; /* a missing warning beats failing the document */
    for (size_t i = 0; i < r->n_targets; i++)
        order[i] = &r->targets[i];
    qsort(order, r->n_targets, sizeof *order, by_key_year);
    /* Within a run of one (indicator, year), each value that cannot hold
     * together with the run's first is a conflict. */
    for (size_t i = 0, run = 0; i < r->n_targets; i++) {
        const pm_target *t = order[i], *first = order[run];
        if (strcmp(target_key(t), target_key(first)) != 0 || t->year != first->year) {
            run = i;
            continue;
        }
        if (!same_unit(t, first) || !disjoint(&t->value, &first->value))
            continue;
        char a[64], b[64];
        describe(a, sizeof a, &first->value);
        describe(b, sizeof b, &t->value);
        pm_warn(w, "value_conflict", t->source.line,
                "%s %d: %s%s (line %zu) but %s%s (line %zu)", target_key(t), t->year, a,
                first->unit ? first->unit : "", first->source.line, b, t->unit ? t->unit : "",
                t->source.line);
    }
    free(order);
}

static void citation_mismatches(const pm_header *h, pm_warnings *w)
{
    for (size_t i = 0; i < h->n_citations; i++) {
        const pm_docref *c = &h->citations[i];
        if (c->number && h->number && strcmp(c->number, h->number) != 0)
            pm_warn(w, "number_mismatch", c->line,
                    "the appendix cites plan %s, the header says %s (line %zu)", c->number,
                    h->number, h->number_line);
        if (c->date && h->date && strcmp(c->date, h->date) != 0)
            pm_warn(w, "date_mismatch", c->line,
                    "the appendix cites a plan of %s, the header is dated %s (line %zu)",
                    c->date, h->date, h->date_line);
    }
}

static void task_checks(const pm_tree *tree, const pm_records *r, pm_warnings *w)
{
    const char *plan_date = tree->header.date;
    int plan_year = pm_plan_year(tree);
    for (size_t i = 0; i < r->n_tasks; i++) {
        const pm_task *k = &r->tasks[i];
        if (k->n_lead == 0 && k->n_support == 0)
            pm_warn(w, "task_without_agency", k->source.line, "no agency is assigned this task");
        const pm_deadline *d = &k->deadline;
        bool before = d->date[0] && plan_date ? strcmp(d->date, plan_date) < 0
                                              : plan_year && d->end && d->end < plan_year;
        if (before)
            pm_warn(w, "deadline_before_plan", k->source.line,
                    "deadline %s is before the plan's date %s", d->text ? d->text : "",
                    plan_date ? plan_date : "");
    }
}

void pm_check_records(const pm_extractor *x, const pm_text *t, const pm_tree *tree,
                      const pm_records *r, pm_warnings *w)
{
    (void)x;
    (void)t;
    value_conflicts(r, w);
    citation_mismatches(&tree->header, w);
    task_checks(tree, r, w);
}

/* Markdown (GitHub tables) of the report. */
#include <stdint.h>
#include <string.h>

#include "compare/compare.h"

void pm_md_text(pm_buf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '|': pm_buf_puts(out, "\\|"); break;
        case '\\': pm_buf_puts(out, "\\\\"); break;
        /* Inline HTML is live in Markdown: a cell must not open a tag. */
        case '<': pm_buf_puts(out, "&lt;"); break;
        case '&': pm_buf_puts(out, "&amp;"); break;
        case '\r':
            if (p[1] == '\n')
                p++;
            pm_buf_putc(out, ' ');
            break;
        case '\n': pm_buf_putc(out, ' '); break;
        default: pm_buf_putc(out, *p);
        }
    }
}

static const char *versus_mark(pm_versus v)
{
    switch (v) {
    case PM_VERSUS_ABOVE: return " ▲";
    case PM_VERSUS_WITHIN: return " ●";
    case PM_VERSUS_BELOW: return " ▼";
    case PM_VERSUS_NOT_COMPARABLE: return " ≠";
    case PM_VERSUS_NO_BASELINE: return "";
    }
    return "";
}

static void md_value(pm_buf *out, const pm_value *v, const char *unit)
{
    pm_buf text = { 0 };
    pm_compare_format_value(&text, v, unit);
    pm_md_text(out, pm_buf_cstr(&text));
    out->failed |= text.failed;
    pm_buf_free(&text);
}

static void matrix(const pm_compare_report *r, pm_buf *out)
{
    pm_buf_puts(out, "## Target matrix\n\n"
                     "▲ above the national band, ● within it, ▼ below it, ≠ not comparable "
                     "(other unit); ⚠ the province's values disagree. `dN:L` = document N, line L.\n\n"
                     "| Indicator | Year | National target |");
    for (size_t p = 0; p < r->n_provinces; p++) {
        pm_buf_putc(out, ' ');
        pm_md_text(out, r->provinces[p].name);
        pm_buf_puts(out, " |");
    }
    pm_buf_puts(out, "\n|---|---|---|");
    for (size_t p = 0; p < r->n_provinces; p++)
        pm_buf_puts(out, "---|");
    pm_buf_putc(out, '\n');
    for (size_t i = 0; i < r->n_rows; i++) {
        const pm_matrix_row *row = &r->rows[i];
        pm_buf_puts(out, "| ");
        pm_md_text(out, row->label);
        if (row->year)
            pm_buf_printf(out, " | %d | ", row->year);
        else
            pm_buf_puts(out, " | — | ");
        if (row->baseline)
            md_value(out, &row->baseline->value, row->baseline->unit);
        pm_buf_puts(out, " |");
        for (size_t p = 0; p < r->n_provinces; p++) {
            const pm_matrix_cell *cell = &row->cells[p];
            pm_buf_putc(out, ' ');
            for (size_t v = 0; v < cell->n_values; v++) {
                const pm_cmp_target *t = cell->values[v].target;
                if (v)
                    pm_buf_puts(out, "; ");
                if (t->value_ok)
                    md_value(out, &t->value, t->unit);
                else
                    pm_buf_puts(out, "?");
                pm_buf_puts(out, versus_mark(cell->values[v].versus));
                pm_buf_printf(out, " `d%zu:%zu`", t->doc, t->line);
            }
            if (cell->disagreement)
                pm_buf_puts(out, " ⚠");
            pm_buf_puts(out, " |");
        }
        pm_buf_putc(out, '\n');
    }
}

static void documents(const pm_compare_report *r, pm_buf *out)
{
    const pm_compare_set *s = r->set;
    pm_buf_puts(out, "\n## Documents\n\n| # | Province | Number | Date | File | Targets | Tasks |\n"
                     "|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < s->n_docs; i++) {
        const pm_cmp_document *d = &s->docs[i];
        pm_buf_printf(out, "| d%zu | ", i);
        pm_md_text(out, d->province);
        pm_buf_puts(out, " | ");
        pm_md_text(out, d->number ? d->number : "—");
        pm_buf_puts(out, " | ");
        pm_md_text(out, d->date ? d->date : "—");
        pm_buf_puts(out, " | ");
        pm_md_text(out, d->path ? d->path : d->origin);
        pm_buf_printf(out, " | %zu | %zu |\n", d->n_targets, d->n_tasks);
    }
}

static void workload(const pm_compare_report *r, pm_buf *out)
{
    pm_buf_puts(out, "\n## Agency workload\n\nTasks each agency leads, supports or approves.\n\n"
                     "| Province | Agency | Lead | Support | Approver |\n|---|---|---|---|---|\n");
    for (size_t p = 0; p < r->n_provinces; p++) {
        const pm_province_view *v = &r->provinces[p];
        for (size_t k = 0; k < v->n_agencies; k++) {
            const pm_agency_load *a = &v->agencies[k];
            pm_buf_puts(out, "| ");
            pm_md_text(out, v->name);
            pm_buf_puts(out, " | ");
            pm_md_text(out, a->agency_name);
            pm_buf_puts(out, " (`");
            pm_md_text(out, a->agency_id);
            pm_buf_printf(out, "`) | %zu | %zu | %zu |\n", a->lead, a->support, a->approver);
        }
    }
    pm_buf_puts(out, "\n## Deadline profile\n\n| Province | Tasks |");
    for (int b = 0; b < PM_DUE_COUNT; b++)
        pm_buf_printf(out, " %s |", pm_deadline_bucket_name((pm_deadline_bucket)b));
    pm_buf_puts(out, "\n|---|---|");
    for (int b = 0; b < PM_DUE_COUNT; b++)
        pm_buf_puts(out, "---|");
    pm_buf_putc(out, '\n');
    for (size_t p = 0; p < r->n_provinces; p++) {
        const pm_province_view *v = &r->provinces[p];
        pm_buf_puts(out, "| ");
        pm_md_text(out, v->name);
        pm_buf_printf(out, " | %zu |", v->n_tasks);
        for (int b = 0; b < PM_DUE_COUNT; b++)
            pm_buf_printf(out, " %zu |", v->due[b]);
        pm_buf_putc(out, '\n');
    }
}

static void coverage(const pm_compare_report *r, pm_buf *out)
{
    pm_buf_puts(out, "\n## Coverage\n\nCatalogue indicators for which the province sets no target.\n\n"
                     "| Province | Missing |\n|---|---|\n");
    for (size_t p = 0; p < r->n_provinces; p++) {
        const pm_province_view *v = &r->provinces[p];
        pm_buf_puts(out, "| ");
        pm_md_text(out, v->name);
        pm_buf_puts(out, " | ");
        for (size_t k = 0; k < v->n_missing; k++) {
            pm_buf_puts(out, k ? ", `" : "`");
            pm_md_text(out, v->missing[k]);
            pm_buf_putc(out, '`');
        }
        pm_buf_puts(out, v->n_missing ? " |\n" : "— |\n");
    }
}

static void warnings(const pm_compare_report *r, pm_buf *out)
{
    pm_buf_puts(out, "\n## Warnings\n\n");
    if (!r->n_warnings)
        pm_buf_puts(out, "None.\n");
    for (size_t i = 0; i < r->n_warnings; i++) {
        const pm_cmp_warning *w = &r->warnings[i];
        pm_buf_puts(out, "- `");
        pm_md_text(out, w->code);
        pm_buf_puts(out, "` ");
        if (w->doc != SIZE_MAX)
            pm_buf_printf(out, "d%zu%s", w->doc, w->line ? "" : ": ");
        if (w->doc != SIZE_MAX && w->line)
            pm_buf_printf(out, ":%zu: ", w->line);
        pm_md_text(out, w->message);
        pm_buf_putc(out, '\n');
    }
}

pm_status pm_compare_render_md(const pm_compare_report *r, pm_buf *out)
{
    pm_buf_printf(out, "# Cross-province comparison\n\n%zu documents, %zu provinces. Baseline: ",
                  r->set->n_docs, r->n_provinces);
    pm_md_text(out, r->set->baseline_source ? r->set->baseline_source : "none");
    pm_buf_puts(out, ".\n\n");
    matrix(r, out);
    documents(r, out);
    workload(r, out);
    coverage(r, out);
    warnings(r, out);
    return out->failed ? PM_ERR_NOMEM : PM_OK;
}

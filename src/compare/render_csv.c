/* CSV (RFC 4180) of the target matrix: one row per province value. */
#include <string.h>

#include "compare/compare.h"

void pm_csv_text(pm_buf *out, const char *s)
{
    if (!s)
        return;
    /* A spreadsheet runs a cell that starts with one of these as a formula. */
    bool defuse = s[0] && strchr("=+-@\t\r", s[0]);
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        pm_buf_putc(out, '"');
    if (defuse)
        pm_buf_putc(out, '\'');
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            pm_buf_putc(out, '"');
        pm_buf_putc(out, *p);
    }
    if (quote)
        pm_buf_putc(out, '"');
}

static void csv_number(pm_buf *out, bool has, double x)
{
    if (has)
        pm_compare_format_number(out, x);
}

static const char *const header[] = {
    "indicator_key", "indicator_id", "indicator", "year", "province", "op", "min", "max",
    "unit", "aspirational", "scope", "baseline_op", "baseline_min", "baseline_max",
    "baseline_unit", "versus_baseline", "disagreement", "document", "line", "evidence",
};

pm_status pm_compare_render_csv(const pm_compare_report *r, pm_buf *out)
{
    const pm_compare_set *s = r->set;
    for (size_t i = 0; i < sizeof header / sizeof *header; i++) {
        if (i)
            pm_buf_putc(out, ',');
        pm_buf_puts(out, header[i]);
    }
    pm_buf_puts(out, "\r\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const pm_matrix_row *row = &r->rows[i];
        const pm_baseline_row *b = row->baseline;
        for (size_t p = 0; p < r->n_provinces; p++) {
            const pm_matrix_cell *cell = &row->cells[p];
            for (size_t v = 0; v < cell->n_values; v++) {
                const pm_cmp_target *t = cell->values[v].target;
                const pm_cmp_document *d = &s->docs[t->doc];
                pm_csv_text(out, row->key);
                pm_buf_putc(out, ',');
                pm_csv_text(out, t->indicator_id);
                pm_buf_putc(out, ',');
                pm_csv_text(out, t->indicator);
                pm_buf_putc(out, ',');
                csv_number(out, t->year != 0, t->year);
                pm_buf_putc(out, ',');
                pm_csv_text(out, r->provinces[p].name);
                pm_buf_putc(out, ',');
                pm_csv_text(out, t->value_ok ? pm_compare_op_name(t->value.op) : NULL);
                pm_buf_putc(out, ',');
                csv_number(out, t->value.has_min, t->value.min);
                pm_buf_putc(out, ',');
                csv_number(out, t->value.has_max, t->value.max);
                pm_buf_putc(out, ',');
                pm_csv_text(out, t->unit);
                pm_buf_puts(out, t->aspirational ? ",true," : ",false,");
                pm_csv_text(out, t->scope);
                pm_buf_putc(out, ',');
                pm_csv_text(out, b ? pm_compare_op_name(b->value.op) : NULL);
                pm_buf_putc(out, ',');
                csv_number(out, b && b->value.has_min, b ? b->value.min : 0);
                pm_buf_putc(out, ',');
                csv_number(out, b && b->value.has_max, b ? b->value.max : 0);
                pm_buf_putc(out, ',');
                pm_csv_text(out, b ? b->unit : NULL);
                pm_buf_putc(out, ',');
                pm_csv_text(out, pm_versus_name(cell->values[v].versus));
                pm_buf_puts(out, cell->disagreement ? ",true," : ",false,");
                pm_csv_text(out, d->path ? d->path : d->origin);
                pm_buf_putc(out, ',');
                csv_number(out, t->line != 0, (double)t->line);
                pm_buf_putc(out, ',');
                pm_csv_text(out, t->evidence);
                pm_buf_puts(out, "\r\n");
            }
        }
    }
    return out->failed ? PM_ERR_NOMEM : PM_OK;
}

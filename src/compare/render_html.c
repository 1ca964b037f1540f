/* One self-contained HTML report: inline CSS, inline SVG charts, no
 * scripts, fonts or anything fetched from the network. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "compare/compare.h"

void pm_html_text(pm_buf *out, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': pm_buf_puts(out, "&amp;"); break;
        case '<': pm_buf_puts(out, "&lt;"); break;
        case '>': pm_buf_puts(out, "&gt;"); break;
        case '"': pm_buf_puts(out, "&quot;"); break;
        case '\'': pm_buf_puts(out, "&#39;"); break;
        default: pm_buf_putc(out, *p);
        }
    }
}

/* A value in its human form, escaped: formatted apart first, since the
 * unit is free text. */
static void html_formatted_value(pm_buf *out, const pm_value *v, const char *unit)
{
    pm_buf text = { 0 };
    pm_compare_format_value(&text, v, unit);
    pm_html_text(out, pm_buf_cstr(&text));
    out->failed |= text.failed;
    pm_buf_free(&text);
}

/* A province value; "?" when its op or numbers were not understood. */
static void html_value(pm_buf *out, const pm_cmp_target *t)
{
    if (t->value_ok)
        html_formatted_value(out, &t->value, t->unit);
    else
        pm_buf_puts(out, "?");
}

static void html_baseline(pm_buf *out, const pm_baseline_row *b)
{
    html_formatted_value(out, &b->value, b->unit);
}

static const char *versus_class(pm_versus v)
{
    switch (v) {
    case PM_VERSUS_ABOVE: return "above";
    case PM_VERSUS_WITHIN: return "within";
    case PM_VERSUS_BELOW: return "below";
    case PM_VERSUS_NOT_COMPARABLE: return "nc";
    case PM_VERSUS_NO_BASELINE: return "nb";
    }
    return "nb";
}

static const char *versus_mark(pm_versus v)
{
    switch (v) {
    case PM_VERSUS_ABOVE: return "▲";
    case PM_VERSUS_WITHIN: return "●";
    case PM_VERSUS_BELOW: return "▼";
    case PM_VERSUS_NOT_COMPARABLE: return "≠";
    case PM_VERSUS_NO_BASELINE: return "";
    }
    return "";
}

/* "file line N: evidence" for title attributes. */
static void evidence_title(pm_buf *out, const pm_compare_set *s, const pm_cmp_target *t)
{
    const pm_cmp_document *d = &s->docs[t->doc];
    pm_html_text(out, d->path ? d->path : d->origin);
    pm_buf_printf(out, " line %zu", t->line);
    if (t->evidence) {
        pm_buf_puts(out, ": ");
        pm_html_text(out, t->evidence);
    }
}

static const char style[] =
    "<style>\n"
    ":root{--above:#1f5fbf;--within:#1b8a3a;--below:#c0392b;--nc:#888;--band:#e3efe6;"
    "--line:#d7dbe0;--ink:#1d2329;--muted:#5f6b76}\n"
    "*{box-sizing:border-box}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;"
    "color:var(--ink);margin:0 auto;max-width:1200px;padding:24px}\n"
    "h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid var(--line);"
    "padding-bottom:4px}h3{font-size:15px;margin:16px 0 4px}\n"
    "p.meta,.muted{color:var(--muted)}nav a{margin-right:14px}\n"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}\n"
    "th,td{border:1px solid var(--line);padding:4px 8px;vertical-align:top;text-align:left}\n"
    "th{background:#f3f5f7;position:sticky;top:0}\n"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}\n"
    ".val{white-space:nowrap;display:inline-block}.val sup{color:var(--muted);font-size:10px;margin-left:2px}\n"
    ".above{color:var(--above)}.within{color:var(--within)}.below{color:var(--below)}.nc{color:var(--nc)}\n"
    "td.disagree{background:#fff4d6}.flag{color:#b36b00;font-weight:bold}\n"
    ".legend span{margin-right:16px}\n"
    "figure.chart{margin:12px 0 20px}figure.chart figcaption{font-weight:600;margin-bottom:2px}\n"
    "svg text{font:12px system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',Arial,sans-serif;fill:var(--ink)}\n"
    "svg .tick{fill:var(--muted);font-size:11px}svg .year{font-weight:600}\n"
    "svg .above{fill:var(--above)}svg .within{fill:var(--within)}svg .below{fill:var(--below)}"
    "svg .nc,svg .nb{fill:var(--nc)}\n"
    "ul.warnings li{margin:2px 0}code{font-size:12px}\n"
    "@media print{body{padding:0;max-width:none;font-size:10pt}nav{display:none}"
    "th{position:static}figure.chart,tr{break-inside:avoid}h2{break-after:avoid}"
    "td.disagree{background:none;outline:2px solid #b36b00}}\n"
    "</style>\n";

/* ---- charts ---------------------------------------------------------------- */

enum { CHART_W = 900, LABEL_W = 190, PLOT_X0 = 200, PLOT_X1 = 720, TEXT_X = 732, ROW_H = 18,
       YEAR_H = 22, AXIS_H = 26 };

typedef struct scale {
    double lo, hi, step;
} scale;

static void widen(double *lo, double *hi, double x)
{
    if (isfinite(x)) {
        *lo = fmin(*lo, x);
        *hi = fmax(*hi, x);
    }
}

/* A domain with round ticks (1, 2 or 5 times a power of ten) covering
 * every finite end of the band and the province values. */
static scale make_scale(double lo, double hi)
{
    if (!(lo <= hi))
        lo = 0, hi = 1;
    if (lo == hi) {
        double pad = lo == 0 ? 1 : fabs(lo) * 0.1;
        lo -= pad, hi += pad;
    }
    double raw = (hi - lo) / 5, mag = pow(10, floor(log10(raw))), step;
    double f = raw / mag;
    step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
    scale sc = { floor(lo / step) * step, ceil(hi / step) * step, step };
    /* Room beyond the outermost value so an open end is visible. */
    if (sc.lo == lo && lo != 0)
        sc.lo -= step;
    if (sc.hi == hi)
        sc.hi += step;
    return sc;
}

static double sx(const scale *sc, double x)
{
    if (x == -INFINITY)
        return PLOT_X0;
    if (x == INFINITY)
        return PLOT_X1;
    return PLOT_X0 + (x - sc->lo) / (sc->hi - sc->lo) * (PLOT_X1 - PLOT_X0);
}

static bool drawable(const pm_cmp_target *t, const pm_baseline_row *b, pm_interval *iv)
{
    return t->value_ok && pm_units_equal(t->unit, b->unit) && pm_interval_from_value(&t->value, iv);
}

/* One end of an interval: a dot, hollow when the end is excluded; an
 * arrowhead at the plot edge when the interval is unbounded there. */
static void draw_end(pm_buf *out, double x, double y, bool open, bool infinite, bool right,
                     const char *color)
{
    if (infinite) {
        double tip = right ? PLOT_X1 + 6 : PLOT_X0 - 6, base = right ? PLOT_X1 : PLOT_X0;
        pm_buf_printf(out, "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"%s\"/>", base,
                      y - 5, tip, y, base, y + 5, color);
        return;
    }
    pm_buf_printf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" stroke=\"%s\" stroke-width=\"2\"/>",
                  x, y, open ? "#fff" : color, color);
}

static void draw_interval(pm_buf *out, const pm_interval *iv, const scale *sc, double y,
                          const char *color)
{
    double x0 = sx(sc, iv->lo), x1 = sx(sc, iv->hi);
    pm_buf_printf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"4\"/>",
                  x0, y, x1, y, color);
    draw_end(out, x0, y, iv->lo_open, iv->lo == -INFINITY, false, color);
    if (iv->hi != iv->lo)
        draw_end(out, x1, y, iv->hi_open, iv->hi == INFINITY, true, color);
}

static const char *versus_color(pm_versus v)
{
    switch (v) {
    case PM_VERSUS_ABOVE: return "#1f5fbf";
    case PM_VERSUS_WITHIN: return "#1b8a3a";
    case PM_VERSUS_BELOW: return "#c0392b";
    default: return "#888";
    }
}

/* rows[first..last) are the years of one indicator; `with_baseline` is
 * the first of them that has a national target. Years without one are
 * left out of the chart (they are in the matrix). */
static void chart(pm_buf *out, const pm_compare_report *r, size_t first, size_t last,
                  const pm_matrix_row *with_baseline)
{
    const pm_compare_set *s = r->set;
    double lo = INFINITY, hi = -INFINITY;
    size_t height = AXIS_H + 6;
    for (size_t i = first; i < last; i++) {
        const pm_matrix_row *row = &r->rows[i];
        pm_interval iv;
        if (!row->baseline)
            continue;
        pm_interval_from_value(&row->baseline->value, &iv);
        widen(&lo, &hi, iv.lo);
        widen(&lo, &hi, iv.hi);
        height += YEAR_H;
        for (size_t p = 0; p < r->n_provinces; p++) {
            const pm_matrix_cell *cell = &row->cells[p];
            height += ROW_H * (cell->n_values ? cell->n_values : 1);
            for (size_t v = 0; v < cell->n_values; v++)
                if (drawable(cell->values[v].target, row->baseline, &iv)) {
                    widen(&lo, &hi, iv.lo);
                    widen(&lo, &hi, iv.hi);
                }
        }
    }
    scale sc = make_scale(lo, hi);
    const char *id = with_baseline->indicator_id;
    pm_buf_puts(out, "<figure class=\"chart\"><figcaption>");
    pm_html_text(out, id);
    pm_buf_puts(out, " <span class=\"muted\">(");
    pm_html_text(out, with_baseline->baseline->unit);
    pm_buf_printf(out, ")</span></figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
                       "height=\"%zu\" viewBox=\"0 0 %d %zu\" role=\"img\" aria-label=\"",
                  CHART_W, height, CHART_W, height);
    pm_html_text(out, id);
    pm_buf_puts(out, ": provinces against the national target\">\n");

    /* Grid and tick labels first, so the data is drawn over them. */
    size_t plot_bottom = height - AXIS_H;
    for (double x = sc.lo; x <= sc.hi + sc.step / 2; x += sc.step) {
        double px = sx(&sc, x);
        pm_buf_printf(out, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%zu\" stroke=\"#eceff2\"/>",
                      px, px, plot_bottom);
        pm_buf_printf(out, "<text class=\"tick\" x=\"%.1f\" y=\"%zu\" text-anchor=\"middle\">", px,
                      plot_bottom + 16);
        pm_compare_format_number(out, fabs(x) < sc.step / 1e6 ? 0 : x);
        pm_buf_puts(out, "</text>");
    }
    pm_buf_putc(out, '\n');

    size_t y = 0;
    for (size_t i = first; i < last; i++) {
        const pm_matrix_row *row = &r->rows[i];
        size_t block = 0;
        if (!row->baseline)
            continue;
        for (size_t p = 0; p < r->n_provinces; p++)
            block += ROW_H * (row->cells[p].n_values ? row->cells[p].n_values : 1);
        pm_interval band;
        pm_interval_from_value(&row->baseline->value, &band);
        double bx0 = sx(&sc, band.lo), bx1 = sx(&sc, band.hi);
        pm_buf_printf(out, "<g><title>National target %d: ", row->year);
        html_baseline(out, row->baseline);
        pm_buf_printf(out, "</title><rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"%zu\" fill=\"#e3efe6\"/>",
                      bx0, y + YEAR_H - 4, fmax(bx1 - bx0, 3), block + 4);
        pm_buf_printf(out, "<text class=\"year\" x=\"0\" y=\"%zu\">%d — national ", y + 15, row->year);
        html_baseline(out, row->baseline);
        pm_buf_puts(out, "</text></g>\n");
        y += YEAR_H;
        for (size_t p = 0; p < r->n_provinces; p++) {
            const pm_matrix_cell *cell = &row->cells[p];
            if (!cell->n_values) {
                pm_buf_printf(out, "<text x=\"8\" y=\"%zu\">", y + 13);
                pm_html_text(out, r->provinces[p].name);
                pm_buf_printf(out, "</text><text class=\"tick\" x=\"%d\" y=\"%zu\">no target</text>\n",
                              TEXT_X, y + 13);
                y += ROW_H;
                continue;
            }
            for (size_t v = 0; v < cell->n_values; v++, y += ROW_H) {
                const pm_cmp_target *t = cell->values[v].target;
                const char *color = versus_color(cell->values[v].versus);
                pm_buf_puts(out, "<g><title>");
                pm_html_text(out, r->provinces[p].name);
                pm_buf_printf(out, " %d: ", row->year);
                html_value(out, t);
                pm_buf_printf(out, " (%s) — ", pm_versus_name(cell->values[v].versus));
                evidence_title(out, s, t);
                pm_buf_printf(out, "</title><text x=\"8\" y=\"%zu\">", y + 13);
                pm_html_text(out, r->provinces[p].name);
                if (cell->disagreement)
                    pm_buf_puts(out, " ⚠");
                pm_buf_puts(out, "</text>");
                pm_interval iv;
                if (drawable(t, row->baseline, &iv))
                    draw_interval(out, &iv, &sc, (double)y + 9, color);
                pm_buf_printf(out, "<text class=\"%s\" x=\"%d\" y=\"%zu\">",
                              versus_class(cell->values[v].versus), TEXT_X, y + 13);
                html_value(out, t);
                pm_buf_printf(out, " %s</text></g>\n", versus_mark(cell->values[v].versus));
            }
        }
    }
    pm_buf_printf(out, "<line x1=\"%d\" y1=\"%zu\" x2=\"%d\" y2=\"%zu\" stroke=\"#9aa4ad\"/>\n",
                  PLOT_X0, plot_bottom, PLOT_X1, plot_bottom);
    pm_buf_puts(out, "</svg></figure>\n");
}

/* The rows [first, *end) of one indicator. Returns the first that has a
 * national target (NULL if none); has_values: some province sets a value
 * in a year that has one. */
static const pm_matrix_row *indicator_rows(const pm_compare_report *r, size_t first, size_t *end,
                                           bool *has_values)
{
    const pm_matrix_row *with_baseline = NULL;
    size_t j = first;
    *has_values = false;
    for (; j < r->n_rows && strcmp(r->rows[j].key, r->rows[first].key) == 0; j++) {
        if (!r->rows[j].baseline)
            continue;
        if (!with_baseline)
            with_baseline = &r->rows[j];
        for (size_t p = 0; p < r->n_provinces; p++)
            *has_values |= r->rows[j].cells[p].n_values > 0;
    }
    *end = j;
    return with_baseline;
}

static void charts(pm_buf *out, const pm_compare_report *r)
{
    pm_buf_puts(out, "<section id=\"charts\"><h2>Provinces against the national targets</h2>\n"
                     "<p class=\"legend\"><span style=\"background:#e3efe6;padding:0 8px\">national band</span>"
                     "<span class=\"above\">▲ above</span><span class=\"within\">● within</span>"
                     "<span class=\"below\">▼ below</span><span class=\"nc\">≠ not comparable</span>"
                     "<span>○ end excluded, ● end included, ▶ unbounded</span></p>\n");
    size_t n_charts = 0, n_unset = 0;
    for (size_t i = 0, j; i < r->n_rows; i = j) {
        bool has_values;
        const pm_matrix_row *with_baseline = indicator_rows(r, i, &j, &has_values);
        if (with_baseline && has_values) {
            chart(out, r, i, j, with_baseline);
            n_charts++;
        }
    }
    /* An indicator no province sets gets a mention, not an empty chart. */
    for (size_t i = 0, j; i < r->n_rows; i = j) {
        bool has_values;
        const pm_matrix_row *with_baseline = indicator_rows(r, i, &j, &has_values);
        if (!with_baseline || has_values)
            continue;
        pm_buf_puts(out, n_unset++ ? ", <code>" : "<p class=\"muted\">No province sets a target for <code>");
        pm_html_text(out, with_baseline->indicator_id);
        pm_buf_puts(out, "</code>");
    }
    if (n_unset)
        pm_buf_puts(out, ".</p>\n");
    if (!n_charts)
        pm_buf_puts(out, "<p class=\"muted\">No province value has a national target to compare with.</p>\n");
    pm_buf_puts(out, "</section>\n");
}

/* ---- tables ------------------------------------------------------------------ */

static void matrix(pm_buf *out, const pm_compare_report *r)
{
    const pm_compare_set *s = r->set;
    pm_buf_puts(out, "<section id=\"matrix\"><h2>Target matrix</h2>\n<p class=\"muted\">Hover a value "
                     "for its evidence; <sup>dN:L</sup> is document N, line L. "
                     "<span class=\"flag\">⚠</span> marks values of one province that disagree.</p>\n"
                     "<table class=\"matrix\"><thead><tr><th>Indicator</th><th>Year</th>"
                     "<th>National target</th>");
    for (size_t p = 0; p < r->n_provinces; p++) {
        pm_buf_puts(out, "<th>");
        pm_html_text(out, r->provinces[p].name);
        pm_buf_puts(out, "</th>");
    }
    pm_buf_puts(out, "</tr></thead><tbody>\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const pm_matrix_row *row = &r->rows[i];
        pm_buf_puts(out, "<tr><th scope=\"row\">");
        pm_html_text(out, row->label);
        if (row->year)
            pm_buf_printf(out, "</th><td class=\"num\">%d</td><td>", row->year);
        else
            pm_buf_puts(out, "</th><td class=\"num\">—</td><td>");
        if (row->baseline)
            html_baseline(out, row->baseline);
        pm_buf_puts(out, "</td>");
        for (size_t p = 0; p < r->n_provinces; p++) {
            const pm_matrix_cell *cell = &row->cells[p];
            pm_buf_puts(out, cell->disagreement ? "<td class=\"disagree\">" : "<td>");
            for (size_t v = 0; v < cell->n_values; v++) {
                const pm_cmp_target *t = cell->values[v].target;
                pm_buf_printf(out, "%s<span class=\"val %s\" title=\"", v ? "<br>" : "",
                              versus_class(cell->values[v].versus));
                evidence_title(out, s, t);
                pm_buf_puts(out, "\">");
                html_value(out, t);
                const char *mark = versus_mark(cell->values[v].versus);
                pm_buf_printf(out, "%s%s<sup>d%zu:%zu</sup></span>", *mark ? " " : "", mark, t->doc,
                              t->line);
            }
            if (cell->disagreement)
                pm_buf_puts(out, " <span class=\"flag\" title=\"values disagree\">⚠</span>");
            pm_buf_puts(out, "</td>");
        }
        pm_buf_puts(out, "</tr>\n");
    }
    pm_buf_puts(out, "</tbody></table></section>\n");
}

static void workload(pm_buf *out, const pm_compare_report *r)
{
    pm_buf_puts(out, "<section id=\"workload\"><h2>Agency workload</h2>\n");
    for (size_t p = 0; p < r->n_provinces; p++) {
        const pm_province_view *v = &r->provinces[p];
        pm_buf_puts(out, "<h3>");
        pm_html_text(out, v->name);
        pm_buf_printf(out, " <span class=\"muted\">(%zu tasks)</span></h3>\n", v->n_tasks);
        if (!v->n_agencies) {
            pm_buf_puts(out, "<p class=\"muted\">No task names an agency.</p>\n");
            continue;
        }
        pm_buf_puts(out, "<table><thead><tr><th>Agency</th><th>Lead</th><th>Support</th>"
                         "<th>Approver</th></tr></thead><tbody>\n");
        for (size_t k = 0; k < v->n_agencies; k++) {
            const pm_agency_load *a = &v->agencies[k];
            pm_buf_puts(out, "<tr><td>");
            pm_html_text(out, a->agency_name);
            pm_buf_puts(out, " <code class=\"muted\">");
            pm_html_text(out, a->agency_id);
            pm_buf_printf(out, "</code></td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
                               "<td class=\"num\">%zu</td></tr>\n",
                          a->lead, a->support, a->approver);
        }
        pm_buf_puts(out, "</tbody></table>\n");
    }
    pm_buf_puts(out, "<h3>Deadline profile</h3>\n<table><thead><tr><th>Province</th><th>Tasks</th>");
    for (int b = 0; b < PM_DUE_COUNT; b++)
        pm_buf_printf(out, "<th>%s</th>", pm_deadline_bucket_name((pm_deadline_bucket)b));
    pm_buf_puts(out, "</tr></thead><tbody>\n");
    for (size_t p = 0; p < r->n_provinces; p++) {
        const pm_province_view *v = &r->provinces[p];
        pm_buf_puts(out, "<tr><th scope=\"row\">");
        pm_html_text(out, v->name);
        pm_buf_printf(out, "</th><td class=\"num\">%zu</td>", v->n_tasks);
        for (int b = 0; b < PM_DUE_COUNT; b++)
            pm_buf_printf(out, "<td class=\"num\">%zu</td>", v->due[b]);
        pm_buf_puts(out, "</tr>\n");
    }
    pm_buf_puts(out, "</tbody></table></section>\n");
}

static void coverage(pm_buf *out, const pm_compare_report *r)
{
    pm_buf_puts(out, "<section id=\"coverage\"><h2>Coverage</h2>\n<p class=\"muted\">Catalogue "
                     "indicators for which the province sets no target.</p>\n<table><thead><tr>"
                     "<th>Province</th><th>Targets</th><th>Missing indicators</th></tr></thead><tbody>\n");
    for (size_t p = 0; p < r->n_provinces; p++) {
        const pm_province_view *v = &r->provinces[p];
        pm_buf_puts(out, "<tr><th scope=\"row\">");
        pm_html_text(out, v->name);
        pm_buf_printf(out, "</th><td class=\"num\">%zu</td><td>", v->n_targets);
        for (size_t k = 0; k < v->n_missing; k++) {
            pm_buf_puts(out, k ? ", <code>" : "<code>");
            pm_html_text(out, v->missing[k]);
            pm_buf_puts(out, "</code>");
        }
        pm_buf_puts(out, v->n_missing ? "</td></tr>\n" : "—</td></tr>\n");
    }
    pm_buf_puts(out, "</tbody></table></section>\n");
}

static void documents(pm_buf *out, const pm_compare_report *r)
{
    const pm_compare_set *s = r->set;
    pm_buf_puts(out, "<section id=\"documents\"><h2>Documents</h2>\n<table><thead><tr><th>#</th>"
                     "<th>Province</th><th>Number</th><th>Date</th><th>File</th><th>Targets</th>"
                     "<th>Tasks</th><th>sha256</th></tr></thead><tbody>\n");
    for (size_t i = 0; i < s->n_docs; i++) {
        const pm_cmp_document *d = &s->docs[i];
        pm_buf_printf(out, "<tr><td>d%zu</td><td>", i);
        pm_html_text(out, d->province);
        pm_buf_puts(out, "</td><td>");
        pm_html_text(out, d->number ? d->number : "—");
        pm_buf_puts(out, "</td><td>");
        pm_html_text(out, d->date ? d->date : "—");
        pm_buf_puts(out, "</td><td>");
        pm_html_text(out, d->path ? d->path : d->origin);
        pm_buf_printf(out, "</td><td class=\"num\">%zu</td><td class=\"num\">%zu</td>"
                           "<td><code>%.12s…</code></td></tr>\n",
                      d->n_targets, d->n_tasks, d->sha256);
    }
    pm_buf_puts(out, "</tbody></table></section>\n");
}

static void warnings(pm_buf *out, const pm_compare_report *r)
{
    const pm_compare_set *s = r->set;
    pm_buf_printf(out, "<section id=\"warnings\"><h2>Warnings <span class=\"muted\">(%zu)</span></h2>\n",
                  r->n_warnings);
    if (!r->n_warnings)
        pm_buf_puts(out, "<p class=\"muted\">None.</p>\n");
    else
        pm_buf_puts(out, "<ul class=\"warnings\">\n");
    for (size_t i = 0; i < r->n_warnings; i++) {
        const pm_cmp_warning *w = &r->warnings[i];
        pm_buf_puts(out, "<li><code>");
        pm_html_text(out, w->code);
        pm_buf_puts(out, "</code> ");
        if (w->doc != SIZE_MAX) {
            const pm_cmp_document *d = &s->docs[w->doc];
            pm_buf_puts(out, "<span class=\"muted\">");
            pm_html_text(out, d->path ? d->path : d->origin);
            if (w->line)
                pm_buf_printf(out, ":%zu", w->line);
            pm_buf_puts(out, "</span> ");
        }
        pm_html_text(out, w->message);
        pm_buf_puts(out, "</li>\n");
    }
    if (r->n_warnings)
        pm_buf_puts(out, "</ul>\n");
    pm_buf_puts(out, "</section>\n");
}

pm_status pm_compare_render_html(const pm_compare_report *r, pm_buf *out)
{
    const pm_compare_set *s = r->set;
    pm_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>Cross-province comparison</title>\n");
    pm_buf_puts(out, style);
    pm_buf_printf(out, "</head><body>\n<header><h1>Cross-province comparison</h1>\n<p class=\"meta\">%zu "
                       "documents, %zu provinces, %zu targets, %zu tasks. National baseline: ",
                  s->n_docs, r->n_provinces, s->n_targets, s->n_tasks);
    pm_html_text(out, s->baseline_source ? s->baseline_source : "none");
    pm_buf_printf(out, " (“khoảng x” is read as x ± %g%%).</p></header>\n", PM_APPROX_TOLERANCE * 100);
    pm_buf_puts(out, "<nav><a href=\"#charts\">Charts</a><a href=\"#matrix\">Matrix</a>"
                     "<a href=\"#workload\">Workload</a><a href=\"#coverage\">Coverage</a>"
                     "<a href=\"#documents\">Documents</a><a href=\"#warnings\">Warnings</a></nav>\n");
    charts(out, r);
    matrix(out, r);
    workload(out, r);
    coverage(out, r);
    documents(out, r);
    warnings(out, r);
    pm_buf_puts(out, "</body></html>\n");
    return out->failed ? PM_ERR_NOMEM : PM_OK;
}

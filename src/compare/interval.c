/* Values as intervals, and their position relative to a baseline. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compare/compare.h"

static const char *const op_names[] = {
    [PM_OP_EQ] = "eq", [PM_OP_GT] = "gt",         [PM_OP_GE] = "ge",          [PM_OP_LT] = "lt",
    [PM_OP_LE] = "le", [PM_OP_APPROX] = "approx", [PM_OP_BETWEEN] = "between",
};

const char *pm_compare_op_name(pm_op op)
{
    return (unsigned)op < sizeof op_names / sizeof *op_names ? op_names[op] : "?";
}

bool pm_compare_op_parse(const char *name, pm_op *out)
{
    for (size_t i = 0; i < sizeof op_names / sizeof *op_names; i++)
        if (name && strcmp(name, op_names[i]) == 0) {
            *out = (pm_op)i;
            return true;
        }
    return false;
}

bool pm_interval_from_value(const pm_value *v, pm_interval *out)
{
    bool needs_min = v->op != PM_OP_LT && v->op != PM_OP_LE;
    bool needs_max = v->op == PM_OP_LT || v->op == PM_OP_LE || v->op == PM_OP_BETWEEN;
    if ((needs_min && (!v->has_min || !isfinite(v->min))) ||
        (needs_max && (!v->has_max || !isfinite(v->max))))
        return false;
    pm_interval iv = { -INFINITY, INFINITY, true, true };
    switch (v->op) {
    case PM_OP_EQ: iv = (pm_interval){ v->min, v->min, false, false }; break;
    case PM_OP_GT: iv.lo = v->min; break;
    case PM_OP_GE: iv.lo = v->min; iv.lo_open = false; break;
    case PM_OP_LT: iv.hi = v->max; break;
    case PM_OP_LE: iv.hi = v->max; iv.hi_open = false; break;
    case PM_OP_APPROX: {
        double slack = fabs(v->min) * PM_APPROX_TOLERANCE;
        iv = (pm_interval){ v->min - slack, v->min + slack, false, false };
        break;
    }
    case PM_OP_BETWEEN:
        if (v->min > v->max)
            return false;
        iv = (pm_interval){ v->min, v->max, false, false };
        break;
    default: return false;
    }
    *out = iv;
    return true;
}

/* a lies entirely below b: a's upper end is left of b's lower end, or they
 * meet at one number that one of the two ends excludes. (A hi is finite or
 * +inf and a lo finite or -inf, so equal ends are always finite.) */
static bool entirely_below(const pm_interval *a, const pm_interval *b)
{
    return a->hi < b->lo || (a->hi == b->lo && (a->hi_open || b->lo_open));
}

pm_versus pm_interval_versus(const pm_interval *p, const pm_interval *b)
{
    if (entirely_below(p, b))
        return PM_VERSUS_BELOW;
    if (entirely_below(b, p))
        return PM_VERSUS_ABOVE;
    return PM_VERSUS_WITHIN;
}

/* Compares units ignoring ASCII case and spaces ("m2/person" = "M2 / person"). */
bool pm_units_equal(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++, b++;
    }
}

pm_versus pm_value_versus(const pm_value *v, const char *unit, const pm_value *base,
                          const char *base_unit)
{
    pm_interval p, b;
    if (!pm_units_equal(unit, base_unit) || !pm_interval_from_value(v, &p) ||
        !pm_interval_from_value(base, &b))
        return PM_VERSUS_NOT_COMPARABLE;
    return pm_interval_versus(&p, &b);
}

const char *pm_versus_name(pm_versus v)
{
    switch (v) {
    case PM_VERSUS_NO_BASELINE: return "no_baseline";
    case PM_VERSUS_BELOW: return "below";
    case PM_VERSUS_WITHIN: return "within";
    case PM_VERSUS_ABOVE: return "above";
    case PM_VERSUS_NOT_COMPARABLE: return "not_comparable";
    }
    return "?";
}

void pm_compare_format_number(pm_buf *out, double x)
{
    char tmp[40];
    /* %.15g is exact for every value a plan writes; fall back to 17 digits
     * for the rare double that needs them to read back the same. */
    snprintf(tmp, sizeof tmp, "%.15g", x);
    if (strtod(tmp, NULL) != x)
        snprintf(tmp, sizeof tmp, "%.17g", x);
    pm_buf_puts(out, tmp);
}

void pm_compare_format_value(pm_buf *out, const pm_value *v, const char *unit)
{
    static const char *const prefix[] = {
        [PM_OP_EQ] = "", [PM_OP_GT] = ">", [PM_OP_GE] = "≥", [PM_OP_LT] = "<",
        [PM_OP_LE] = "≤", [PM_OP_APPROX] = "≈", [PM_OP_BETWEEN] = "",
    };
    if ((unsigned)v->op >= sizeof prefix / sizeof *prefix) {
        pm_buf_puts(out, "?");
        return;
    }
    pm_buf_puts(out, prefix[v->op]);
    bool upper_only = v->op == PM_OP_LT || v->op == PM_OP_LE;
    if (upper_only ? v->has_max : v->has_min)
        pm_compare_format_number(out, upper_only ? v->max : v->min);
    else
        pm_buf_puts(out, "?");
    if (v->op == PM_OP_BETWEEN) {
        pm_buf_puts(out, "–");
        if (v->has_max)
            pm_compare_format_number(out, v->max);
        else
            pm_buf_puts(out, "?");
    }
    if (unit && *unit) {
        if (strcmp(unit, "%") != 0)
            pm_buf_putc(out, ' ');
        pm_buf_puts(out, unit);
    }
}

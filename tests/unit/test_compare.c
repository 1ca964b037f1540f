/* Unit tests of src/compare: intervals for every op pair, CSV/Markdown/HTML
 * escaping, province merge and disagreements, inputs, baseline errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare/compare.h"

/* ---- intervals --------------------------------------------------------------- */

static pm_value val(pm_op op, double a, double b)
{
    pm_value v = { .op = op };
    if (op == PM_OP_LT || op == PM_OP_LE) {
        v.has_max = true, v.max = a;
    } else {
        v.has_min = true, v.min = a;
        if (op == PM_OP_BETWEEN)
            v.has_max = true, v.max = b;
    }
    return v;
}

typedef struct versus_case {
    pm_op p_op;
    double p_a, p_b;
    pm_op b_op;
    double b_a, b_b;
    pm_versus expected;
} versus_case;

#define EQ PM_OP_EQ
#define GT PM_OP_GT
#define GE PM_OP_GE
#define LT PM_OP_LT
#define LE PM_OP_LE
#define AP PM_OP_APPROX
#define BW PM_OP_BETWEEN
#define BELOW PM_VERSUS_BELOW
#define WITHIN PM_VERSUS_WITHIN
#define ABOVE PM_VERSUS_ABOVE

/* Every (province op, baseline op) pair, most of them at the boundary
 * where open and closed ends decide. approx x is [0.95x, 1.05x]. */
static const versus_case versus_cases[] = {
    /* baseline eq 10 = [10,10] */
    { EQ, 10, 0, EQ, 10, 0, WITHIN },   { GT, 10, 0, EQ, 10, 0, ABOVE },
    { GE, 10, 0, EQ, 10, 0, WITHIN },   { LT, 10, 0, EQ, 10, 0, BELOW },
    { LE, 10, 0, EQ, 10, 0, WITHIN },   { AP, 10, 0, EQ, 10, 0, WITHIN },
    { BW, 11, 12, EQ, 10, 0, ABOVE },
    /* baseline gt 45 = (45,inf) */
    { EQ, 45, 0, GT, 45, 0, BELOW },    { GT, 45, 0, GT, 45, 0, WITHIN },
    { GE, 45, 0, GT, 45, 0, WITHIN },   { LT, 45, 0, GT, 45, 0, BELOW },
    { LE, 45, 0, GT, 45, 0, BELOW },    { AP, 42, 0, GT, 45, 0, BELOW },
    { AP, 43, 0, GT, 45, 0, WITHIN },   { BW, 40, 45, GT, 45, 0, BELOW },
    /* baseline ge 45 = [45,inf) */
    { EQ, 45, 0, GE, 45, 0, WITHIN },   { GT, 50, 0, GE, 45, 0, WITHIN },
    { GE, 30, 0, GE, 45, 0, WITHIN },   { LT, 45, 0, GE, 45, 0, BELOW },
    { LE, 45, 0, GE, 45, 0, WITHIN },   { AP, 40, 0, GE, 45, 0, BELOW },
    { BW, 40, 45, GE, 45, 0, WITHIN },
    /* baseline lt 10 = (-inf,10) */
    { EQ, 10, 0, LT, 10, 0, ABOVE },    { GT, 9, 0, LT, 10, 0, WITHIN },
    { GE, 10, 0, LT, 10, 0, ABOVE },    { LT, 10, 0, LT, 10, 0, WITHIN },
    { LE, 20, 0, LT, 10, 0, WITHIN },   { AP, 12, 0, LT, 10, 0, ABOVE },
    { BW, 10, 12, LT, 10, 0, ABOVE },
    /* baseline le 10 = (-inf,10] */
    { EQ, 10, 0, LE, 10, 0, WITHIN },   { GT, 10, 0, LE, 10, 0, ABOVE },
    { GE, 10, 0, LE, 10, 0, WITHIN },   { LT, 5, 0, LE, 10, 0, WITHIN },
    { LE, 10, 0, LE, 10, 0, WITHIN },   { AP, 10, 0, LE, 10, 0, WITHIN },
    { BW, 10.5, 11, LE, 10, 0, ABOVE },
    /* baseline approx 75 = [71.25,78.75] */
    { EQ, 80, 0, AP, 75, 0, ABOVE },    { GT, 80, 0, AP, 75, 0, ABOVE },
    { GE, 78, 0, AP, 75, 0, WITHIN },   { LT, 71, 0, AP, 75, 0, BELOW },
    { LE, 72, 0, AP, 75, 0, WITHIN },   { AP, 70, 0, AP, 75, 0, WITHIN },
    { BW, 60, 70, AP, 75, 0, BELOW },
    /* baseline between 11-16 = [11,16] */
    { EQ, 16, 0, BW, 11, 16, WITHIN },  { GT, 16, 0, BW, 11, 16, ABOVE },
    { GE, 16, 0, BW, 11, 16, WITHIN },  { LT, 11, 0, BW, 11, 16, BELOW },
    { LE, 11, 0, BW, 11, 16, WITHIN },  { AP, 17, 0, BW, 11, 16, ABOVE },
    { BW, 16, 26, BW, 11, 16, WITHIN },
};

static void test_versus_every_op_pair(void **state)
{
    (void)state;
    bool seen[7][7] = { { false } };
    for (size_t i = 0; i < sizeof versus_cases / sizeof *versus_cases; i++) {
        const versus_case *c = &versus_cases[i];
        pm_value p = val(c->p_op, c->p_a, c->p_b), b = val(c->b_op, c->b_a, c->b_b);
        pm_versus got = pm_value_versus(&p, "%", &b, "%");
        if (got != c->expected)
            fail_msg("case %zu: %s %g vs baseline %s %g: got %s, expected %s", i,
                     pm_compare_op_name(c->p_op), c->p_a, pm_compare_op_name(c->b_op), c->b_a,
                     pm_versus_name(got), pm_versus_name(c->expected));
        seen[c->p_op][c->b_op] = true;
    }
    for (int p = 0; p < 7; p++)
        for (int b = 0; b < 7; b++)
            assert_true(seen[p][b]);
}

static void test_interval_ends(void **state)
{
    (void)state;
    pm_interval iv;
    pm_value v = val(GT, 45, 0);
    assert_true(pm_interval_from_value(&v, &iv));
    assert_true(iv.lo == 45 && iv.lo_open && iv.hi == INFINITY);
    v = val(LE, 10, 0);
    assert_true(pm_interval_from_value(&v, &iv));
    assert_true(iv.lo == -INFINITY && iv.hi == 10 && !iv.hi_open);
    v = val(AP, 0, 0);
    assert_true(pm_interval_from_value(&v, &iv));
    assert_true(iv.lo == 0 && iv.hi == 0);
    v = val(AP, -20, 0); /* the tolerance is relative to |x| */
    assert_true(pm_interval_from_value(&v, &iv));
    assert_true(iv.lo == -21 && iv.hi == -19);

    /* Missing or inverted bounds have no interval. */
    v = (pm_value){ .op = GT };
    assert_false(pm_interval_from_value(&v, &iv));
    v = (pm_value){ .op = LT, .has_min = true, .min = 3 };
    assert_false(pm_interval_from_value(&v, &iv));
    v = val(BW, 16, 11);
    assert_false(pm_interval_from_value(&v, &iv));
    v = val(EQ, NAN, 0);
    assert_false(pm_interval_from_value(&v, &iv));
}

static void test_versus_units(void **state)
{
    (void)state;
    pm_value p = val(BW, 6, 8), b = val(BW, 6, 8);
    assert_int_equal(pm_value_versus(&p, "m2", &b, "m2/person"), PM_VERSUS_NOT_COMPARABLE);
    assert_int_equal(pm_value_versus(&p, NULL, &b, "%"), PM_VERSUS_NOT_COMPARABLE);
    assert_int_equal(pm_value_versus(&p, "M2 / Person", &b, "m2/person"), PM_VERSUS_WITHIN);
    pm_value broken = { .op = GT };
    assert_int_equal(pm_value_versus(&broken, "%", &b, "%"), PM_VERSUS_NOT_COMPARABLE);
    assert_true(pm_units_equal(NULL, NULL));
    assert_false(pm_units_equal("%", "%%"));
}

/* ---- cell writers ------------------------------------------------------------ */

static void expect_csv(const char *in, const char *expected)
{
    pm_buf b = { 0 };
    pm_csv_text(&b, in);
    assert_string_equal(pm_buf_cstr(&b), expected);
    pm_buf_free(&b);
}

static void test_csv_text(void **state)
{
    (void)state;
    expect_csv("Sở Xây dựng", "Sở Xây dựng");
    expect_csv(NULL, "");
    expect_csv("thu gom, xử lý", "\"thu gom, xử lý\"");
    expect_csv("cột \"Chỉ tiêu\"", "\"cột \"\"Chỉ tiêu\"\"\"");
    expect_csv("dòng 1\r\ndòng 2", "\"dòng 1\r\ndòng 2\"");
    expect_csv("dòng 1\ndòng 2", "\"dòng 1\ndòng 2\"");
    /* OWASP CSV injection: a leading formula character is defused. */
    expect_csv("=SUM(A1:A9)", "'=SUM(A1:A9)");
    expect_csv("+ Đến năm 2025", "'+ Đến năm 2025");
    expect_csv("- Tỷ lệ đô thị hóa", "'- Tỷ lệ đô thị hóa");
    expect_csv("@cmd", "'@cmd");
    expect_csv("\tx", "'\tx");
    expect_csv("\rx", "\"'\rx\"");
    expect_csv("=1,2", "\"'=1,2\"");
    expect_csv("a=b", "a=b");
}

static void expect_number(double x, const char *expected)
{
    pm_buf b = { 0 };
    pm_compare_format_number(&b, x);
    assert_string_equal(pm_buf_cstr(&b), expected);
    pm_buf_free(&b);
}

static void test_numbers(void **state)
{
    (void)state;
    expect_number(45, "45");
    expect_number(1.5, "1.5");
    expect_number(-3, "-3");
    expect_number(1573.1, "1573.1");
    expect_number(0.1 + 0.2, "0.30000000000000004"); /* reads back as the same double */
}

static void expect_formatted(pm_value v, const char *unit, const char *expected)
{
    pm_buf b = { 0 };
    pm_compare_format_value(&b, &v, unit);
    assert_string_equal(pm_buf_cstr(&b), expected);
    pm_buf_free(&b);
}

static void test_format_value(void **state)
{
    (void)state;
    expect_formatted(val(GT, 45, 0), "%", ">45%");
    expect_formatted(val(GE, 28, 0), "m2/person", "≥28 m2/person");
    expect_formatted(val(LE, 2, 0), "%", "≤2%");
    expect_formatted(val(BW, 1.5, 1.9), "%", "1.5–1.9%");
    expect_formatted(val(AP, 75, 0), NULL, "≈75");
    expect_formatted((pm_value){ .op = BW, .has_min = true, .min = 3 }, "count", "3–? count");
}

static void test_md_and_html_text(void **state)
{
    (void)state;
    pm_buf b = { 0 };
    pm_md_text(&b, "| 5 | a\\b\r\nc<d>&e |");
    assert_string_equal(pm_buf_cstr(&b), "\\| 5 \\| a\\\\b c&lt;d>&amp;e \\|");
    pm_buf_reset(&b);
    pm_html_text(&b, "<b class=\"x\">Tom & 'Jerry'</b>");
    assert_string_equal(pm_buf_cstr(&b),
                        "&lt;b class=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/b&gt;");
    pm_buf_free(&b);
}

static void test_fold_indicator(void **state)
{
    (void)state;
    pm_buf a = { 0 }, b = { 0 };
    pm_compare_fold_indicator("  Tỉ lệ   hộ nghèo đa chiều: ", &a);
    pm_compare_fold_indicator("TỶ LỆ HỘ NGHÈO ĐA CHIỀU", &b);
    assert_string_equal(pm_buf_cstr(&a), "ti le ho ngheo da chieu");
    assert_string_equal(pm_buf_cstr(&b), "ti le ho ngheo da chieu");
    pm_buf_reset(&a);
    pm_compare_fold_indicator("Quy hoạch, kỹ thuật - thủy lợi", &a);
    /* y after a vowel (quy, thuy) is not the i/y spelling variant */
    assert_string_equal(pm_buf_cstr(&a), "quy hoach, ki thuat - thuy loi");
    pm_buf_free(&a);
    pm_buf_free(&b);
}

/* ---- loading and building ------------------------------------------------------ */

/* A plan-extract/1 document; `targets` and `tasks` are JSON array bodies. */
static json_t *make_doc(const char *province, char sha_digit, const char *targets, const char *tasks)
{
    char sha[65];
    memset(sha, sha_digit, 64);
    sha[64] = '\0';
    char *text = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&text, &n);
    fprintf(f,
            "{\"schema\":\"plan-extract/1\",\"source\":{\"path\":\"%c.txt\",\"sha256\":\"%s\"},"
            "\"document\":{\"province\":%s%s%s},\"sections\":[],\"tables\":[],"
            "\"targets\":[%s],\"tasks\":[%s],\"warnings\":[]}",
            sha_digit, sha, province ? "\"" : "", province ? province : "null",
            province ? "\"" : "", targets, tasks);
    fclose(f);
    json_error_t jerr;
    json_t *root = json_loads(text, 0, &jerr);
    if (!root)
        fail_msg("bad test JSON: %s: %s", jerr.text, text);
    free(text);
    return root;
}

#define TARGET(id, year, op, min, max, unit, line)                                            \
    "{\"indicator\":\"" id "\",\"indicator_id\":\"" id "\",\"year\":" #year                   \
    ",\"value\":{\"op\":\"" op "\",\"min\":" #min ",\"max\":" #max "},\"unit\":\"" unit "\"," \
    "\"aspirational\":false,\"scope\":null,\"lead\":[],\"source\":{\"line\":" #line           \
    ",\"text\":\"x\"}}"

static void add_doc(pm_compare_set *s, json_t *root, const char *origin)
{
    pm_error err;
    if (pm_compare_add_json(s, root, origin, &err) != PM_OK)
        fail_msg("%s: %s", err.file, err.message);
    json_decref(root);
}

static void add_baseline_row(pm_compare_set *s, const char *id, int year, pm_value v, const char *unit)
{
    pm_baseline_row *row = PM_PUSH(&s->arena, s->baseline, s->n_baseline, s->cap_baseline);
    assert_non_null(row);
    *row = (pm_baseline_row){ id, year, v, unit, NULL };
}

static const pm_matrix_row *find_row(const pm_compare_report *r, const char *key, int year)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].key, key) == 0 && r->rows[i].year == year)
            return &r->rows[i];
    fail_msg("no row %s %d", key, year);
    return NULL;
}

static size_t province_index(const pm_compare_report *r, const char *name)
{
    for (size_t i = 0; i < r->n_provinces; i++)
        if (strcmp(r->provinces[i].name, name) == 0)
            return i;
    fail_msg("no province %s", name);
    return 0;
}

static size_t count_code(const pm_compare_report *r, const char *code)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_warnings; i++)
        n += strcmp(r->warnings[i].code, code) == 0;
    return n;
}

static void test_merge_and_disagreement(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_compare_set_init(&s, NULL);
    add_baseline_row(&s, "urbanization_rate", 2030, val(GT, 50, 0), "%");
    add_baseline_row(&s, "transport_land_ratio", 2030, val(BW, 16, 26), "%");
    pm_error err;
    assert_int_equal(pm_compare_load_catalogue(&s, NULL, &err), PM_OK);
    /* Body and appendix of one province: one value disagrees, one agrees.
     * The appendix spells the province in capitals. */
    add_doc(&s, make_doc("Lạng Sơn", 'a',
                         TARGET("urbanization_rate", 2030, "eq", 40, null, "%", 120) ","
                         TARGET("transport_land_ratio", 2030, "between", 16, 24, "%", 241),
                         "{\"lead\":[{\"id\":\"so-xay-dung\",\"name\":\"Sở Xây dựng\"}],"
                         "\"support\":[{\"id\":\"so-tai-chinh\",\"name\":\"Sở Tài chính\"}],"
                         "\"deadline\":{\"kind\":\"range\",\"start\":2023,\"end\":2025}}"),
            "body.json");
    add_doc(&s, make_doc("LẠNG SƠN", 'b',
                         TARGET("urbanization_rate", 2030, "eq", 45, null, "%", 19) ","
                         TARGET("transport_land_ratio", 2030, "between", 16, 24, "%", 96),
                         "{\"lead\":[{\"id\":\"so-xay-dung\",\"name\":\"Sở Xây dựng\"}],"
                         "\"support\":[],\"deadline\":null},"
                         "{\"lead\":[{\"id\":\"so-tai-chinh\",\"name\":\"Sở Tài chính\"}],"
                         "\"support\":[],\"deadline\":{\"kind\":\"annual\"}}"),
            "appendix.json");
    /* Another province stating one value twice, differently, in one document. */
    add_doc(&s, make_doc("Thái Nguyên", 'c',
                         TARGET("urbanization_rate", 2030, "gt", 60, null, "%", 43) ","
                         TARGET("urbanization_rate", 2030, "gt", 55, null, "%", 321),
                         ""),
            "tn.json");

    pm_compare_report r;
    assert_int_equal(pm_compare_build(&s, &r, &err), PM_OK);
    assert_int_equal(r.n_provinces, 2);
    size_t ls = province_index(&r, "Lạng Sơn"), tn = province_index(&r, "Thái Nguyên");
    assert_int_equal(r.provinces[ls].n_docs, 2);

    const pm_matrix_row *urb = find_row(&r, "id:urbanization_rate", 2030);
    assert_non_null(urb->baseline);
    const pm_matrix_cell *cell = &urb->cells[ls];
    assert_int_equal(cell->n_values, 2);
    assert_true(cell->disagreement);
    assert_true(cell->across_documents);
    /* Each value keeps its document and line. */
    assert_int_equal(cell->values[0].target->doc, 0);
    assert_int_equal(cell->values[0].target->line, 120);
    assert_int_equal(cell->values[1].target->doc, 1);
    assert_int_equal(cell->values[1].target->line, 19);
    assert_int_equal(cell->values[0].versus, PM_VERSUS_BELOW);

    const pm_matrix_cell *same = &urb->cells[tn];
    assert_true(same->disagreement);
    assert_false(same->across_documents);
    /* (60,inf) is not entirely above (50,inf): the two overlap. */
    assert_int_equal(same->values[0].versus, PM_VERSUS_WITHIN);

    const pm_matrix_row *road = find_row(&r, "id:transport_land_ratio", 2030);
    assert_int_equal(road->cells[ls].n_values, 2);
    assert_false(road->cells[ls].disagreement);
    assert_int_equal(road->cells[ls].values[0].versus, PM_VERSUS_WITHIN);
    assert_int_equal(road->cells[tn].n_values, 0);

    assert_int_equal(count_code(&r, "documents_disagree"), 1);
    assert_int_equal(count_code(&r, "values_differ_in_document"), 1);

    /* Workload and deadlines merged over both documents. */
    const pm_province_view *v = &r.provinces[ls];
    assert_int_equal(v->n_tasks, 3);
    assert_int_equal(v->n_agencies, 2);
    assert_string_equal(v->agencies[0].agency_id, "so-xay-dung");
    assert_int_equal(v->agencies[0].lead, 2);
    assert_int_equal(v->agencies[1].lead, 1);
    assert_int_equal(v->agencies[1].support, 1);
    assert_int_equal(v->due[PM_DUE_BY_2025], 1);
    assert_int_equal(v->due[PM_DUE_NONE], 1);
    assert_int_equal(v->due[PM_DUE_ANNUAL], 1);

    /* Coverage: Thái Nguyên sets no transport target. */
    assert_int_equal(r.provinces[tn].n_missing, 1);
    assert_string_equal(r.provinces[tn].missing[0], "transport_land_ratio");
    assert_int_equal(v->n_missing, 0);
    pm_compare_set_free(&s);
}

static void test_text_indicators_group(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_compare_set_init(&s, NULL);
    add_doc(&s, make_doc("A", '1',
                         "{\"indicator\":\"Tỉ lệ  hộ nghèo:\",\"indicator_id\":null,\"year\":2025,"
                         "\"value\":{\"op\":\"lt\",\"min\":null,\"max\":2},\"unit\":\"%\"}",
                         ""),
            "a.json");
    add_doc(&s, make_doc("B", '2',
                         "{\"indicator\":\"tỷ lệ hộ nghèo\",\"indicator_id\":null,\"year\":2025,"
                         "\"value\":{\"op\":\"approx\",\"min\":3,\"max\":null},\"unit\":\"%\"},"
                         "{\"indicator\":\"tỷ lệ hộ nghèo\",\"indicator_id\":null,\"year\":2025,"
                         "\"value\":{\"op\":\"sometimes\",\"min\":3,\"max\":null},\"unit\":\"%\"}",
                         ""),
            "b.json");
    pm_compare_report r;
    pm_error err;
    assert_int_equal(pm_compare_build(&s, &r, &err), PM_OK);
    assert_int_equal(r.n_rows, 1);
    assert_string_equal(r.rows[0].key, "text:ti le ho ngheo");
    assert_string_equal(r.rows[0].label, "Tỉ lệ hộ nghèo");
    assert_int_equal(r.rows[0].cells[0].n_values, 1);
    assert_int_equal(r.rows[0].cells[1].n_values, 2);
    assert_int_equal(r.rows[0].cells[1].values[0].versus, PM_VERSUS_NO_BASELINE);
    /* An unknown op is kept, marked as unusable, and differs from the rest. */
    assert_false(r.rows[0].cells[1].values[1].target->value_ok);
    assert_true(r.rows[0].cells[1].disagreement);
    pm_compare_set_free(&s);
}

static void test_bad_documents(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_compare_set_init(&s, NULL);
    pm_error err;
    json_t *wrong = json_pack("{s:s}", "schema", "plan-extract/2");
    assert_int_equal(pm_compare_add_json(&s, wrong, "w.json", &err), PM_ERR_INPUT);
    assert_string_equal(err.file, "w.json");
    json_decref(wrong);
    json_t *no_sha = json_pack("{s:s,s:{s:s}}", "schema", "plan-extract/1", "source", "sha256", "abc");
    assert_int_equal(pm_compare_add_json(&s, no_sha, "x.json", &err), PM_ERR_INPUT);
    json_decref(no_sha);

    /* The same document twice counts once; a missing province stays apart. */
    add_doc(&s, make_doc(NULL, 'd', TARGET("urban_count", 2025, "eq", 17, null, "count", 49), ""), "1.json");
    add_doc(&s, make_doc(NULL, 'd', TARGET("urban_count", 2025, "eq", 17, null, "count", 49), ""), "2.json");
    assert_int_equal(s.n_docs, 1);
    assert_int_equal(s.n_targets, 1);
    assert_string_equal(s.docs[0].province, "? d.txt");
    pm_compare_report r;
    assert_int_equal(pm_compare_build(&s, &r, &err), PM_OK);
    assert_int_equal(count_code(&r, "duplicate_document"), 1);
    assert_int_equal(count_code(&r, "no_province"), 1);
    pm_compare_set_free(&s);
}

/* ---- files: inputs and the baseline ------------------------------------------- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_compare.XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_tmp(const char *name, const char *text)
{
    static char path[4][160];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, sizeof path[0], "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *doc_line(const char *province, char sha_digit)
{
    json_t *root = make_doc(province, sha_digit, TARGET("urbanization_rate", 2025, "gt", 45, null, "%", 1), "");
    char *text = json_dumps(root, JSON_COMPACT);
    json_decref(root);
    return text;
}

static void test_inputs(void **state)
{
    (void)state;
    char *a = doc_line("A", '1'), *b = doc_line("B", '2');
    char jsonl[4096];
    snprintf(jsonl, sizeof jsonl, "%s\n\n%s\n", a, b);
    write_tmp("one.json", a);
    const char *stream = write_tmp("two.jsonl", jsonl);
    write_tmp("notes.txt", "ignored: not *.json in a directory");

    pm_compare_set s;
    pm_compare_set_init(&s, NULL);
    pm_error err;
    assert_int_equal(pm_compare_add_input(&s, stream, &err), PM_OK);
    assert_int_equal(s.n_docs, 2);
    assert_true(strstr(s.docs[1].origin, "two.jsonl:3") != NULL);
    /* The directory holds one.json and two.jsonl again: all three are
     * documents already loaded, so nothing is added twice. */
    assert_int_equal(pm_compare_add_input(&s, tmpdir, &err), PM_OK);
    assert_int_equal(s.n_docs, 2);
    pm_compare_set_free(&s);

    snprintf(jsonl, sizeof jsonl, "%s\n{\"schema\": oops}\n", a);
    const char *broken = write_tmp("broken.jsonl", jsonl);
    pm_compare_set_init(&s, NULL);
    assert_int_equal(pm_compare_add_input(&s, broken, &err), PM_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.file, broken);
    assert_int_equal(pm_compare_add_input(&s, write_tmp("empty.json", " \n"), &err), PM_ERR_INPUT);
    assert_int_equal(pm_compare_add_input(&s, "/nonexistent/x.json", &err), PM_ERR_IO);
    pm_compare_set_free(&s);
    free(a);
    free(b);
}

static void test_baseline_file(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_error err;
    pm_compare_set_init(&s, NULL);
    const char *good = write_tmp("baseline.tsv",
                                 "# comment\r\n\r\n"
                                 "urbanization_rate\t2025\tge\t45\t-\t%\tTỷ lệ đô thị hóa tối thiểu 45%\r\n"
                                 "urban_land_ratio\t2025\tbetween\t1.5\t1.9\t%\n");
    assert_int_equal(pm_compare_load_baseline(&s, good, &err), PM_OK);
    assert_int_equal(s.n_baseline, 2);
    assert_true(s.baseline[0].value.op == PM_OP_GE && s.baseline[0].value.min == 45 &&
                !s.baseline[0].value.has_max);
    assert_string_equal(s.baseline[0].unit, "%");
    assert_string_equal(s.baseline[0].statement, "Tỷ lệ đô thị hóa tối thiểu 45%");
    assert_null(s.baseline[1].statement);
    /* No indicators.tsv: the catalogue is the baseline's ids. */
    assert_int_equal(pm_compare_load_catalogue(&s, "/nonexistent/indicators.tsv", &err), PM_OK);
    assert_int_equal(s.n_catalogue, 2);
    pm_compare_set_free(&s);

    static const struct {
        const char *text;
        size_t line;
    } bad[] = {
        { "x\t2025\tgt\t45\t-\n", 1 },                       /* too few fields */
        { "#\nx\t2025\tabout\t45\t-\t%\n", 2 },              /* unknown op */
        { "x\t2025\tbetween\t16\t11\t%\n", 1 },              /* inverted range */
        { "x\t2025\tlt\t45\t-\t%\n", 1 },                    /* lt needs max */
        { "x\t20x5\tgt\t45\t-\t%\n", 1 },                    /* bad year */
        { "x\t2025\tgt\t4,5\t-\t%\n", 1 },                   /* not a number */
        { "x\t2025\tgt\t45\t-\t%\nx\t2025\teq\t50\t-\t%\n", 2 }, /* listed twice */
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        pm_compare_set_init(&s, NULL);
        const char *path = write_tmp("bad.tsv", bad[i].text);
        assert_int_equal(pm_compare_load_baseline(&s, path, &err), PM_ERR_PATTERN);
        assert_int_equal(err.line, bad[i].line);
        pm_compare_set_free(&s);
    }

    /* The shipped baseline loads and names every row's source. */
    pm_compare_set_init(&s, NULL);
    assert_int_equal(pm_compare_load_baseline(&s, "patterns/baseline.tsv", &err), PM_OK);
    assert_true(s.n_baseline >= 10);
    pm_compare_set_free(&s);
}

static void test_catalogue_file(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_error err;
    pm_compare_set_init(&s, NULL);
    const char *path = write_tmp("indicators.tsv", "# id\tsurface\n"
                                                   "urbanization_rate\t(?i)tỷ lệ đô thị hóa\n"
                                                   "urbanization_rate\t(?i)tỉ lệ đô thị hoá\n"
                                                   "Tỷ lệ đất\turban_land_ratio\n");
    assert_int_equal(pm_compare_load_catalogue(&s, path, &err), PM_OK);
    assert_int_equal(s.n_catalogue, 2);
    assert_string_equal(s.catalogue[0], "urbanization_rate");
    assert_string_equal(s.catalogue[1], "urban_land_ratio");
    pm_compare_set_free(&s);
}

/* ---- renderers ---------------------------------------------------------------- */

static void build_small(pm_compare_set *s, pm_compare_report *r)
{
    pm_error err;
    pm_compare_set_init(s, NULL);
    add_baseline_row(s, "urbanization_rate", 2025, val(GE, 45, 0), "%");
    assert_int_equal(pm_compare_load_catalogue(s, NULL, &err), PM_OK);
    add_doc(s, make_doc("Sóc Trăng", 'e',
                        TARGET("urbanization_rate", 2025, "ge", 45, null, "%", 39) ","
                        "{\"indicator\":\"=cmd|x\",\"indicator_id\":null,\"year\":2025,"
                        "\"value\":{\"op\":\"eq\",\"min\":-5,\"max\":null},\"unit\":\"%\","
                        "\"source\":{\"line\":7,\"text\":\"a, \\\"b\\\"\\r\\nc\"}}",
                        ""),
            "e.json");
    assert_int_equal(pm_compare_build(s, r, &err), PM_OK);
}

static void test_render_csv(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_compare_report r;
    build_small(&s, &r);
    pm_buf out = { 0 };
    assert_int_equal(pm_compare_render_csv(&r, &out), PM_OK);
    const char *csv = pm_buf_cstr(&out);
    assert_true(strncmp(csv, "indicator_key,indicator_id,indicator,year,province,op,min,max,", 62) == 0);
    /* Every record ends in CRLF; a bare LF only inside a quoted field. */
    assert_true(strstr(csv, "evidence\r\n") != NULL);
    assert_true(strstr(csv, "id:urbanization_rate,urbanization_rate,urbanization_rate,2025,Sóc Trăng,"
                            "ge,45,,%,false,,ge,45,,%,within,false,e.txt,39,x\r\n") != NULL);
    /* A negative number stays a number; the formula-like text is defused. */
    assert_true(strstr(csv, "text:=cmd|x,,'=cmd|x,2025,Sóc Trăng,eq,-5,,%,") != NULL);
    assert_true(strstr(csv, ",7,\"a, \"\"b\"\"\r\nc\"\r\n") != NULL);
    pm_buf_free(&out);
    pm_compare_set_free(&s);
}

static void test_render_md_json_html(void **state)
{
    (void)state;
    pm_compare_set s;
    pm_compare_report r;
    build_small(&s, &r);
    pm_buf out = { 0 };
    assert_int_equal(pm_compare_render_md(&r, &out), PM_OK);
    assert_true(strstr(pm_buf_cstr(&out), "| =cmd\\|x | 2025 |") != NULL);
    assert_true(strstr(pm_buf_cstr(&out), "| urbanization_rate | 2025 | ≥45% | ≥45% ● `d0:39` |") != NULL);

    pm_buf_reset(&out);
    assert_int_equal(pm_compare_render_json(&r, &out), PM_OK);
    json_error_t jerr;
    json_t *root = json_loads(pm_buf_cstr(&out), 0, &jerr);
    assert_non_null(root);
    assert_string_equal(json_string_value(json_object_get(root, "schema")), "plan-compare/1");
    json_t *value = json_array_get(json_object_get(json_array_get(json_object_get(
                                       json_array_get(json_object_get(root, "matrix"), 0), "cells"), 0),
                                                   "values"), 0);
    assert_string_equal(json_string_value(json_object_get(value, "versus_baseline")), "within");
    assert_int_equal(json_integer_value(json_object_get(value, "min")), 45);
    assert_int_equal(json_integer_value(json_object_get(value, "line")), 39);
    json_decref(root);

    pm_buf_reset(&out);
    assert_int_equal(pm_compare_render_html(&r, &out), PM_OK);
    const char *html = pm_buf_cstr(&out);
    assert_true(strstr(html, "<svg") != NULL);
    assert_true(strstr(html, "<table class=\"matrix\">") != NULL);
    assert_null(strstr(html, "<script"));
    /* Evidence with quotes and line breaks stays inside its attribute. */
    assert_true(strstr(html, "title=\"e.txt line 7: a, &quot;b&quot;\r\nc\"") != NULL);
    pm_buf_free(&out);
    pm_compare_set_free(&s);
}

static void test_deadline_buckets(void **state)
{
    (void)state;
    static const struct {
        pm_cmp_task task;
        pm_deadline_bucket bucket;
    } cases[] = {
        { { 0, PM_DEADLINE_YEAR, 0, 2025 }, PM_DUE_BY_2025 },
        { { 0, PM_DEADLINE_RANGE, 2023, 2030 }, PM_DUE_BY_2030 },
        { { 0, PM_DEADLINE_RANGE, 2025, 2035 }, PM_DUE_LATER },
        { { 0, PM_DEADLINE_DATE, 0, 2024 }, PM_DUE_BY_2025 },
        { { 0, PM_DEADLINE_QUARTER, 2026, 2026 }, PM_DUE_BY_2030 },
        { { 0, PM_DEADLINE_ANNUAL, 0, 0 }, PM_DUE_ANNUAL },
        { { 0, PM_DEADLINE_ONGOING, 2022, 0 }, PM_DUE_ONGOING },
        { { 0, PM_DEADLINE_UNSPECIFIED, 0, 0 }, PM_DUE_UNSPECIFIED },
        { { 0, PM_DEADLINE_YEAR, 0, 0 }, PM_DUE_UNSPECIFIED },
        { { 0, PM_DEADLINE_NONE, 0, 0 }, PM_DUE_NONE },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_int_equal(pm_deadline_bucket_of(&cases[i].task), cases[i].bucket);
    assert_string_equal(pm_deadline_bucket_name(PM_DUE_BY_2030), "by_2030");
}

static void test_format_parse(void **state)
{
    (void)state;
    pm_compare_format f;
    pm_error err;
    assert_int_equal(pm_compare_format_parse("html", &f, &err), PM_OK);
    assert_int_equal(f, PM_COMPARE_HTML);
    assert_int_equal(pm_compare_format_parse("markdown", &f, &err), PM_OK);
    assert_int_equal(f, PM_COMPARE_MD);
    assert_int_equal(pm_compare_format_parse("xlsx", &f, &err), PM_ERR_USAGE);
    pm_compare_options none = { 0 };
    assert_int_equal(pm_compare_run(&none, &err), PM_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_versus_every_op_pair),
        cmocka_unit_test(test_interval_ends),
        cmocka_unit_test(test_versus_units),
        cmocka_unit_test(test_csv_text),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_format_value),
        cmocka_unit_test(test_md_and_html_text),
        cmocka_unit_test(test_fold_indicator),
        cmocka_unit_test(test_merge_and_disagreement),
        cmocka_unit_test(test_text_indicators_group),
        cmocka_unit_test(test_bad_documents),
        cmocka_unit_test(test_inputs),
        cmocka_unit_test(test_baseline_file),
        cmocka_unit_test(test_catalogue_file),
        cmocka_unit_test(test_render_csv),
        cmocka_unit_test(test_render_md_json_html),
        cmocka_unit_test(test_deadline_buckets),
        cmocka_unit_test(test_format_parse),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}

/* test_extract: targets, tasks and warnings through the real pipeline
 * (pm_text_decode -> pm_segment -> pm_extract), on small texts written for
 * one rule each and on the variant plans in tests/variants/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "extract/internal.h"
#include "scratch.h"

typedef struct fixture {
    pm_patterns *patterns;
    pm_segmenter *segmenter;
    pm_extractor *extractor;
} fixture;

/* One extracted document. */
typedef struct doc {
    pm_arena arena;
    unsigned char *bytes;
    size_t len;
    pm_text text;
    pm_tree tree;
    pm_records rec;
    pm_warnings warnings;
} doc;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    pm_error err;
    const char *dir = getenv("PLANMINE_PATTERNS");
    if (!fx || pm_patterns_load(dir ? dir : "patterns", &fx->patterns, &err) != PM_OK ||
        pm_segmenter_new(fx->patterns, &fx->segmenter, &err) != PM_OK ||
        pm_extractor_new(fx->patterns, &fx->extractor, &err) != PM_OK) {
        fprintf(stderr, "setup: %s:%zu: %s\n", err.file, err.line, err.message);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    pm_extractor_free(fx->extractor);
    pm_segmenter_free(fx->segmenter);
    pm_patterns_free(fx->patterns);
    free(fx);
    return 0;
}

static doc *extract_bytes(void **state, const void *bytes, size_t len)
{
    fixture *fx = *state;
    doc *d = calloc(1, sizeof *d);
    assert_non_null(d);
    pm_arena_init(&d->arena);
    d->bytes = malloc(len + 1);
    assert_non_null(d->bytes);
    memcpy(d->bytes, bytes, len);
    d->len = len;
    d->warnings.arena = &d->arena;
    pm_error err;
    assert_int_equal(pm_text_decode(&d->arena, d->bytes, len, NULL, &d->text, &d->warnings, &err),
                     PM_OK);
    assert_int_equal(pm_segment(fx->segmenter, &d->arena, &d->text, &d->tree, &d->warnings, &err),
                     PM_OK);
    assert_int_equal(pm_extract(fx->extractor, &d->arena, &d->text, &d->tree, &d->rec,
                                &d->warnings, &err),
                     PM_OK);
    return d;
}

static doc *extract_text(void **state, const char *s)
{
    return extract_bytes(state, s, strlen(s));
}

static doc *extract_file(void **state, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "tests/variants/%s", name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return extract_bytes(state, buf, n);
}

static void doc_free(doc *d)
{
    pm_arena_free(&d->arena);
    free(d->bytes);
    free(d);
}

/* ---- lookups ---------------------------------------------------------------- */

static const pm_target *target(const doc *d, const char *id_or_text, int year)
{
    for (size_t i = 0; i < d->rec.n_targets; i++) {
        const pm_target *t = &d->rec.targets[i];
        bool named = (t->indicator_id && strcmp(t->indicator_id, id_or_text) == 0) ||
                     strstr(t->indicator, id_or_text);
        if (named && t->year == year)
            return t;
    }
    return NULL;
}

static const pm_task *task_at(const doc *d, size_t line)
{
    for (size_t i = 0; i < d->rec.n_tasks; i++)
        if (d->rec.tasks[i].source.line == line)
            return &d->rec.tasks[i];
    return NULL;
}

static bool has_agency(const pm_agency *list, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].id, id) == 0)
            return true;
    return false;
}

static size_t warnings_of(const doc *d, const char *code)
{
    size_t k = 0;
    for (size_t i = 0; i < d->warnings.len; i++)
        k += strcmp(d->warnings.items[i].code, code) == 0;
    return k;
}

/* The evidence cut out of the original bytes is the evidence text, up to
 * the spaces and line ends normalisation changed. */
static void assert_evidence(const doc *d, const pm_source *src)
{
    assert_true(src->byte_start < src->byte_end);
    assert_true(src->byte_end <= d->len);
    assert_true(src->line >= 1 && src->line <= d->text.n_lines);
    const char *orig = (const char *)d->bytes + src->byte_start;
    size_t n = src->byte_end - src->byte_start;
    /* first and last letters agree */
    assert_int_equal(orig[0], src->text[0]);
    assert_int_equal(orig[n - 1], src->text[strlen(src->text) - 1]);
}

#define PLAN_HEAD                                                                          \
    "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH\n\nSố: 12/KH-UBND\n\nThái Bình, ngày 10 tháng 3 năm " \
    "2023\n\nKẾ HOẠCH\n\nPhát triển đô thị\n\n"

/* ---- targets in prose ---------------------------------------------------------- */

static void test_year_after_before_and_carried(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "- Tỷ lệ đô thị hóa đến năm 2025 đạt trên 45%, đến năm "
                                           "2030 đạt trên 60%. Tỷ lệ đất giao thông trên đất xây "
                                           "dựng đô thị đạt khoảng 11 - 16% vào năm 2025, 16 - 26% "
                                           "vào năm 2030.\n");
    assert_int_equal(d->rec.n_targets, 4);
    const pm_target *t = target(d, "urbanization_rate", 2030);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_GT);
    assert_true(t->value.min == 60);
    assert_string_equal(t->unit, "%");
    t = target(d, "transport_land_ratio", 2030);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_BETWEEN);
    assert_true(t->value.min == 16 && t->value.max == 26);
    assert_evidence(d, &t->source);
    assert_null(target(d, "urbanization_rate", 2045));
    doc_free(d);
}

static void test_year_later_in_sentence_and_framing(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "Hạ tầng mạng băng rộng cáp quang phủ trên 80% hộ gia "
                                           "đình, đồng thời ngầm hóa hạ tầng viễn thông đến năm "
                                           "2025.\n\n"
                                           "Đến năm 2030 hoàn thành 100% quy hoạch xây dựng vùng "
                                           "huyện. Đầu tư phát triển hình thành 04 đô thị mới loại "
                                           "V.\n");
    const pm_target *t = target(d, "broadband_household_coverage", 2025);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_GT);
    assert_non_null(target(d, "district_plan_coverage", 2030));
    t = target(d, "đô thị mới", 2030); /* the year that opened the paragraph */
    assert_non_null(t);
    assert_string_equal(t->unit, "count");
    assert_true(t->value.min == 4);
    doc_free(d);
}

static void test_coverage_list_is_split(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "- Đến năm 2025, 100% các đô thị hiện có và đô thị mới "
                                           "có quy hoạch chung đô thị, quy hoạch phân khu, quy "
                                           "hoạch chi tiết, chương trình cải tạo, chỉnh trang đô "
                                           "thị theo quy định.\n");
    /* `quy hoạch chi tiết` refines the zoning plans; the programme is its own. */
    assert_int_equal(d->rec.n_targets, 3);
    assert_non_null(target(d, "general_plan_coverage", 2025));
    assert_non_null(target(d, "zoning_plan_coverage", 2025));
    assert_non_null(target(d, "chương trình cải tạo", 2025));
    doc_free(d);
}

static void test_non_targets(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "Thí điểm thực hiện 01 dự án tái thiết đô thị.\n\n"
                                           "Đến năm 2025 có 90% xã (khoảng 162 xã) được lập quy "
                                           "hoạch chung xây dựng xã; sắp xếp các xã có đồng thời "
                                           "cả 2 tiêu chuẩn theo quy định.\n\n"
                                           "Nghị quyết số 148/NQ-CP ngày 11/11/2022 của Hội nghị "
                                           "lần thứ 4 về kế hoạch 5 năm 2021-2025.\n\n"
                                           "Tỷ lệ đô thị hóa năm 2020 đạt 30%.\n");
    /* Only the 90%: no year, an aside, `both`, an ordinal, a duration,
     * a year before the plan. */
    assert_int_equal(d->rec.n_targets, 1);
    assert_non_null(target(d, "commune_plan_coverage", 2025));
    doc_free(d);
}

/* A forecast or a past fact is context: `theo kịch bản …`, a clause dated
 * before the plan; a year named for comparison dates nothing; a footnote
 * marker after a unit is no part of it. A predicate-only clause takes its
 * indicator from the clause before it. */
static void test_forecasts_past_facts_and_earlier_clause(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "Theo kịch bản biến đổi khí hậu, đến năm 2050 mực "
                                           "nước biển dâng khoảng 30 cm²; trong năm 2021 có "
                                           "khoảng 5.000 ha bị ảnh hưởng.\n\n"
                                           "Đến năm 2030, diện tích rừng trồng mới đạt 800 "
                                           "ha¹, tăng 20% so với năm 2020.\n\n"
                                           "Ngầm hóa cáp viễn thông; đến năm 2025 hoàn thành "
                                           "100% các tuyến phố chính.\n\n"
                                           "Đến năm 2030, tỷ lệ che phủ rừng so với năm 2020 "
                                           "tăng thêm 5%.\n");
    assert_null(target(d, "nước biển", 2050));
    assert_non_null(target(d, "che phủ rừng", 2030));
    assert_int_equal(d->rec.n_targets, 4);
    const pm_target *t = target(d, "rừng trồng mới", 2030);
    assert_non_null(t);
    assert_string_equal(t->unit, "ha");
    assert_true(t->value.min == 800);
    t = target(d, "telecom_cable_tidy_ratio", 2025);
    assert_non_null(t);
    assert_true(t->value.min == 100);
    doc_free(d);
}

static void test_lead_in_gives_indicator(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "- Số lượng đô thị toàn tỉnh:\n\n"
                                           "+ Đến năm 2025 toàn tỉnh có 17 đô thị gồm: thành phố "
                                           "Thái Bình (II), thị trấn Tiền Hải (V).\n\n"
                                           "+ Đến năm 2030 toàn tỉnh có 20 đô thị.\n");
    const pm_target *t = target(d, "urban_count", 2025);
    assert_non_null(t);
    assert_true(t->value.min == 17);
    assert_non_null(target(d, "urban_count", 2030));
    doc_free(d);
}

static void test_year_from_heading_and_colon_label(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "1. Mục tiêu đến năm 2026\n\n"
                                           "1.1. Tỷ lệ hộ dân dùng nước sạch đạt 95%.\n\n"
                                           "1.2. Số lượng đô thị: toàn tỉnh có 12 đô thị; đến năm "
                                           "2030 có 14 đô thị.\n\n"
                                           "2. Mục tiêu giai đoạn 2026 - 2030\n\n"
                                           "2.1. Tỷ lệ chất thải rắn được thu gom đạt 90%.\n");
    /* the heading's year, unless the sentence names one */
    const pm_target *t = target(d, "nước sạch", 2026);
    assert_non_null(t);
    assert_true(t->value.min == 95);
    /* `Số lượng đô thị:` names what the values after it count */
    t = target(d, "urban_count", 2026);
    assert_non_null(t);
    assert_true(t->value.min == 12);
    assert_non_null(target(d, "urban_count", 2030));
    /* a heading that names a period gives no year */
    for (size_t i = 0; i < d->rec.n_targets; i++)
        assert_false(d->rec.targets[i].value.min == 90);
    doc_free(d);
}

/* `a) Định hướng đến năm 2030` heads this plan's own targets (a vision
 * names another document only after its name); a dotted heading whose
 * title is the target takes its parent's year; magnitudes and counted
 * nouns give units (a magnitude scales a count); `trên 100% các …` is
 * `on`, not `above`. */
static void test_horizon_heading_and_counted_units(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "I. MỤC TIÊU\n\n"
                                           "1. Mục tiêu cụ thể\n\n"
                                           "a) Định hướng đến năm 2030\n\n"
                                           "- Tỷ lệ hộ dân dùng nước sạch đạt 98%; trên 100% các "
                                           "trường học có nhà vệ sinh đạt chuẩn.\n\n"
                                           "2. Mục tiêu đến năm 2027\n\n"
                                           "2.1. Về du lịch: đón khoảng 4 triệu lượt khách; có tối "
                                           "thiểu 800 phòng nghỉ đạt chuẩn.\n");
    const pm_target *t = target(d, "nước sạch", 2030);
    assert_non_null(t);
    assert_true(t->value.min == 98);
    t = target(d, "trường học", 2030);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_EQ);
    assert_true(t->value.min == 100);
    t = target(d, "khách", 2027);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_APPROX);
    assert_true(t->value.min == 4000000);
    assert_string_equal(t->unit, "count");
    t = target(d, "phòng nghỉ", 2027);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_GE);
    assert_true(t->value.min == 800);
    assert_string_equal(t->unit, "count");
    doc_free(d);
}

/* ---- target tables --------------------------------------------------------------- */

static void test_targets_table_two_row_header(void **state)
{
    doc *d = extract_file(state, "digital-two-row-table.txt");
    /* years from `Mục tiêu / Năm 2025`, never from `Hiện trạng 2023` */
    const pm_target *t = target(d, "smartphone_adult_ratio", 2030);
    assert_non_null(t);
    assert_true(t->value.min == 95);
    assert_int_equal(t->table, 0);
    assert_null(target(d, "smartphone_adult_ratio", 2023));
    t = target(d, "Số doanh nghiệp công nghệ số", 2025); /* not in the catalogue */
    assert_non_null(t);
    assert_null(t->indicator_id);
    assert_string_equal(t->unit, "count");
    t = target(d, "trực tuyến toàn trình", 2025);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_GE);
    assert_int_equal(warnings_of(d, "unknown_indicator"), 2);
    /* a target sentence inside a task table cell */
    t = target(d, "Số hóa hồ sơ", 2025);
    assert_non_null(t);
    assert_int_equal(t->table, 1);
    assert_true(has_agency(t->lead, t->n_lead, "van-phong-ubnd-tinh"));
    doc_free(d);
}

/* A period column holds what is due at the period's end; an estimate
 * column (`Ước TH`) is no target; a unit column of counted things gives
 * `count`. */
static void test_targets_table_period_and_estimate_columns(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "PHỤ LỤC\n\n"
                                           "| TT | Chỉ tiêu | Đơn vị | Ước TH 2024 | "
                                           "Giai đoạn 2021-2025 | 2026 - 2030 |\n"
                                           "|----|----|----|----|----|----|\n"
                                           "| 1 | Số buồng lưu trú | Buồng | 3.650 | 4.000 | "
                                           "4.500 |\n"
                                           "| 2 | Tổng lượt khách | Lượt khách | 900.000 | "
                                           "1.000.000 | 1.500.000 |\n");
    const pm_target *t = target(d, "buồng", 2025);
    assert_non_null(t);
    assert_true(t->value.min == 4000);
    assert_string_equal(t->unit, "count");
    t = target(d, "lượt khách", 2030);
    assert_non_null(t);
    assert_true(t->value.min == 1500000);
    assert_string_equal(t->unit, "count");
    assert_null(target(d, "buồng", 2024));
    assert_null(target(d, "buồng", 2021));
    assert_null(target(d, "lượt khách", 2026));
    assert_int_equal(d->rec.n_targets, 4);
    doc_free(d);
}

/* A column of a year before the plan's (`Năm 2022` in a plan of 2023) is a
 * baseline; a header cell spans the empty-headed columns its sub-column
 * row names, each sub-column a target of its own scope; with no unit
 * column the unit closes the indicator cell in parentheses. */
static void test_targets_table_past_year_sub_columns_and_units(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "PHỤ LỤC\n\n"
                                           "| TT | Chỉ tiêu | Năm 2022 | Mục tiêu năm 2025 | |\n"
                                           "| | | | Cả tỉnh | Thành phố Thái Bình |\n"
                                           "|----|----|----|----|----|\n"
                                           "| 1 | Tỷ lệ đô thị hóa (%) | 30 | 35 | 80 |\n"
                                           "| 2 | Thu nhập của lao động nông nghiệp "
                                           "(triệu đồng/người/năm) | 40 | ≥ 52 | - |\n"
                                           "| 3 | Số hợp tác xã kiểu mới (hợp tác xã) | 7 | 12 "
                                           "| 3 |\n"
                                           "| 4 | Diện tích lúa chất lượng cao (toàn vùng) | 5 "
                                           "| 9 | - |\n");
    assert_null(target(d, "urbanization_rate", 2022));
    assert_null(target(d, "Thu nhập", 2022));
    const pm_target *t = target(d, "(Cả tỉnh)", 2025);
    assert_non_null(t);
    assert_string_equal(t->indicator_id, "urbanization_rate");
    assert_string_equal(t->unit, "%");
    assert_true(t->value.min == 35);
    assert_string_equal(t->scope, "Cả tỉnh");
    t = target(d, "Tỷ lệ đô thị hóa (Thành phố Thái Bình)", 2025);
    assert_non_null(t);
    assert_true(t->value.min == 80);
    assert_string_equal(t->scope, "Thành phố Thái Bình");
    t = target(d, "Thu nhập của lao động nông nghiệp (Cả tỉnh)", 2025);
    assert_non_null(t);
    assert_string_equal(t->unit, "triệu đồng/người/năm");
    assert_int_equal(t->value.op, PM_OP_GE);
    assert_null(strstr(t->indicator, "năm)"));
    t = target(d, "Số hợp tác xã kiểu mới (Thành phố Thái Bình)", 2025);
    assert_non_null(t);
    assert_string_equal(t->unit, "count");
    /* a parenthesis that names no unit stays in the indicator */
    t = target(d, "(toàn vùng) (Cả tỉnh)", 2025);
    assert_non_null(t);
    assert_string_equal(t->unit, "count");
    /* `-` cells give nothing: 2 + 1 + 2 + 1 */
    assert_int_equal(d->rec.n_targets, 6);
    doc_free(d);
}

/* A period right before a value dates it by its end (`giai đoạn 2024 -
 * 2025 khoảng 1.200 tỷ đồng`); a rate's unit is kept whole; a qualifier
 * inside an indicator's words does not hide it; `không còn … dưới N`
 * sets no value. */
static void test_periods_rates_qualifiers_and_none_left(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "I. MỤC TIÊU\n\n"
                                    "Tổng nguồn vốn xã hội hóa cho hạ tầng giai đoạn 2023 - 2025 "
                                    "khoảng 1.200 tỷ đồng, giai đoạn 2026 - 2030 khoảng 3.000 tỷ "
                                    "đồng.\n\n"
                                    "Đến năm 2025, thu nhập bình quân của cư dân ven biển đạt 61 "
                                    "triệu đồng/người/năm; tỷ lệ nước thải sinh hoạt ở các đô thị "
                                    "loại III trở lên được thu gom, xử lý đạt 25%; không còn thôn "
                                    "dưới 12 tiêu chí.\n\n"
                                    "Kế hoạch giai đoạn 2023 - 2025 được triển khai tại 8 huyện.\n");
    const pm_target *t = target(d, "nguồn vốn xã hội hóa", 2025);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_APPROX);
    assert_true(t->value.min == 1200);
    assert_string_equal(t->unit, "tỷ đồng");
    t = target(d, "nguồn vốn xã hội hóa", 2030);
    assert_non_null(t);
    assert_true(t->value.min == 3000);
    t = target(d, "thu nhập bình quân", 2025);
    assert_non_null(t);
    assert_string_equal(t->unit, "triệu đồng/người/năm");
    t = target(d, "wastewater_treatment_ratio", 2025);
    assert_non_null(t);
    assert_true(t->value.min == 25);
    assert_null(target(d, "thôn", 2025));
    assert_int_equal(d->rec.n_targets, 4);
    doc_free(d);
}

/* ---- tasks -------------------------------------------------------------------------- */

/* A predicate-only clause continues its subject; a year closing the value's
 * noun phrase dates it; a count names what it counts, not where or why; a
 * rate keeps its unit. */
static void test_clause_forms_and_counts(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "II. MỤC TIÊU\n\n"
                                    "- Đến năm 2025, tỷ lệ diện tích đất đô thị có quy hoạch phân "
                                    "khu đạt 50%; đến năm 2030 phủ kín 100% diện tích đất đô thị.\n\n"
                                    "- Mạng băng rộng cáp quang phủ đến 70% hộ gia đình năm 2025, trên 95% hộ gia "
                                    "đình năm 2030.\n\n"
                                    "- Đến năm 2030 hoàn thành tối thiểu 1.200 căn hộ nhà ở xã hội "
                                    "theo chỉ tiêu được giao.\n\n"
                                    "- Đến năm 2030, người dân nông thôn dùng nước sạch tối thiểu "
                                    "80 lít/người/ngày.\n");
    const pm_target *t = target(d, "zoning_plan_coverage", 2030);
    assert_non_null(t);
    assert_true(t->value.has_min && t->value.min == 100);
    t = target(d, "broadband_household_coverage", 2030);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_GT);
    assert_true(t->value.min == 95);
    t = target(d, "broadband_household_coverage", 2025);
    assert_non_null(t);
    assert_true(t->value.min == 70);
    t = target(d, "căn hộ", 2030);
    assert_non_null(t);
    assert_string_equal(t->unit, "count");
    assert_null(strstr(t->indicator, "chỉ tiêu"));
    t = target(d, "nước", 2030);
    assert_non_null(t);
    assert_string_equal(t->unit, "lít/người/ngày");
    doc_free(d);
}

/* A count of a bare noun states the number of those things; a rate keeps
 * its unit; `đạt` makes an age a measure; a period inside the indicator's
 * name does not date the value when the heading does. */
static void test_bare_counts_rates_and_named_periods(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "I. MỤC TIÊU\n\n"
                                    "1. Mục tiêu cụ thể\n\n"
                                    "- Đến năm 2026 cả tỉnh có 9 đô thị; đến năm 2030 có 12 đô "
                                    "thị, trong đó 2 đô thị loại III.\n\n"
                                    "- Tỷ lệ xã đạt Bộ tiêu chí về giáo dục giai đoạn đến năm 2030 "
                                    "đạt 80%.\n\n"
                                    "2. Đến năm 2027\n\n"
                                    "- Đạt 28 giường bệnh/vạn dân;\n\n"
                                    "- Tỷ lệ thôn đạt Bộ tiêu chí nông thôn mới giai đoạn đến năm "
                                    "2030 đạt trên 60%;\n\n"
                                    "- Tuổi thọ bình quân đạt khoảng 74 tuổi;\n\n"
                                    "- Bảo đảm 100% trẻ em dưới 6 tuổi có thẻ bảo hiểm y tế.\n");
    const pm_target *t = target(d, "urban_count", 2026);
    assert_non_null(t);
    assert_true(t->value.min == 9);
    assert_string_equal(t->unit, "count");
    t = target(d, "urban_count", 2030);
    assert_non_null(t);
    assert_true(t->value.min == 12);
    for (size_t i = 0; i < d->rec.n_targets; i++) /* `đô thị loại III` is no bare count */
        assert_false(d->rec.targets[i].indicator_id &&
                     strcmp(d->rec.targets[i].indicator_id, "urban_count") == 0 &&
                     d->rec.targets[i].value.min == 2);
    t = target(d, "Bộ tiêu chí về giáo dục", 2030); /* no heading year: the phrase dates it */
    assert_non_null(t);
    t = target(d, "giường bệnh", 2027);
    assert_non_null(t);
    assert_string_equal(t->unit, "giường bệnh/vạn dân");
    t = target(d, "nông thôn mới", 2027);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_GT);
    assert_null(target(d, "nông thôn mới", 2030));
    t = target(d, "Tuổi thọ", 2027);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_APPROX);
    assert_string_equal(t->unit, "tuổi");
    t = target(d, "trẻ em", 2027);
    assert_non_null(t);
    assert_string_equal(t->unit, "%");
    for (size_t i = 0; i < d->rec.n_targets; i++) /* `dưới 6 tuổi` is a scope */
        assert_false(d->rec.targets[i].value.has_max && d->rec.targets[i].value.max == 6);
    doc_free(d);
}

/* The total row of a list under target-year columns counts what it lists;
 * a total of no bare count and a table without year columns state nothing. */
static void test_table_total_row(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "I. MỤC TIÊU\n\n"
                                    "Danh mục đô thị đến năm 2030\n\n"
                                    "TT\tTên đô thị\tLoại đô thị năm 2026\tLoại đô thị năm 2030\n"
                                    "1\tThành phố Đông Hà\tII\tII\n"
                                    "2\tThị xã Quảng Trị\tIV\tIII\n"
                                    "3\tThị trấn Cam Lộ\tV\tIV\n"
                                    "\tTổng cộng\t3 đô thị\t3 đô thị\n\n"
                                    "Danh mục dự án\n\n"
                                    "TT\tTên dự án\tGhi chú\n"
                                    "1\tĐường ven biển\t\n"
                                    "\tTổng cộng\t5 dự án\n");
    const pm_target *t = target(d, "urban_count", 2026);
    assert_non_null(t);
    assert_true(t->value.min == 3);
    assert_string_equal(t->unit, "count");
    assert_int_equal(t->table, 0);
    assert_non_null(target(d, "urban_count", 2030));
    for (size_t i = 0; i < d->rec.n_targets; i++)
        assert_int_not_equal(d->rec.targets[i].table, 1);
    doc_free(d);
}

/* `theo tiến độ …` says how, not when: unspecified, unlike no phrase. */
static void test_sentence_task_schedule_phrase(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                                    "1. Hạ tầng\n\n"
                                    "a) Sở Giao thông vận tải chủ trì nâng cấp các tuyến đường "
                                    "tỉnh, thực hiện theo tiến độ các dự án được\nphê duyệt.\n\n"
                                    "b) Sở Xây dựng chủ trì rà soát quy hoạch chung.\n");
    const pm_task *k = task_at(d, 15);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_UNSPECIFIED);
    assert_non_null(strstr(k->deadline.text, "theo tiến độ"));
    k = task_at(d, 18);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_NONE);
    doc_free(d);
}

static void test_body_fields(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "III. NHIỆM VỤ, GIẢI PHÁP\n\n"
                                    "1. Nâng cao chất lượng quy hoạch đô thị\n\n"
                                    "Tổ chức rà soát, điều chỉnh quy hoạch chung.\n\n"
                                    "- *Phân công thực hiện:* Sở Xây dựng chủ trì, phối hợp với Sở "
                                    "Tài chính (trên cơ sở đề xuất của UBND các huyện, thành phố) "
                                    "tham mưu UBND tỉnh.\n\n"
                                    "- *Thời gian thực hiện:* Thường xuyên.\n\n"
                                    "2. Phát triển nhà ở xã hội\n\n"
                                    "Co quan thuc hien: Sở Kế hoạch và Đầu tư chủ trì phối hợp các "
                                    "sở, ban, ngành khẩn trương hoàn thành, dự kiến hoàn thành "
                                    "trong năm 2024.\n\n"
                                    "Cơ quan phối hợp: Sở Xây dựng.\n");
    assert_int_equal(d->rec.n_tasks, 2);
    const pm_task *k = task_at(d, 13);
    assert_non_null(k);
    assert_string_equal(k->label, "1");
    assert_string_equal(k->text, "Nâng cao chất lượng quy hoạch đô thị");
    assert_true(has_agency(k->lead, k->n_lead, "so-xay-dung"));
    assert_true(has_agency(k->support, k->n_support, "so-tai-chinh"));
    assert_true(has_agency(k->support, k->n_support, "ubnd-cap-huyen"));
    assert_false(has_agency(k->lead, k->n_lead, "ubnd-tinh")); /* an object, not an assignee */
    assert_int_equal(k->deadline.kind, PM_DEADLINE_ONGOING);
    k = task_at(d, 21);
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "so-ke-hoach-va-dau-tu"));
    assert_true(has_agency(k->support, k->n_support, "so-xay-dung"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_YEAR); /* from the assignment */
    assert_int_equal(k->deadline.end, 2024);
    assert_evidence(d, &k->source);
    doc_free(d);
}

static void test_sentence_tasks_only_in_task_part(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                                    "1. Tuyên truyền\n\n"
                                    "a) Sở Thông tin và Truyền thông đôn đốc, hướng dẫn các cơ quan "
                                    "báo chí tuyên truyền về quy hoạch.\n\n"
                                    "b) Tiếp tục thực hiện tốt các chính sách đất đai.\n\n"
                                    "Các sở, ban, ngành, UBND các huyện, thành phố tổ chức triển "
                                    "khai thực hiện.\n\n"
                                    "c) Đến năm 2025, hoàn thiện tiêu chí phân loại đô thị của thành "
                                    "phố Thái Bình. UBND thành phố chủ trì thực hiện.\n\n"
                                    "2. Đề nghị các tổ chức phối hợp\n\n"
                                    "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh tăng cường giám sát.\n\n"
                                    "III. TỔ CHỨC THỰC HIỆN\n\n"
                                    "1. Sở Xây dựng chủ trì theo dõi, đôn đốc thực hiện Kế hoạch.\n");
    assert_int_equal(d->rec.n_tasks, 3);
    const pm_task *k = task_at(d, 15);
    assert_non_null(k);
    assert_int_equal(k->n_lead, 1);
    assert_string_equal(k->lead[0].id, "so-thong-tin-va-truyen-thong");
    assert_int_equal(k->deadline.kind, PM_DEADLINE_NONE);
    k = task_at(d, 17); /* roles from the paragraph under the item */
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "cac-so-ban-nganh"));
    assert_true(has_agency(k->lead, k->n_lead, "ubnd-cap-huyen"));
    k = task_at(d, 21);
    assert_non_null(k);
    /* the one city the plan names; the one year of the first sentence */
    assert_true(has_agency(k->lead, k->n_lead, "ubnd-thanh-pho-thai-binh"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_YEAR);
    assert_int_equal(k->deadline.end, 2025);
    doc_free(d);
}

static void test_deadline_not_from_target_years(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                                           "1. Hạ tầng\n\n"
                                           "a) Phấn đấu tỷ lệ đất giao thông trên đất xây dựng đô thị "
                                           "đạt khoảng 11-16% vào năm 2025.\n\n"
                                           "Cơ quan thực hiện: UBND các huyện, thành phố.\n\n"
                                           "b) Sắp xếp đơn vị hành chính cấp xã.\n\n"
                                           "- Giai đoạn 2023-2025: xây dựng đề án.\n\n"
                                           "- Giai đoạn 2026-2030: thành lập thị trấn mới.\n\n"
                                           "Cơ quan thực hiện: Sở Nội vụ.\n");
    const pm_task *k = task_at(d, 15);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_NONE);
    k = task_at(d, 19);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_RANGE);
    assert_int_equal(k->deadline.start, 2023);
    assert_int_equal(k->deadline.end, 2030);
    doc_free(d);
}

static void test_sentence_task_closing_deadline(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                                    "1. Quy hoạch\n\n"
                                    "a) Sở Xây dựng chủ trì lập Chương trình phát triển đô thị đến "
                                    "năm 2035, trình UBND tỉnh phê duyệt; hoàn thành trong năm "
                                    "2024.\n\n"
                                    "b) Sở Nội vụ chủ trì xây dựng kế hoạch hằng năm, trình UBND "
                                    "tỉnh ban hành trong Quý II/2024.\n\n"
                                    "c) Sở Y tế chủ trì rà soát các cơ sở theo Luật Khám bệnh năm "
                                    "2023; thực hiện hằng năm.\n\n"
                                    "d) Sở Tài chính chủ trì bảo đảm tỷ lệ giải ngân đạt 95% vào "
                                    "năm 2025.\n\n"
                                    "đ) Sở Công Thương chủ trì lập đề án theo Quyết định số "
                                    "12/QĐ-UBND ngày 05/01/2023; hoàn thành trước ngày "
                                    "30/9/2024.\n");
    const pm_task *k = task_at(d, 15); /* the closing phrase, not the programme's horizon */
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_YEAR);
    assert_int_equal(k->deadline.end, 2024);
    k = task_at(d, 17); /* `kế hoạch hằng năm` is what is made, not when */
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_QUARTER);
    assert_int_equal(k->deadline.end, 2024);
    k = task_at(d, 19); /* a law's year is no deadline */
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_ANNUAL);
    k = task_at(d, 21); /* a target's year is no deadline */
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_NONE);
    k = task_at(d, 23); /* the decision's date is no deadline */
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_DATE);
    assert_string_equal(k->deadline.date, "2024-09-30");
    doc_free(d);
}

/* Items written as sentences: the deadline in the paragraph that assigns
 * the item, `Giao …` opening a later sentence, `từ năm … và các năm tiếp
 * theo`, a merged department and an enterprise among the supporters. */
static void test_sentence_task_assignment_forms(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                                    "1. Du lịch\n\n"
                                    "1.1. Lập đề án phát triển du lịch cộng đồng.\n\n"
                                    "UBND cấp huyện chủ trì, phối hợp với Sở Du lịch tổ chức lập; "
                                    "thời gian thực hiện giai đoạn 2025 - 2027.\n\n"
                                    "1.2. Xây dựng cơ sở dữ liệu du lịch. Giao Sở KH&ĐT chủ trì, "
                                    "phối hợp với Sở Tư pháp thực hiện từ năm 2026 và các năm tiếp "
                                    "theo.\n\n"
                                    "1.3. Nâng cấp đường vào khu du lịch. Sở Giao thông vận tải - "
                                    "Xây dựng chủ trì, phối hợp với Sở Tài chính, Viettel Thái Bình "
                                    "thực hiện, hoàn thành trong năm 2026.\n");
    const pm_task *k = task_at(d, 15);
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "ubnd-cap-huyen"));
    assert_true(has_agency(k->support, k->n_support, "so-du-lich"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_RANGE);
    assert_int_equal(k->deadline.start, 2025);
    assert_int_equal(k->deadline.end, 2027);
    k = task_at(d, 19);
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "so-ke-hoach-va-dau-tu"));
    assert_true(has_agency(k->support, k->n_support, "so-tu-phap"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_ONGOING);
    assert_int_equal(k->deadline.start, 2026);
    k = task_at(d, 21);
    assert_non_null(k);
    assert_int_equal(k->n_lead, 1);
    assert_string_equal(k->lead[0].id, "so-giao-thong-van-tai-xay-dung");
    assert_true(has_agency(k->support, k->n_support, "so-tai-chinh"));
    assert_true(has_agency(k->support, k->n_support, "viettel-thai-binh"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_YEAR);
    assert_int_equal(k->deadline.end, 2026);
    doc_free(d);
}

/* Fields on one line after the item (`Chủ trì: …; phối hợp: …; thời gian:
 * …`); in assignment sentences, deadlines written in words and a later
 * clause of supporters. */
static void test_inline_fields_and_worded_deadlines(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                                    "1. Thể chế\n\n"
                                    "1.1. Ban hành quy chế khai thác dữ liệu dùng chung.\n"
                                    "Chủ trì: Sở TT&TT; phối hợp: Sở Tư pháp, Sở Nội vụ; thời "
                                    "gian: Quý III/2024.\n\n"
                                    "1.2. Xây dựng kho dữ liệu nông nghiệp.\n"
                                    "Chủ trì thực hiện: Sở NN&PTNT, phối hợp: Sở Tài chính.\n\n"
                                    "2. Nhà ở\n\n"
                                    "a) Giao Sở Xây dựng chủ trì lập danh mục dự án; hoàn thành "
                                    "trước ngày 30 tháng 11 năm 2024.\n\n"
                                    "b) Giao Sở Tài chính chủ trì bố trí vốn; định kỳ 6 tháng báo "
                                    "cáo UBND tỉnh.\n\n"
                                    "c) Sở Nội vụ chủ trì hướng dẫn thủ tục. Thời gian: thường "
                                    "xuyên.\n\n"
                                    "d) Giao Sở Y tế chủ trì kiểm tra cơ sở; UBND các huyện, Sở "
                                    "Công Thương phối hợp thực hiện; Sở Tư pháp thẩm định.\n");
    const pm_task *k = task_at(d, 15);
    assert_non_null(k);
    assert_int_equal(k->n_lead, 1);
    assert_string_equal(k->lead[0].id, "so-thong-tin-va-truyen-thong");
    assert_int_equal(k->n_support, 2);
    assert_true(has_agency(k->support, k->n_support, "so-noi-vu"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_QUARTER);
    assert_int_equal(k->deadline.end, 2024);
    k = task_at(d, 18);
    assert_non_null(k);
    assert_int_equal(k->n_lead, 1);
    assert_true(has_agency(k->support, k->n_support, "so-tai-chinh"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_NONE);
    k = task_at(d, 23);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_DATE);
    assert_string_equal(k->deadline.date, "2024-11-30");
    k = task_at(d, 25); /* recurs, but not yearly */
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_ONGOING);
    k = task_at(d, 27);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_ONGOING);
    k = task_at(d, 29); /* a later clause's subject `phối hợp`: supporters */
    assert_non_null(k);
    assert_int_equal(k->n_lead, 1);
    assert_string_equal(k->lead[0].id, "so-y-te");
    assert_int_equal(k->n_support, 2);
    assert_true(has_agency(k->support, k->n_support, "ubnd-cap-huyen"));
    assert_true(has_agency(k->support, k->n_support, "so-cong-thuong"));
    doc_free(d);
}

static void test_task_table(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "Phụ lục\n\n"
                                    "STT\tNội dung\tThời gian thực hiện\tCơ quan tổ chức thực hiện/ "
                                    "phối hợp\tCơ quan phê duyệt\n"
                                    "I\tNhóm nhiệm vụ về quy hoạch\t\t\t\n"
                                    "1\tLập quy hoạch phân khu\t2023-2025\t- UBND các huyện, thành "
                                    "phố; - Sở Xây dựng (phối hợp)\tUBND tỉnh\n"
                                    "2\tRà soát các thiết chế văn hóa\tHằng năm\t\t\n"
                                    "\tCác sở, ban, ngành tỉnh thực hiện: tuyên truyền nghị "
                                    "quyết\t2022\t\t\n");
    assert_int_equal(d->rec.n_tasks, 3); /* the group row is no task */
    const pm_task *k = task_at(d, 15);
    assert_non_null(k);
    assert_string_equal(k->label, "1");
    assert_true(has_agency(k->lead, k->n_lead, "ubnd-cap-huyen"));
    assert_true(has_agency(k->support, k->n_support, "so-xay-dung"));
    assert_true(has_agency(k->approver, k->n_approver, "ubnd-tinh"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_RANGE);
    k = task_at(d, 16);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_ANNUAL);
    assert_int_equal(k->n_lead + k->n_support, 0);
    k = task_at(d, 17); /* the lead named by the content */
    assert_null(k->label);
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "cac-so-ban-nganh"));
    assert_int_equal(warnings_of(d, "task_without_agency"), 1);
    assert_int_equal(warnings_of(d, "deadline_before_plan"), 1);
    doc_free(d);
}

static void test_task_table_any_work_header(void **state)
{
    doc *d = extract_text(state, PLAN_HEAD "Phụ lục\n\n"
                                           "TT\tTên dự án\tCơ quan chủ trì\tThời gian hoàn thành\n"
                                           "1\tCải tạo chợ trung tâm huyện\tUBND huyện Kiến "
                                           "Xương\tQuý III/2025\n");
    /* an agency column makes the first unnamed column the work */
    const pm_task *k = task_at(d, 14);
    assert_non_null(k);
    assert_string_equal(k->text, "Cải tạo chợ trung tâm huyện");
    assert_true(has_agency(k->lead, k->n_lead, "ubnd-huyen-kien-xuong"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_QUARTER);
    doc_free(d);
}

/* ---- warnings ---------------------------------------------------------------------- */

static void test_value_conflict_and_citations(void **state)
{
    doc *d = extract_text(state,
                          PLAN_HEAD "I. MỤC TIÊU\n\n"
                                    "Đến năm 2030, tỷ lệ nước thải sinh hoạt được xử lý đạt trên "
                                    "50%. Diện tích sàn nhà ở bình quân đầu người tại khu vực đô "
                                    "thị đạt 28 m² vào năm 2025.\n\n"
                                    "Phụ lục\n\n"
                                    "(Kèm theo Kế hoạch số 21/KH-UBND ngày 19 tháng 3 năm 2023 của "
                                    "UBND tỉnh Thái Bình)\n\n"
                                    "STT\tNội dung\tThời gian thực hiện\tCơ quan chủ trì\n"
                                    "1\tĐến năm 2030 tỷ lệ nước thải sinh hoạt được xử lý đạt từ "
                                    "40%-45%; diện tích sàn nhà ở bình quân đầu người tại khu vực "
                                    "đô thị đạt tối thiểu 28 m² vào năm 2025\t2023-2030\tSở Xây "
                                    "dựng\n");
    /* 40-45% cannot hold with >50%; `tối thiểu 28` agrees with `28` */
    assert_int_equal(warnings_of(d, "value_conflict"), 1);
    assert_int_equal(warnings_of(d, "number_mismatch"), 1);
    assert_int_equal(warnings_of(d, "date_mismatch"), 1);
    doc_free(d);
}

/* ---- variants ------------------------------------------------------------------------ */

static void test_variant_poverty_crlf_nbsp(void **state)
{
    doc *d = extract_file(state, "poverty-sentences-crlf.txt");
    /* a topic outside the catalogue: records still come, ids are null */
    const pm_target *t = target(d, "tỷ lệ hộ nghèo", 2025);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_LT);
    assert_null(t->indicator_id);
    assert_evidence(d, &t->source);
    t = target(d, "Số lao động được đào tạo nghề", 2025);
    assert_non_null(t);
    assert_int_equal(t->value.op, PM_OP_APPROX);
    assert_true(t->value.min == 5000);
    t = target(d, "mô hình", 2025);
    assert_non_null(t);
    assert_true(t->aspirational);
    for (size_t i = 0; i < d->rec.n_targets; i++)
        assert_false(d->rec.targets[i].value.min == 30); /* `(khoảng 30 xã …)` */
    /* `Phần`/`Mục` numbering, tasks as sentences, an OCR field label, phases */
    assert_int_equal(d->rec.n_tasks, 3);
    const pm_task *k = task_at(d, 16);
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "so-lao-dong-thuong-binh-va-xa-hoi"));
    assert_true(has_agency(k->support, k->n_support, "so-tai-chinh"));
    k = task_at(d, 18);
    assert_non_null(k);
    assert_true(has_agency(k->lead, k->n_lead, "ubnd-cap-huyen"));
    assert_int_equal(k->deadline.kind, PM_DEADLINE_RANGE);
    assert_int_equal(k->deadline.end, 2028);
    k = task_at(d, 22);
    assert_non_null(k);
    assert_int_equal(k->deadline.kind, PM_DEADLINE_QUARTER);
    assert_evidence(d, &k->source);
    doc_free(d);
}

/* ---- year phrases: the anchored search against a search at every start ---- */

/* The year phrases as an unanchored search finds them: target-cues.year
 * (it starts with `\G`) tried at every character from `at` on, the first
 * that matches taken. Invalid UTF-8 has none, as PCRE2 refuses it. */
static size_t year_phrases_slowly(const pm_extractor *x, pcre2_match_data *md, const char *s,
                                  size_t n, pm_year_phrase *out, size_t max)
{
    const pcre2_code *re = pm_cue(x, "target-cues.year");
    if (!pm_utf8_valid(s, n))
        return 0;
    size_t found = 0;
    for (size_t at = 0; found < max && at <= n;) {
        size_t p = at;
        for (; p <= n; p++)
            if ((p == n || ((unsigned char)s[p] & 0xC0) != 0x80) &&
                pm_regex_match(x->patterns, re, s, n, p, PCRE2_NO_UTF_CHECK, md) > 0)
                break;
        if (p > n)
            break;
        size_t ms, me, gs, ge;
        pm_regex_group(md, 0, &ms, &me);
        pm_year_phrase *yp = &out[found++];
        yp->start = ms;
        yp->end = me;
        yp->vision = pm_regex_named(re, md, "vision", &gs, &ge);
        int first = pm_regex_named(re, md, "first", &gs, &ge) ? atoi(s + gs) : 0;
        int last = pm_regex_named(re, md, "last", &gs, &ge) ? atoi(s + gs) : 0;
        yp->first = last ? first : 0;
        yp->year = last ? last : first;
        at = me > ms ? me : ms + 1;
    }
    return found;
}

static void check_year_phrases(const pm_extractor *x, pcre2_match_data *md, const char *s,
                               size_t n)
{
    pm_year_phrase fast[32], slow[32];
    size_t nf = pm_find_year_phrases(x, md, s, n, fast, 32);
    size_t ns = year_phrases_slowly(x, md, s, n, slow, 32);
    bool same = nf == ns;
    for (size_t i = 0; same && i < nf; i++)
        same = fast[i].start == slow[i].start && fast[i].end == slow[i].end &&
               fast[i].year == slow[i].year && fast[i].first == slow[i].first &&
               fast[i].vision == slow[i].vision;
    if (!same)
        fail_msg("year phrases differ (%zu fast, %zu slow) in \"%.*s\"", nf, ns, (int)n, s);
}

static void test_year_phrase_starts(void **state)
{
    fixture *fx = *state;
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(md);
    static const char *const tricky[] = {
        "Đến năm 2025, 100% xã", "ĐẾN NĂM 2030 đạt", "đến\u00A0năm\u00A02025",
        "giai đoạn 2021 - 2025 và thời kỳ 2021–2030", "tầm nhìn đến năm 2045",
        "Quy hoạch tỉnh thời kỳ 2021-2030, tầm nhìn đến năm 2050", "(đến năm 2030)",
        "x2025 năm2025 năm 20255 năm 2025/QĐ", "trong\u2003năm 2024", "ſau năm 2025",
        "đến \t\n năm \r\n 2025", "từ năm 2021 đến năm 2025", "cuối 2025; hết năm 2030.",
        "định hướng giai đoạn 2031 - 2035", "Vào   năm   1999", "năm 2025", "năm 202",
        "a.năm 2025", "5 năm 2021-2025", "tới năm 2030 so với năm 2020", "",
        "sau\u00A02025", "giai\u00A0đoạn 2021-2025", "\xff năm 2025", "năm \xe1\xba 2025", "trong năm 2025\xc3", "TRONG 2025 SAU 2030",
    };
    for (size_t i = 0; i < sizeof tricky / sizeof *tricky; i++)
        check_year_phrases(fx->extractor, md, tricky[i], strlen(tricky[i]));
    /* Random strings of words, spaces, digits and marks (fixed seed). */
    static const char *const parts[] = {
        "năm", "Năm", "NĂM", "đến", "tới", "vào", "trong", "sau", "cuối", "hết", "từ", "giai",
        "đoạn", "thời", "kỳ", "tầm", "nhìn", "định", "hướng", "2025", "1999", "2030", "20",
        "19", "3", "-", "–", "/", ",", ".", ";", "(", ")", " ", " ", "  ", "\t", "\n",
        "\u00A0", "\u2002", "\u3000", "đạt", "xã", "ſau", "x", "_", "\xe1\xba\xa1"};
    uint32_t seed = 148;
    char buf[256];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        for (int k = 0; k < 12; k++) {
            seed = seed * 1103515245u + 12345u;
            const char *p = parts[(seed >> 16) % (sizeof parts / sizeof *parts)];
            size_t len = strlen(p);
            if (n + len >= sizeof buf)
                break;
            memcpy(buf + n, p, len);
            n += len;
        }
        check_year_phrases(fx->extractor, md, buf, n);
    }
    pcre2_match_data_free(md);
}

/* ---- fast paths proven for one pattern --------------------------------------------- */

/* With the shipped patterns every fast path is on. One that is off names
 * the regex that changed and its new fingerprint: prove the fast path for
 * the new source, then put that fingerprint in its pm_proof. */
static void test_fast_paths_hold_for_the_shipped_patterns(void **state)
{
    fixture *fx = *state;
    size_t off = 0;
    for (const pm_proof *const *pf = pm_proofs; *pf; pf++) {
        if (pm_proven(fx->patterns, *pf))
            continue;
        const char *now = pm_patterns_fingerprint(fx->patterns, (*pf)->regex);
        print_error("fast path %s is off: %s is now %s, proven for %s; prove it for the new "
                    "source and update the fingerprint\n",
                    (*pf)->where, (*pf)->regex, now ? now : "(missing)", (*pf)->fingerprint);
        off++;
    }
    if (off)
        fail_msg("%zu fast path(s) off with the shipped patterns", off);
    const pm_extractor *x = fx->extractor;
    assert_true(x->year_start_proven && x->year_digits_proven && x->subject_tail_proven &&
                x->list_head_proven && x->scope_proven);
}

/* The field labels of tasks.c are tried in one call with the shipped
 * patterns (else field_at falls back to five calls: right, but slower). */
static void test_field_labels_combine(void **state)
{
    fixture *fx = *state;
    assert_non_null(fx->extractor->field_labels);
}

/* A researcher adds `mốc` (`mốc 2030`) to target-cues.year: the fast path
 * proven for the shipped source (which never tries a phrase that starts
 * with `m`) is off, and the general search finds the new phrase, as a
 * search at every start does. */
static void test_edited_year_pattern_is_honoured(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-year-XXXXXX";
    scratch_patterns_edited(dir, "target-cues", "|năm)\\s+(?<first>",
                            "|năm|mốc)\\s+(?<first>");
    pm_patterns *p = NULL;
    pm_extractor *x = NULL;
    pm_error err;
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    assert_int_equal(pm_extractor_new(p, &x, &err), PM_OK);
    assert_false(pm_proven(p, &pm_proof_year_start));
    assert_false(x->year_start_proven);
    assert_true(x->scope_proven); /* the others are unchanged */
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(md);
    static const char s[] = "Phấn đấu đến mốc 2030, tầm nhìn mốc 2045";
    pm_year_phrase yp[4];
    assert_int_equal(pm_find_year_phrases(x, md, s, strlen(s), yp, 4), 2);
    assert_int_equal(yp[0].year, 2030);
    assert_int_equal(yp[0].start, strlen("Phấn đấu đến "));
    assert_true(yp[1].vision && yp[1].year == 2045);
    check_year_phrases(x, md, s, strlen(s));
    static const char invalid[] = "mốc 2025; năm 2030 \xff";
    check_year_phrases(x, md, invalid, sizeof invalid - 1);
    pcre2_match_data_free(md);
    pm_extractor_free(x);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* The subject chains agree with gap_links' fast path on (shipped
 * subject_link) and off (the same regex with a no-op edit): gaps of
 * punctuation, words, parentheses and nothing at all. */
static void subjects_of(const pm_extractor *x, const char *s, pm_agency_set *set,
                        pm_arena *a)
{
    pcre2_match_data *md = pcre2_match_data_create(32, NULL);
    assert_non_null(md);
    pm_doc_facts facts = {0};
    memset(set, 0, sizeof *set);
    pm_agencies_subject(x, a, &facts, md, s, strlen(s), PM_ROLE_LEAD, true, set);
    pcre2_match_data_free(md);
}

static void test_subject_gaps_fast_and_general_agree(void **state)
{
    const fixture *fx = *state;
    assert_true(fx->extractor->subject_link_proven);
    char dir[] = "/tmp/pm-link-XXXXXX";
    scratch_patterns_edited(dir, "task-fields", "subject_link\t(?i)^", "subject_link\t(?i)(?:)^");
    pm_patterns *p = NULL;
    pm_extractor *general = NULL;
    pm_error err;
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    assert_int_equal(pm_extractor_new(p, &general, &err), PM_OK);
    assert_false(general->subject_link_proven);
    static const char *const texts[] = {
        "Sở Xây dựng, Sở Tài chính, Sở Nội vụ tổ chức thực hiện.",
        "Sở Xây dựng - Sở Tài chính; Sở Nội vụ: thực hiện.",
        "Sở Xây dựng (cơ quan thường trực) và Sở Tài chính chủ trì.",
        "Sở Xây dựng chủ trì, phối hợp với Sở Tài chính, UBND các huyện.",
        "Sở Xây dựng.Sở Tài chính & Sở Nội vụ / Sở Y tế thực hiện.",
        "Sở Xây dựng Sở Tài chính thực hiện.",
        "Sở Xây dựng, nhất là Sở Tài chính thực hiện.",
        "Sở Xây dựng – Sở Tài chính • Sở Nội vụ thực hiện.",
        "Sở Xây dựng,\t\r\nSở Tài chính thực hiện; các sở: Sở Y tế.",
    };
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        pm_arena a;
        pm_arena_init(&a);
        pm_agency_set fast, slow;
        subjects_of(fx->extractor, texts[i], &fast, &a);
        subjects_of(general, texts[i], &slow, &a);
        assert_int_equal(fast.n_lead, slow.n_lead);
        assert_int_equal(fast.n_support, slow.n_support);
        for (size_t k = 0; k < fast.n_lead; k++)
            assert_string_equal(fast.lead[k].id, slow.lead[k].id);
        for (size_t k = 0; k < fast.n_support; k++)
            assert_string_equal(fast.support[k].id, slow.support[k].id);
        pm_arena_free(&a);
    }
    pm_extractor_free(general);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* The digit scanner against a byte-by-byte oracle: every start offset of
 * buffers mixing ASCII, digits, UTF-8 and bytes >= 0x80 that look like
 * digits once their high bit is dropped ('0' | 0x80), with the answer at
 * every distance from a 16- or 8-byte step boundary. */
static void test_next_ascii_digit_matches_oracle(void **state)
{
    (void)state;
    static const char alphabet[] = {'a', ' ', '/', ':', '0', '9', (char)0xB0, (char)0xB9,
                                    (char)0xE1, (char)0xBA, (char)0xA1, '\n'};
    char buf[80];
    uint32_t seed = 148;
    for (int round = 0; round < 400; round++) {
        size_t n = (size_t)round % sizeof buf;
        for (size_t k = 0; k < n; k++) {
            seed = seed * 1103515245u + 12345u;
            /* Mostly non-digits, so that answers lie far from the start. */
            unsigned pick = (seed >> 16) % 64;
            buf[k] = alphabet[pick < sizeof alphabet ? pick : (pick % 4 == 0 ? 2 : 0)];
        }
        for (size_t from = 0; from <= n; from++) {
            size_t want = from;
            while (want < n && (buf[want] < '0' || buf[want] > '9'))
                want++;
            assert_int_equal(pm_next_ascii_digit(buf, n, from), want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_next_ascii_digit_matches_oracle),
        cmocka_unit_test(test_year_after_before_and_carried),
        cmocka_unit_test(test_year_later_in_sentence_and_framing),
        cmocka_unit_test(test_coverage_list_is_split),
        cmocka_unit_test(test_non_targets),
        cmocka_unit_test(test_lead_in_gives_indicator),
        cmocka_unit_test(test_forecasts_past_facts_and_earlier_clause),
        cmocka_unit_test(test_year_from_heading_and_colon_label),
        cmocka_unit_test(test_horizon_heading_and_counted_units),
        cmocka_unit_test(test_targets_table_two_row_header),
        cmocka_unit_test(test_targets_table_period_and_estimate_columns),
        cmocka_unit_test(test_targets_table_past_year_sub_columns_and_units),
        cmocka_unit_test(test_periods_rates_qualifiers_and_none_left),
        cmocka_unit_test(test_clause_forms_and_counts),
        cmocka_unit_test(test_body_fields),
        cmocka_unit_test(test_sentence_tasks_only_in_task_part),
        cmocka_unit_test(test_deadline_not_from_target_years),
        cmocka_unit_test(test_sentence_task_closing_deadline),
        cmocka_unit_test(test_sentence_task_assignment_forms),
        cmocka_unit_test(test_inline_fields_and_worded_deadlines),
        cmocka_unit_test(test_task_table),
        cmocka_unit_test(test_task_table_any_work_header),
        cmocka_unit_test(test_value_conflict_and_citations),
        cmocka_unit_test(test_variant_poverty_crlf_nbsp),
        cmocka_unit_test(test_bare_counts_rates_and_named_periods),
        cmocka_unit_test(test_table_total_row),
        cmocka_unit_test(test_sentence_task_schedule_phrase),
        cmocka_unit_test(test_year_phrase_starts),
        cmocka_unit_test(test_fast_paths_hold_for_the_shipped_patterns),
        cmocka_unit_test(test_field_labels_combine),
        cmocka_unit_test(test_edited_year_pattern_is_honoured),
        cmocka_unit_test(test_subject_gaps_fast_and_general_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

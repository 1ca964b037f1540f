/* indicator: pm_indicator_id on every indicator text of the annotated seed
 * plans (copied here, so the test does not read the annotations), texts
 * that must stay unknown, variants, and the errors of a malformed catalogue. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture.h"

static int setup(void **state)
{
    return fixture_setup(state, "indicator", pm_indicator_init);
}

static int teardown(void **state)
{
    return fixture_teardown(state, pm_indicator_free);
}

typedef struct example {
    const char *text;
    const char *id; /* NULL: not in the catalogue */
} example;

static const example seeds[] = {
    {"Tỷ lệ đô thị hóa", "urbanization_rate"},
    {"Tỉ lệ đất xây dựng đô thị trên tổng diện tích đất tự nhiên của tỉnh", "urban_land_ratio"},
    {"Số lượng đô thị toàn tỉnh", "urban_count"},
    {"Các đô thị hiện có và đô thị mới có quy hoạch chung đô thị", "general_plan_coverage"},
    {"Các đô thị hiện có và đô thị mới có quy hoạch phân khu", "zoning_plan_coverage"},
    {"Các đô thị hiện có và đô thị mới có chương trình cải tạo, chỉnh trang, tái thiết và phát triển đô thị", NULL},
    {"Đô thị từ loại III trở lên hoàn thiện tiêu chí phân loại đô thị về cơ sở hạ tầng đô thị", "type3_infra_completion"},
    {"Tỷ lệ đất giao thông trên đất xây dựng đô thị", "transport_land_ratio"},
    {"Diện tích cây xanh bình quân trên mỗi người dân đô thị", "green_space_per_capita"},
    {"Diện tích sàn nhà ở bình quân đầu người tại khu vực đô thị", "housing_floor_per_capita"},
    {"Hạ tầng mạng băng rộng cáp quang phủ đến hộ gia đình tại đô thị", "broadband_household_coverage"},
    {"Tỷ lệ dân số trưởng thành tại đô thị có tài khoản thanh toán điện tử", "epayment_adult_ratio"},
    {"Kinh tế khu vực đô thị đóng góp vào GDP của tỉnh", "urban_gdp_share"},
    {"Đô thị cấp tỉnh có Đề án, Chương trình hoặc Kế hoạch phát triển đô thị thông minh được phê duyệt", NULL},
    {"Đô thị từ loại IV trở lên có Chương trình phát triển đô thị được phê duyệt", "urban_program_coverage"},
    {"Đô thị từ loại IV trở lên có khu công viên - cây xanh tập trung quy mô cấp đô thị", "park_per_urban_area"},
    {"Tỷ lệ nước thải sinh hoạt được xử lý tại các đô thị từ loại II", "wastewater_treatment_ratio"},
    {"Trạm quan trắc giám sát chất lượng môi trường đô thị tại mỗi đô thị", "air_monitoring_coverage"},
    {"Đô thị cấp tỉnh tập trung phát triển đô thị thông minh", NULL},
    {"Đô thị cấp tỉnh có hệ thống quan trắc, giám sát chất lượng môi trường không khí (thí điểm)", "air_monitoring_coverage"},
    {"Các đô thị từ loại IV trở lên có Chương trình phát triển đô thị", "urban_program_coverage"},
    {"Các đô thị từ loại IV trở lên có khu công viên - cây xanh tập trung quy mô cấp đô thị", "park_per_urban_area"},
    {"Tỷ lệ nước thải sinh hoạt được xử lý tại các đô thị từ loại II trở lên", "wastewater_treatment_ratio"},
    {"Số lượng đô thị của tỉnh", "urban_count"},
    {"Tỉ lệ phủ kín quy hoạch vùng huyện", "district_plan_coverage"},
    {"Tỉ lệ phủ kín quy hoạch chung đô thị", "general_plan_coverage"},
    {"Tỉ lệ phủ kín quy hoạch phân khu đô thị", "zoning_plan_coverage"},
    {"Tỷ lệ đô thị hóa của tỉnh", "urbanization_rate"},
    {"Tỉ lệ đất xây dựng đô thị trên tổng diện tích đất tự nhiên", "urban_land_ratio"},
    {"Tỉ lệ đất giao thông trên đất xây dựng đô thị", "transport_land_ratio"},
    {"Số hộ gia đình tại đô thị đạt tỉ lệ phủ hạ tầng mạng băng rộng cáp quang", "broadband_household_coverage"},
    {"Tỉ lệ dân số trưởng thành tại đô thị có tài khoản thanh toán điện tử", "epayment_adult_ratio"},
    {"tỷ lệ các tuyến giao thông trên địa bàn toàn tỉnh", "transport_land_ratio"},
    {"cây xanh bình quân trên mỗi đầu người dân đô thị", "green_space_per_capita"},
    {"diện tích sàn nhà ở bình quân đầu người tại khu vực đô thị trên cả tỉnh", "housing_floor_per_capita"},
    {"phủ kín các đô thị hiện có và các đô thị mới có quy hoạch chung", "general_plan_coverage"},
    {"diện tích đất xây dựng đô thị, khu chức năng có quy hoạch phân khu, quy hoạch chi tiết", "zoning_plan_coverage"},
    {"tổng số xã trên địa bàn tỉnh được lập, điều chỉnh quy hoạch chung xây dựng xã", "commune_plan_coverage"},
    {"quy hoạch xây dựng vùng huyện hoàn thành", "district_plan_coverage"},
    {"đô thị loại V hiện hữu hoàn thành các tiêu chí còn nợ", NULL},
    {"quy hoạch xây dựng vùng huyện", "district_plan_coverage"},
    {"các đô thị và điểm dân cư nông thôn lập quy chế quản lý kiến trúc", "architecture_regulation_coverage"},
    {"xã đạt tiêu chuẩn nông thôn mới được lập, điều chỉnh quy hoạch chung xây dựng xã", "commune_plan_coverage"},
    {"đô thị loại IV (Hữu Lũng, Đồng Mỏ - Chi Lăng, Lộc Bình)", NULL},
    {"đô thị mới loại V được hình thành", NULL},
    {"đô thị hiện hữu được nghiên cứu đầu tư phát triển", NULL},
    {"tỷ lệ đất giao thông trên đất xây dựng đô thị", "transport_land_ratio"},
    {"diện tích cây xanh bình quân đô thị", "green_space_per_capita"},
    {"diện tích sàn nhà ở bình quân đầu người tại khu vực đô thị", "housing_floor_per_capita"},
    {"Hạ tầng mạng băng rộng cáp quang phủ hộ gia đình", "broadband_household_coverage"},
    {"tỷ lệ dân số trưởng thành có điện thoại thông minh", "smartphone_adult_ratio"},
    {"hoàn thiện chỉnh trang, bó gọn cáp ngoại vi viễn thông các trục đường chính của đô thị", "telecom_cable_tidy_ratio"},
    {"Tỷ lệ hộ gia đình được phủ mạng Internet băng rộng cáp quang", "broadband_household_coverage"},
    {"Tỷ lệ đô thị hóa toàn tỉnh", "urbanization_rate"},
    {"Tỷ lệ đất xây dựng đô thị trên tổng diện tích đất tự nhiên", "urban_land_ratio"},
    {"Tỷ lệ đô thị loại III trở lên hoàn thiện tiêu chí phân loại đô thị về cơ sở hạ tầng đô thị", "type3_infra_completion"},
    {"Tỷ lệ phủ kín quy hoạch chung", "general_plan_coverage"},
    {"Tỷ lệ phủ kín quy hoạch phân khu đô thị đối với đô thị loại IV trở lên", "zoning_plan_coverage"},
    {"Tỷ lệ phủ kín quy hoạch vùng huyện", "district_plan_coverage"},
    {"Tỷ lệ phủ kín quy hoạch chung xã", "commune_plan_coverage"},
    {"Tỷ lệ phủ kín quy hoạch phân khu, quy hoạch chi tiết các đô thị, khu chức năng", "zoning_plan_coverage"},
    {"Quy chế quản lý quy hoạch kiến trúc đô thị và điểm dân cư nông thôn trên địa bàn tỉnh", "architecture_regulation_coverage"},
    {"Diện tích cây xanh đô thị bình quân trên mỗi người dân đô thị", "green_space_per_capita"},
    {"Tỷ lệ phủ kín hạ tầng mạng băng rộng cáp quang đến các hộ gia đình", "broadband_household_coverage"},
    {"Tỷ lệ dân số trưởng thành có điện thoại thông minh", "smartphone_adult_ratio"},
    {"Hoàn thiện chỉnh trang, bó gọn cáp ngoại vi viễn thông các trục đường chính của đô thị", "telecom_cable_tidy_ratio"},
    {"quy hoạch phân khu, quy hoạch chi tiết tại các đô thị khu chức năng", "zoning_plan_coverage"},
    {"quy hoạch chung xã", "commune_plan_coverage"},
    {"quy hoạch vùng huyện (Đình Lập, Lộc Bình, Hữu Lũng, Chi Lăng, Văn Lãng, Tràng Định)", "district_plan_coverage"},
    {"quy chế quản lý kiến trúc đô thị và nông thôn", "architecture_regulation_coverage"},
    {"phủ kín quy hoạch vùng huyện", "district_plan_coverage"},
    {"phủ kín quy hoạch chung xã", "commune_plan_coverage"},
    {"phủ kín quy hoạch phân khu, quy hoạch chi tiết đô thị, nông thôn, khu chức năng", "zoning_plan_coverage"},
    {"quy chế quản lý kiến trúc đô thị và nông thôn được ban hành", "architecture_regulation_coverage"},
    {"tỷ lệ nước thải sinh hoạt được xử lý tại các đô thị loại II trở lên", "wastewater_treatment_ratio"},
    {"Đô thị thông minh", NULL},
    {"Tỷ lệ hộ nghèo", NULL},
    {"Tỉ lệ đô thị hoá", "urbanization_rate"},
    {"phù kín quy hoạch chung", "general_plan_coverage"},
};

static const example variants[] = {
    /* OCR and spelling variants, missing diacritics */
    {"Tỉ lệ đô thị hoá", "urbanization_rate"},
    {"TY LE DO THI HOA", "urbanization_rate"},
    {"phù kín quy hoạch chung", "general_plan_coverage"},
    {"Tỷ lệ\u00a0đô thị hóa", "urbanization_rate"},
    /* the longest form wins, then the one that ends later */
    {"quy hoạch chung xã", "commune_plan_coverage"},
    {"quy hoạch chung xây dựng xã", "commune_plan_coverage"},
    {"quy hoạch xây dựng vùng huyện", "district_plan_coverage"},
    {"quy hoạch chung", "general_plan_coverage"},
    {"quy hoạch phân khu, quy hoạch chi tiết", "zoning_plan_coverage"},
    {"Tỷ lệ đất giao thông trên đất xây dựng đô thị", "transport_land_ratio"},
    {"Chương trình PTĐT các đô thị", "urban_program_coverage"},
    {"ngầm hóa hạ tầng viễn thông", "telecom_cable_tidy_ratio"},
    {"Số lượng đô thị", "urban_count"},
    {"Kinh tế khu vực đô thị đóng góp vào GRDP", "urban_gdp_share"},
    /* `thu gom, xử lý`: collected and treated, the comma a list */
    {"tỷ lệ nước thải sinh hoạt được thu gom, xử lý đạt chuẩn", "wastewater_treatment_ratio"},
    /* a qualifier or two inserted between a form's words */
    {"Tỷ lệ nước thải sinh hoạt nông thôn được xử lý đạt quy chuẩn", "wastewater_treatment_ratio"},
    {"tỷ lệ nước thải sinh hoạt tập trung được xử lý", "wastewater_treatment_ratio"},
    /* ... but not three or more, and not out of order */
    {"nước thải sinh hoạt khu dân cư được xử lý", NULL},
    {"xử lý sinh hoạt nước thải", NULL},
    /* not in the catalogue */
    {"Đô thị thông minh", NULL},
    {"Tỷ lệ hộ nghèo", NULL},
    {"Tỷ lệ đô thị", NULL},
    {"phát triển đô thị", NULL},
    {"quy hoạch", NULL},
    {"- 3 -", NULL},
};

static void resolve(const fixture *fx, const example *ex, size_t n, const char *what)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        const char *got = pm_indicator_id(&fx->x, ex[i].text, strlen(ex[i].text));
        if ((got == NULL) != (ex[i].id == NULL) || (got && strcmp(got, ex[i].id) != 0)) {
            fprintf(stderr, "%s: '%s': expected %s, got %s\n", what, ex[i].text,
                    ex[i].id ? ex[i].id : "null", got ? got : "null");
            failed++;
        }
    }
    if (failed)
        fail_msg("%zu of %zu %s failed", failed, n, what);
}

static void resolves_every_seed_indicator(void **state)
{
    resolve(*state, seeds, sizeof seeds / sizeof *seeds, "seed indicators");
}

static void resolves_variants_and_rejects_unknowns(void **state)
{
    fixture *fx = *state;
    resolve(fx, variants, sizeof variants / sizeof *variants, "variants");
    assert_null(pm_indicator_id(&fx->x, "", 0));
    assert_null(pm_indicator_id(&fx->x, NULL, 4));
    /* only the n bytes given count */
    const char *s = "Tỷ lệ đô thị hóa";
    assert_null(pm_indicator_id(&fx->x, s, strlen("Tỷ lệ đô thị")));
    pm_extractor bare = {0};
    assert_null(pm_indicator_id(&bare, s, strlen(s)));
}

/* Upper case, invalid bytes (read the long way, as U+FFFD), a lower case
 * longer than its capital (U+023A), `_`, unaccented and gapped forms key
 * alike. */
static void keys_any_case_and_encoding_alike(void **state)
{
    static const example cases[] = {
        {"TỶ LỆ ĐÔ THỊ HÓA", "urbanization_rate"},
        {"Tỷ lệ\xff đô thị hóa", "urbanization_rate"},
        {"Tỷ lệ đô thị hóa\xc3", "urbanization_rate"},
        {"\xc8\xba tỷ lệ đô thị hóa", "urbanization_rate"},
        {"Tỷ_lệ đô thị hóa", "urbanization_rate"},
        {"nước thải sinh hoạt tại các đô thị được thu gom, xử lý", NULL},
        {"phu kin quy hoach chung do thi", "general_plan_coverage"},
        {"PHỦ KÍN QUY HOẠCH\xe1\xba PHÂN KHU", "zoning_plan_coverage"},
        {"nước thải sinh hoạt đô thị được xử lý", "wastewater_treatment_ratio"},
        {"NUOC THAI SINH HOAT tại đô thị DUOC XU LY", NULL},
        {"đất giao thông mới trên đất xây dựng đô thị", "transport_land_ratio"},
    };
    resolve(*state, cases, sizeof cases / sizeof *cases, "keys");
}

static pm_status init_with(const char *indicators, const char *fixes, pm_error *err)
{
    char dir[] = "/tmp/pm-indicator-XXXXXX";
    scratch_dir_make(dir);
    scratch_dir_write(dir, "indicators.tsv", indicators);
    scratch_dir_write(dir, "ocr-fixes.tsv", fixes);
    pm_patterns *p;
    assert_int_equal(pm_patterns_load(dir, &p, err), PM_OK);
    pm_extractor x = {.patterns = p};
    pm_status st = pm_indicator_init(&x, err);
    if (st == PM_OK)
        assert_string_equal(pm_indicator_id(&x, "phù kín quy hoach", strlen("phù kín quy hoach")), "plan");
    else
        assert_null(x.indicator);
    pm_indicator_free(&x);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
    return st;
}

static void rejects_a_malformed_catalogue(void **state)
{
    (void)state;
    pm_error err = {0};
    assert_int_equal(init_with("plan\tphủ kín quy hoạch\n", "phù kín\tphủ kín\n", &err), PM_OK);
    assert_int_equal(init_with("# c\nPlan Rate\tquy hoạch\n", "", &err), PM_ERR_PATTERN);
    assert_int_equal(err.line, 2);
    assert_int_equal(init_with("plan\n", "", &err), PM_ERR_PATTERN);
    assert_int_equal(init_with("plan\t - \n", "", &err), PM_ERR_PATTERN);
    assert_non_null(strstr(err.message, "empty"));
    assert_int_equal(init_with("plan\tquy hoạch\n", "phù kín\n", &err), PM_ERR_PATTERN);
}

/* A fix applies when its first word is in the text or was put there by an
 * earlier fix; keys longer than the words kept on the stack, and keys a
 * fix lengthens past them, resolve alike. */
static void applies_chained_fixes_to_short_and_long_texts(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-indicator-XXXXXX";
    scratch_dir_make(dir);
    scratch_dir_write(dir, "indicators.tsv", "plan\ttoàn bộ quy hoạch\n");
    scratch_dir_write(dir, "ocr-fixes.tsv",
                      "xa lộ\tphù kín\nphù kín\ttoàn bộ\nq\tquy hoạch quy hoạch quy hoạch\n");
    pm_patterns *p;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &p, &err), PM_OK);
    pm_extractor x = {.patterns = p};
    assert_int_equal(pm_indicator_init(&x, &err), PM_OK);
    static const char *const plans[] = {"xa lộ quy hoach", "XA LỘ QUY HOẠCH", "phù kín q",
                                        "toan bo q"};
    for (size_t i = 0; i < sizeof plans / sizeof *plans; i++)
        assert_string_equal(pm_indicator_id(&x, plans[i], strlen(plans[i])), "plan");
    assert_null(pm_indicator_id(&x, "xa quy hoạch", strlen("xa quy hoạch")));
    char text[2048] = "";
    for (size_t i = 0; i < 40; i++) /* 120 words, 240 bytes before the form */
        strcat(text, "ab, ");
    strcat(text, "xa lộ q");
    for (size_t i = 0; i < 200; i++) /* the fix lengthens q 40-fold */
        strcat(text, " q");
    assert_string_equal(pm_indicator_id(&x, text, strlen(text)), "plan");
    text[strlen(text) - 200 * 2 - 6] = '\0'; /* cut before lộ: no form */
    assert_null(pm_indicator_id(&x, text, strlen(text)));
    pm_indicator_free(&x);
    pm_patterns_free(p);
    scratch_dir_remove(dir);
}

/* The keys are built in one pass through the character tables; texts
 * with characters beyond them (quotes and dashes as separators, a word in
 * another script, decomposed marks, an uppercase letter that lowers to
 * three bytes, invalid bytes) take the separate passes: all resolve alike,
 * at any length. */
static void keys_in_one_pass_and_by_parts_agree(void **state)
{
    fixture *fx = *state;
    static const char *const texts[] = {
        "Tỷ lệ đô thị hóa",
        "“Tỷ lệ đô thị hóa” – của tỉnh",
        "Tỷ lệ đô thị hóa 中文",
        "Ty\u0309 lê\u0323 đô thi\u0323 ho\u0301a",
        "TỶ LỆ ĐÔ THỊ HÓA \u023A",
        "Tỷ lệ đô thị hóa \xff",
        "tỷ lệ đô thị hoá",
        "ty le do thi hoa",
    };
    char text[2048];
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
        for (size_t pad = 0; pad < 3; pad++) {
            text[0] = '\0';
            for (size_t k = 0; k < pad * 70; k++) /* 0, 140, 280 words before */
                strcat(text, "x ");
            strcat(text, texts[i]);
            const char *id = pm_indicator_id(&fx->x, text, strlen(text));
            if (!id || strcmp(id, "urbanization_rate") != 0)
                fail_msg("%s: %s", texts[i], id ? id : "(none)");
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolves_every_seed_indicator),
        cmocka_unit_test(resolves_variants_and_rejects_unknowns),
        cmocka_unit_test(keys_any_case_and_encoding_alike),
        cmocka_unit_test(rejects_a_malformed_catalogue),
        cmocka_unit_test(applies_chained_fixes_to_short_and_long_texts),
        cmocka_unit_test(keys_in_one_pass_and_by_parts_agree),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

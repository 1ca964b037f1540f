/* tasks: the fast paths of tasks.c read what the general search reads.
 * Each document is extracted twice: with the shipped patterns, and with
 * the field labels, task-fields.deadline_phrase and task-fields.phase
 * edited to sources no pm_proof names (`(?:)` appended), which turns
 * label_may_start, recurrence_may_occur and phase_may_start off; the tasks
 * must be the same. */
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

typedef struct pipeline {
    pm_patterns *patterns;
    pm_segmenter *segmenter;
    pm_extractor *extractor;
} pipeline;

typedef struct fixture {
    pipeline fast, general;
    char dir[32];
} fixture;

static int pipeline_load(pipeline *p, const char *dir)
{
    pm_error err;
    if (pm_patterns_load(dir, &p->patterns, &err) != PM_OK ||
        pm_segmenter_new(p->patterns, &p->segmenter, &err) != PM_OK ||
        pm_extractor_new(p->patterns, &p->extractor, &err) != PM_OK) {
        fprintf(stderr, "setup: %s:%zu: %s\n", err.file, err.line, err.message);
        return -1;
    }
    return 0;
}

static void pipeline_free(pipeline *p)
{
    pm_extractor_free(p->extractor);
    pm_segmenter_free(p->segmenter);
    pm_patterns_free(p->patterns);
}

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    if (!fx)
        return -1;
    strcpy(fx->dir, "/tmp/pm-tasks-XXXXXX");
    char cmd[512];
    if (!mkdtemp(fx->dir))
        return -1;
    snprintf(cmd, sizeof cmd,
             "cp patterns/*.pcre patterns/*.tsv %s && sed -E -i "
             "'/^(lead|support|approver|deadline|product|deadline_phrase|phase)\\t/s/$/(?:)/' "
             "%s/task-fields.pcre",
             fx->dir, fx->dir);
    if (system(cmd) != 0 || pipeline_load(&fx->fast, "patterns") != 0 ||
        pipeline_load(&fx->general, fx->dir) != 0)
        return -1;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    pipeline_free(&fx->fast);
    pipeline_free(&fx->general);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", fx->dir);
    int rc = system(cmd);
    free(fx);
    return rc == 0 ? 0 : -1;
}

typedef struct doc {
    pm_arena arena;
    pm_text text;
    pm_tree tree;
    pm_records rec;
    pm_warnings warnings;
} doc;

static void extract(const pipeline *p, const char *s, doc *d)
{
    memset(d, 0, sizeof *d);
    pm_arena_init(&d->arena);
    d->warnings.arena = &d->arena;
    pm_error err;
    assert_int_equal(pm_text_decode(&d->arena, (const unsigned char *)s, strlen(s), NULL,
                                    &d->text, &d->warnings, &err),
                     PM_OK);
    assert_int_equal(pm_segment(p->segmenter, &d->arena, &d->text, &d->tree, &d->warnings, &err),
                     PM_OK);
    assert_int_equal(pm_extract(p->extractor, &d->arena, &d->text, &d->tree, &d->rec,
                                &d->warnings, &err),
                     PM_OK);
}

static void same_string(const char *what, const char *a, const char *b)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fail_msg("%s: `%s` with the fast paths, `%s` without", what, a ? a : "(null)",
                 b ? b : "(null)");
}

static void same_agencies(const pm_agency *a, size_t na, const pm_agency *b, size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t i = 0; i < na; i++)
        same_string("agency", a[i].id, b[i].id);
}

/* The tasks of s, with and without the fast paths. */
static void check_same_tasks(void **state, const char *s, size_t min_tasks)
{
    fixture *fx = *state;
    doc a, b;
    extract(&fx->fast, s, &a);
    extract(&fx->general, s, &b);
    assert_int_equal(a.rec.n_tasks, b.rec.n_tasks);
    assert_true(a.rec.n_tasks >= min_tasks);
    for (size_t i = 0; i < a.rec.n_tasks; i++) {
        const pm_task *x = &a.rec.tasks[i], *y = &b.rec.tasks[i];
        same_string("text", x->text, y->text);
        same_string("label", x->label, y->label);
        same_string("product", x->product, y->product);
        same_string("deadline", x->deadline.text, y->deadline.text);
        same_string("date", x->deadline.date, y->deadline.date);
        assert_int_equal(x->deadline.kind, y->deadline.kind);
        assert_int_equal(x->deadline.start, y->deadline.start);
        assert_int_equal(x->deadline.end, y->deadline.end);
        same_agencies(x->lead, x->n_lead, y->lead, y->n_lead);
        same_agencies(x->support, x->n_support, y->support, y->n_support);
        same_agencies(x->approver, x->n_approver, y->approver, y->n_approver);
    }
    pm_arena_free(&a.arena);
    pm_arena_free(&b.arena);
}

#define PLAN_HEAD                                                                          \
    "ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH\n\nSố: 12/KH-UBND\n\nThái Bình, ngày 10 tháng 3 năm " \
    "2023\n\nKẾ HOẠCH\n\nPhát triển đô thị\n\n"

static void fast_paths_hold_for_the_shipped_patterns(void **state)
{
    fixture *fx = *state;
    for (size_t f = 0; f < 5; f++) {
        assert_true(pm_proven(fx->fast.patterns, &pm_proof_field_labels[f]));
        assert_false(pm_proven(fx->general.patterns, &pm_proof_field_labels[f]));
    }
    assert_true(pm_proven(fx->fast.patterns, &pm_proof_deadline_phrase));
    assert_false(pm_proven(fx->general.patterns, &pm_proof_deadline_phrase));
    assert_true(pm_proven(fx->fast.patterns, &pm_proof_phase));
    assert_false(pm_proven(fx->general.patterns, &pm_proof_phase));
}

/* Labels in every case, after bullets and blanks (a no-break space, an en
 * dash, `•`), with the caseless twin `ſ` (the Kelvin sign is a K after
 * NFC), labels after a `;`, `,` or `.` of a value, and words that start
 * like one. */
static void field_labels(void **state)
{
    check_same_tasks(
        state,
        PLAN_HEAD "III. NHIỆM VỤ, GIẢI PHÁP\n\n"
                  "1. Quy hoạch đô thị\n\n"
                  "Tổ chức rà soát quy hoạch chung.\n\n"
                  "- *Phân công thực hiện:* Sở Xây dựng chủ trì, phối hợp với Sở Tài chính.\n\n"
                  "- *Thời gian thực hiện:* Thường xuyên.\n\n"
                  "2. Nhà ở xã hội\n\n"
                  "Co quan thuc hien: Sở Kế hoạch và Đầu tư, các sở, ban, ngành.\n\n"
                  "CƠ QUAN PHỐI HỢP: Sở Xây dựng. Sản phẩm: Đề án. Kết quả đầu ra: Báo cáo\n\n"
                  "3. Giao thông\n\n"
                  "Chủ trì: Sở Giao thông vận tải; phối hợp: Sở Tài chính; thời gian: Quý "
                  "II/2024.\n\n"
                  "4. Cấp nước\n\n"
                  "\xc2\xa0\xe2\x80\x93 Đơn vị thực hiện: Sở Nông nghiệp, Cấp phê duyệt: UBND "
                  "tỉnh, Tiến độ: Hằng năm\n\n"
                  "5. Thoát nước\n\n"
                  "\xe2\x80\xa2 Trách nhiệm thực hiện: Sở Xây dựng, tổ chức, thi công, cơ "
                  "sở, Phát triển, tiến hành, giám sát, kiểm tra, sửa chữa.\n\n"
                  "6. Chiếu sáng\n\n"
                  "Giao thực hiện: Sở Công Thương. \xe2\x84\xaaết quả: Báo cáo. "
                  "\xc5\xbfản phẩm: Đề án. THỜI HẠN HOÀN THÀNH: 2025\n\n"
                  "7. Cây xanh\n\n"
                  "ĐƠN VỊ CHỦ TRÌ: Sở Xây dựng; Đơn vị phối hợp: UBND các huyện, "
                  "Đẩy mạnh, Các sở, cấp, chu, ti, p, t\n\n"
                  "8. Rác thải\n\n"
                  "+ *Cơ quan chủ trì thực hiện:* Sở Tài nguyên và Môi trường\n\n"
                  "* Thời hạn: 2026-2030\n",
        8);
}

/* Label words followed by what label_may_start must leave to the regexes
 * (`cơquan`, `đơnvị`, Unicode blanks, tabs, emphasis before the `:`) or
 * may refuse (a `,`, a digit or no `:` before the value; words that start
 * like a label: `Thực hiện`, `Tiếp tục`, `Công tác`, `Giao thông`), a label
 * cut at the end of its block, and values whose `,`, `;` and `.` come
 * after their line's last `:`. */
static void label_words_and_colons(void **state)
{
    check_same_tasks(
        state,
        PLAN_HEAD "III. NHIỆM VỤ, GIẢI PHÁP\n\n"
                  "1. Quy hoạch\n\n"
                  "Rà soát quy hoạch.\n\n"
                  "Cơquan thực hiện: Sở Xây dựng; đơnvị phối hợp: Sở Tài chính, Sở Nội vụ.\n\n"
                  "2. Nhà ở\n\n"
                  "Lập đề án.\n\n"
                  "Cơ\xc2\xa0quan\tthực hiện **:** Sở Xây dựng, các sở, ngành; UBND các huyện.\n\n"
                  "Thời gian thực hiện, hoàn thành: 2025\n\n"
                  "2a. Nhà ở xã hội\n\n"
                  "Lập danh mục.\n\n"
                  "Cơ\xe2\x80\x83quan thực hiện: Sở Xây dựng; thời\xe3\x80\x80gian: 2026\n\n"
                  "3. Giao thông\n\n"
                  "Thực hiện: Sở Giao thông vận tải. Tiếp tục: rà soát. Công tác: kiểm tra.\n\n"
                  "Giao thông 2024: Sở Giao thông vận tải chủ trì.\n\n"
                  "Chủ trì thực hiện\n\n"
                  "4. Cấp nước\n\n"
                  "Xây dựng nhà máy.\n\n"
                  "Chủ trì: Sở Xây dựng, phối hợp 2 đơn vị, Sở Tài chính; Tiến độ: 2024-2025.\n\n"
                  "5. Môi trường\n\n"
                  "Xử lý rác thải.\n\n"
                  "Chủ trì: Sở Tài nguyên và Môi trường. Phối hợp: UBND các huyện, thị xã. Kết "
                  "quả: Báo cáo, đề án; Sản phẩm\n\n"
                  "6. Chiếu sáng\n\n"
                  "Lắp đèn.\n\n"
                  "Giao\n",
        4);
}

/* Phases after a sentence task's heading: every opening the phase regex
 * takes (`Giai đoạn`, `Năm`, `Đến năm`, `Từ năm`, after bullets, an en
 * dash, a no-break space, in capitals) and blocks that only look like one
 * (a year elsewhere, `Tăng`, `Nâng`). */
static void phases(void **state)
{
    check_same_tasks(
        state,
        PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                  "1. Quy hoạch\n\n"
                  "a) Sở Xây dựng chủ trì rà soát các đồ án quy hoạch.\n\n"
                  "- Giai đoạn 2023-2025: rà soát.\n\n"
                  "- GIAI ĐOẠN 2026 – 2030: điều chỉnh.\n\n"
                  "b) Sở Tài chính chủ trì bố trí vốn.\n\n"
                  "\xc2\xa0\xe2\x80\x93 Năm 2024: bố trí.\n\n"
                  "\xe2\x80\xa2 Đến năm 2027: hoàn thành.\n\n"
                  "c) Sở Nội vụ chủ trì kiện toàn bộ máy.\n\n"
                  "+ Từ năm 2025 đến năm 2026: kiện toàn.\n\n"
                  "Tăng cường kiểm tra năm 2028: thường xuyên.\n\n"
                  "d) Sở Y tế chủ trì nâng cấp bệnh viện.\n\n"
                  "Nâng cấp giai đoạn 2029-2030: từng bước.\n\n"
                  "* năm 2031:\n",
        4);
}

/* Sentence tasks whose time is a recurrence, without a year: each form of
 * the phrase, in capitals, with a no-break space or a tab, and words that
 * start like one (`hàng hóa`, `liên quan`, `thời kỳ mới`). */
static void closing_recurrences(void **state)
{
    check_same_tasks(
        state,
        PLAN_HEAD "II. NHIỆM VỤ VÀ GIẢI PHÁP\n\n"
                  "1. Quy hoạch\n\n"
                  "a) Sở Xây dựng chủ trì rà soát các đồ án; thực hiện hằng năm.\n\n"
                  "b) Sở Nội vụ chủ trì kiểm tra hàng hóa, liên quan; THỰC HIỆN THƯỜNG XUYÊN.\n\n"
                  "c) Sở Y tế chủ trì rà soát các cơ sở; triển khai liên\xc2\xa0tục.\n\n"
                  "d) Sở Tài chính chủ trì báo cáo; định kỳ 6 tháng.\n\n"
                  "đ) Sở Công Thương chủ trì tổng hợp; định kỳ hằng quý.\n\n"
                  "e) Sở Tư pháp chủ trì theo dõi; ĐỊNH \xe2\x84\xaaỲ HẰNG THÁNG.\n\n"
                  "g) Sở Nội vụ chủ trì đánh giá; thời gian thực hiện: hàng năm.\n\n"
                  "h) Sở Xây dựng chủ trì phát triển trong thời kỳ mới, liên kết vùng.\n\n"
                  "i) Sở Tài chính chủ trì rà soát; thực hiện hang nam.\n\n"
                  "k) Sở Y tế chủ trì thực hiện; định kỳ\t12 tháng.\n\n"
                  "l) Sở Tư pháp chủ trì kiểm tra; định \xe2\x84\xaaỳ 3 tháng.\n",
        11);
}

/* A task table whose deadline cells repeat (read once per document). */
static void repeated_deadline_cells(void **state)
{
    check_same_tasks(state,
                     PLAN_HEAD "III. NHIỆM VỤ\n\n"
                               "| TT | Nội dung | Cơ quan chủ trì | Thời gian |\n"
                               "|---|---|---|---|\n"
                               "| 1 | Lập quy hoạch | Sở Xây dựng | Thường xuyên. |\n"
                               "| 2 | Lập đề án | Sở Tài chính | 2025 |\n"
                               "| 3 | Rà soát | Sở Xây dựng | Thường xuyên. |\n"
                               "| 4 | Đánh giá | Sở Nội vụ | 2025 |\n"
                               "| 5 | Báo cáo | Sở Y tế | Quý II/2024 |\n"
                               "| 6 | Tổng kết | Sở Y tế | Quý II/2024 |\n",
                     6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fast_paths_hold_for_the_shipped_patterns),
        cmocka_unit_test(field_labels),
        cmocka_unit_test(label_words_and_colons),
        cmocka_unit_test(phases),
        cmocka_unit_test(closing_recurrences),
        cmocka_unit_test(repeated_deadline_cells),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

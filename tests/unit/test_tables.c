/* tables: the corpus tables (tab rows, two-row headers, repeated headers,
 * rows split across pages, HTML lists, one cell per line) and synthetic
 * variants (pipe rows, CRLF, wrapped cells, surplus cells, non-tables). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"
#include "segment/internal.h"

static pm_patterns *patterns;
static pm_segmenter segmenter;

static int load_patterns(void **state)
{
    (void)state;
    pm_error err = {0};
    const char *dir = getenv("PLANMINE_PATTERNS");
    if (pm_patterns_load(dir ? dir : "patterns", &patterns, &err) != PM_OK) {
        fprintf(stderr, "patterns: %s:%zu: %s\n", err.file, err.line, err.message);
        return -1;
    }
    segmenter.patterns = patterns;
    if (pm_tables_init(&segmenter, &err) != PM_OK) {
        fprintf(stderr, "tables: %s:%zu: %s\n", err.file, err.line, err.message);
        return -1;
    }
    return 0;
}

static int free_patterns(void **state)
{
    (void)state;
    pm_tables_free(&segmenter);
    pm_patterns_free(patterns);
    return 0;
}

typedef struct doc {
    pm_arena arena;
    pm_warnings warnings;
    pm_text text;
    unsigned char *bytes;
    unsigned char *used, *plain;
    pm_table *tables;
    size_t n_tables;
} doc;

static doc *doc_from_bytes(const char *bytes, size_t len)
{
    doc *d = calloc(1, sizeof *d);
    assert_non_null(d);
    d->bytes = malloc(len + 1);
    assert_non_null(d->bytes);
    memcpy(d->bytes, bytes, len);
    pm_arena_init(&d->arena);
    d->warnings.arena = &d->arena;
    pm_error err = {0};
    assert_int_equal(pm_text_decode(&d->arena, d->bytes, len, NULL, &d->text, &d->warnings, &err),
                     PM_OK);
    d->used = calloc(d->text.n_lines + 1, 1);
    d->plain = calloc(d->text.n_lines + 1, 1);
    assert_non_null(d->used);
    assert_non_null(d->plain);
    assert_int_equal(pm_find_tables(&segmenter, &d->arena, &d->text, d->used, d->plain,
                                    &d->tables, &d->n_tables, &d->warnings, &err),
                     PM_OK);
    return d;
}

static doc *doc_from_file(const char *path)
{
    unsigned char *data;
    size_t len;
    pm_error err = {0};
    assert_int_equal(pm_read_file(path, PM_DEFAULT_MAX_BYTES, &data, &len, &err), PM_OK);
    doc *d = doc_from_bytes((const char *)data, len);
    free(data);
    return d;
}

static doc *doc_from_string(const char *s) { return doc_from_bytes(s, strlen(s)); }

static void doc_free(doc *d)
{
    pm_arena_free(&d->arena);
    free(d->bytes);
    free(d->used);
    free(d->plain);
    free(d);
}

static const pm_row *row_labelled(const pm_table *t, const char *label, size_t *count)
{
    const pm_row *found = NULL;
    *count = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        if (!t->rows[r].unparsed && strcmp(t->rows[r].cells[0].s, label) == 0) {
            if (!found)
                found = &t->rows[r];
            ++*count;
        }
    return found;
}

static const pm_row *row_at(const pm_table *t, size_t line)
{
    for (size_t r = 0; r < t->n_rows; r++)
        if (t->rows[r].line == line)
            return &t->rows[r];
    return NULL;
}

static size_t group_rows(const pm_table *t)
{
    size_t n = 0;
    for (size_t r = 0; r < t->n_rows; r++)
        n += t->rows[r].group;
    return n;
}

static bool contains_in_table(const pm_table *t, const char *needle)
{
    for (size_t c = 0; c < t->n_columns; c++)
        if (strstr(t->columns[c], needle))
            return true;
    for (size_t r = 0; r < t->n_rows; r++) {
        if (t->rows[r].unparsed && strstr(t->rows[r].raw.s, needle))
            return true;
        for (size_t c = 0; c < t->rows[r].n_cells; c++)
            if (strstr(t->rows[r].cells[c].s, needle))
                return true;
    }
    return false;
}

/* Every byte of a cell but its separators and decoded entities maps to the
 * same byte of the normalised text, every cell is trimmed and has the table's width, and
 * every claimed line lies in a table and keeps its text there: each of its
 * tab-separated pieces appears in a cell, a raw row or a column name. */
static void check_invariants(const doc *d)
{
    const pm_text *t = &d->text;
    unsigned char *in_table = calloc(t->n_lines + 1, 1);
    unsigned char *touched = calloc(t->n_lines + 1, 1);
    assert_non_null(in_table);
    assert_non_null(touched);
    for (size_t k = 0; k < d->n_tables; k++) {
        const pm_table *tb = &d->tables[k];
        assert_int_equal(tb->section, -1);
        assert_int_equal(tb->block, -1);
        assert_null(tb->title);
        for (size_t i = tb->line_start; i <= tb->line_end; i++)
            in_table[i - 1] = 1;
        for (size_t r = 0; r < tb->n_rows; r++) {
            const pm_row *row = &tb->rows[r];
            assert_int_equal(row->n_cells, tb->n_columns);
            assert_true(row->line >= tb->line_start && row->line <= row->line_end &&
                        row->line_end <= tb->line_end);
            for (size_t c = 0; c <= row->n_cells; c++) {
                const pm_span *sp = c < row->n_cells ? &row->cells[c] : &row->raw;
                if (!sp->len)
                    continue;
                assert_true(sp->s[0] != ' ' && sp->s[sp->len - 1] != ' ');
                for (size_t off = 0; off < sp->len; off++) {
                    if (sp->s[off] == ' ' || sp->s[off] == '\n') /* separators */
                        continue;
                    size_t norm = pm_span_norm(sp, off);
                    if (sp->s[off] != t->norm[norm]) /* only a decoded entity has no source */
                        assert_non_null(strchr("&<>\"'", sp->s[off]));
                    touched[pm_text_line(t, norm) - 1] = 1;
                }
            }
        }
    }
    for (size_t i = 0; i < t->n_lines; i++) {
        if (!d->used[i])
            continue;
        assert_true(in_table[i]);
        if (touched[i])
            continue;
        const pm_table *tb = NULL;
        for (size_t k = 0; k < d->n_tables; k++)
            if (d->tables[k].line_start <= i + 1 && i + 1 <= d->tables[k].line_end)
                tb = &d->tables[k];
        size_t len;
        const char *line = pm_text_line_str(t, i + 1, &len);
        for (size_t s = 0; s < len;) {
            while (s < len && (line[s] == ' ' || line[s] == '\t' || line[s] == '|'))
                s++;
            size_t e = s;
            while (e < len && line[e] != '\t' && line[e] != '|')
                e++;
            size_t te = e;
            while (te > s && line[te - 1] == ' ')
                te--;
            if (te > s && strspn(line + s, "-:") < te - s) { /* not a |---| rule */
                char piece[512];
                snprintf(piece, sizeof piece, "%.*s", (int)(te - s), line + s);
                if (!contains_in_table(tb, piece))
                    fail_msg("line %zu: '%s' is claimed but kept nowhere", i + 1, piece);
            }
            s = e;
        }
    }
    free(in_table);
    free(touched);
}

/* ---- corpus -------------------------------------------------------------------- */

static void thai_nguyen_one_table_with_html_lists(void **state)
{
    (void)state;
    doc *d = doc_from_file("corpus/000_5ed95dafb3202056.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->line_start, 301);
    assert_int_equal(t->n_columns, 4);
    assert_string_equal(t->columns[0], "STT");
    assert_string_equal(t->columns[3], "Cơ quan tổ chức thực hiện/ phối hợp");
    assert_int_equal(t->n_rows, 32); /* three repeated headers dropped */
    assert_int_equal(group_rows(t), 8); /* I, II, III, and 1 2 3 4 7 over 1.1 … */
    assert_false(d->used[299]);
    for (size_t i = 300; i < 338; i++)
        assert_true(d->used[i]);

    const pm_row *first = row_at(t, 302);
    assert_true(first && first->group);
    assert_string_equal(first->cells[0].s, "I");
    assert_string_equal(first->cells[2].s, "");
    const pm_row *unnumbered = row_at(t, 303); /* a task row, not a continuation */
    assert_non_null(unnumbered);
    assert_false(unnumbered->group);
    assert_string_equal(unnumbered->cells[0].s, "");
    assert_string_equal(unnumbered->cells[2].s, "Hằng năm");
    size_t n;
    assert_true(row_labelled(t, "1", &n)->group == false && n == 2);
    assert_true(row_at(t, 313)->group);
    assert_false(row_at(t, 314)->group);

    const pm_row *html = row_labelled(t, "2.4", &n);
    assert_string_equal(html->cells[3].s, "- UBND các huyện, thành phố;\n"
                                          "- Sở Xây dựng (phối hợp);\n"
                                          "- Sở Tài nguyên và Môi trường (phối hợp).");
    assert_string_equal(html->cells[2].s, "Đến 2030");
    for (size_t r = 0; r < t->n_rows; r++)
        assert_null(strchr(t->rows[r].cells[3].s, '<'));
    doc_free(d);
}

static void soc_trang_merges_split_rows(void **state)
{
    (void)state;
    doc *d = doc_from_file("corpus/002_04e47bc683c89453.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 2);

    const pm_table *targets = &d->tables[0];
    assert_int_equal(targets->n_columns, 6);
    assert_string_equal(targets->columns[2], "Đơn vị tính");
    assert_string_equal(targets->columns[3], "Chỉ tiêu cần đạt được / Đến năm 2025");
    assert_string_equal(targets->columns[4], "Chỉ tiêu cần đạt được / Đến năm 2030");
    assert_string_equal(targets->columns[5], "Cơ quan chủ trì theo dõi, đánh giá");
    assert_int_equal(targets->n_rows, 9);
    assert_int_equal(group_rows(targets), 0);
    assert_string_equal(row_at(targets, 39)->cells[3].s, "Phần đầu ≥ 45");
    assert_true(d->used[42] && d->used[43]); /* the repeated two-row header */

    const pm_table *tasks = &d->tables[1];
    assert_int_equal(tasks->n_columns, 7);
    assert_int_equal(tasks->n_rows, 39);
    assert_int_equal(group_rows(tasks), 5);
    size_t n;
    const pm_row *r17 = row_labelled(tasks, "17", &n);
    assert_int_equal(n, 1);
    assert_int_equal(r17->line, 146);
    assert_int_equal(r17->line_end, 149);
    assert_string_equal(r17->cells[2].s, "UBND các huyện, thị xã, thành phố Sóc Trăng");
    assert_string_equal(r17->cells[4].s, "Danh mục đầu tư 2025-2030");
    assert_non_null(strstr(r17->cells[1].s, "xử lý rác thải phục vụ cho vùng huyện"));

    const pm_row *r30 = row_labelled(tasks, "30", &n);
    assert_int_equal(r30->line_end, 179);
    assert_non_null(strstr(r30->cells[1].s, "tăng cường năng lực phòng, chống"));
    assert_string_equal(r30->cells[2].s, "UBND các huyện, thị xã, thành phố Sóc Trăng");
    assert_null(row_at(tasks, 179));

    const pm_row *three = row_at(tasks, 128); /* `III Nhóm…` in one cell */
    assert_true(three->group);
    assert_string_equal(three->cells[0].s, "III");
    assert_memory_equal(three->cells[1].s, "Nhóm nhiệm vụ thứ ba", strlen("Nhóm nhiệm vụ thứ ba"));
    assert_false(row_at(tasks, 118)->group);
    assert_false(row_labelled(tasks, "18", &n)->group); /* followed by 19, not 18.1 */
    doc_free(d);
}

static void lang_son_one_cell_per_line(void **state)
{
    (void)state;
    doc *d = doc_from_file("corpus/004_1db30e8e436d538f.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 2);

    const pm_table *targets = &d->tables[0];
    assert_int_equal(targets->line_start, 4);
    assert_int_equal(targets->line_end, 145);
    assert_int_equal(targets->n_columns, 6);
    assert_string_equal(targets->columns[3], "Chỉ tiêu cần đạt được / Đến năm 2025");
    assert_string_equal(targets->columns[4], "Chỉ tiêu cần đạt được / Đến năm 2030");
    assert_string_equal(targets->columns[5], "Cơ quan chủ trì theo dõi, đánh giá");
    assert_int_equal(targets->n_rows, 18);
    size_t n;
    const pm_row *six = row_labelled(targets, "6", &n);
    assert_string_equal(six->cells[3].s, "");
    assert_string_equal(six->cells[4].s, "100");
    assert_string_equal(six->cells[5].s, "Sở Xây dựng");
    assert_string_equal(row_labelled(targets, "16", &n)->cells[5].s, "Sở Thông tin và Truyền thông");
    assert_string_equal(row_labelled(targets, "17", &n)->cells[5].s, "Sở Thông tin và Truyền thông");
    assert_false(d->used[148]); /* the PHỤ LỤC II title between the tables */

    const pm_table *tasks = &d->tables[1];
    assert_int_equal(tasks->line_start, 152);
    assert_int_equal(tasks->n_columns, 6);
    assert_string_equal(tasks->columns[5], "Thời hạn");
    assert_int_equal(tasks->n_rows, 20); /* the header again at line 324 is dropped */
    assert_int_equal(group_rows(tasks), 3);
    /* What a careful reader sees as task rows: the line of each content cell. */
    static const size_t content_lines[] = {163, 171, 178, 193, 200, 215, 231, 241, 251,
                                           262, 276, 287, 298, 309, 332, 340, 347};
    size_t k = 0;
    for (size_t r = 0; r < tasks->n_rows; r++) {
        if (tasks->rows[r].group)
            continue;
        assert_true(k < sizeof content_lines / sizeof content_lines[0]);
        assert_int_equal(tasks->rows[r].cells[1].line, content_lines[k++]);
    }
    assert_int_equal(k, sizeof content_lines / sizeof content_lines[0]);

    const pm_row *headless = row_at(tasks, 193); /* lost label: time cut "2023 - " / "030" */
    assert_string_equal(headless->cells[5].s, "2023 - 030");
    assert_string_equal(headless->cells[2].s, "");
    assert_int_equal(strchr(headless->cells[1].s, '\n') - headless->cells[1].s,
                     strlen("- Tỷ lệ đất giao thông trên đất xây dựng đô thị đạt khoảng 11-16% "
                            "vào năm 2025; 16-24% vào năm 2030"));
    const pm_row *two = row_labelled(tasks, "2", &n);
    assert_int_equal(n, 2);
    assert_non_null(strstr(two->cells[1].s, "trở lên\n- Đô thị từ loại III"));
    assert_non_null(strstr(two->cells[1].s, "\n- Cải tạo chỉnh trang khu vực phường"));
    assert_memory_equal(two->cells[2].s, "UBND thành phố; phối hợp", 24);
    assert_string_equal(two->cells[5].s, "2023 - 2030");
    const pm_row *four = row_labelled(tasks, "4", &n);
    assert_string_equal(four->cells[1].s, "Đầu tư phát triển đảm bảo an sinh nhà ở");
    assert_string_equal(four->cells[2].s, "");
    assert_string_equal(four->cells[5].s, "2023 - 2030");
    const pm_row *five = row_labelled(tasks, "5", &n);
    assert_memory_equal(five->cells[2].s, "UBND các huyện, thành phố; phối hợp", 36);
    assert_string_equal(five->cells[5].s, "2022 - 2030");
    const pm_row *eleven = row_labelled(tasks, "11", &n);
    assert_string_equal(eleven->cells[5].s, "2030");
    assert_string_equal(eleven->cells[4].s, "");
    const pm_row *last = &tasks->rows[tasks->n_rows - 1];
    assert_string_equal(last->cells[3].s, "Các sở, ban, ngành và địa phương");
    doc_free(d);
}

static void plain_documents_have_no_tables(void **state)
{
    (void)state;
    static const char *files[] = {"corpus/001_68122e8daa613bf5.txt",
                                  "corpus/003_bd6398dc606c56db.txt",
                                  "tests/variants/tables-not-a-table.txt"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        doc *d = doc_from_file(files[f]);
        assert_int_equal(d->n_tables, 0);
        for (size_t i = 0; i < d->text.n_lines; i++)
            assert_false(d->used[i]);
        doc_free(d);
    }
}

/* ---- variants --------------------------------------------------------------------- */

static void pipe_rows(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-pipe.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_columns, 4);
    assert_string_equal(t->columns[3], "Thời gian");
    assert_int_equal(t->n_rows, 3); /* the header and its rule again are dropped */
    assert_string_equal(t->rows[1].cells[1].s, "Rà soát chương trình phát triển đô thị");
    assert_string_equal(t->rows[1].cells[3].s, "2024 - 2026");
    assert_string_equal(t->rows[2].cells[2].s, "Sở Nội vụ");
    assert_int_equal(t->rows[2].line, 10);
    assert_true(d->used[3] && d->used[8]); /* the |---| rules */
    assert_false(d->used[0]);
    assert_false(d->used[11]);
    doc_free(d);
}

static void crlf_nbsp_two_row_header(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-crlf.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_columns, 6);
    assert_string_equal(t->columns[3], "Mục tiêu / Năm 2025");
    assert_string_equal(t->columns[4], "Mục tiêu / Năm 2030");
    assert_int_equal(t->n_rows, 3);
    assert_true(t->rows[0].group);
    assert_string_equal(t->rows[0].cells[0].s, "I");
    assert_string_equal(t->rows[0].cells[1].s, "Nhóm chỉ tiêu đô thị");
    assert_string_equal(t->rows[1].cells[5].s, "Sở Xây dựng\nSở KH&ĐT");
    assert_string_equal(t->rows[2].cells[5].s, "Sở Xây dựng");
    /* offsets still reach the original bytes after CRLF and NBSP */
    const pm_span *agency = &t->rows[2].cells[5];
    size_t orig = pm_text_orig(&d->text, agency->pieces[0].norm);
    assert_memory_equal(d->text.orig + orig, "Sở Xây dựng", strlen("Sở Xây dựng"));
    doc_free(d);
}

static void header_repeated_three_times(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-repeated-header.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_rows, 5);
    assert_int_equal(t->line_end, 17);
    size_t n;
    const pm_row *two = row_labelled(t, "2", &n);
    assert_int_equal(n, 1);
    assert_int_equal(two->line, 3);
    assert_string_equal(two->cells[1].s, "Nhiệm vụ thứ hai được viết dài và bị cắt ở cuối trang");
    assert_string_equal(two->cells[3].s, "Sở Tài chính");
    assert_string_equal(row_labelled(t, "3", &n)->cells[1].s, "Nhiệm vụ thứ ba và tiếp tục ở trang sau");
    assert_string_equal(row_labelled(t, "5", &n)->cells[3].s, "Sở Công Thương");
    assert_true(d->used[3]);  /* blank line inside */
    assert_false(d->used[4]); /* `- 2 -` page number: left to the caller */
    assert_true(d->used[6]);  /* repeated header */
    assert_false(d->used[18]);
    doc_free(d);
}

static void surplus_cells_and_unparsed_rows(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-surplus.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(t->rows[0].cells[3].s, "Sở Xây dựng ghi chú thừa");
    assert_true(t->rows[1].unparsed);
    assert_string_equal(t->rows[1].raw.s, "Ghi chú: dòng chen giữa bảng");
    assert_int_equal(t->rows[1].line, 3);
    assert_int_equal(t->rows[1].n_cells, 4);
    assert_string_equal(t->rows[2].cells[3].s, "Sở Tài chính\nSở Nội vụ & UBND");
    assert_int_equal(d->warnings.len, 1);
    assert_string_equal(d->warnings.items[0].code, "unparsed_row");
    assert_int_equal(d->warnings.items[0].line, 3);
    doc_free(d);
}

static void wrapped_cells(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-wrapped.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_rows, 2);
    assert_string_equal(t->rows[0].cells[1].s, "Nhiệm vụ có nội dung dài bị ngắt dòng");
    assert_string_equal(t->rows[0].cells[3].s, "Sở Xây dựng");
    assert_int_equal(t->rows[0].line_end, 4);
    assert_int_equal(d->warnings.len, 0);
    doc_free(d);
}

static void word_export_cells(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-cells.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_columns, 4);
    assert_int_equal(t->n_rows, 3);
    assert_string_equal(t->rows[0].cells[2].s, "Sở Xây dựng");
    assert_string_equal(t->rows[1].cells[3].s, "2024 - 2026");
    assert_string_equal(t->rows[2].cells[1].s,
                        "Nhiệm vụ ba\n- Nội dung chi tiết\n- Nội dung chi tiết thêm");
    assert_string_equal(t->rows[2].cells[2].s, "Sở Nội vụ");
    assert_string_equal(t->rows[2].cells[3].s, "2027");
    assert_false(d->used[0]);
    assert_false(d->used[29]); /* Nơi nhận */
    doc_free(d);
}

static void lone_lines_are_not_tables(void **state)
{
    (void)state;
    pm_text empty = {.norm = "", .encoding = "utf-8"};
    pm_table *tables = NULL;
    size_t n_tables = 1;
    pm_error err = {0};
    assert_int_equal(pm_find_tables(&segmenter, NULL, &empty, NULL, NULL, &tables, &n_tables, NULL,
                                    &err),
                     PM_OK);
    assert_int_equal(n_tables, 0);
    static const char *inputs[] = {
        "Một dòng\tcó một tab.\n",
        "\tMột dòng bắt đầu bằng tab.\n\nVăn bản.\n",
        "STT\tNội dung\tThời gian\n\nVăn bản sau tiêu đề bảng.\n",
        "a\tb\nc\td\te\n",
        "| chỉ một dòng | có ống |\nVăn bản.\n",
    };
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        doc *d = doc_from_string(inputs[i]);
        assert_int_equal(d->n_tables, 0);
        for (size_t l = 0; l < d->text.n_lines; l++)
            assert_false(d->used[l]);
        doc_free(d);
    }
}

static void headerless_rows_of_one_shape(void **state)
{
    (void)state;
    doc *d = doc_from_string("Văn bản.\n1\tLập quy hoạch\t2025\n2\tRà soát\t2026\n\nHết.\n");
    check_invariants(d);
    assert_int_equal(d->n_tables, 1);
    assert_int_equal(d->tables[0].n_columns, 3);
    assert_string_equal(d->tables[0].columns[0], "");
    assert_int_equal(d->tables[0].n_rows, 2);
    assert_int_equal(d->tables[0].line_start, 2);
    assert_int_equal(d->tables[0].line_end, 3);
    doc_free(d);
}

/* Appendix headers outside the corpus: in the lexicon, pipes without outer
 * bars, and a header known only by its shape (number column over labels). */
static void appendix_headers(void **state)
{
    (void)state;
    doc *d = doc_from_file("tests/variants/tables-appendix-headers.txt");
    check_invariants(d);
    assert_int_equal(d->n_tables, 3);
    assert_int_equal(d->tables[0].n_columns, 6);
    assert_string_equal(d->tables[0].columns[4], "Thời hạn hoàn thành");
    assert_string_equal(d->tables[0].columns[5], "Sản phẩm");
    assert_int_equal(d->tables[0].n_rows, 2);
    assert_string_equal(d->tables[1].columns[1], "Tên đồ án");
    assert_string_equal(d->tables[1].rows[0].cells[2].s, "UBND huyện Ninh Phước");
    assert_string_equal(d->tables[2].columns[2], "Người thực hiện");
    assert_int_equal(d->tables[2].n_rows, 2);
    assert_string_equal(d->tables[2].rows[0].cells[0].s, "1");
    assert_false(d->used[0]);
    doc_free(d);
}

/* Issuer beside motto, recipients beside signature: page layout, not tables. */
/* pdftotext -layout: columns set with spaces, cells wrapped onto indented
 * lines, numbers right-aligned under their headers. */
static void space_aligned_table(void **state)
{
    (void)state;
    doc *d = doc_from_string(
        "PHỤ LỤC\n"
        "Chỉ tiêu năm 2026 - 2027\n"
        "\n"
        "STT  Nội dung chỉ tiêu                    Đơn vị        Năm 2026    Năm 2027\n"
        "1    Tỷ lệ trường học có nhà vệ sinh      %                   85          90\n"
        "     đạt chuẩn\n"
        "2    Số trạm bơm nước sạch xây mới         trạm              1.250         4\n"
        "\n"
        "3    Số hộ được hỗ trợ bồn chứa nước       hộ                 300        350\n"
        "     nước mưa                              gia đình\n"
        "Ghi chú: số liệu ước tính.\n");
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->n_columns, 5);
    assert_string_equal(t->columns[3], "Năm 2026");
    assert_int_equal(t->n_rows, 3);
    size_t count;
    const pm_row *r = row_labelled(t, "1", &count);
    assert_non_null(r);
    assert_string_equal(r->cells[1].s, "Tỷ lệ trường học có nhà vệ sinh đạt chuẩn");
    assert_string_equal(r->cells[3].s, "85");
    assert_string_equal(r->cells[4].s, "90");
    r = row_labelled(t, "2", &count);
    assert_string_equal(r->cells[3].s, "1.250");
    r = row_labelled(t, "3", &count);
    assert_string_equal(r->cells[2].s, "hộ gia đình");
    assert_int_equal(r->line, 9);
    assert_false(d->used[10]); /* the note after it */
    assert_false(d->used[1]);
    doc_free(d);
    /* prose with one wide gap per line is no table */
    d = doc_from_string("Số: 12/KH-UBND        Cà Mau, ngày 2 tháng 3 năm 2024\n"
                        "Căn cứ Luật  Tổ chức chính quyền địa phương;\n"
                        "Căn cứ Nghị quyết  số 12  của Tỉnh ủy;\n"
                        "Theo đề nghị của Sở Tài chính.\n");
    assert_int_equal(d->n_tables, 0);
    doc_free(d);
}

/* Markdown: emphasis around group rows, a layout table of the page header,
 * and a row cut by a page break whose label is written again. */
static void markdown_and_cut_rows(void **state)
{
    (void)state;
    doc *d = doc_from_string(
        "| ỦY BAN NHÂN DÂN<br>**TỈNH AN GIANG** | **CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM** |\n"
        "|---|---|\n"
        "| Số: 5/KH-UBND | *An Giang, ngày 1 tháng 2 năm 2024* |\n"
        "\n"
        "| STT | Nhiệm vụ | Cơ quan chủ trì | Thời hạn |\n"
        "|---|---|---|---|\n"
        "| **I** | **Hạ tầng** | | |\n"
        "| 1 | Nâng cấp đường tỉnh | Sở Xây dựng | 2024 |\n");
    assert_int_equal(d->n_tables, 1);
    const pm_table *t = &d->tables[0];
    assert_int_equal(t->line_start, 5);
    assert_false(d->used[2]);
    size_t count;
    const pm_row *r = row_labelled(t, "I", &count);
    assert_non_null(r);
    assert_true(r->group);
    assert_string_equal(r->cells[1].s, "Hạ tầng");
    doc_free(d);
    d = doc_from_string("TT\tNội dung\tCơ quan chủ trì\tThời hạn\n"
                        "1\tRà soát quỹ đất ở cho các dự án\t\t\n"
                        "\n"
                        "- 5 -\n"
                        "\n"
                        "TT\tNội dung\tCơ quan chủ trì\tThời hạn\n"
                        "1\tnhà ở công nhân\tSở Xây dựng\tQuý IV/2024\n"
                        "2\tKiểm tra dự án\tThanh tra tỉnh\tHằng năm\n");
    assert_int_equal(d->n_tables, 1);
    t = &d->tables[0];
    assert_int_equal(t->n_rows, 2);
    r = row_labelled(t, "1", &count);
    assert_int_equal(count, 1);
    assert_int_equal(r->line, 2);
    assert_string_equal(r->cells[1].s, "Rà soát quỹ đất ở cho các dự án nhà ở công nhân");
    assert_string_equal(r->cells[2].s, "Sở Xây dựng");
    assert_string_equal(r->cells[3].s, "Quý IV/2024");
    doc_free(d);
}

static void layout_columns_are_not_tables(void **state)
{
    (void)state;
    doc *d = doc_from_string("Nơi nhận:\tTM. ỦY BAN NHÂN DÂN\n- Bộ Xây dựng;\tKT. CHỦ TỊCH\n"
                             "- TT Tỉnh ủy;\tPHÓ CHỦ TỊCH\n- Lưu: VT.\t\n\tTrần Quốc Nam\n");
    assert_int_equal(d->n_tables, 0);
    doc_free(d);
    d = doc_from_string("ỦY BAN NHÂN DÂN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                        "TỈNH NINH THUẬN\tĐộc lập - Tự do - Hạnh phúc\n");
    assert_int_equal(d->n_tables, 0);
    doc_free(d);
}

/* The line pass decides `plain` in one scan for most lines: it must say what
 * the definition says (no break of pm_next_break between the first and last
 * non-blank byte, and no tab anywhere after the leading blanks), for tabs
 * and pairs of blanks at either end, bars, and lines of every length around
 * the 16-byte steps. */
static void line_plain_agrees_with_its_definition(void **state)
{
    (void)state;
    static const char *const pieces[] = {"a", " ", " ", "\t", "|", "ệ", "Đ", "x", "y"};
    static const char *const ends[] = {"", " ", "  ", "\t", " \t", "\t ", "|"};
    unsigned long seed = 148;
    static char text[1 << 16];
    size_t o = 0;
    for (int line = 0; line < 300; line++) {
        o += (size_t)snprintf(text + o, sizeof text - o, "%s", ends[line % 7]);
        size_t want = (size_t)line % 41;
        for (size_t n = 0; n < want; n++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            o += (size_t)snprintf(text + o, sizeof text - o, "%s",
                                  pieces[(seed >> 33) % (sizeof pieces / sizeof *pieces)]);
        }
        o += (size_t)snprintf(text + o, sizeof text - o, "z%s\n", ends[(line / 7) % 7]);
        assert_true(o < sizeof text - 256);
    }
    doc *d = doc_from_bytes(text, o);
    for (size_t i = 0; i < d->text.n_lines; i++) {
        size_t len;
        const char *p = pm_text_line_str(&d->text, i + 1, &len);
        size_t lead = 0, end = len;
        while (lead < len && (p[lead] == ' ' || p[lead] == '\t'))
            lead++;
        while (end > lead && (p[end - 1] == ' ' || p[end - 1] == '\t'))
            end--;
        bool plain = lead < len && !memchr(p + lead, '\t', len - lead) &&
                     pm_next_break(p, end, lead) == end;
        assert_int_equal(d->plain[i], plain);
    }
    doc_free(d);
}

/* Cells of one range get their span without the span builder: the same
 * string, piece and line as the builder's. */
static void cell_spans_are_the_builders(void **state)
{
    (void)state;
    doc *d = doc_from_file("corpus/000_5ed95dafb3202056.txt");
    assert_true(d->n_tables > 0);
    pm_span_builder b;
    pm_span_begin(&b, &d->arena, &d->text);
    size_t checked = 0;
    for (size_t t = 0; t < d->n_tables; t++)
        for (size_t r = 0; r < d->tables[t].n_rows; r++)
            for (size_t c = 0; c < d->tables[t].rows[r].n_cells; c++) {
                const pm_span *cell = &d->tables[t].rows[r].cells[c];
                /* a cell of one range (lines joined by separators can map
                 * through one piece too: those are the builder's own) */
                if (cell->n_pieces != 1 ||
                    memcmp(cell->s, d->text.norm + cell->pieces[0].norm, cell->len) != 0)
                    continue;
                pm_span want;
                pm_span_add(&b, cell->pieces[0].norm, cell->pieces[0].norm + cell->len);
                assert_int_equal(pm_span_end(&b, &want), PM_OK);
                assert_int_equal(cell->len, want.len);
                assert_memory_equal(cell->s, want.s, want.len + 1);
                assert_int_equal(want.n_pieces, 1);
                assert_int_equal(cell->pieces[0].at, want.pieces[0].at);
                assert_int_equal(cell->line, want.line);
                checked++;
            }
    assert_true(checked > 10);
    pm_span_builder_free(&b);
    doc_free(d);
}

static void init_fails_without_table_patterns(void **state)
{
    (void)state;
    char dir[] = "/tmp/pm-tables-XXXXXX";
    scratch_dir_make(dir);
    scratch_dir_write(dir, "other.pcre", "key\t\\d+\n");
    pm_patterns *other;
    pm_error err = {0};
    assert_int_equal(pm_patterns_load(dir, &other, &err), PM_OK);
    pm_segmenter s = {.patterns = other};
    assert_int_equal(pm_tables_init(&s, &err), PM_ERR_PATTERN);
    assert_non_null(strstr(err.message, "tables"));
    assert_null(s.tables);
    pm_patterns_free(other);
    scratch_dir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(thai_nguyen_one_table_with_html_lists),
        cmocka_unit_test(soc_trang_merges_split_rows),
        cmocka_unit_test(lang_son_one_cell_per_line),
        cmocka_unit_test(plain_documents_have_no_tables),
        cmocka_unit_test(pipe_rows),
        cmocka_unit_test(crlf_nbsp_two_row_header),
        cmocka_unit_test(header_repeated_three_times),
        cmocka_unit_test(surplus_cells_and_unparsed_rows),
        cmocka_unit_test(wrapped_cells),
        cmocka_unit_test(word_export_cells),
        cmocka_unit_test(lone_lines_are_not_tables),
        cmocka_unit_test(headerless_rows_of_one_shape),
        cmocka_unit_test(appendix_headers),
        cmocka_unit_test(space_aligned_table),
        cmocka_unit_test(markdown_and_cut_rows),
        cmocka_unit_test(layout_columns_are_not_tables),
        cmocka_unit_test(line_plain_agrees_with_its_definition),
        cmocka_unit_test(cell_spans_are_the_builders),
        cmocka_unit_test(init_fails_without_table_patterns),
    };
    return cmocka_run_group_tests_name("tables", tests, load_patterns, free_patterns);
}

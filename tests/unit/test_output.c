/* Tests of the JSON renderer: string escaping (always valid JSON, whatever
 * the bytes), number formatting, nulls for absent knowledge, and a small
 * hand-built document rendered, parsed back with jansson and checked. */
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "output/output.h"

/* ---- strings --------------------------------------------------------------- */

static char *json_literal(const char *s, size_t n, pm_buf *buf)
{
    pm_buf_reset(buf);
    pm_json_string(buf, s, n);
    return (char *)pm_buf_cstr(buf);
}

/* The literal parses as JSON and decodes to `expected`. */
static void assert_decodes_to(const char *literal, const char *expected, size_t expected_len)
{
    json_error_t error;
    json_t *v = json_loads(literal, JSON_DECODE_ANY | JSON_ALLOW_NUL, &error);
    assert_non_null(v);
    assert_true(json_is_string(v));
    assert_int_equal(json_string_length(v), expected_len);
    assert_memory_equal(json_string_value(v), expected, expected_len);
    json_decref(v);
}

static void test_escapes_quotes_backslash_and_controls(void **state)
{
    (void)state;
    pm_buf buf = {0};
    const char in[] = "a\"b\\c\nd\te\r\x01\x1f\b\f";
    char *out = json_literal(in, sizeof in - 1, &buf);
    assert_string_equal(out, "\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u001f\\b\\f\"");
    assert_decodes_to(out, in, sizeof in - 1);
    pm_buf_free(&buf);
}

static void test_embedded_nul_is_escaped(void **state)
{
    (void)state;
    pm_buf buf = {0};
    char *out = json_literal("a\0b", 3, &buf);
    assert_string_equal(out, "\"a\\u0000b\"");
    assert_decodes_to(out, "a\0b", 3);
    pm_buf_free(&buf);
}

static void test_valid_utf8_is_kept(void **state)
{
    (void)state;
    pm_buf buf = {0};
    /* 2-, 3- and 4-byte sequences: "Đô thị ≥ 45% 𝔸" */
    const char in[] = "\xC4\x90\xC3\xB4 th\xE1\xBB\x8B \xE2\x89\xA5 45% \xF0\x9D\x94\xB8";
    char *out = json_literal(in, sizeof in - 1, &buf);
    assert_int_equal(strlen(out), sizeof in - 1 + 2);
    assert_decodes_to(out, in, sizeof in - 1);
    pm_buf_free(&buf);
}

#define FFFD "\xEF\xBF\xBD"

static void test_invalid_utf8_becomes_replacement(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out; /* decoded */
    } cases[] = {
        {"\xFF", FFFD},
        {"x\xC3", "x" FFFD},                 /* truncated at the end */
        {"\xE1\xBA" "end", FFFD "end"},      /* one U+FFFD per maximal subpart */
        {"\xE0\x80\x80", FFFD FFFD FFFD},    /* overlong */
        {"\xC0\xAF", FFFD FFFD},             /* overlong '/' */
        {"\xED\xA0\x80", FFFD FFFD FFFD},    /* UTF-16 surrogate */
        {"\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD}, /* above U+10FFFF */
        {"\x80\"", FFFD "\""},               /* stray continuation, then a quote */
    };
    pm_buf buf = {0};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *out = json_literal(cases[i].in, strlen(cases[i].in), &buf);
        assert_decodes_to(out, cases[i].out, strlen(cases[i].out));
    }
    pm_buf_free(&buf);
}

/* The escaper as it was before its block fast path, byte by byte: the
 * fast path must write exactly what it wrote. */
static size_t reference_sequence(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    if (b >= 0xC2 && b <= 0xDF)
        need = 2;
    else if (b >= 0xE0 && b <= 0xEF) {
        need = 3;
        lo = b == 0xE0 ? 0xA0 : 0x80;
        hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 4;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        *bad = 1;
        return 0;
    }
    size_t i = 1;
    for (; i < need && i < n; i++)
        if (i == 1 ? (s[i] < lo || s[i] > hi) : (s[i] < 0x80 || s[i] > 0xBF))
            break;
    if (i == need)
        return need;
    *bad = i;
    return 0;
}

static void reference_json_string(pm_buf *out, const unsigned char *p, size_t n)
{
    pm_buf_putc(out, '"');
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t bad = 0, len;
        if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
            pm_buf_putc(out, (char)c);
            i++;
        } else if (c >= 0x80 && (len = reference_sequence(p + i, n - i, &bad)) > 0) {
            pm_buf_append(out, p + i, len);
            i += len;
        } else if (bad) {
            pm_buf_puts(out, FFFD);
            i += bad;
        } else {
            const char *e = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n"
                          : c == '\t' ? "\\t" : c == '\r' ? "\\r" : c == '\b' ? "\\b"
                          : c == '\f' ? "\\f" : NULL;
            if (e)
                pm_buf_puts(out, e);
            else
                pm_buf_printf(out, "\\u%04x", c);
            i++;
        }
    }
    pm_buf_putc(out, '"');
}

/* Random strings made of pieces that test every branch of the block fast
 * path (all kinds of sequences, valid or not, cut or not, escapes), at
 * every offset from the 16-byte blocks and at both ends of the string. */
static void test_fast_escaper_matches_reference(void **state)
{
    (void)state;
    static const char *const pieces[] = {
        "a", "Hello ", "0123456789abcdef", " ", "\"", "\\", "\n", "\t", "\x01", "\x1f",
        "\x7f", "\xC3\xA0", "\xC4\x90", "\xE1\xBB\x87", "\xE1\xBA\xA1", "\xE2\x80\x93",
        "\xEF\xBF\xBD", "\xE0\xA4\x85", "\xED\x9F\xBF", "\xF0\x9D\x94\xB8",
        "\xF4\x8F\xBF\xBF", "\xC2\x80", "\xDF\xBF", "\xEE\x80\x80",
        /* invalid */
        "\x80", "\xBF", "\xC0\xAF", "\xC1\x81", "\xC3", "\xE1\xBB", "\xE1", "\xE0\x80\x80",
        "\xED\xA0\x80", "\xF0\x80\x80\x80", "\xF4\x90\x80\x80", "\xF5\x80", "\xFF", "\xFE",
        "\xF0\x9D\x94", "\xC3\xC3", "\xE1\x41\x41",
    };
    enum { N_PIECES = sizeof pieces / sizeof *pieces };
    unsigned seed = 148;
    unsigned char in[160];
    pm_buf fast = {0}, slow = {0};
    /* Fixed-length runs too: long stretches of one valid piece exercise
     * the blocks and their cut sequences; the loop below mixes. */
    for (int round = 0; round < 200000; round++) {
        size_t n = 0;
        size_t want = (seed = seed * 1103515245u + 12345u) >> 16 & 127;
        bool valid_only = round % 3 == 0;
        while (n < want) {
            seed = seed * 1103515245u + 12345u;
            size_t k = (seed >> 16) % (valid_only ? 24 : N_PIECES);
            size_t len = strlen(pieces[k]);
            if (n + len > sizeof in)
                break;
            memcpy(in + n, pieces[k], len);
            n += len;
        }
        if (round % 7 == 0 && n > 0)
            n -= (seed >> 8) % n; /* cut anywhere, also inside a sequence */
        /* A copy on the heap of exactly n bytes, so that ASan sees any
         * read past the end. */
        unsigned char *exact = test_malloc(n ? n : 1);
        memcpy(exact, in, n);
        pm_buf_reset(&fast);
        pm_buf_reset(&slow);
        pm_json_string(&fast, (const char *)exact, n);
        reference_json_string(&slow, exact, n);
        assert_int_equal(fast.len, slow.len);
        assert_memory_equal(fast.data, slow.data, fast.len);
        /* Again at the very end of a 256-byte buffer: the room the escaper
         * reserves (string, quotes, the 16 bytes a block store may spill)
         * is all there is, so ASan sees any write past it. */
        pm_buf edge = {0};
        assert_true(pm_buf_reserve(&edge, 255));
        assert_int_equal(edge.cap, 256);
        edge.len = 256 - 1 - (n + 2 + 16);
        memset(edge.data, '.', edge.len);
        size_t start = edge.len;
        pm_json_string(&edge, (const char *)exact, n);
        assert_int_equal(edge.len - start, slow.len);
        assert_memory_equal(edge.data + start, slow.data, slow.len);
        pm_buf_free(&edge);
        test_free(exact);
    }
    pm_json_string(&fast, "", 0);
    assert_string_equal(pm_buf_cstr(&fast) + fast.len - 2, "\"\"");
    pm_buf_free(&fast);
    pm_buf_free(&slow);
}

/* ---- a small document ---------------------------------------------------- */

typedef struct fixture {
    pm_text text;
    pm_tree tree;
    pm_records records;
    pm_warnings warnings;
    pm_arena arena;
    pm_result result;
    pm_section sections[2];
    pm_table table;
    pm_row rows[2];
    pm_span cells[2];
    const char *columns[2];
    pm_docref implements[1];
    const char *recipients[2];
    pm_target targets[2];
    pm_task tasks[2];
    pm_agency agencies[2];
} fixture;

static fixture *make_fixture(void)
{
    fixture *f = test_calloc(1, sizeof *f);
    pm_arena_init(&f->arena);
    f->text.orig_len = 1234;
    f->text.encoding = "utf-8";
    f->text.n_lines = 40;

    pm_header *h = &f->tree.header;
    h->type = "Kế hoạch";
    h->number = "221/KH-UBND";
    h->issuer = "UBND tỉnh Thái Nguyên";
    h->province = "Thái Nguyên";
    h->date = "2023-12-29";
    h->title = "Thực hiện Nghị quyết số 148/NQ-CP";
    f->implements[0] = (pm_docref){.number = "148/NQ-CP", .date = NULL};
    h->implements = f->implements;
    h->n_implements = 1;
    h->signer_name = "Trịnh Việt Hùng";
    h->signer_title = "Chủ tịch";
    f->recipients[0] = "TT Tỉnh ủy";
    f->recipients[1] = "Như trên";
    h->recipients = f->recipients;
    h->n_recipients = 2;

    f->sections[0] = (pm_section){.parent = -1, .level = 1, .label = "II", .title = "MỤC TIÊU",
                                  .line_start = 10, .line_end = 30};
    f->sections[1] = (pm_section){.parent = 0, .level = 2, .label = "Phụ lục I", .title = NULL,
                                  .appendix = true, .line_start = 31, .line_end = 40};
    f->tree.sections = f->sections;
    f->tree.n_sections = 2;

    f->columns[0] = "TT";
    f->columns[1] = "Nội dung";
    f->cells[0] = (pm_span){.s = "1", .len = 1};
    f->cells[1] = (pm_span){.s = "Lập \"quy hoạch\"", .len = strlen("Lập \"quy hoạch\"")};
    f->rows[0] = (pm_row){.cells = f->cells, .n_cells = 2, .line = 33};
    f->rows[1] = (pm_row){.unparsed = true, .raw = {.s = "???", .len = 3}, .line = 35};
    f->table = (pm_table){.section = 1, .title = NULL, .columns = f->columns, .n_columns = 2,
                          .rows = f->rows, .n_rows = 2, .line_start = 32, .line_end = 36};
    f->tree.tables = &f->table;
    f->tree.n_tables = 1;

    f->agencies[0] = (pm_agency){"so-xay-dung", "Sở Xây dựng", "Sở Xây dụng"};
    f->agencies[1] = (pm_agency){"so-tai-chinh", "Sở Tài chính", "Tài chính"};

    f->targets[0] = (pm_target){
        .section = 0, .table = -1, .indicator = "Tỷ lệ đô thị hóa",
        .indicator_id = "urbanization_rate", .year = 2025,
        .value = {.op = PM_OP_GT, .has_min = true, .min = 45},
        .unit = "%", .aspirational = true, .scope = "",
        .source = {.line = 12, .byte_start = 100, .byte_end = 140, .text = "trên 45%"}};
    f->targets[1] = (pm_target){
        .section = 1, .table = 0, .indicator = "Tỷ lệ đất", .year = 2030,
        .value = {.op = PM_OP_BETWEEN, .has_min = true, .min = 1.5, .has_max = true,
                  .max = 1573.1},
        .unit = "%", .lead = f->agencies, .n_lead = 1,
        .source = {.line = 33, .byte_start = 500, .byte_end = 520, .text = "1,5 - 1.573,1"}};
    f->records.targets = f->targets;
    f->records.n_targets = 2;

    f->tasks[0] = (pm_task){
        .section = 1, .table = 0, .label = "1", .text = "Lập quy hoạch",
        .lead = &f->agencies[0], .n_lead = 1, .support = &f->agencies[1], .n_support = 1,
        .deadline = {.kind = PM_DEADLINE_RANGE, .start = 2023, .end = 2024, .text = "2023-2024"},
        .source = {.line = 33, .byte_start = 480, .byte_end = 499, .text = "Lập quy hoạch"}};
    f->tasks[1] = (pm_task){
        .section = -1, .table = -1, .label = NULL, .text = "Triển khai",
        .deadline = {.kind = PM_DEADLINE_NONE},
        .source = {.line = 20, .byte_start = 300, .byte_end = 310, .text = "Triển khai"}};
    f->records.tasks = f->tasks;
    f->records.n_tasks = 2;

    f->warnings.arena = &f->arena;
    pm_warn(&f->warnings, "number_mismatch", 31, "appendix cites %s", "222/KH-UBND");
    pm_warn(&f->warnings, "invalid_utf8", 0, "repaired %d bytes", 2);

    f->result = (pm_result){.path = "corpus/x.txt", .text = &f->text, .tree = &f->tree,
                            .records = &f->records, .warnings = &f->warnings};
    memset(f->result.sha256, 'a', 64);
    return f;
}

static int setup(void **state)
{
    *state = make_fixture();
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    pm_arena_free(&f->arena);
    test_free(f);
    return 0;
}

static json_t *render(const pm_result *r, unsigned flags, pm_buf *buf)
{
    pm_buf_reset(buf);
    assert_int_equal(pm_render_json(r, flags, buf), PM_OK);
    json_error_t error;
    json_t *root = json_loads(pm_buf_cstr(buf), 0, &error);
    if (!root)
        fail_msg("rendered JSON does not parse: %s at %d:%d", error.text, error.line,
                 error.column);
    return root;
}

static json_t *at(json_t *root, const char *path)
{
    json_t *v = root;
    char key[64];
    while (*path && v) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        v = key[0] >= '0' && key[0] <= '9' ? json_array_get(v, (size_t)atoi(key))
                                           : json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    if (!v)
        fail_msg("no value at the path");
    return v;
}

static void assert_str_at(json_t *root, const char *path, const char *expected)
{
    json_t *v = at(root, path);
    assert_true(json_is_string(v));
    assert_string_equal(json_string_value(v), expected);
}

static void assert_null_at(json_t *root, const char *path)
{
    assert_true(json_is_null(at(root, path)));
}

static void assert_int_at(json_t *root, const char *path, json_int_t expected)
{
    json_t *v = at(root, path);
    assert_true(json_is_integer(v));
    assert_int_equal(json_integer_value(v), expected);
}

static void test_document_round_trip(void **state)
{
    fixture *f = *state;
    pm_buf buf = {0};
    json_t *root = render(&f->result, PM_RENDER_PRETTY, &buf);

    assert_str_at(root, "schema", "plan-extract/1");
    assert_str_at(root, "source.path", "corpus/x.txt");
    assert_int_at(root, "source.bytes", 1234);
    assert_int_at(root, "source.lines", 40);
    assert_str_at(root, "document.number", "221/KH-UBND");
    assert_str_at(root, "document.implements.0.number", "148/NQ-CP");
    assert_null_at(root, "document.implements.0.date");
    assert_str_at(root, "document.signer.name", "Trịnh Việt Hùng");
    assert_null_at(root, "document.signer.on_behalf");
    assert_int_equal(json_array_size(at(root, "document.recipients")), 2);

    assert_str_at(root, "sections.0.id", "s1");
    assert_null_at(root, "sections.0.parent");
    assert_str_at(root, "sections.0.kind", "body");
    assert_str_at(root, "sections.1.parent", "s1");
    assert_str_at(root, "sections.1.kind", "appendix");
    assert_null_at(root, "sections.1.title");

    assert_str_at(root, "tables.0.id", "t1");
    assert_str_at(root, "tables.0.section", "s2");
    assert_null_at(root, "tables.0.title");
    assert_str_at(root, "tables.0.rows.0.cells.1", "Lập \"quy hoạch\"");
    assert_int_at(root, "tables.0.rows.0.line", 33);
    assert_null(json_object_get(at(root, "tables.0.rows.0"), "raw"));
    assert_int_equal(json_array_size(at(root, "tables.0.rows.1.cells")), 0);
    assert_str_at(root, "tables.0.rows.1.raw", "???");

    assert_str_at(root, "targets.0.id", "g1");
    assert_str_at(root, "targets.0.section", "s1");
    assert_null_at(root, "targets.0.table");
    assert_str_at(root, "targets.0.value.op", "gt");
    assert_null_at(root, "targets.0.value.max");
    assert_true(json_is_true(at(root, "targets.0.aspirational")));
    assert_null_at(root, "targets.0.scope"); /* "" is absent knowledge */
    assert_int_equal(json_array_size(at(root, "targets.0.lead")), 0);
    assert_str_at(root, "targets.1.table", "t1");
    assert_null_at(root, "targets.1.indicator_id");
    assert_str_at(root, "targets.1.value.op", "between");
    assert_str_at(root, "targets.1.lead.0.id", "so-xay-dung");
    assert_str_at(root, "targets.1.lead.0.raw", "Sở Xây dụng");
    assert_int_at(root, "targets.1.source.byte_end", 520);

    assert_str_at(root, "tasks.0.id", "k1");
    assert_str_at(root, "tasks.0.support.0.id", "so-tai-chinh");
    assert_str_at(root, "tasks.0.deadline.kind", "range");
    assert_int_at(root, "tasks.0.deadline.start", 2023);
    assert_null_at(root, "tasks.0.deadline.date");
    assert_null_at(root, "tasks.0.product");
    assert_null_at(root, "tasks.1.deadline");
    assert_null_at(root, "tasks.1.section");
    assert_null_at(root, "tasks.1.label");

    assert_str_at(root, "warnings.0.code", "number_mismatch");
    assert_str_at(root, "warnings.0.message", "appendix cites 222/KH-UBND");
    assert_int_at(root, "warnings.0.line", 31);
    assert_null_at(root, "warnings.1.line");

    json_decref(root);
    pm_buf_free(&buf);
}

static void test_pretty_and_compact_agree(void **state)
{
    fixture *f = *state;
    pm_buf pretty = {0}, compact = {0};
    json_t *a = render(&f->result, PM_RENDER_PRETTY, &pretty);
    json_t *b = render(&f->result, 0, &compact);
    assert_true(json_equal(a, b));
    assert_null(strchr(pm_buf_cstr(&compact), '\n'));
    assert_true(strncmp(pm_buf_cstr(&pretty), "{\n  \"schema\": \"plan-extract/1\",\n  \"source\": {\n    \"path\"", 55) == 0);
    assert_non_null(strstr(pm_buf_cstr(&pretty), "\"implements\": [\n      {\n"));
    assert_non_null(strstr(pm_buf_cstr(&pretty), "\"lead\": [],"));
    json_decref(a);
    json_decref(b);
    pm_buf_free(&pretty);
    pm_buf_free(&compact);
}

static void test_signer_null_when_unknown(void **state)
{
    fixture *f = *state;
    f->tree.header.signer_name = NULL;
    f->tree.header.signer_title = NULL;
    f->tree.header.number = NULL;
    f->tree.header.date = "";
    pm_buf buf = {0};
    json_t *root = render(&f->result, 0, &buf);
    assert_null_at(root, "document.signer");
    assert_null_at(root, "document.number");
    assert_null_at(root, "document.date");
    json_decref(root);
    pm_buf_free(&buf);
}

static void test_references_out_of_range_are_null(void **state)
{
    fixture *f = *state;
    f->targets[0].section = 7; /* no such section: never a dangling id */
    f->targets[0].table = -3;
    f->sections[1].parent = 2;
    pm_buf buf = {0};
    json_t *root = render(&f->result, 0, &buf);
    assert_null_at(root, "targets.0.section");
    assert_null_at(root, "targets.0.table");
    assert_null_at(root, "sections.1.parent");
    json_decref(root);
    pm_buf_free(&buf);
}

/* The printed form of a value as the target's min (compact output). */
static void assert_number_prints(fixture *f, double v, const char *expected)
{
    f->targets[0].value.min = v;
    pm_buf buf = {0};
    assert_int_equal(pm_render_json(&f->result, 0, &buf), PM_OK);
    char want[64];
    snprintf(want, sizeof want, "\"min\":%s,", expected);
    if (!strstr(pm_buf_cstr(&buf), want))
        fail_msg("%.17g does not print as %s", v, expected);
    json_error_t error;
    json_t *root = json_loads(pm_buf_cstr(&buf), 0, &error);
    assert_non_null(root);
    json_t *min = at(root, "targets.0.value.min");
    if (isfinite(v))
        assert_true(json_number_value(min) == v);
    else
        assert_true(json_is_null(min));
    json_decref(root);
    pm_buf_free(&buf);
}

static void test_number_formatting(void **state)
{
    fixture *f = *state;
    assert_number_prints(f, 45, "45");
    assert_number_prints(f, 100, "100");
    assert_number_prints(f, 1000, "1000");
    assert_number_prints(f, 0, "0");
    assert_number_prints(f, -0.0, "0");
    assert_number_prints(f, -12, "-12");
    assert_number_prints(f, 1.5, "1.5");
    assert_number_prints(f, 2.3, "2.3");
    assert_number_prints(f, 1573.1, "1573.1");
    assert_number_prints(f, 0.1, "0.1");
    assert_number_prints(f, 1.0 / 3, "0.3333333333333333");
    assert_number_prints(f, 1e20, "1e+20");
    assert_number_prints(f, NAN, "null");
    assert_number_prints(f, INFINITY, "null");
    /* Integers print without printf: the same digits as its %.0f. */
    static const double integers[] = {1, -1, 7, 10, -10, 99, 2025, -2030, 123456789,
                                      999999999999999, -999999999999999, 4503599627370496.0 / 8,
                                      1e14, -1e14, 65536, 1e15, -1e15, 9007199254740992.0};
    for (size_t i = 0; i < sizeof integers / sizeof *integers; i++) {
        char want[64];
        snprintf(want, sizeof want, "%.0f", integers[i]);
        for (int precision = 1; fabs(integers[i]) >= 1e15 && precision <= 17; precision++) {
            snprintf(want, sizeof want, "%.*g", precision, integers[i]);
            if (strtod(want, NULL) == integers[i])
                break;
        }
        assert_number_prints(f, integers[i], want);
    }
}

/* Sizes, ints and references print without printf: the digits of %zu,
 * %d and "%c%lld" at their extremes. */
static void test_integer_fields_match_printf(void **state)
{
    fixture *f = *state;
    f->sections[0].line_start = SIZE_MAX;
    f->sections[0].line_end = 0;
    f->sections[0].level = INT_MIN;
    f->sections[1].level = INT_MAX;
    f->targets[0].year = -7;
    f->targets[0].source.byte_end = 1000000000000ull;
    pm_buf buf = {0};
    assert_int_equal(pm_render_json(&f->result, 0, &buf), PM_OK);
    const char *json = pm_buf_cstr(&buf);
    char want[96];
    snprintf(want, sizeof want, "\"level\":%d,\"label\"", INT_MIN);
    assert_non_null(strstr(json, want));
    snprintf(want, sizeof want, "\"level\":%d,\"label\"", INT_MAX);
    assert_non_null(strstr(json, want));
    snprintf(want, sizeof want, "\"line_start\":%zu,\"line_end\":0}", (size_t)SIZE_MAX);
    assert_non_null(strstr(json, want));
    assert_non_null(strstr(json, "\"year\":-7,"));
    assert_non_null(strstr(json, "\"byte_end\":1000000000000,"));
    assert_non_null(strstr(json, "\"id\":\"s1\",\"parent\":null"));
    assert_non_null(strstr(json, "\"id\":\"s2\",\"parent\":\"s1\""));
    pm_buf_free(&buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes_quotes_backslash_and_controls),
        cmocka_unit_test(test_embedded_nul_is_escaped),
        cmocka_unit_test(test_valid_utf8_is_kept),
        cmocka_unit_test(test_invalid_utf8_becomes_replacement),
        cmocka_unit_test(test_fast_escaper_matches_reference),
        cmocka_unit_test_setup_teardown(test_document_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pretty_and_compact_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signer_null_when_unknown, setup, teardown),
        cmocka_unit_test_setup_teardown(test_references_out_of_range_are_null, setup, teardown),
        cmocka_unit_test_setup_teardown(test_number_formatting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integer_fields_match_printf, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

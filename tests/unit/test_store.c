/* Unit tests of src/store: schema (tables, foreign keys, indexes), the
 * one-table query, idempotent reload, replacement, rollback, errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"

static char db_path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/test_store.XXXXXX");
    int fd = mkstemp(db_path);
    if (fd < 0)
        return -1;
    close(fd);
    return unlink(db_path); /* SQLite creates it */
}

static int teardown(void **state)
{
    (void)state;
    unlink(db_path);
    return 0;
}

static json_t *make_doc(const char *sha_digit, const char *province, int n_targets)
{
    char sha[65];
    memset(sha, sha_digit[0], 64);
    sha[64] = '\0';
    json_t *targets = json_array();
    for (int i = 0; i < n_targets; i++)
        json_array_append_new(
            targets,
            json_pack("{s:s, s:s, s:s, s:i, s:{s:s, s:f, s:n}, s:s, s:b, s:n, s:[{s:s, s:s, s:s}],"
                      " s:{s:i, s:i, s:i, s:s}}",
                      "id", "g1", "section", "s1", "indicator", "Tỷ lệ đô thị hóa", "year", 2025 + 5 * i,
                      "value", "op", "gt", "min", 45.0 + 5 * i, "max", "unit", "%", "aspirational", 0,
                      "scope", "lead", "id", "so-xay-dung", "name", "Sở Xây dựng", "raw", "Sở XD",
                      "source", "line", 43, "byte_start", 10, "byte_end", 50, "text", "Tỷ lệ…"));
    for (size_t i = 0; i < json_array_size(targets); i++)
        json_object_set_new(json_array_get(targets, i), "indicator_id", json_string("urbanization_rate"));
    return json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:n}, s:[{s:s, s:n, s:i, s:s, s:s, s:s, s:i, s:i}],"
        " s:o, s:[{s:s, s:s, s:n, s:s, s:[{s:s, s:s, s:s}], s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}],"
        " s:[], s:{s:s, s:i, s:i, s:n, s:s}, s:n, s:{s:i}}], s:[{s:s, s:s, s:i}]}",
        "schema", "plan-extract/1", "source", "path", "x.txt", "sha256", sha, "document", "province",
        province, "number", "221/KH-UBND", "date", "sections", "id", "s1", "parent", "level", 1,
        "label", "I.", "title", "MỤC TIÊU", "kind", "body", "line_start", 1, "line_end", 9, "targets",
        targets, "tasks", "id", "k1", "text", "Lập quy hoạch", "label", "section", "s1", "lead", "id",
        "so-xay-dung", "name", "Sở Xây dựng", "raw", "Sở Xây dựng", "support", "id", "so-tai-chinh",
        "name", "Sở Tài chính", "raw", "Sở TC", "id", "ubnd-cap-huyen", "name", "UBND cấp huyện", "raw",
        "UBND các huyện", "approver", "deadline", "kind", "range", "start", 2023, "end", 2025, "date",
        "text", "2023-2025", "product", "source", "line", 300, "warnings", "code", "number_mismatch",
        "message", "121 vs 221", "line", 299);
}

static sqlite3 *open_db(void)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(db_path, &db), SQLITE_OK);
    return db;
}

static long long scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    long long v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

static void load(json_t *const *docs, size_t n, bool commit)
{
    pm_store *st;
    pm_error err;
    if (pm_store_open(db_path, &st, &err) != PM_OK)
        fail_msg("%s: %s", err.file, err.message);
    pm_value v = { .op = PM_OP_GE, .has_min = true, .min = 45 };
    assert_int_equal(pm_store_clear_baseline(st, &err), PM_OK);
    assert_int_equal(pm_store_put_baseline(st, "urbanization_rate", 2025, &v, "ge", "%", "tối thiểu 45%", &err),
                     PM_OK);
    for (size_t i = 0; i < n; i++)
        if (pm_store_put_document(st, docs[i], &err) != PM_OK)
            fail_msg("%s: %s", err.file, err.message);
    if (commit)
        assert_int_equal(pm_store_commit(st, &err), PM_OK);
    pm_store_close(st);
}

static const char *const tables[] = { "documents", "sections", "targets", "target_agencies", "tasks",
                                      "agencies", "task_agencies", "warnings", "baseline" };

static void counts(long long out[9])
{
    sqlite3 *db = open_db();
    char sql[96];
    for (size_t i = 0; i < 9; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", tables[i]);
        out[i] = scalar(db, sql);
    }
    sqlite3_close(db);
}

static void test_schema(void **state)
{
    (void)state;
    json_t *doc = make_doc("a", "Thái Nguyên", 2);
    load(&doc, 1, true);
    json_decref(doc);
    sqlite3 *db = open_db();
    char sql[200];
    for (size_t i = 0; i < 9; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='%s'",
                 tables[i]);
        assert_int_equal(scalar(db, sql), 1);
    }
    /* Every per-document table cascades from documents. */
    static const char *const children[] = { "sections", "targets", "tasks", "warnings" };
    for (size_t i = 0; i < 4; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM pragma_foreign_key_list('%s') WHERE \"table\"='documents'"
                 " AND on_delete='CASCADE'", children[i]);
        assert_int_equal(scalar(db, sql), 1);
    }
    assert_int_equal(scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('task_agencies')"
                                " WHERE \"table\"='tasks' AND on_delete='CASCADE'"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pragma_foreign_key_list('task_agencies')"
                                " WHERE \"table\"='agencies'"), 1);
    static const char *const indexes[] = { "targets_indicator", "targets_province", "targets_document",
                                           "tasks_document", "task_agencies_agency", "sections_document",
                                           "warnings_document" };
    for (size_t i = 0; i < sizeof indexes / sizeof *indexes; i++) {
        snprintf(sql, sizeof sql, "SELECT count(*) FROM sqlite_master WHERE type='index' AND name='%s'",
                 indexes[i]);
        assert_int_equal(scalar(db, sql), 1);
    }
    assert_int_equal(scalar(db, "PRAGMA user_version"), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    sqlite3_close(db);
}

static void test_query_by_indicator(void **state)
{
    (void)state;
    sqlite3 *db = open_db();
    sqlite3_stmt *s;
    /* The query the README promises, verbatim. */
    assert_int_equal(sqlite3_prepare_v2(db, "select province, year, min, max from targets "
                                            "where indicator_id='urbanization_rate' order by year",
                                        -1, &s, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "Thái Nguyên");
    assert_int_equal(sqlite3_column_int(s, 1), 2025);
    assert_true(sqlite3_column_double(s, 2) == 45.0);
    assert_int_equal(sqlite3_column_type(s, 3), SQLITE_NULL);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(s, 1), 2030);
    assert_int_equal(sqlite3_step(s), SQLITE_DONE);
    sqlite3_finalize(s);
    assert_int_equal(scalar(db, "SELECT count(*) FROM task_agencies WHERE role='support'"), 2);
    assert_int_equal(scalar(db, "SELECT count(*) FROM baseline WHERE op='ge' AND min=45"), 1);
    sqlite3_close(db);
}

static void test_reload_is_idempotent(void **state)
{
    (void)state;
    long long before[9], after[9];
    counts(before);
    json_t *doc = make_doc("a", "Thái Nguyên", 2);
    load(&doc, 1, true);
    load(&doc, 1, true);
    counts(after);
    for (size_t i = 0; i < 9; i++)
        if (before[i] != after[i])
            fail_msg("%s: %lld rows, then %lld", tables[i], before[i], after[i]);
    json_decref(doc);

    /* A second document adds; a changed version of the first replaces it. */
    json_t *docs[2] = { make_doc("b", "Sóc Trăng", 1), make_doc("a", "Thái Nguyên", 1) };
    load(docs, 2, true);
    counts(after);
    assert_int_equal(after[0], 2);            /* documents */
    assert_int_equal(after[2], 2);            /* targets: 1 + 1 */
    assert_int_equal(after[4], 2);            /* tasks */
    assert_int_equal(after[5], 3);            /* agencies, shared */
    json_decref(docs[0]);
    json_decref(docs[1]);
}

static void test_rollback_without_commit(void **state)
{
    (void)state;
    long long before[9], after[9];
    counts(before);
    json_t *doc = make_doc("c", "Lạng Sơn", 3);
    load(&doc, 1, false);
    json_decref(doc);
    counts(after);
    assert_memory_equal(before, after, sizeof before);
}

static void test_errors(void **state)
{
    (void)state;
    pm_store *st;
    pm_error err;
    json_t *no_sha = json_pack("{s:s, s:{}}", "schema", "plan-extract/1", "source");
    assert_int_equal(pm_store_open(db_path, &st, &err), PM_OK);
    assert_int_equal(pm_store_put_document(st, no_sha, &err), PM_ERR_INPUT);
    pm_store_close(st);
    json_decref(no_sha);

    char junk[80];
    snprintf(junk, sizeof junk, "%s.junk", db_path);
    FILE *f = fopen(junk, "w");
    assert_non_null(f);
    fputs("this is not an SQLite database, just text that is long enough to have a header\n", f);
    fclose(f);
    assert_int_equal(pm_store_open(junk, &st, &err), PM_ERR_IO);
    assert_null(st);
    unlink(junk);

    /* A database written by a newer planmine is left alone. */
    sqlite3 *db = open_db();
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pm_store_open(db_path, &st, &err), PM_ERR_INPUT);
    assert_true(strstr(err.message, "newer") != NULL);
    assert_int_equal(pm_store_open("/nonexistent/dir/x.sqlite", &st, &err), PM_ERR_IO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_query_by_indicator),
        cmocka_unit_test(test_reload_is_idempotent),
        cmocka_unit_test(test_rollback_without_commit),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

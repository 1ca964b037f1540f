/* SQLite store: one transaction per run, prepared statements, documents
 * replaced by sha256 through ON DELETE CASCADE. */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#define SCHEMA_VERSION 1

static const char schema_sql[] =
    "CREATE TABLE IF NOT EXISTS documents("
    " id INTEGER PRIMARY KEY, sha256 TEXT NOT NULL UNIQUE, path TEXT, province TEXT,"
    " type TEXT, number TEXT, date TEXT, title TEXT, issuer TEXT,"
    " loaded_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
    "CREATE TABLE IF NOT EXISTS sections("
    " id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " key TEXT NOT NULL, parent_key TEXT, level INTEGER, label TEXT, title TEXT, kind TEXT,"
    " line_start INTEGER, line_end INTEGER, UNIQUE(document_id, key));"
    "CREATE TABLE IF NOT EXISTS targets("
    " id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " key TEXT, section_key TEXT, province TEXT, indicator TEXT, indicator_id TEXT,"
    " year INTEGER, op TEXT, min REAL, max REAL, unit TEXT, aspirational INTEGER NOT NULL,"
    " scope TEXT, line INTEGER, byte_start INTEGER, byte_end INTEGER, evidence TEXT);"
    "CREATE TABLE IF NOT EXISTS agencies(id TEXT PRIMARY KEY, name TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS target_agencies("
    " target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,"
    " agency_id TEXT NOT NULL REFERENCES agencies(id), raw TEXT,"
    " PRIMARY KEY(target_id, agency_id));"
    "CREATE TABLE IF NOT EXISTS tasks("
    " id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " key TEXT, section_key TEXT, province TEXT, label TEXT, text TEXT,"
    " deadline_kind TEXT, deadline_start INTEGER, deadline_end INTEGER, deadline_date TEXT,"
    " deadline_text TEXT, product TEXT, line INTEGER, byte_start INTEGER, byte_end INTEGER);"
    "CREATE TABLE IF NOT EXISTS task_agencies("
    " task_id INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,"
    " agency_id TEXT NOT NULL REFERENCES agencies(id),"
    " role TEXT NOT NULL CHECK(role IN ('lead','support','approver')), raw TEXT,"
    " PRIMARY KEY(task_id, agency_id, role));"
    "CREATE TABLE IF NOT EXISTS warnings("
    " id INTEGER PRIMARY KEY,"
    " document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    " code TEXT NOT NULL, message TEXT, line INTEGER);"
    "CREATE TABLE IF NOT EXISTS baseline("
    " indicator_id TEXT NOT NULL, year INTEGER NOT NULL, op TEXT NOT NULL, min REAL, max REAL,"
    " unit TEXT, statement TEXT, PRIMARY KEY(indicator_id, year));"
    /* Child keys are indexed so a cascade does not scan whole tables. */
    "CREATE INDEX IF NOT EXISTS sections_document ON sections(document_id);"
    "CREATE INDEX IF NOT EXISTS targets_document ON targets(document_id);"
    "CREATE INDEX IF NOT EXISTS targets_indicator ON targets(indicator_id, year);"
    "CREATE INDEX IF NOT EXISTS targets_province ON targets(province);"
    "CREATE INDEX IF NOT EXISTS target_agencies_agency ON target_agencies(agency_id);"
    "CREATE INDEX IF NOT EXISTS tasks_document ON tasks(document_id);"
    "CREATE INDEX IF NOT EXISTS tasks_province ON tasks(province);"
    "CREATE INDEX IF NOT EXISTS task_agencies_agency ON task_agencies(agency_id);"
    "CREATE INDEX IF NOT EXISTS warnings_document ON warnings(document_id);"
    "PRAGMA user_version = 1;";

enum {
    DEL_DOCUMENT, INS_DOCUMENT, INS_SECTION, INS_TARGET, INS_TARGET_AGENCY, INS_TASK,
    INS_AGENCY, INS_TASK_AGENCY, INS_WARNING, DEL_BASELINE, INS_BASELINE, N_STATEMENTS
};

static const char *const statement_sql[N_STATEMENTS] = {
    [DEL_DOCUMENT] = "DELETE FROM documents WHERE sha256 = ?1",
    [INS_DOCUMENT] = "INSERT INTO documents(sha256, path, province, type, number, date, title, issuer)"
                     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    [INS_SECTION] = "INSERT OR REPLACE INTO sections(document_id, key, parent_key, level, label, title,"
                    " kind, line_start, line_end) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [INS_TARGET] = "INSERT INTO targets(document_id, key, section_key, province, indicator, indicator_id,"
                   " year, op, min, max, unit, aspirational, scope, line, byte_start, byte_end, evidence)"
                   " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    [INS_TARGET_AGENCY] = "INSERT OR IGNORE INTO target_agencies(target_id, agency_id, raw)"
                          " VALUES(?1, ?2, ?3)",
    [INS_TASK] = "INSERT INTO tasks(document_id, key, section_key, province, label, text, deadline_kind,"
                 " deadline_start, deadline_end, deadline_date, deadline_text, product, line,"
                 " byte_start, byte_end)"
                 " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    /* The first name seen for an id is kept; names of one id only differ by OCR. */
    [INS_AGENCY] = "INSERT INTO agencies(id, name) VALUES(?1, ?2) ON CONFLICT(id) DO NOTHING",
    [INS_TASK_AGENCY] = "INSERT OR IGNORE INTO task_agencies(task_id, agency_id, role, raw)"
                        " VALUES(?1, ?2, ?3, ?4)",
    [INS_WARNING] = "INSERT INTO warnings(document_id, code, message, line) VALUES(?1, ?2, ?3, ?4)",
    [DEL_BASELINE] = "DELETE FROM baseline",
    [INS_BASELINE] = "INSERT INTO baseline(indicator_id, year, op, min, max, unit, statement)"
                     " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
};

struct pm_store {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *stmt[N_STATEMENTS];
    bool in_transaction;
};

static pm_status db_fail(pm_store *st, pm_error *err, const char *what)
{
    return pm_fail(err, PM_ERR_IO, st->path, 0, "sqlite: %s: %s", what, sqlite3_errmsg(st->db));
}

void pm_store_close(pm_store *st)
{
    if (!st)
        return;
    for (int i = 0; i < N_STATEMENTS; i++)
        sqlite3_finalize(st->stmt[i]);
    if (st->in_transaction)
        sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_close(st->db);
    free(st->path);
    free(st);
}

pm_status pm_store_open(const char *path, pm_store **out, pm_error *err)
{
    *out = NULL;
    pm_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    }
    if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        pm_status s = st->db ? db_fail(st, err, "open")
                             : pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
        pm_store_close(st);
        return s;
    }
    sqlite3_busy_timeout(st->db, 5000);
    sqlite3_stmt *version = NULL;
    int user_version = 0;
    /* foreign_keys is per connection and a no-op inside a transaction. */
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &version, NULL) != SQLITE_OK ||
        sqlite3_step(version) != SQLITE_ROW) {
        sqlite3_finalize(version);
        pm_status s = db_fail(st, err, "not a usable SQLite database");
        pm_store_close(st);
        return s;
    }
    user_version = sqlite3_column_int(version, 0);
    sqlite3_finalize(version);
    if (user_version > SCHEMA_VERSION) {
        pm_status s = pm_fail(err, PM_ERR_INPUT, path, 0,
                              "schema version %d is newer than this planmine's (%d)", user_version,
                              SCHEMA_VERSION);
        pm_store_close(st);
        return s;
    }
    if (sqlite3_exec(st->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        pm_status s = db_fail(st, err, "begin");
        pm_store_close(st);
        return s;
    }
    st->in_transaction = true;
    if (sqlite3_exec(st->db, schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
        pm_status s = db_fail(st, err, "schema");
        pm_store_close(st);
        return s;
    }
    for (int i = 0; i < N_STATEMENTS; i++)
        if (sqlite3_prepare_v3(st->db, statement_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i],
                               NULL) != SQLITE_OK) {
            pm_status s = db_fail(st, err, "prepare");
            pm_store_close(st);
            return s;
        }
    *out = st;
    return PM_OK;
}

/* ---- binding JSON members ------------------------------------------------- */

static void bind_text(sqlite3_stmt *s, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(s, i, text, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, i);
}

static void bind_member_text(sqlite3_stmt *s, int i, const json_t *obj, const char *key)
{
    bind_text(s, i, json_string_value(json_object_get(obj, key)));
}

static void bind_member_int(sqlite3_stmt *s, int i, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_integer(v))
        sqlite3_bind_int64(s, i, json_integer_value(v));
    else
        sqlite3_bind_null(s, i);
}

static void bind_member_real(sqlite3_stmt *s, int i, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_number(v))
        sqlite3_bind_double(s, i, json_number_value(v));
    else
        sqlite3_bind_null(s, i);
}

/* Runs a bound statement to completion and resets it for the next row. */
static bool run(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE;
}

static bool put_agency(pm_store *st, const json_t *agency)
{
    const char *id = json_string_value(json_object_get(agency, "id"));
    const char *name = json_string_value(json_object_get(agency, "name"));
    if (!id)
        return true; /* nothing to key it by; the raw text stays in the record's evidence */
    sqlite3_stmt *s = st->stmt[INS_AGENCY];
    bind_text(s, 1, id);
    bind_text(s, 2, name ? name : id);
    return run(s);
}

/* Links a target or a task (owner) to the agencies of list through link,
 * INS_TARGET_AGENCY or INS_TASK_AGENCY: each agency row first, for the
 * link's foreign key. role is NULL for targets, whose links have no role
 * column (a target's agencies are its leads). */
static bool put_agency_links(pm_store *st, sqlite3_stmt *link, sqlite3_int64 owner,
                             const json_t *list, const char *role)
{
    size_t i;
    const json_t *agency;
    json_array_foreach(list, i, agency) {
        const char *id = json_string_value(json_object_get(agency, "id"));
        if (!id)
            continue;
        if (!put_agency(st, agency))
            return false;
        int column = 1;
        sqlite3_bind_int64(link, column++, owner);
        bind_text(link, column++, id);
        if (role)
            bind_text(link, column++, role);
        bind_member_text(link, column, agency, "raw");
        if (!run(link))
            return false;
    }
    return true;
}

/* The first columns of targets and tasks: document_id, key, section_key,
 * province. */
static void bind_record_head(sqlite3_stmt *s, sqlite3_int64 doc, const json_t *record,
                             const char *province)
{
    sqlite3_bind_int64(s, 1, doc);
    bind_member_text(s, 2, record, "id");
    bind_member_text(s, 3, record, "section");
    bind_text(s, 4, province);
}

/* A record's place in the source: line, byte_start, byte_end from column
 * first on. */
static void bind_source_place(sqlite3_stmt *s, int first, const json_t *source)
{
    bind_member_int(s, first, source, "line");
    bind_member_int(s, first + 1, source, "byte_start");
    bind_member_int(s, first + 2, source, "byte_end");
}

static bool put_sections(pm_store *st, sqlite3_int64 doc, const json_t *sections)
{
    size_t i;
    const json_t *x;
    json_array_foreach(sections, i, x) {
        if (!json_is_string(json_object_get(x, "id")))
            continue; /* a section without an id cannot be referred to */
        sqlite3_stmt *s = st->stmt[INS_SECTION];
        sqlite3_bind_int64(s, 1, doc);
        bind_member_text(s, 2, x, "id");
        bind_member_text(s, 3, x, "parent");
        bind_member_int(s, 4, x, "level");
        bind_member_text(s, 5, x, "label");
        bind_member_text(s, 6, x, "title");
        bind_member_text(s, 7, x, "kind");
        bind_member_int(s, 8, x, "line_start");
        bind_member_int(s, 9, x, "line_end");
        if (!run(s))
            return false;
    }
    return true;
}

static bool put_targets(pm_store *st, sqlite3_int64 doc, const char *province, const json_t *targets)
{
    size_t i;
    const json_t *x;
    json_array_foreach(targets, i, x) {
        const json_t *value = json_object_get(x, "value"), *source = json_object_get(x, "source");
        sqlite3_stmt *s = st->stmt[INS_TARGET];
        bind_record_head(s, doc, x, province);
        bind_member_text(s, 5, x, "indicator");
        bind_member_text(s, 6, x, "indicator_id");
        bind_member_int(s, 7, x, "year");
        bind_member_text(s, 8, value, "op");
        bind_member_real(s, 9, value, "min");
        bind_member_real(s, 10, value, "max");
        bind_member_text(s, 11, x, "unit");
        sqlite3_bind_int(s, 12, json_is_true(json_object_get(x, "aspirational")));
        bind_member_text(s, 13, x, "scope");
        bind_source_place(s, 14, source);
        bind_member_text(s, 17, source, "text");
        if (!run(s))
            return false;
        sqlite3_int64 target = sqlite3_last_insert_rowid(st->db);
        if (!put_agency_links(st, st->stmt[INS_TARGET_AGENCY], target, json_object_get(x, "lead"),
                              NULL))
            return false;
    }
    return true;
}

static bool put_tasks(pm_store *st, sqlite3_int64 doc, const char *province, const json_t *tasks)
{
    size_t i;
    const json_t *x;
    json_array_foreach(tasks, i, x) {
        const json_t *deadline = json_object_get(x, "deadline"), *source = json_object_get(x, "source");
        sqlite3_stmt *s = st->stmt[INS_TASK];
        bind_record_head(s, doc, x, province);
        bind_member_text(s, 5, x, "label");
        bind_member_text(s, 6, x, "text");
        bind_member_text(s, 7, deadline, "kind");
        bind_member_int(s, 8, deadline, "start");
        bind_member_int(s, 9, deadline, "end");
        bind_member_text(s, 10, deadline, "date");
        bind_member_text(s, 11, deadline, "text");
        bind_member_text(s, 12, x, "product");
        bind_source_place(s, 13, source);
        if (!run(s))
            return false;
        sqlite3_int64 task = sqlite3_last_insert_rowid(st->db);
        static const char *const roles[] = {"lead", "support", "approver"};
        for (size_t r = 0; r < sizeof roles / sizeof *roles; r++)
            if (!put_agency_links(st, st->stmt[INS_TASK_AGENCY], task,
                                  json_object_get(x, roles[r]), roles[r]))
                return false;
    }
    return true;
}

static bool put_warnings(pm_store *st, sqlite3_int64 doc, const json_t *warnings)
{
    size_t i;
    const json_t *x;
    json_array_foreach(warnings, i, x) {
        sqlite3_stmt *s = st->stmt[INS_WARNING];
        const char *code = json_string_value(json_object_get(x, "code"));
        sqlite3_bind_int64(s, 1, doc);
        bind_text(s, 2, code ? code : "warning");
        bind_member_text(s, 3, x, "message");
        bind_member_int(s, 4, x, "line");
        if (!run(s))
            return false;
    }
    return true;
}

pm_status pm_store_put_document(pm_store *st, const json_t *root, pm_error *err)
{
    const json_t *source = json_object_get(root, "source"), *meta = json_object_get(root, "document");
    const char *sha = json_string_value(json_object_get(source, "sha256"));
    const char *province = json_string_value(json_object_get(meta, "province"));
    if (!sha)
        return pm_fail(err, PM_ERR_INPUT, st->path, 0, "a document without source.sha256");
    sqlite3_stmt *del = st->stmt[DEL_DOCUMENT], *ins = st->stmt[INS_DOCUMENT];
    bind_text(del, 1, sha);
    if (!run(del))
        return db_fail(st, err, "replace document");
    bind_text(ins, 1, sha);
    bind_member_text(ins, 2, source, "path");
    bind_text(ins, 3, province);
    bind_member_text(ins, 4, meta, "type");
    bind_member_text(ins, 5, meta, "number");
    bind_member_text(ins, 6, meta, "date");
    bind_member_text(ins, 7, meta, "title");
    bind_member_text(ins, 8, meta, "issuer");
    if (!run(ins))
        return db_fail(st, err, "insert document");
    sqlite3_int64 doc = sqlite3_last_insert_rowid(st->db);
    if (!put_sections(st, doc, json_object_get(root, "sections")) ||
        !put_targets(st, doc, province, json_object_get(root, "targets")) ||
        !put_tasks(st, doc, province, json_object_get(root, "tasks")) ||
        !put_warnings(st, doc, json_object_get(root, "warnings")))
        return db_fail(st, err, "insert records");
    return PM_OK;
}

pm_status pm_store_clear_baseline(pm_store *st, pm_error *err)
{
    return run(st->stmt[DEL_BASELINE]) ? PM_OK : db_fail(st, err, "clear baseline");
}

pm_status pm_store_put_baseline(pm_store *st, const char *indicator_id, int year,
                                const pm_value *value, const char *op_name, const char *unit,
                                const char *statement, pm_error *err)
{
    sqlite3_stmt *s = st->stmt[INS_BASELINE];
    bind_text(s, 1, indicator_id);
    sqlite3_bind_int(s, 2, year);
    bind_text(s, 3, op_name);
    if (value->has_min)
        sqlite3_bind_double(s, 4, value->min);
    if (value->has_max)
        sqlite3_bind_double(s, 5, value->max);
    bind_text(s, 6, unit);
    bind_text(s, 7, statement);
    return run(s) ? PM_OK : db_fail(st, err, "insert baseline");
}

pm_status pm_store_commit(pm_store *st, pm_error *err)
{
    if (sqlite3_exec(st->db,
                     "DELETE FROM agencies WHERE id NOT IN (SELECT agency_id FROM task_agencies)"
                     " AND id NOT IN (SELECT agency_id FROM target_agencies)",
                     NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(st, err, "drop unused agencies");
    if (sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(st, err, "commit");
    st->in_transaction = false;
    return PM_OK;
}

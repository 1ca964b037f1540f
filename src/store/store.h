/* store: `plan-extract/1` documents and the national baseline in SQLite.
 *
 * Schema (PRAGMA user_version = 1), every per-document table cascading
 * from documents, so replacing a document replaces all of its rows:
 *   documents(id, sha256 UNIQUE, path, province, type, number, date, title,
 *             issuer, loaded_at)
 *   sections(id, document_id, key, parent_key, level, label, title, kind,
 *            line_start, line_end)
 *   targets(id, document_id, key, section_key, province, indicator,
 *           indicator_id, year, op, min, max, unit, aspirational, scope,
 *           line, byte_start, byte_end, evidence)
 *   target_agencies(target_id, agency_id, raw)      -- the target's `lead`
 *   tasks(id, document_id, key, section_key, province, label, text,
 *         deadline_kind, deadline_start, deadline_end, deadline_date,
 *         deadline_text, product, line, byte_start, byte_end)
 *   agencies(id, name)                              -- shared by documents
 *   task_agencies(task_id, agency_id, role, raw)    -- role lead|support|approver
 *   warnings(id, document_id, code, message, line)
 *   baseline(indicator_id, year, op, min, max, unit, statement)
 * `province` is copied onto targets and tasks so one-table queries work:
 *   select province, year, min, max from targets
 *   where indicator_id = 'urbanization_rate';
 *
 * A store is used for one run: open (schema + BEGIN), put documents and
 * the baseline, commit, close. Closing without commit rolls it all back. */
#ifndef PM_STORE_H
#define PM_STORE_H

#include <jansson.h>

#include "core/core.h"

typedef struct pm_store pm_store;

/* Opens or creates the database and begins the run's transaction. */
pm_status pm_store_open(const char *path, pm_store **out, pm_error *err);
/* Stores one `plan-extract/1` document, first deleting any document with
 * the same source.sha256 (so loading it again never duplicates rows). */
pm_status pm_store_put_document(pm_store *st, const json_t *root, pm_error *err);
/* The baseline table is the last run's baseline: call clear, then put
 * each row. */
pm_status pm_store_clear_baseline(pm_store *st, pm_error *err);
pm_status pm_store_put_baseline(pm_store *st, const char *indicator_id, int year,
                                const pm_value *value, const char *op_name, const char *unit,
                                const char *statement, pm_error *err);
/* Drops agencies no row refers to any more and commits. */
pm_status pm_store_commit(pm_store *st, pm_error *err);
/* Rolls back what was not committed, then closes; NULL is a no-op. */
void pm_store_close(pm_store *st);

#endif

/* Loading comparison inputs: plan-extract/1 JSON, JSONL, directories, raw
 * plan texts (extracted on the fly), the baseline and the catalogue. */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare/compare.h"
#include "text/text.h"

void pm_compare_set_init(pm_compare_set *s, const char *patterns_dir)
{
    memset(s, 0, sizeof *s);
    pm_arena_init(&s->arena);
    s->patterns_dir = patterns_dir;
}

void pm_compare_set_free(pm_compare_set *s)
{
    for (size_t i = 0; i < s->n_roots; i++)
        json_decref(s->roots[i]);
    free(s->sha_slots);
    pm_context_free(s->ctx);
    pm_arena_free(&s->arena);
    memset(s, 0, sizeof *s);
}

/* ---- small readers over jansson values ---------------------------------- */

/* Arena copy of a string member; NULL when absent, null or not a string. */
static const char *get_str(pm_arena *a, const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? pm_arena_strndup(a, json_string_value(v), json_string_length(v))
                             : NULL;
}

static bool get_number(const json_t *obj, const char *key, double *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_number(v))
        return false;
    *out = json_number_value(v);
    return true;
}

static long long get_int(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_integer(v) ? json_integer_value(v) : 0;
}

static size_t get_line(const json_t *record)
{
    long long line = get_int(json_object_get(record, "source"), "line");
    return line > 0 ? (size_t)line : 0;
}

static pm_status nomem(pm_error *err, const char *origin)
{
    return pm_fail(err, PM_ERR_NOMEM, origin, 0, "out of memory");
}

static pm_status add_warning(pm_compare_set *s, size_t doc, const char *code, size_t line,
                             const char *message)
{
    pm_cmp_warning *w = PM_PUSH(&s->arena, s->warnings, s->n_warnings, s->cap_warnings);
    if (!w || !(message = pm_arena_strdup(&s->arena, message)) ||
        !(code = pm_arena_strdup(&s->arena, code)))
        return PM_ERR_NOMEM;
    *w = (pm_cmp_warning){ doc, code, message, line };
    return PM_OK;
}

/* ---- sha256 set: a document given twice is counted once ----------------- */

/* Open addressing over the hex digests; the first 16 hex digits are already
 * a uniform hash. The table is at most half full. */
static bool sha_seen_or_insert(pm_compare_set *s, const char *sha, bool *seen)
{
    if (2 * (s->n_sha + 1) > s->cap_sha) {
        size_t cap = s->cap_sha ? 2 * s->cap_sha : 64;
        const char **slots = calloc(cap, sizeof *slots);
        if (!slots)
            return false;
        for (size_t i = 0; i < s->cap_sha; i++)
            if (s->sha_slots[i]) {
                size_t j = strtoull(s->sha_slots[i], NULL, 16) & (cap - 1);
                while (slots[j])
                    j = (j + 1) & (cap - 1);
                slots[j] = s->sha_slots[i];
            }
        free(s->sha_slots);
        s->sha_slots = slots;
        s->cap_sha = cap;
    }
    char head[17];
    snprintf(head, sizeof head, "%s", sha);
    size_t j = strtoull(head, NULL, 16) & (s->cap_sha - 1);
    for (; s->sha_slots[j]; j = (j + 1) & (s->cap_sha - 1))
        if (strcmp(s->sha_slots[j], sha) == 0) {
            *seen = true;
            return true;
        }
    s->sha_slots[j] = sha;
    s->n_sha++;
    *seen = false;
    return true;
}

/* ---- one plan-extract/1 document ----------------------------------------- */

void pm_compare_tidy(const char *s, pm_buf *out)
{
    /* Collapse whitespace and drop the punctuation a heading or a table
     * cell leaves at either end ("Tỷ lệ đô thị hóa:" = "Tỷ lệ đô thị hóa"). */
    static const char edge[] = " \t\r\n.:;,-+*";
    const char *end = s + strlen(s);
    while (*s && strchr(edge, *s))
        s++;
    while (end > s && strchr(edge, end[-1]))
        end--;
    bool space = false;
    for (const char *p = s; p < end; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            space = true;
            continue;
        }
        if (space)
            pm_buf_putc(out, ' ');
        space = false;
        pm_buf_putc(out, *p);
    }
    pm_buf_cstr(out);
}

static bool is_ascii_vowel(char c)
{
    return c && strchr("aeiouy", c);
}

void pm_compare_fold_indicator(const char *s, pm_buf *out)
{
    pm_buf lower = { 0 }, bare = { 0 };
    pm_fold_lower(s, strlen(s), &lower);
    pm_strip_marks(pm_buf_cstr(&lower), lower.len, &bare);
    size_t start = out->len;
    pm_compare_tidy(pm_buf_cstr(&bare), out);
    /* Syllable-final i and y after a consonant are two spellings of one
     * sound (tỉ lệ / tỷ lệ, kĩ / kỹ, lí / lý): fold y to i. */
    for (size_t i = start + 1; !out->failed && i < out->len; i++) {
        char *c = out->data;
        bool word_end = i + 1 == out->len || !(c[i + 1] >= 'a' && c[i + 1] <= 'z');
        if (c[i] == 'y' && word_end && c[i - 1] >= 'a' && c[i - 1] <= 'z' && !is_ascii_vowel(c[i - 1]))
            c[i] = 'i';
    }
    out->failed |= lower.failed || bare.failed;
    pm_buf_free(&lower);
    pm_buf_free(&bare);
}

static pm_status add_target(pm_compare_set *s, size_t doc, const json_t *t, pm_buf *scratch)
{
    pm_arena *a = &s->arena;
    pm_cmp_target *x = PM_PUSH(a, s->targets, s->n_targets, s->cap_targets);
    if (!x)
        return PM_ERR_NOMEM;
    memset(x, 0, sizeof *x);
    x->doc = doc;
    x->indicator = get_str(a, t, "indicator");
    x->indicator_id = get_str(a, t, "indicator_id");
    long long year = get_int(t, "year");
    x->year = year > 0 && year < 10000 ? (int)year : 0;
    x->unit = get_str(a, t, "unit");
    x->scope = get_str(a, t, "scope");
    x->aspirational = json_is_true(json_object_get(t, "aspirational"));
    x->line = get_line(t);
    x->evidence = get_str(a, json_object_get(t, "source"), "text");
    const json_t *value = json_object_get(t, "value");
    x->value.has_min = get_number(value, "min", &x->value.min);
    x->value.has_max = get_number(value, "max", &x->value.max);
    pm_interval unused;
    x->value_ok = pm_compare_op_parse(json_string_value(json_object_get(value, "op")),
                                      &x->value.op) &&
                  pm_interval_from_value(&x->value, &unused);
    if (x->indicator_id) {
        x->key = pm_arena_printf(a, "id:%s", x->indicator_id);
    } else {
        pm_buf_reset(scratch);
        pm_compare_fold_indicator(x->indicator ? x->indicator : "", scratch);
        x->key = pm_arena_printf(a, "text:%s", scratch->len ? scratch->data : "");
    }
    return x->key && !scratch->failed ? PM_OK : PM_ERR_NOMEM;
}

static pm_status add_agencies(pm_compare_set *s, size_t doc, const json_t *list, pm_role role)
{
    size_t i;
    const json_t *ag;
    json_array_foreach(list, i, ag) {
        const char *id = get_str(&s->arena, ag, "id");
        if (!id)
            continue; /* an agency without an id cannot be counted per agency */
        pm_cmp_assignment *x = PM_PUSH(&s->arena, s->assign, s->n_assign, s->cap_assign);
        if (!x)
            return PM_ERR_NOMEM;
        const char *name = get_str(&s->arena, ag, "name");
        *x = (pm_cmp_assignment){ doc, id, name ? name : id, role };
    }
    return PM_OK;
}

static pm_deadline_kind deadline_kind(const json_t *deadline)
{
    static const char *const names[] = {
        [PM_DEADLINE_NONE] = "", [PM_DEADLINE_YEAR] = "year",
        [PM_DEADLINE_RANGE] = "range", [PM_DEADLINE_DATE] = "date",
        [PM_DEADLINE_QUARTER] = "quarter", [PM_DEADLINE_ANNUAL] = "annual",
        [PM_DEADLINE_ONGOING] = "ongoing", [PM_DEADLINE_UNSPECIFIED] = "unspecified",
    };
    if (!json_is_object(deadline))
        return PM_DEADLINE_NONE;
    const char *kind = json_string_value(json_object_get(deadline, "kind"));
    for (size_t i = 1; kind && i < sizeof names / sizeof *names; i++)
        if (strcmp(kind, names[i]) == 0)
            return (pm_deadline_kind)i;
    return PM_DEADLINE_UNSPECIFIED; /* a deadline the reader could not classify */
}

static pm_status add_task(pm_compare_set *s, size_t doc, const json_t *t)
{
    pm_cmp_task *x = PM_PUSH(&s->arena, s->tasks, s->n_tasks, s->cap_tasks);
    if (!x)
        return PM_ERR_NOMEM;
    const json_t *deadline = json_object_get(t, "deadline");
    *x = (pm_cmp_task){ doc, deadline_kind(deadline), (int)get_int(deadline, "start"),
                        (int)get_int(deadline, "end") };
    pm_status st = add_agencies(s, doc, json_object_get(t, "lead"), PM_ROLE_LEAD);
    if (st == PM_OK)
        st = add_agencies(s, doc, json_object_get(t, "support"), PM_ROLE_SUPPORT);
    if (st == PM_OK)
        st = add_agencies(s, doc, json_object_get(t, "approver"), PM_ROLE_APPROVER);
    return st;
}

pm_status pm_compare_add_json(pm_compare_set *s, json_t *root, const char *origin,
                              pm_error *err)
{
    pm_arena *a = &s->arena;
    const char *schema = json_string_value(json_object_get(root, "schema"));
    if (!schema || strcmp(schema, PLANMINE_SCHEMA) != 0)
        return pm_fail(err, PM_ERR_INPUT, origin, 0, "not a %s document (schema: %s)",
                       PLANMINE_SCHEMA, schema ? schema : "missing");
    const json_t *source = json_object_get(root, "source");
    const char *sha = get_str(a, source, "sha256");
    if (!sha || strlen(sha) != 64 || strspn(sha, "0123456789abcdef") != 64)
        return pm_fail(err, PM_ERR_INPUT, origin, 0, "source.sha256 is missing or not 64 hex digits");
    bool seen;
    if (!sha_seen_or_insert(s, sha, &seen))
        return nomem(err, origin);
    if (seen) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s: the same document (sha256 %.12s…) was given before; counted once",
                 origin, sha);
        return add_warning(s, SIZE_MAX, "duplicate_document", 0, msg) == PM_OK
                   ? PM_OK
                   : nomem(err, origin);
    }

    size_t doc = s->n_docs;
    pm_cmp_document *d = PM_PUSH(a, s->docs, s->n_docs, s->cap_docs);
    json_t **keep = d ? PM_PUSH(a, s->roots, s->n_roots, s->cap_roots) : NULL;
    if (!keep)
        return nomem(err, origin);
    *keep = json_incref(root);
    const json_t *meta = json_object_get(root, "document");
    const json_t *targets = json_object_get(root, "targets");
    const json_t *tasks = json_object_get(root, "tasks");
    const json_t *warnings = json_object_get(root, "warnings");
    *d = (pm_cmp_document){
        .origin = pm_arena_strdup(a, origin),
        .path = get_str(a, source, "path"),
        .sha256 = sha,
        .province = get_str(a, meta, "province"),
        .type = get_str(a, meta, "type"),
        .number = get_str(a, meta, "number"),
        .date = get_str(a, meta, "date"),
        .title = get_str(a, meta, "title"),
        .n_targets = json_array_size(targets),
        .n_tasks = json_array_size(tasks),
        .n_warnings = json_array_size(warnings),
    };
    if (!d->origin)
        return nomem(err, origin);
    if (!d->province) {
        /* Keep the document visible as its own column rather than merging
         * every province-less plan into one. */
        d->province = pm_arena_printf(a, "? %s", d->path ? d->path : origin);
        if (!d->province || add_warning(s, doc, "no_province", 0,
                                        "document.province is null; the document is shown as its own column") != PM_OK)
            return nomem(err, origin);
    }

    pm_buf scratch = { 0 };
    pm_status st = PM_OK;
    size_t i;
    const json_t *item;
    json_array_foreach(targets, i, item) {
        if (st == PM_OK)
            st = add_target(s, doc, item, &scratch);
    }
    json_array_foreach(tasks, i, item) {
        if (st == PM_OK)
            st = add_task(s, doc, item);
    }
    json_array_foreach(warnings, i, item) {
        if (st != PM_OK)
            break;
        const char *code = json_string_value(json_object_get(item, "code"));
        const char *message = json_string_value(json_object_get(item, "message"));
        long long line = get_int(item, "line");
        st = add_warning(s, doc, code ? code : "warning", line > 0 ? (size_t)line : 0,
                         message ? message : "");
    }
    pm_buf_free(&scratch);
    return st == PM_OK ? PM_OK : nomem(err, origin);
}

/* ---- inputs --------------------------------------------------------------- */

static pm_status add_parsed(pm_compare_set *s, const char *buf, size_t len, const char *origin,
                            size_t line, pm_error *err)
{
    json_error_t jerr;
    json_t *root = json_loadb(buf, len, 0, &jerr);
    if (!root)
        return pm_fail(err, PM_ERR_INPUT, origin, line ? line : (size_t)jerr.line,
                       "invalid JSON: %s", jerr.text);
    pm_status st = pm_compare_add_json(s, root, origin, err);
    if (st != PM_OK && err && line && !err->line)
        err->line = line;
    json_decref(root);
    return st;
}

static bool is_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

/* One object per line; blank lines are allowed. */
static pm_status add_jsonl(pm_compare_set *s, const char *data, size_t len, const char *path,
                           pm_error *err)
{
    size_t line = 0;
    for (const char *p = data, *end = data + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        line++;
        if (!is_blank(p, n)) {
            char origin[600];
            snprintf(origin, sizeof origin, "%s:%zu", path, line);
            pm_status st = add_parsed(s, p, n, origin, line, err);
            if (st != PM_OK) {
                if (err)
                    snprintf(err->file, sizeof err->file, "%s", path);
                return st;
            }
        }
        p = nl ? nl + 1 : end;
    }
    return PM_OK;
}

static pm_status add_raw_text(pm_compare_set *s, const unsigned char *data, size_t len,
                              const char *path, pm_error *err)
{
    if (!s->ctx) {
        pm_status st = pm_context_new(s->patterns_dir, &s->ctx, err);
        if (st != PM_OK)
            return st;
    }
    pm_document *doc;
    pm_status st = pm_extract_bytes(s->ctx, path, data, len, NULL, &doc, err);
    if (st != PM_OK)
        return st;
    char *json = NULL;
    size_t json_len = 0;
    FILE *mem = open_memstream(&json, &json_len);
    if (!mem) {
        pm_document_free(doc);
        return nomem(err, path);
    }
    st = pm_document_write_json(doc, mem, 0);
    pm_document_free(doc);
    if (fclose(mem) != 0 && st == PM_OK)
        st = nomem(err, path);
    if (st == PM_OK)
        st = add_parsed(s, json, json_len, path, 0, err);
    free(json);
    return st;
}

static pm_status add_file(pm_compare_set *s, const char *path, pm_error *err)
{
    unsigned char *data;
    size_t len;
    pm_status st = pm_read_file(path, PM_DEFAULT_MAX_BYTES, &data, &len, err);
    if (st != PM_OK)
        return st;
    size_t skip = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (skip < len && is_blank((const char *)data + skip, 1))
        skip++;
    if (skip == len) {
        st = pm_fail(err, PM_ERR_INPUT, path, 0, "empty input");
    } else if (data[skip] != '{') {
        st = add_raw_text(s, data, len, path, err);
    } else {
        const char *text = (const char *)data + skip;
        json_error_t jerr;
        json_t *root = json_loadb(text, len - skip, 0, &jerr);
        if (root) {
            st = pm_compare_add_json(s, root, path, err);
            json_decref(root);
        } else if (json_error_code(&jerr) == json_error_end_of_input_expected) {
            st = add_jsonl(s, text, len - skip, path, err);
        } else {
            st = pm_fail(err, PM_ERR_INPUT, path, (size_t)jerr.line, "invalid JSON: %s", jerr.text);
        }
    }
    free(data);
    return st;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static pm_status add_directory(pm_compare_set *s, const char *dir, pm_error *err)
{
    DIR *d = opendir(dir);
    if (!d)
        return pm_fail(err, PM_ERR_IO, dir, 0, "%s", strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    pm_status st = PM_OK;
    for (struct dirent *e; st == PM_OK && (e = readdir(d));) {
        if (e->d_name[0] == '.' || !(has_suffix(e->d_name, ".json") || has_suffix(e->d_name, ".jsonl")))
            continue;
        char **slot = PM_PUSH(&s->arena, names, n, cap);
        if (!slot || !(*slot = pm_arena_printf(&s->arena, "%s/%s", dir, e->d_name)))
            st = nomem(err, dir);
    }
    closedir(d);
    if (st != PM_OK)
        return st;
    if (n == 0)
        return pm_fail(err, PM_ERR_INPUT, dir, 0, "no *.json or *.jsonl files");
    qsort(names, n, sizeof *names, compare_names);
    for (size_t i = 0; i < n && st == PM_OK; i++)
        st = add_file(s, names[i], err);
    return st;
}

pm_status pm_compare_add_input(pm_compare_set *s, const char *path, pm_error *err)
{
    struct stat sb;
    if (strcmp(path, "-") != 0 && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return add_directory(s, path, err);
    return add_file(s, path, err);
}

/* ---- baseline and catalogue ----------------------------------------------- */

/* Calls fn for each line of the file that is neither blank nor a '#'
 * comment, as a mutable NUL-terminated copy without its line end. */
typedef pm_status (*line_fn)(pm_compare_set *s, char *line, size_t line_no, const char *path,
                             pm_error *err);

static pm_status for_each_data_line(pm_compare_set *s, const char *path, line_fn fn,
                                    pm_error *err)
{
    unsigned char *data;
    size_t len;
    pm_status st = pm_read_file(path, PM_DEFAULT_MAX_BYTES, &data, &len, err);
    if (st != PM_OK)
        return st;
    pm_buf line = { 0 };
    size_t line_no = 0;
    for (const char *p = (const char *)data, *end = p + len; st == PM_OK && p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        line_no++;
        if (n && p[n - 1] == '\r')
            n--;
        pm_buf_reset(&line);
        pm_buf_append(&line, p, n);
        pm_buf_cstr(&line);
        if (line.failed)
            st = nomem(err, path);
        else if (n && *p != '#')
            st = fn(s, line.data, line_no, path, err);
        p = nl ? nl + 1 : end;
    }
    pm_buf_free(&line);
    free(data);
    return st;
}

static bool parse_bound(const char *field, bool *has, double *out)
{
    if (strcmp(field, "-") == 0) {
        *has = false;
        return true;
    }
    char *end;
    errno = 0;
    *out = strtod(field, &end);
    *has = true;
    return *field && !*end && errno == 0;
}

static pm_status baseline_line(pm_compare_set *s, char *line, size_t line_no, const char *path,
                               pm_error *err)
{
    char *fields[7] = { 0 };
    size_t n = 0;
    for (char *p = line; p && n < 7; n++) {
        fields[n] = p;
        p = strchr(p, '\t');
        if (p)
            *p++ = '\0';
    }
    if (n < 6)
        return pm_fail(err, PM_ERR_PATTERN, path, line_no,
                       "expected indicator_id, year, op, min, max, unit[, statement]");
    pm_baseline_row row = { 0 };
    char *end;
    long year = strtol(fields[1], &end, 10);
    pm_interval check;
    if (*end || year < 1900 || year > 9999)
        return pm_fail(err, PM_ERR_PATTERN, path, line_no, "bad year '%s'", fields[1]);
    if (!pm_compare_op_parse(fields[2], &row.value.op))
        return pm_fail(err, PM_ERR_PATTERN, path, line_no, "unknown op '%s'", fields[2]);
    if (!parse_bound(fields[3], &row.value.has_min, &row.value.min) ||
        !parse_bound(fields[4], &row.value.has_max, &row.value.max) ||
        !pm_interval_from_value(&row.value, &check))
        return pm_fail(err, PM_ERR_PATTERN, path, line_no,
                       "bounds '%s' '%s' do not fit op %s", fields[3], fields[4], fields[2]);
    /* A baseline has a few dozen rows: a scan is the simplest duplicate check. */
    for (size_t i = 0; i < s->n_baseline; i++)
        if (s->baseline[i].year == year && strcmp(s->baseline[i].indicator_id, fields[0]) == 0)
            return pm_fail(err, PM_ERR_PATTERN, path, line_no, "%s %ld is listed twice",
                           fields[0], year);
    row.year = (int)year;
    row.indicator_id = pm_arena_strdup(&s->arena, fields[0]);
    row.unit = pm_arena_strdup(&s->arena, fields[5]);
    row.statement = n > 6 ? pm_arena_strdup(&s->arena, fields[6]) : NULL;
    pm_baseline_row *slot = PM_PUSH(&s->arena, s->baseline, s->n_baseline, s->cap_baseline);
    if (!slot || !row.indicator_id || !row.unit || (n > 6 && !row.statement))
        return nomem(err, path);
    *slot = row;
    return PM_OK;
}

pm_status pm_compare_load_baseline(pm_compare_set *s, const char *path, pm_error *err)
{
    s->baseline_source = pm_arena_strdup(&s->arena, path);
    if (!s->baseline_source)
        return nomem(err, path);
    return for_each_data_line(s, path, baseline_line, err);
}

static bool is_id_shaped(const char *s, size_t n)
{
    if (n == 0 || !(*s >= 'a' && *s <= 'z'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
            return false;
    return true;
}

static pm_status add_catalogue_id(pm_compare_set *s, const char *id, size_t n)
{
    /* The catalogue has a few dozen ids: a scan keeps it in file order. */
    for (size_t i = 0; i < s->n_catalogue; i++)
        if (strlen(s->catalogue[i]) == n && memcmp(s->catalogue[i], id, n) == 0)
            return PM_OK;
    const char **slot = PM_PUSH(&s->arena, s->catalogue, s->n_catalogue, s->cap_catalogue);
    if (!slot || !(*slot = pm_arena_strndup(&s->arena, id, n)))
        return PM_ERR_NOMEM;
    return PM_OK;
}

static pm_status catalogue_line(pm_compare_set *s, char *line, size_t line_no, const char *path,
                                pm_error *err)
{
    (void)line_no; /* a row without an id is a comment-like row, not an error */
    for (char *field = line; field;) {
        char *tab = strchr(field, '\t');
        size_t n = tab ? (size_t)(tab - field) : strlen(field);
        if (is_id_shaped(field, n))
            return add_catalogue_id(s, field, n) == PM_OK ? PM_OK : nomem(err, path);
        field = tab ? tab + 1 : NULL;
    }
    return PM_OK;
}

pm_status pm_compare_load_catalogue(pm_compare_set *s, const char *indicators_tsv,
                                    pm_error *err)
{
    struct stat sb;
    if (indicators_tsv && stat(indicators_tsv, &sb) == 0) {
        s->catalogue_source = pm_arena_strdup(&s->arena, indicators_tsv);
        if (!s->catalogue_source)
            return nomem(err, indicators_tsv);
        return for_each_data_line(s, indicators_tsv, catalogue_line, err);
    }
    s->catalogue_source = s->baseline_source;
    for (size_t i = 0; i < s->n_baseline; i++) {
        const char *id = s->baseline[i].indicator_id;
        if (add_catalogue_id(s, id, strlen(id)) != PM_OK)
            return nomem(err, "catalogue");
    }
    return PM_OK;
}

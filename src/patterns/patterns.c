/* Loading patterns/: *.pcre regexes (compiled once, JIT) and *.tsv tables. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

#include "patterns/patterns.h"

/* Bounds that no real line needs and no hostile line can exceed for long. */
enum { MATCH_LIMIT = 2000000, DEPTH_LIMIT = 10000, MAX_PATTERN_FILE = 16 * 1024 * 1024 };

typedef struct named_regex {
    char *name; /* "file.key" */
    pcre2_code *code;
    /* The same regex compiled anchored, for matches asked PCRE2_ANCHORED:
     * PCRE2's JIT cannot anchor at match time and would hand such a match
     * to the interpreter. NULL when the regex is anchored already. */
    pcre2_code *anchored;
    const char *source;   /* for pm_regex_union_new */
    char fingerprint[17]; /* the first 16 hex digits of the SHA-256 of its source */
} named_regex;

/* From a compiled regex to its entry, for pm_regex_match: open addressing
 * on the code's address. */
typedef struct code_slot {
    const pcre2_code *code;
    const named_regex *regex;
} code_slot;

typedef struct named_table {
    char *name;
    pm_tsv table;
} named_table;

struct pm_patterns {
    char *dir;
    pm_arena arena; /* table strings */
    named_regex *regexes;
    size_t n_regexes, cap_regexes;
    named_table *tables;
    size_t n_tables, cap_tables;
    code_slot *by_code;
    size_t code_mask; /* by_code has code_mask + 1 slots, a power of two */
    pcre2_match_context *match_ctx;
};

static int cmp_regex(const void *a, const void *b)
{
    return strcmp(((const named_regex *)a)->name, ((const named_regex *)b)->name);
}

static int cmp_table(const void *a, const void *b)
{
    return strcmp(((const named_table *)a)->name, ((const named_table *)b)->name);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_suffix(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n > m && strcmp(s + n - m, suffix) == 0;
}

/* NFC copy of a field so lexicon keys compare equal to normalised text. */
static char *nfc_field(pm_arena *a, const char *s, size_t n)
{
    utf8proc_uint8_t *out = NULL;
    utf8proc_ssize_t r = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &out,
                                      UTF8PROC_STABLE | UTF8PROC_COMPOSE);
    if (r < 0)
        return NULL;
    char *copy = pm_arena_strndup(a, (const char *)out, (size_t)r);
    free(out);
    return copy;
}

static bool valid_key(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    }
    return true;
}

static pm_status load_regexes(pm_patterns *p, const char *path, const char *stem, char *text,
                              pm_error *err)
{
    size_t line_no = 0;
    for (char *line = text; line; ) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#') {
            line = next;
            continue;
        }
        char *tab = strchr(line, '\t');
        if (!tab || !valid_key(line, (size_t)(tab - line)))
            return pm_fail(err, PM_ERR_PATTERN, path, line_no,
                           "expected 'key<TAB>regex' with a key of [a-z0-9_-]");
        char *regex = tab + 1;
        while (*regex == '\t')
            regex++;
        if (!*regex)
            return pm_fail(err, PM_ERR_PATTERN, path, line_no, "empty regex");
        int code;
        PCRE2_SIZE offset;
        pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
                                       PCRE2_UTF | PCRE2_UCP, &code, &offset, NULL);
        if (!re) {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(code, msg, sizeof msg);
            return pm_fail(err, PM_ERR_PATTERN, path, line_no, "regex error at offset %zu: %s",
                           (size_t)offset, (const char *)msg);
        }
        /* JIT is an optimisation: where it is unavailable the interpreter runs. */
        pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
        uint32_t options = 0;
        pcre2_code *anchored = NULL;
        if (pcre2_pattern_info(re, PCRE2_INFO_ALLOPTIONS, &options) == 0 &&
            !(options & PCRE2_ANCHORED)) {
            anchored = pcre2_compile((PCRE2_SPTR)regex, PCRE2_ZERO_TERMINATED,
                                     PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED, &code, &offset,
                                     NULL);
            if (!anchored) {
                pcre2_code_free(re);
                return pm_fail(err, PM_ERR_NOMEM, path, line_no, "out of memory");
            }
            pcre2_jit_compile(anchored, PCRE2_JIT_COMPLETE);
        }
        named_regex *slot = NULL;
        if (p->n_regexes == p->cap_regexes) {
            size_t cap = p->cap_regexes ? p->cap_regexes * 2 : 64;
            named_regex *grown = realloc(p->regexes, cap * sizeof *grown);
            if (!grown) {
                pcre2_code_free(re);
                pcre2_code_free(anchored);
                return pm_fail(err, PM_ERR_NOMEM, path, line_no, "out of memory");
            }
            p->regexes = grown;
            p->cap_regexes = cap;
        }
        slot = &p->regexes[p->n_regexes];
        *tab = '\0';
        slot->name = pm_arena_printf(&p->arena, "%s.%s", stem, line);
        slot->code = re;
        slot->anchored = anchored;
        slot->source = pm_arena_strdup(&p->arena, regex);
        char sha[65];
        pm_sha256_hex(regex, strlen(regex), sha);
        memcpy(slot->fingerprint, sha, 16);
        slot->fingerprint[16] = '\0';
        p->n_regexes++; /* from here pm_patterns_free frees its codes */
        if (!slot->name || !slot->source)
            return pm_fail(err, PM_ERR_NOMEM, path, line_no, "out of memory");
        for (size_t i = 0; i + 1 < p->n_regexes; i++)
            if (strcmp(p->regexes[i].name, slot->name) == 0)
                return pm_fail(err, PM_ERR_PATTERN, path, line_no, "duplicate key '%s'", line);
        line = next;
    }
    return PM_OK;
}

static pm_status load_table(pm_patterns *p, const char *path, const char *stem, char *text,
                            pm_error *err)
{
    if (p->n_tables == p->cap_tables) {
        size_t cap = p->cap_tables ? p->cap_tables * 2 : 16;
        named_table *grown = realloc(p->tables, cap * sizeof *grown);
        if (!grown)
            return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
        p->tables = grown;
        p->cap_tables = cap;
    }
    named_table *nt = &p->tables[p->n_tables];
    memset(nt, 0, sizeof *nt);
    nt->name = pm_arena_strdup(&p->arena, stem);
    nt->table.path = pm_arena_strdup(&p->arena, path);
    if (!nt->name || !nt->table.path)
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    p->n_tables++;
    size_t cap_rows = 0, line_no = 0;
    for (char *line = text; line; ) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#') {
            line = next;
            continue;
        }
        pm_tsv_row *row = PM_PUSH(&p->arena, nt->table.rows, nt->table.n_rows, cap_rows);
        if (!row)
            return pm_fail(err, PM_ERR_NOMEM, path, line_no, "out of memory");
        row->line = line_no;
        size_t n_fields = 1;
        for (const char *c = line; *c; c++)
            n_fields += *c == '\t';
        row->fields = pm_arena_alloc(&p->arena, n_fields * sizeof *row->fields);
        if (!row->fields)
            return pm_fail(err, PM_ERR_NOMEM, path, line_no, "out of memory");
        const char *field = line;
        for (size_t i = 0; i < n_fields; i++) {
            const char *end = strchr(field, '\t');
            size_t flen = end ? (size_t)(end - field) : strlen(field);
            row->fields[i] = nfc_field(&p->arena, field, flen);
            if (!row->fields[i])
                return pm_fail(err, PM_ERR_PATTERN, path, line_no, "field %zu is not valid UTF-8",
                               i + 1);
            field = end ? end + 1 : field + flen;
        }
        row->n_fields = n_fields;
        line = next;
    }
    return PM_OK;
}

static pm_status load_file(pm_patterns *p, const char *name, pm_error *err)
{
    bool is_regex = has_suffix(name, ".pcre");
    size_t stem_len = strlen(name) - (is_regex ? 5 : 4);
    char path[4096], stem[256];
    if (snprintf(path, sizeof path, "%s/%s", p->dir, name) >= (int)sizeof path ||
        stem_len >= sizeof stem)
        return pm_fail(err, PM_ERR_PATTERN, name, 0, "path too long");
    memcpy(stem, name, stem_len);
    stem[stem_len] = '\0';
    unsigned char *data;
    size_t len;
    pm_status s = pm_read_file(path, MAX_PATTERN_FILE, &data, &len, err);
    if (s != PM_OK)
        return s == PM_ERR_IO ? PM_ERR_PATTERN : s;
    char *text = malloc(len + 1);
    if (!text) {
        free(data);
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    }
    memcpy(text, data, len);
    text[len] = '\0';
    free(data);
    if (memchr(text, '\0', len)) {
        free(text);
        return pm_fail(err, PM_ERR_PATTERN, path, 0, "contains NUL bytes");
    }
    s = is_regex ? load_regexes(p, path, stem, text, err) : load_table(p, path, stem, text, err);
    free(text);
    return s;
}

static size_t code_hash(const pcre2_code *code, size_t mask)
{
    uint64_t h = (uint64_t)(uintptr_t)code * UINT64_C(0x9E3779B97F4A7C15);
    return (size_t)(h >> 32) & mask;
}

/* The by_code table, at most half full. */
static pm_status index_codes(pm_patterns *p)
{
    size_t slots = 16;
    while (slots < 2 * p->n_regexes)
        slots *= 2;
    p->by_code = calloc(slots, sizeof *p->by_code);
    if (!p->by_code)
        return PM_ERR_NOMEM;
    p->code_mask = slots - 1;
    for (size_t i = 0; i < p->n_regexes; i++) {
        size_t h = code_hash(p->regexes[i].code, p->code_mask);
        while (p->by_code[h].code)
            h = (h + 1) & p->code_mask;
        p->by_code[h] = (code_slot){p->regexes[i].code, &p->regexes[i]};
    }
    return PM_OK;
}

static const named_regex *regex_of_code(const pm_patterns *p, const pcre2_code *code)
{
    if (!p->by_code)
        return NULL;
    for (size_t h = code_hash(code, p->code_mask); p->by_code[h].code;
         h = (h + 1) & p->code_mask)
        if (p->by_code[h].code == code)
            return p->by_code[h].regex;
    return NULL;
}

pm_status pm_patterns_load(const char *dir, pm_patterns **out, pm_error *err)
{
    *out = NULL;
    pm_patterns *p = calloc(1, sizeof *p);
    if (!p)
        return pm_fail(err, PM_ERR_NOMEM, dir, 0, "out of memory");
    pm_arena_init(&p->arena);
    p->dir = pm_arena_strdup(&p->arena, dir);
    p->match_ctx = pcre2_match_context_create(NULL);
    if (!p->dir || !p->match_ctx) {
        pm_patterns_free(p);
        return pm_fail(err, PM_ERR_NOMEM, dir, 0, "out of memory");
    }
    pcre2_set_match_limit(p->match_ctx, MATCH_LIMIT);
    pcre2_set_depth_limit(p->match_ctx, DEPTH_LIMIT);

    DIR *d = opendir(dir);
    if (!d) {
        pm_patterns_free(p);
        return pm_fail(err, PM_ERR_PATTERN, dir, 0, "cannot open patterns directory");
    }
    char **names = NULL;
    size_t n_names = 0, cap_names = 0;
    pm_status s = PM_OK;
    for (struct dirent *e; (e = readdir(d)) != NULL; ) {
        if (e->d_name[0] == '.' || !(has_suffix(e->d_name, ".pcre") || has_suffix(e->d_name, ".tsv")))
            continue;
        char **slot = PM_PUSH(&p->arena, names, n_names, cap_names);
        if (!slot || !(*slot = pm_arena_strdup(&p->arena, e->d_name))) {
            s = pm_fail(err, PM_ERR_NOMEM, dir, 0, "out of memory");
            break;
        }
    }
    closedir(d);
    if (s == PM_OK && n_names == 0)
        s = pm_fail(err, PM_ERR_PATTERN, dir, 0, "no *.pcre or *.tsv files");
    if (s == PM_OK) {
        /* Sorted so that loading, and the first error reported, are deterministic. */
        qsort(names, n_names, sizeof *names, cmp_str);
        for (size_t i = 0; i < n_names && s == PM_OK; i++)
            s = load_file(p, names[i], err);
    }
    if (s != PM_OK) {
        pm_patterns_free(p);
        return s;
    }
    if (p->n_regexes)
        qsort(p->regexes, p->n_regexes, sizeof *p->regexes, cmp_regex);
    if (index_codes(p) != PM_OK) {
        pm_patterns_free(p);
        return pm_fail(err, PM_ERR_NOMEM, dir, 0, "out of memory");
    }
    if (p->n_tables)
        qsort(p->tables, p->n_tables, sizeof *p->tables, cmp_table);
    *out = p;
    return PM_OK;
}

void pm_patterns_free(pm_patterns *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_regexes; i++) {
        pcre2_code_free(p->regexes[i].code);
        pcre2_code_free(p->regexes[i].anchored);
    }
    free(p->regexes);
    free(p->by_code);
    free(p->tables);
    pcre2_match_context_free(p->match_ctx);
    pm_arena_free(&p->arena);
    free(p);
}

const char *pm_patterns_dir(const pm_patterns *p)
{
    return p->dir;
}

const pcre2_code *pm_patterns_regex(const pm_patterns *p, const char *name, pm_error *err)
{
    named_regex key = {.name = (char *)name};
    const named_regex *hit =
        p->n_regexes ? bsearch(&key, p->regexes, p->n_regexes, sizeof key, cmp_regex) : NULL;
    if (hit)
        return hit->code;
    const char *dot = strchr(name, '.');
    int stem_len = dot ? (int)(dot - name) : (int)strlen(name);
    pm_fail(err, PM_ERR_PATTERN, p->dir, 0, "missing regex '%s' (expected in %.*s.pcre)", name,
            stem_len, name);
    return NULL;
}

bool pm_patterns_regex_is(const pm_patterns *p, const char *name, const char *fingerprint)
{
    named_regex key = {.name = (char *)name};
    const named_regex *hit =
        p->n_regexes ? bsearch(&key, p->regexes, p->n_regexes, sizeof key, cmp_regex) : NULL;
    return hit && strcmp(hit->fingerprint, fingerprint) == 0;
}

static const named_regex *find_regex(const pm_patterns *p, const char *name)
{
    named_regex key = {.name = (char *)name};
    return p->n_regexes ? bsearch(&key, p->regexes, p->n_regexes, sizeof key, cmp_regex) : NULL;
}

struct pm_regex_union {
    pcre2_code *code;
    size_t n;
};

/* Can src be one branch of an alternation and mean there what it means
 * alone? Refused: backtracking verbs ((*COMMIT) in one branch would stop
 * the next from being tried) and leading (*UTF)-style settings; \Q…\E and
 * extended mode (a `#` comment or quoted text would swallow the `)|` that
 * follows); references by number or recursion (group numbers shift);
 * \K (the match would not start at 0); branch reset and (?J). The scan
 * ignores character classes, so it may refuse a harmless source, never
 * accept a harmful one. */
static bool branch_safe(const char *src)
{
    for (const char *c = src; *c; c++) {
        if (*c == '\\') {
            c++;
            if (!*c || (*c >= '0' && *c <= '9') || strchr("gkQEK", *c))
                return false;
        } else if (c[0] == '(' && c[1] == '*') {
            return false;
        } else if (c[0] == '(' && c[1] == '?') {
            const char *o = c + 2;
            if (*o == ':' || *o == '=' || *o == '!' || *o == '>')
                continue;
            if (*o == '<' && (o[1] == '=' || o[1] == '!' ||
                              (o[1] >= 'A' && o[1] <= 'Z') || (o[1] >= 'a' && o[1] <= 'z') ||
                              o[1] == '_'))
                continue; /* lookbehind, named group (a name clash fails to compile) */
            for (; *o != ')' && *o != ':'; o++)
                if (!*o || !strchr("imsnU^-", *o))
                    return false; /* not a plain option setting without x */
        }
    }
    return true;
}

pm_status pm_regex_union_new(const pm_patterns *p, const char *const *names, size_t n,
                             pm_regex_union **out)
{
    *out = NULL;
    size_t len = 8;
    for (size_t i = 0; i < n; i++) {
        const named_regex *r = find_regex(p, names[i]);
        /* anchored == NULL: PCRE2 found the source anchored by itself. */
        if (!r || r->anchored || !branch_safe(r->source))
            return PM_OK;
        len += strlen(r->source) + 32;
    }
    char *src = malloc(len);
    if (!src)
        return PM_ERR_NOMEM;
    /* (?:(*:0)(?:SRC0)|(*:1)(?:SRC1)|…): each source in its own group, so
     * that an option it sets (a leading (?i)) does not carry on into the
     * branches after it. */
    size_t at = (size_t)snprintf(src, len, "(?:");
    for (size_t i = 0; i < n; i++)
        at += (size_t)snprintf(src + at, len - at, "%s(*:%zu)(?:%s)", i ? "|" : "", i,
                               find_regex(p, names[i])->source);
    snprintf(src + at, len - at, ")");
    int code;
    PCRE2_SIZE offset;
    /* Compiled anchored: the JIT cannot anchor at match time, and every
     * branch is anchored anyway. */
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED,
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_ANCHORED, &code, &offset, NULL);
    free(src);
    if (!re)
        return PM_OK; /* e.g. two sources name a group alike: the caller's loop */
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
    pm_regex_union *u = malloc(sizeof *u);
    if (!u) {
        pcre2_code_free(re);
        return PM_ERR_NOMEM;
    }
    *u = (pm_regex_union){re, n};
    *out = u;
    return PM_OK;
}

void pm_regex_union_free(pm_regex_union *u)
{
    if (!u)
        return;
    pcre2_code_free(u->code);
    free(u);
}

int pm_regex_union_match(const pm_patterns *p, const pm_regex_union *u, const char *s,
                         size_t len, uint32_t options, pcre2_match_data *md, size_t *end)
{
    int rc = pcre2_match(u->code, (PCRE2_SPTR)s, len, 0, options, md, p->match_ctx);
    if (rc == PCRE2_ERROR_NOMATCH)
        return -1;
    size_t ms, me;
    const char *mark = (const char *)pcre2_get_mark(md);
    if (rc <= 0 || !mark || !pm_regex_group(md, 0, &ms, &me) || ms != 0)
        return -2; /* a limit hit, …: the caller tries the regexes one by one */
    size_t k = 0;
    for (; *mark >= '0' && *mark <= '9'; mark++)
        k = k * 10 + (size_t)(*mark - '0');
    if (*mark || k >= u->n)
        return -2;
    *end = me;
    return (int)k;
}

const char *pm_patterns_fingerprint(const pm_patterns *p, const char *name)
{
    named_regex key = {.name = (char *)name};
    const named_regex *hit =
        p->n_regexes ? bsearch(&key, p->regexes, p->n_regexes, sizeof key, cmp_regex) : NULL;
    return hit ? hit->fingerprint : NULL;
}

const pm_tsv *pm_patterns_table(const pm_patterns *p, const char *name, pm_error *err)
{
    named_table key = {.name = (char *)name};
    const named_table *hit =
        p->n_tables ? bsearch(&key, p->tables, p->n_tables, sizeof key, cmp_table) : NULL;
    if (hit)
        return &hit->table;
    pm_fail(err, PM_ERR_PATTERN, p->dir, 0, "missing table %s.tsv", name);
    return NULL;
}

int pm_regex_match(const pm_patterns *p, const pcre2_code *re, const char *s, size_t len,
                   size_t start, uint32_t options, pcre2_match_data *md)
{
    if (options & PCRE2_ANCHORED) {
        const named_regex *r = regex_of_code(p, re);
        if (r && r->anchored) {
            re = r->anchored;
            options &= ~(uint32_t)PCRE2_ANCHORED;
        }
    }
    return pcre2_match(re, (PCRE2_SPTR)s, len, start, options, md, p->match_ctx);
}

bool pm_regex_group(pcre2_match_data *md, int n, size_t *start, size_t *end)
{
    if (n < 0 || (uint32_t)n >= pcre2_get_ovector_count(md))
        return false;
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
    if (ov[2 * n] == PCRE2_UNSET)
        return false;
    *start = ov[2 * n];
    *end = ov[2 * n + 1];
    return true;
}

bool pm_regex_named(const pcre2_code *re, pcre2_match_data *md, const char *name,
                    size_t *start, size_t *end)
{
    int n = pcre2_substring_number_from_name(re, (PCRE2_SPTR)name);
    return n >= 0 && pm_regex_group(md, n, start, end);
}

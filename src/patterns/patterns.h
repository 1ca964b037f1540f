/* patterns: the data in patterns/ — regular expressions and lexicons —
 * loaded once per process, regexes compiled once with PCRE2 JIT.
 *
 * Two file kinds, both UTF-8, '#' starts a comment line, blank lines ignored:
 *   NAME.pcre  lines "key<TAB>regex": regex "NAME.key" (PCRE2 syntax, compiled
 *              with UTF|UCP; use (?i) for caseless). Matching runs under match
 *              and depth limits, so no input can make a match run away.
 *   NAME.tsv   tab-separated rows: table "NAME"; fields are NFC-normalised.
 * Every error is reported as FILE:LINE. */
#ifndef PM_PATTERNS_H
#define PM_PATTERNS_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "core/core.h"

typedef struct pm_patterns pm_patterns;

typedef struct pm_tsv_row {
    const char **fields;
    size_t n_fields;
    size_t line; /* line in the file, for error messages */
} pm_tsv_row;

typedef struct pm_tsv {
    const char *path;
    pm_tsv_row *rows;
    size_t n_rows;
} pm_tsv;

/* Loads every *.pcre and *.tsv file of dir. */
pm_status pm_patterns_load(const char *dir, pm_patterns **out, pm_error *err);
void pm_patterns_free(pm_patterns *p);
const char *pm_patterns_dir(const pm_patterns *p);

/* The compiled regex "file.key", or NULL with err set (PM_ERR_PATTERN,
 * naming the file that should hold it). */
const pcre2_code *pm_patterns_regex(const pm_patterns *p, const char *name, pm_error *err);
/* The source of a regex as a fingerprint: the first 16 hex digits of its
 * SHA-256 (NULL for an unknown name). Code that knows more about one pattern
 * than PCRE2 can tell (which words can open a match, to skip places where
 * none can) uses that knowledge only while pm_patterns_regex_is says the
 * loaded pattern is the one it was proven for: a pattern a researcher has
 * edited gets the general search, slower but never wrong. */
const char *pm_patterns_fingerprint(const pm_patterns *p, const char *name);
bool pm_patterns_regex_is(const pm_patterns *p, const char *name, const char *fingerprint);
/* The table "file" (without .tsv), or NULL with err set. */
const pm_tsv *pm_patterns_table(const pm_patterns *p, const char *name, pm_error *err);

/* Runs a regex with the project's match limits. PCRE2_ANCHORED in options
 * runs the regex's anchored compilation (the JIT cannot anchor at match
 * time), so anchored matches cost no more than others. Returns the pcre2_match
 * result: > 0 on a match, PCRE2_ERROR_NOMATCH, or another negative error
 * (a limit hit counts as no match for callers that only test rc > 0). */
int pm_regex_match(const pm_patterns *p, const pcre2_code *re, const char *s, size_t len,
                   size_t start, uint32_t options, pcre2_match_data *md);

/* Several loaded regexes, each anchored at the start of the subject, as one
 * ordered alternation `(?:(*:0)(?:SRC0)|(*:1)(?:SRC1)|…)`: one match call
 * instead of one per regex, for a caller that asks which of them matches
 * first. Made once (at extractor creation), shared read-only. *out is NULL
 * (with PM_OK) when the sources cannot be combined to mean the same (a
 * missing or unanchored regex, a construct that would leak out of its
 * branch, a combination that fails to compile): the caller then tries the
 * regexes one by one. */
typedef struct pm_regex_union pm_regex_union;
pm_status pm_regex_union_new(const pm_patterns *p, const char *const *names, size_t n,
                             pm_regex_union **out);
void pm_regex_union_free(pm_regex_union *u);
/* The index of the first of names whose regex matches s at 0, as trying them
 * in order would find, and *end the end of that regex's match; -1 when none
 * matches; -2 when the union cannot tell (a match limit hit, a UTF error):
 * the caller then tries them one by one. */
int pm_regex_union_match(const pm_patterns *p, const pm_regex_union *u, const char *s,
                         size_t len, uint32_t options, pcre2_match_data *md, size_t *end);

/* Offsets of capture group n of the last match, false when unset. */
bool pm_regex_group(pcre2_match_data *md, int n, size_t *start, size_t *end);
/* Offsets of the named group, false when unset or absent. */
bool pm_regex_named(const pcre2_code *re, pcre2_match_data *md, const char *name,
                    size_t *start, size_t *end);

#endif

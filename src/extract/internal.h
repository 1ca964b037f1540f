/* Internal interface between the parts of the extractor (not used outside
 * src/extract). extract.c owns pm_extractor_new/free and pm_extract; each
 * part prepares its lexicons once in its *_init and frees them in *_free. */
#ifndef PM_EXTRACT_INTERNAL_H
#define PM_EXTRACT_INTERNAL_H

#include "extract/extract.h"

struct pm_extractor {
    const pm_patterns *patterns;
    struct pm_quantity_lexicon *quantity;   /* quantity.c: comparators, units, numbers */
    struct pm_deadline_lexicon *deadline;   /* deadline.c */
    struct pm_agency_lexicon *agency;       /* agency.c: agencies, abbreviations, OCR variants */
    struct pm_indicator_lexicon *indicator; /* indicator.c: catalogue surface forms */
    /* The fast paths of extract.c, targets.c and tasks.c that hold for the
     * loaded patterns (pm_proof; the parts keep theirs in their lexicons). */
    bool year_start_proven, year_digits_proven, subject_tail_proven, list_head_proven,
        scope_proven, subject_link_proven;
    const pcre2_code *year_phrase;  /* target-cues.year, looked up once */
    const pcre2_code *subject_link; /* task-fields.subject_link, looked up once */
    pm_regex_union *field_labels;  /* tasks.c: the field labels in one call, or NULL */
};

/* ---- fast paths proven for one pattern ------------------------------------
 * Patterns are data a researcher may edit without recompiling. A fast path
 * that skips places where, for a regex as shipped, no match can start knows
 * that regex's content, so a pm_proof next to it names the regex and the
 * fingerprint (pm_patterns_fingerprint) of the source it was proven for.
 * It runs only while that source is loaded (checked once, when the
 * extractor is made); an edited regex gets the general search, slower but
 * right for any pattern, until someone proves the fast path again for the
 * new source and updates the fingerprint. test_extract fails, naming the
 * fast path, while one is off with the shipped patterns; tests/
 * run-prefilters checks that the fast paths find what the general search
 * finds on real text. */
typedef struct pm_proof {
    const char *regex;       /* "file.key" */
    const char *fingerprint; /* of the source the fast path was proven for */
    const char *where;       /* "file.c function": the code to prove again */
} pm_proof;

/* Is the loaded regex the one pf was proven for? */
bool pm_proven(const pm_patterns *p, const pm_proof *pf);

extern const pm_proof pm_proof_value_start, pm_proof_excluded_before, pm_proof_attained,
    pm_proof_aspiration, pm_proof_excluded_after, pm_proof_bound_suffix, pm_proof_magnitude,
    pm_proof_counted_noun, pm_proof_rate_tail; /* quantity.c */
extern const pm_proof pm_proof_reference, pm_proof_dated[6]; /* deadline.c */
extern const pm_proof pm_proof_year_start, pm_proof_subject_link; /* extract.c */
extern const pm_proof pm_proof_year_digits;               /* tasks.c */
extern const pm_proof pm_proof_field_labels[5], pm_proof_deadline_phrase,
    pm_proof_phase; /* tasks.c */
extern const pm_proof pm_proof_subject_tail, pm_proof_list_head, pm_proof_scope,
    pm_proof_aspirational, pm_proof_time_unit, pm_proof_subject_head, pm_proof_forecast,
    pm_proof_subject_cut, pm_proof_not_before; /* targets.c */
/* All of them, NULL-ended (for the tests). */
extern const pm_proof *const pm_proofs[];

pm_status pm_quantity_init(pm_extractor *x, pm_error *err);
void pm_quantity_free(pm_extractor *x);
pm_status pm_deadline_init(pm_extractor *x, pm_error *err);
void pm_deadline_free(pm_extractor *x);
pm_status pm_agency_init(pm_extractor *x, pm_error *err);
void pm_agency_free(pm_extractor *x);
pm_status pm_indicator_init(pm_extractor *x, pm_error *err);
void pm_indicator_free(pm_extractor *x);
pm_status pm_tasks_init(pm_extractor *x, pm_error *err);
void pm_tasks_free(pm_extractor *x);

typedef struct pm_doc_facts pm_doc_facts;

/* targets.c: quantified targets from paragraphs, bullets and target tables. */
pm_status pm_extract_targets(const pm_extractor *x, pm_arena *a, const pm_text *t,
                             const pm_tree *tree, pm_doc_facts *facts, pm_records *out,
                             pm_warnings *w);
/* tasks.c: tasks from body blocks and task tables. */
pm_status pm_extract_tasks(const pm_extractor *x, pm_arena *a, const pm_text *t,
                           const pm_tree *tree, pm_doc_facts *facts, pm_records *out,
                           pm_warnings *w);
/* targets.c: target-cues.subject_head anchored at s[0], and subject_tail
 * searched from `from` (a character boundary), read without PCRE2 for the
 * sources of pm_proof_subject_head and pm_proof_subject_tail: 1 when it
 * matches (the head's end in *end; the tail's start in *start, its end is
 * n), 0 when not, -1 when the text holds a character the reading leaves to
 * PCRE2 (or is not UTF-8). */
int pm_subject_head_read(const char *s, size_t n, size_t *end);
int pm_subject_tail_read(const char *s, size_t n, size_t from, size_t *start);
/* targets.c: could target-cues.forecast, subject_cut or not_before match
 * in s[from, to)? False only when none can: the byte tests of
 * pm_proof_forecast, pm_proof_subject_cut and pm_proof_not_before. */
typedef enum pm_target_cue { PM_CUE_FORECAST, PM_CUE_SUBJECT_CUT, PM_CUE_NOT_BEFORE } pm_target_cue;
bool pm_target_cue_may_match(pm_target_cue cue, const char *s, size_t from, size_t to);
/* checks.c: consistency warnings over the finished records. */
void pm_check_records(const pm_extractor *x, const pm_text *t, const pm_tree *tree,
                      const pm_records *r, pm_warnings *w);

/* Evidence for [norm_start, norm_end) of the normalised text. */
pm_source pm_source_of(pm_arena *a, const pm_text *t, size_t norm_start, size_t norm_end);
/* Evidence for [start, end) of a span. */
pm_source pm_source_of_span(pm_arena *a, const pm_text *t, const pm_span *sp, size_t start,
                            size_t end);

/* ==== shared by the record assemblers (targets.c, tasks.c, checks.c) =====
 * Table column roles, year phrases, agency sets with the document's own
 * city, regex helpers; implemented in extract.c. The patterns they read
 * (task-fields.pcre, target-cues.pcre, table-columns.tsv) are checked once
 * in pm_extractor_new. */
/* ---- regexes ------------------------------------------------------------ */
/* The compiled regex "file.key" (checked to exist at start-up). */
const pcre2_code *pm_cue(const pm_extractor *x, const char *name);
/* First match of re in s[from, n); bounds of the whole match. */
bool pm_cue_find(const pm_extractor *x, const pcre2_code *re, const char *s, size_t n,
                 size_t from, pcre2_match_data *md, size_t *start, size_t *end);
/* Bytes of the character that ends at s[i] (lo < i, s[lo, i) valid UTF-8
 * from a character boundary) when PCRE2 takes it for \s under UCP, else 0. */
size_t pm_space_before(const char *s, size_t lo, size_t i);
/* Offset of the first ASCII digit of s at or after i, or n (eight bytes a
 * step). */
size_t pm_next_ascii_digit(const char *s, size_t n, size_t i);
/* A hash of s[0, n) for the per-document memos (FNV-1a 8 bytes a step,
 * mixed); seed tells keys of different kinds apart. */
uint64_t pm_hash_text(const char *s, size_t n, uint64_t seed);
/* Does re match at exactly s+at? Its end in *end. */
bool pm_cue_at(const pm_extractor *x, const pcre2_code *re, const char *s, size_t n, size_t at,
               pcre2_match_data *md, size_t *end);

/* ---- table columns ------------------------------------------------------ */
typedef enum pm_column_role {
    PM_COL_OTHER,
    PM_COL_LABEL,
    PM_COL_CONTENT,
    PM_COL_INDICATOR,
    PM_COL_UNIT,
    PM_COL_LEAD,
    PM_COL_SUPPORT,
    PM_COL_APPROVER,
    PM_COL_DEADLINE,
    PM_COL_PRODUCT,
    PM_COL_NOTE,
    PM_COL_BASELINE,
    PM_COL_TARGET_YEAR
} pm_column_role;

typedef struct pm_column {
    pm_column_role role;
    int year; /* PM_COL_TARGET_YEAR and PM_COL_BASELINE: the year in the header */
} pm_column;

/* Roles of tb's columns from patterns/table-columns.tsv (arena array). */
pm_status pm_table_columns(const pm_extractor *x, pm_arena *a, const pm_table *tb,
                           pm_column **out);
/* First column with the role, -1 if none. */
int pm_column_find(const pm_column *cols, size_t n, pm_column_role role);
/* A targets table lists indicators with values per year. */
bool pm_is_targets_table(const pm_column *cols, size_t n);
/* A group row (`I`, `1` over `1.1`, `Nhóm nhiệm vụ …`) heads other rows. */
bool pm_is_group_row(const pm_table *tb, const pm_column *cols, size_t row);

/* ---- deadlines ------------------------------------------------------------ */
/* pm_parse_deadline with the caller's match data (deadline.c): md is used
 * when it has room for the groups of every deadline regex, else (or NULL)
 * one is made for the call. */
bool pm_parse_deadline_md(const pm_extractor *x, pm_arena *a, pcre2_match_data *md,
                          const char *s, size_t n, pm_deadline *out);

/* ---- year phrases -------------------------------------------------------- */
typedef struct pm_year_phrase {
    size_t start, end;
    int year;      /* the (last) year named */
    int first;     /* first year of a period, else 0 */
    bool vision;   /* `tầm nhìn đến năm 2045`: names a document, never a deadline */
} pm_year_phrase;

/* Year phrases (`đến năm 2025`, `vào năm 2030`, `Đến 2025`, `giai đoạn
 * 2023-2030`) of s in order; at most max. */
size_t pm_find_year_phrases(const pm_extractor *x, pcre2_match_data *md, const char *s,
                            size_t n, pm_year_phrase *out, size_t max);
/* The plan's own year (header date), 0 when unknown. */
int pm_plan_year(const pm_tree *tree);

/* ---- agencies ------------------------------------------------------------- */
typedef struct pm_agency_set {
    pm_agency *lead, *support, *approver;
    size_t n_lead, n_support, n_approver;
    size_t cap_lead, cap_support, cap_approver;
} pm_agency_set;

/* What pm_find_agencies found in each text of one document (agency.c): a
 * cell or sentence searched again (as a subject, then as a whole) is read
 * once. Lives in the document's arena; one thread at a time. */
typedef struct pm_agency_memo pm_agency_memo;
pm_agency_memo *pm_agency_memo_new(pm_arena *a);
/* pm_find_agencies through the memo (none: NULL); the mentions' strings
 * are shared with earlier results, in the memo's arena. */
size_t pm_find_agencies_memo(const pm_extractor *x, pm_arena *a, pm_agency_memo *memo,
                             const char *s, size_t n, pm_role default_role, pm_mention *out,
                             size_t max);

/* Whether a mention pm_find_agencies finds in s may start at its first
 * token; false only when none can. *first_end gets the end of that token
 * (n when s has none). */
bool pm_agency_may_open(const pm_extractor *x, const char *s, size_t n, size_t *first_end);

/* Per-document facts agency resolution needs, one set shared by targets
 * and tasks (one memo of searches for both). */
struct pm_doc_facts {
    int plan_year;
    pm_agency_memo *memo; /* NULL: no memo */
    const pm_text *text; /* NULL: no city to look for */
    /* The one `thành phố X` the document names (NULL: none, or several),
     * looked for in the whole text the first time a bare `UBND thành phố`
     * needs it: most documents never do. */
    const char *city;
    bool city_read;
};

pm_status pm_doc_facts_init(pm_arena *a, const pm_text *t, const pm_tree *tree,
                            pm_doc_facts *out);

/* Adds every agency named in s (default_role unless the text marks it). */
pm_status pm_agencies_all(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts,
                          const char *s, size_t n, pm_role default_role, pm_agency_set *set);
/* Adds the agencies that are the subject of each sentence of s: a chain of
 * names from the sentence start joined only by connectors (`,`, `và`,
 * `chủ trì`, `phối hợp với`, parentheses) — names later in the sentence are
 * objects, not assignees. Returns the number added. */
size_t pm_agencies_subject(const pm_extractor *x, pm_arena *a, pm_doc_facts *facts,
                           pcre2_match_data *md, const char *s, size_t n,
                           pm_role default_role, bool every_sentence, pm_agency_set *set);

/* End of the sentence that starts at `from`: after its '.', before a line
 * that starts a new bullet, or n. */
size_t pm_sentence_end(const char *s, size_t n, size_t from);

#endif

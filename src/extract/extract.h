/* extract: document tree -> records (targets, tasks) and the warnings a
 * careful reader wants.
 *
 * The value parsers — numbers, quantities (comparator + value or range +
 * unit), deadlines, agencies, indicators — are exposed for unit tests and
 * for the compare stage. Lexicons come from patterns/ (agencies.tsv,
 * abbreviations.tsv, indicators.tsv, deadlines.pcre, quantities.pcre,
 * ocr-fixes.tsv ...), prepared once in pm_extractor_new. */
#ifndef PM_EXTRACT_H
#define PM_EXTRACT_H

#include "segment/segment.h"

typedef struct pm_records {
    pm_target *targets;
    size_t n_targets, cap_targets;
    pm_task *tasks;
    size_t n_tasks, cap_tasks;
} pm_records;

typedef struct pm_extractor pm_extractor;

pm_status pm_extractor_new(const pm_patterns *p, pm_extractor **out, pm_error *err);
void pm_extractor_free(pm_extractor *x);

pm_status pm_extract(const pm_extractor *x, pm_arena *a, const pm_text *t, const pm_tree *tree,
                     pm_records *out, pm_warnings *w, pm_error *err);

/* ---- value parsers ------------------------------------------------------- */

/* A Vietnamese number at s: `1.573,1` 1573.1, `2,3` 2.3, `05` 5, `1.000` 1000.
 * Returns bytes consumed, 0 when s does not start with a number. */
size_t pm_parse_number(const char *s, size_t n, double *out);

/* A quantity found in text: `trên 45%`, `khoảng 11 - 16%`, `tối thiểu 28 m²`,
 * `Phấn đấu ≥ 45`, `từ 40% đến 45%`, `03 đô thị`, `khoảng 10 triệu lượt`.
 * start/end delimit it in the searched text. unit: "%", "m2/person",
 * "count", a unit of the lexicon, or pm_unit_written when the unit is the
 * text's own words s[unit_start, unit_end) (`triệu tấn`: a magnitude and a
 * measure, the value unscaled); NULL if none. A count scaled by a magnitude
 * (`1,25 triệu lượt khách`: 1250000) has what it counts in
 * s[unit_start, unit_end) (`lượt khách`); other units leave them equal. */
typedef struct pm_quantity {
    pm_value value;
    const char *unit;
    size_t unit_start, unit_end;
    bool aspirational;
    /* stated by `đạt` (`đạt khoảng 71 tuổi`): a unit of time or age is then
     * what is measured, not a duration */
    bool attained;
    size_t start, end;
} pm_quantity;

extern const char pm_unit_written[];

/* The unit of q found in s as a string: the lexicon's, or a copy of the
 * words as written. NULL when q has none (or out of memory). */
const char *pm_quantity_unit(pm_arena *a, const char *s, const pm_quantity *q);

/* Finds the quantities in s (at most max). Skips what is not a target
 * value: years, dates, document numbers (148/NQ-CP), km markers (Km3+700),
 * urban classes (loại III), phone numbers. */
size_t pm_find_quantities(const pm_extractor *x, const char *s, size_t n, pm_quantity *out,
                          size_t max);

/* A deadline cell or phrase: `2023-2025`, `Quý II/2024`, `Hằng năm`, ...
 * Returns false when s names no time at all (out->kind = NONE). Phrases
 * that say how but not when (`Theo tiến độ …`) give UNSPECIFIED. */
bool pm_parse_deadline(const pm_extractor *x, pm_arena *a, const char *s, size_t n,
                       pm_deadline *out);

typedef struct pm_mention {
    pm_agency agency;
    pm_role role;
    size_t start, end; /* in the searched text */
} pm_mention;

/* Agencies named in s, with their roles: `default_role` unless the text
 * marks them (`… chủ trì`, `phối hợp (với) …`, `(phối hợp)`). Lists expand
 * (`các Sở: Xây dựng, Tài chính` -> two). An agency appears once, in its
 * strongest role. Returns the number found (at most max). */
size_t pm_find_agencies(const pm_extractor *x, pm_arena *a, const char *s, size_t n,
                        pm_role default_role, pm_mention *out, size_t max);

/* The catalogue id of an indicator text, or NULL. */
const char *pm_indicator_id(const pm_extractor *x, const char *s, size_t n);

#endif

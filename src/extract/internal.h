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
};

pm_status pm_quantity_init(pm_extractor *x, pm_error *err);
void pm_quantity_free(pm_extractor *x);
pm_status pm_deadline_init(pm_extractor *x, pm_error *err);
void pm_deadline_free(pm_extractor *x);
pm_status pm_agency_init(pm_extractor *x, pm_error *err);
void pm_agency_free(pm_extractor *x);
pm_status pm_indicator_init(pm_extractor *x, pm_error *err);
void pm_indicator_free(pm_extractor *x);

/* targets.c: quantified targets from paragraphs, bullets and target tables. */
pm_status pm_extract_targets(const pm_extractor *x, pm_arena *a, const pm_text *t,
                             const pm_tree *tree, pm_records *out, pm_warnings *w);
/* tasks.c: tasks from body blocks and task tables. */
pm_status pm_extract_tasks(const pm_extractor *x, pm_arena *a, const pm_text *t,
                           const pm_tree *tree, pm_records *out, pm_warnings *w);
/* checks.c: consistency warnings over the finished records. */
void pm_check_records(const pm_extractor *x, const pm_text *t, const pm_tree *tree,
                      const pm_records *r, pm_warnings *w);

/* Evidence for [norm_start, norm_end) of the normalised text. */
pm_source pm_source_of(pm_arena *a, const pm_text *t, size_t norm_start, size_t norm_end);
/* Evidence for [start, end) of a span. */
pm_source pm_source_of_span(pm_arena *a, const pm_text *t, const pm_span *sp, size_t start,
                            size_t end);

#endif

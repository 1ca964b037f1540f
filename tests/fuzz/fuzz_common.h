/* Shared set-up for the libFuzzer harnesses: patterns are loaded once from
 * $PLANMINE_PATTERNS or ./patterns (make fuzz runs from the top directory). */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static inline void fuzz_die(const pm_error *err)
{
    fprintf(stderr, "fuzz: %s:%zu: %s\n", err->file, err->line, err->message);
    abort();
}

static inline const pm_patterns *fuzz_patterns(void)
{
    static pm_patterns *patterns;
    pm_error err = {0};
    if (!patterns) {
        const char *dir = getenv("PLANMINE_PATTERNS");
        if (pm_patterns_load(dir ? dir : "patterns", &patterns, &err) != PM_OK)
            fuzz_die(&err);
    }
    return patterns;
}

/* The legacy-encoding tables, fed from patterns/ as the library does, so
 * the text harnesses reach legacy detection and decoding too. */
static inline const pm_legacy *fuzz_legacy(void)
{
    static pm_legacy *legacy;
    if (legacy)
        return legacy;
    pm_error err = {0};
    const pm_tsv *mappings = pm_patterns_table(fuzz_patterns(), "legacy-encodings", &err);
    const pm_tsv *syllables = pm_patterns_table(fuzz_patterns(), "vi-syllables", &err);
    if (!mappings || !syllables || pm_legacy_new(&legacy, &err) != PM_OK)
        fuzz_die(&err);
    for (size_t i = 0; i < mappings->n_rows; i++) {
        const pm_tsv_row *r = &mappings->rows[i];
        if (r->n_fields < 3 || pm_legacy_add_mapping(legacy, r->fields[0], r->fields[1],
                                                     r->fields[2], mappings->path, r->line,
                                                     &err) != PM_OK)
            fuzz_die(&err);
    }
    for (size_t i = 0; i < syllables->n_rows; i++) {
        const pm_tsv_row *r = &syllables->rows[i];
        if (r->n_fields < 2 || pm_legacy_add_syllable_part(legacy, r->fields[0], r->fields[1],
                                                           syllables->path, r->line,
                                                           &err) != PM_OK)
            fuzz_die(&err);
    }
    return legacy;
}

#endif

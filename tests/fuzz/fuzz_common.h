/* Shared set-up for the libFuzzer harnesses: patterns are loaded once from
 * $PLANMINE_PATTERNS or ./patterns (make fuzz runs from the top directory). */
#ifndef PM_FUZZ_COMMON_H
#define PM_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "extract/extract.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const pm_patterns *fuzz_patterns(void)
{
    static pm_patterns *patterns;
    if (!patterns) {
        const char *dir = getenv("PLANMINE_PATTERNS");
        pm_error err = {0};
        if (pm_patterns_load(dir ? dir : "patterns", &patterns, &err) != PM_OK) {
            fprintf(stderr, "fuzz: %s:%zu: %s\n", err.file, err.line, err.message);
            abort();
        }
    }
    return patterns;
}

#endif

/* The value parsers on arbitrary strings; the first byte picks the parser. */
#include "extract/internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static pm_extractor *extractor;
    pm_error err = {0};
    if (!extractor && pm_extractor_new(fuzz_patterns(), &extractor, &err) != PM_OK)
        abort();
    if (size < 1)
        return 0;
    const char *s = (const char *)data + 1;
    size_t n = size - 1;
    pm_arena arena;
    pm_arena_init(&arena);
    switch (data[0] % 5) {
    case 0: {
        double value;
        if (pm_parse_number(s, n, &value) > n)
            abort();
        break;
    }
    case 1: {
        pm_quantity q[16];
        size_t found = pm_find_quantities(extractor, s, n, q, 16);
        for (size_t i = 0; i < found && i < 16; i++)
            if (q[i].start > q[i].end || q[i].end > n)
                abort();
        break;
    }
    case 2: {
        pm_deadline d;
        pm_parse_deadline(extractor, &arena, s, n, &d);
        break;
    }
    case 3: {
        pm_mention m[32];
        size_t found = pm_find_agencies(extractor, &arena, s, n, PM_ROLE_LEAD, m, 32);
        for (size_t i = 0; i < found && i < 32; i++)
            if (m[i].start > m[i].end || m[i].end > n || !m[i].agency.id)
                abort();
        break;
    }
    default:
        pm_indicator_id(extractor, s, n);
    }
    pm_arena_free(&arena);
    return 0;
}

/* The value parsers and the sentence, year and agency scanners on
 * arbitrary strings; the first byte picks which. */
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static pm_extractor *extractor;
    static pcre2_match_data *md;
    pm_error err = {0};
    if (!extractor && pm_extractor_new(fuzz_patterns(), &extractor, &err) != PM_OK)
        fuzz_die(&err);
    if (!md && !(md = pcre2_match_data_create(32, NULL)))
        abort();
    if (size < 1)
        return 0;
    /* The parsers only ever see pieces of the normalised text: NFC and
     * valid UTF-8, which the library checks once and then matches without
     * PCRE2's own check (undefined on invalid UTF-8). Arbitrary bytes get
     * the same normalisation, then an exact-size copy so a read past n is
     * caught. */
    pm_buf nfc = {0};
    pm_nfc((const char *)data + 1, size - 1, &nfc);
    size_t n = nfc.len;
    char *s = nfc.failed ? NULL : malloc(n ? n : 1);
    if (!s) {
        pm_buf_free(&nfc);
        return 0;
    }
    if (n)
        memcpy(s, nfc.data, n);
    pm_buf_free(&nfc);
    pm_arena arena;
    pm_arena_init(&arena);
    switch (data[0] % 8) {
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
    case 4:
        pm_indicator_id(extractor, s, n);
        break;
    case 5: /* every caller walks sentence by sentence: each must move on */
        for (size_t from = 0, end; from < n; from = end)
            if ((end = pm_sentence_end(s, n, from)) <= from || end > n)
                abort();
        break;
    case 6: {
        pm_year_phrase yp[8];
        size_t found = pm_find_year_phrases(extractor, md, s, n, yp, 8);
        for (size_t i = 0; i < found && i < 8; i++)
            if (found > 8 || yp[i].start >= yp[i].end || yp[i].end > n ||
                (i && yp[i].start < yp[i - 1].end))
                abort();
        break;
    }
    default: {
        pm_doc_facts facts = {0};
        pm_agency_set set = {0};
        pm_agencies_subject(extractor, &arena, &facts, md, s, n, PM_ROLE_LEAD, true, &set);
        if (pm_agencies_all(extractor, &arena, &facts, s, n, PM_ROLE_SUPPORT, &set) != PM_OK)
            abort();
        break;
    }
    }
    pm_arena_free(&arena);
    free(s);
    return 0;
}

/* Decoding and normalisation: never crash, and the offset map and line
 * table stay consistent for any bytes. */
#include <string.h>
#include <utf8proc.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    pm_arena arena;
    pm_arena_init(&arena);
    pm_warnings warnings = {.arena = &arena};
    pm_text text;
    pm_error err = {0};
    pm_text_options opt = {.legacy = fuzz_legacy()};
    if (pm_text_decode(&arena, data, size, &opt, &text, &warnings, &err) == PM_OK) {
        if (utf8proc_decompose((const utf8proc_uint8_t *)text.norm, (utf8proc_ssize_t)text.norm_len,
                               NULL, 0, 0) < 0)
            abort(); /* the normalised text must be valid UTF-8 */
        size_t previous = 0;
        for (size_t off = 0; off <= text.norm_len; off++) {
            size_t orig = pm_text_orig(&text, off);
            if (orig < previous || orig > size)
                abort(); /* the map is monotonic and stays inside the input */
            previous = orig;
        }
        for (size_t line = 1; line <= text.n_lines; line++) {
            size_t len;
            const char *s = pm_text_line_str(&text, line, &len);
            if (len && (memchr(s, '\n', len) || pm_text_line(&text, (size_t)(s - text.norm)) != line))
                abort();
        }
    }
    pm_arena_free(&arena);
    return 0;
}

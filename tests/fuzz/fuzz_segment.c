/* The segmenter (header, outline, paragraphs, tables) on any text: never
 * crash, every block and table stays inside the document's lines. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static pm_segmenter *segmenter;
    pm_error err = {0};
    if (!segmenter && pm_segmenter_new(fuzz_patterns(), &segmenter, &err) != PM_OK)
        fuzz_die(&err);
    pm_arena arena;
    pm_arena_init(&arena);
    pm_warnings warnings = {.arena = &arena};
    pm_text text;
    pm_tree tree;
    pm_text_options opt = {.legacy = fuzz_legacy()};
    if (pm_text_decode(&arena, data, size, &opt, &text, &warnings, &err) == PM_OK &&
        pm_segment(segmenter, &arena, &text, &tree, &warnings, &err) == PM_OK) {
        for (size_t i = 0; i < tree.n_blocks; i++)
            if (tree.blocks[i].line_start > tree.blocks[i].line_end ||
                tree.blocks[i].line_end > text.n_lines)
                abort();
        for (size_t i = 0; i < tree.n_tables; i++)
            if (tree.tables[i].line_start > tree.tables[i].line_end ||
                tree.tables[i].line_end > text.n_lines)
                abort();
    }
    pm_arena_free(&arena);
    return 0;
}

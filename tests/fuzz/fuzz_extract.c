/* The whole extract path through the public API; the JSON written for any
 * input must parse (quotes, control characters and bad bytes escaped). */
#include <jansson.h>
#include <stdlib.h>

#include "planmine.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static pm_context *ctx;
    pm_error err = {0};
    if (!ctx && pm_context_new(getenv("PLANMINE_PATTERNS") ? NULL : "patterns", &ctx, &err) != PM_OK)
        abort();
    pm_document *doc;
    if (pm_extract_bytes(ctx, "fuzz.txt", data, size, NULL, &doc, &err) != PM_OK)
        return 0;
    char *json = NULL;
    size_t json_len = 0;
    FILE *mem = open_memstream(&json, &json_len);
    if (!mem || pm_document_write_json(doc, mem, 0) != PM_OK)
        abort();
    fclose(mem);
    json_error_t jerr;
    json_t *parsed = json_loadb(json, json_len, 0, &jerr);
    if (!parsed) {
        fprintf(stderr, "invalid JSON: %s at %d\n", jerr.text, jerr.position);
        abort();
    }
    json_decref(parsed);
    free(json);
    pm_document_free(doc);
    return 0;
}

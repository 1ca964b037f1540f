/* Warnings, errors and status names. */
#include <stdio.h>
#include <string.h>

#include "core/core.h"

const char *pm_status_name(pm_status status)
{
    switch (status) {
    case PM_OK: return "ok";
    case PM_ERR_NOMEM: return "out of memory";
    case PM_ERR_IO: return "input/output error";
    case PM_ERR_INPUT: return "not a plan text";
    case PM_ERR_PATTERN: return "bad pattern file";
    case PM_ERR_LIMIT: return "limit exceeded";
    case PM_ERR_USAGE: return "usage error";
    }
    return "unknown error";
}

void pm_warn(pm_warnings *w, const char *code, size_t line, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pm_warning *slot = PM_PUSH(w->arena, w->items, w->len, w->cap);
    if (!slot)
        return; /* out of memory: losing a warning beats failing the document */
    slot->code = code;
    slot->message = pm_arena_strdup(w->arena, msg);
    slot->line = line;
}

pm_status pm_fail(pm_error *err, pm_status status, const char *file, size_t line,
                  const char *fmt, ...)
{
    if (!err)
        return status;
    err->status = status;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return status;
}

/* Reading inputs whole and writing outputs atomically. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

/* st: what fstat said of fd (st_mode 0 when nothing is known). */
static pm_status read_fd(int fd, const char *path, const struct stat *st, size_t max_bytes,
                         unsigned char **data, size_t *len, pm_error *err)
{
    size_t cap = 64 * 1024, n = 0;
    if (S_ISREG(st->st_mode) && st->st_size > 0) {
        if ((unsigned long long)st->st_size > max_bytes)
            return pm_fail(err, PM_ERR_LIMIT, path, 0,
                           "file is %lld bytes, more than the limit of %zu (see --max-bytes)",
                           (long long)st->st_size, max_bytes);
        cap = (size_t)st->st_size + 1;
    }
    unsigned char *buf = malloc(cap);
    if (!buf)
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    for (;;) {
        if (n == cap) {
            if (cap > max_bytes) {
                free(buf);
                return pm_fail(err, PM_ERR_LIMIT, path, 0,
                               "input is more than the limit of %zu bytes (see --max-bytes)",
                               max_bytes);
            }
            size_t new_cap = cap * 2;
            unsigned char *p = realloc(buf, new_cap);
            if (!p) {
                free(buf);
                return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
            }
            buf = p;
            cap = new_cap;
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(buf);
            return pm_fail(err, PM_ERR_IO, path, 0, "cannot read: %s", strerror(e));
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > max_bytes) {
        free(buf);
        return pm_fail(err, PM_ERR_LIMIT, path, 0,
                       "input is more than the limit of %zu bytes (see --max-bytes)", max_bytes);
    }
    *data = buf;
    *len = n;
    return PM_OK;
}

pm_status pm_read_file(const char *path, size_t max_bytes, unsigned char **data, size_t *len,
                       pm_error *err)
{
    *data = NULL;
    *len = 0;
    struct stat st = {0};
    if (strcmp(path, "-") == 0) {
        if (fstat(STDIN_FILENO, &st) != 0)
            st.st_mode = 0;
        return read_fd(STDIN_FILENO, "-", &st, max_bytes, data, len, err);
    }
    /* O_NONBLOCK: a named pipe nobody writes to must not block the open
     * for ever (it reads as empty); reads block again below. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return pm_fail(err, PM_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    if (fstat(fd, &st) != 0)
        st.st_mode = 0;
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        return pm_fail(err, PM_ERR_IO, path, 0, "is a directory, not a file");
    }
    /* A regular file never blocks, O_NONBLOCK or not: two syscalls spared
     * for the usual input. */
    if (!S_ISREG(st.st_mode)) {
        int flags = fcntl(fd, F_GETFL);
        if (flags != -1)
            fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    pm_status s = read_fd(fd, path, &st, max_bytes, data, len, err);
    close(fd);
    if (s == PM_OK && *len == 0 && S_ISFIFO(st.st_mode)) {
        free(*data);
        *data = NULL;
        return pm_fail(err, PM_ERR_INPUT, path, 0,
                       "pipe with nothing written to it (a named pipe needs its writer first)");
    }
    return s;
}

bool pm_write_all(int fd, const void *data, size_t n)
{
    const unsigned char *p = data;
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        p += w;
        n -= (size_t)w;
    }
    return true;
}

pm_status pm_write_file_atomic(const char *path, const void *data, size_t len, pm_error *err)
{
    size_t n = strlen(path);
    char *tmp = malloc(n + 16);
    if (!tmp)
        return pm_fail(err, PM_ERR_NOMEM, path, 0, "out of memory");
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmp.XXXXXX", 12);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return pm_fail(err, PM_ERR_IO, path, 0, "cannot create: %s", strerror(e));
    }
    int e = 0;
    if (!pm_write_all(fd, data, len) || fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (fchmod(fd, 0644) != 0 && !e)
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        unlink(tmp);
        free(tmp);
        return pm_fail(err, PM_ERR_IO, path, 0, "cannot write: %s", strerror(e));
    }
    free(tmp);
    return PM_OK;
}

/* textfile: capped whole-file reads and a line walk with line numbers. See dialtone/textfile.h. */
#include "dialtone/textfile.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

int textfile_read(const char *path, size_t max, struct dt_buf *b, unsigned *mode, char *err,
                  size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return dt_seterr(err, errlen, DT_EIO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    int rc = DT_OK;
    if (fstat(fd, &st) != 0) {
        rc = dt_seterr(err, errlen, DT_EIO, "%s: %s", path, strerror(errno));
        goto done;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = dt_seterr(err, errlen, DT_EINVAL, "%s: not a regular file", path);
        goto done;
    }
    if (mode)
        *mode = (unsigned)(st.st_mode & 07777);
    size_t start = b->len;
    char chunk[4096];
    for (;;) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = dt_seterr(err, errlen, DT_EIO, "%s: cannot read: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        if (b->len - start + (size_t)n > max) {
            rc = dt_seterr(err, errlen, DT_ETOOBIG, "%s: larger than %zu bytes", path, max);
            break;
        }
        dt_buf_append(b, chunk, (size_t)n);
    }
    wipe(chunk, sizeof chunk); /* it may have held a secret */
done:
    close(fd);
    return rc;
}

void textfile_lines_init(struct textfile_lines *r, const char *text, size_t len, size_t max)
{
    r->p = text;
    r->end = text + len;
    r->lineno = 0;
    r->max = max;
}

int textfile_line_next(struct textfile_lines *r, const char **line, size_t *len, char *err,
                       size_t errlen)
{
    if (r->p >= r->end)
        return 0;
    const char *s = r->p;
    const char *nl = memchr(s, '\n', (size_t)(r->end - s));
    size_t n = nl ? (size_t)(nl - s) : (size_t)(r->end - s);
    r->p = nl ? nl + 1 : r->end;
    r->lineno++;
    if (n > 0 && s[n - 1] == '\r')
        n--;
    if (r->lineno == 1 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
        s += 3;
        n -= 3;
    }
    if (n > r->max)
        return dt_seterr(err, errlen, DT_EINVAL, "line too long (at most %zu bytes)", r->max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return dt_seterr(err, errlen, DT_EINVAL, "control character (byte 0x%02x) in line", c);
    }
    *line = s;
    *len = n;
    return 1;
}

/*
 * fuzz_inifile: inifile_parse on arbitrary text, with hooks that open sections with
 * inifile_section and read values with inifile_unquote, inifile_long and inifile_printable. Must
 * never crash, read out of bounds or leak; an error always names the file and a line of the text; a
 * message's shown text is printable and at most 63 bytes.
 */
#include "dialtone/inifile.h"
#include "dialtone/util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct inifile ini;
    int in_section;
    long sum;
};

static void check_shown(const char *s, size_t n)
{
    char b[64];
    inifile_printable(b, sizeof b, s, n);
    size_t len = strlen(b);
    if (len > 63 || len > n + 3)
        abort();
    for (size_t i = 0; i < len; i++)
        if (b[i] < 0x20 || b[i] >= 0x7f)
            abort();
}

static int fz_pair(void *user, const char *section, const char *name, const char *value)
{
    struct fz *f = user;
    (void)section;
    check_shown(name, strlen(name));
    char text[200];
    size_t n = inifile_unquote(text, sizeof text, value);
    if (n >= sizeof text || n != strlen(text) || n > strlen(value))
        abort();
    long v;
    if (inifile_long(value, 9, 0, 999999999L, &v) == 0) {
        if (v < 0 || v > 999999999L)
            abort();
        f->sum += v;
    } else if (strcmp(name, "n") == 0) {
        return inifile_fail(&f->ini, "n: not a number");
    }
    return 1;
}

static int fz_header(void *user, const char *line, size_t len)
{
    struct fz *f = user;
    const char *h;
    size_t n;
    if (line[0] != '[' || line[len] != '\0')
        abort();
    if (!inifile_section(&f->ini, line, len, &h, &n))
        return 0;
    if (h != line + 1 || n >= len || h[n] != ']')
        abort();
    check_shown(h, n);
    f->in_section = 1;
    return 1;
}

static const struct inifile_ops fz_ops = {
    .line_max = 199,
    .pair = fz_pair,
    .header = fz_header,
    .expected = "expected [section], key = value, or a comment",
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    struct fz f;
    memset(&f, 0, sizeof f);
    const char *text = (const char *)data;
    int rc = inifile_parse(&f.ini, text, size, &fz_ops, &f);
    char err[512];
    int rc2 = inifile_error(&f.ini, "fuzz.ini", err, sizeof err);
    if (rc != rc2 || (rc != DT_OK && rc != DT_EINVAL) || (rc != DT_OK) != f.ini.failed)
        abort();
    if (rc == DT_OK)
        return 0;
    int lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    if (strncmp(err, "fuzz.ini:", 9) != 0 || f.ini.fail_line < 0 || f.ini.fail_line > lines)
        abort(); /* every error names the file and a line of the text */
    return 0;
}

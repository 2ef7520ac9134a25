/* Tests for textfile: the line walk (numbers, line ends, BOM, caps, control characters) and
 * capped whole-file reads. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dialtone/textfile.h"

static char err[256];

TEST(lines_are_numbered_and_stripped)
{
    const char text[] = "\xef\xbb\xbf"
                        "one\r\ntwo\n\n\tfour\nlast";
    struct textfile_lines r;
    textfile_lines_init(&r, text, sizeof text - 1, 100);
    const char *l;
    size_t n;
    const char *want[] = {"one", "two", "", "\tfour", "last"};
    for (int i = 0; i < 5; i++) {
        CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), 1);
        CHECK_INT(n, strlen(want[i]));
        CHECK_MEM(l, want[i], n);
        CHECK_INT(r.lineno, i + 1);
    }
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), 0);
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), 0);
}

TEST(bom_only_on_the_first_line)
{
    const char text[] = "a\n\xef\xbb\xbf"
                        "b\n";
    struct textfile_lines r;
    textfile_lines_init(&r, text, sizeof text - 1, 100);
    const char *l;
    size_t n;
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), 1);
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), 1);
    CHECK_INT(n, 4);
}

TEST(caps_and_control_characters)
{
    struct textfile_lines r;
    const char *l;
    size_t n;
    textfile_lines_init(&r, "12345\n123456\n", 13, 5);
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), 1);
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "line too long (at most 5 bytes)");
    CHECK_INT(r.lineno, 2);

    const char *bad[] = {"a\x01", "a\rb", "\x7f", "x\x1b[31m"};
    const int byte[] = {1, 13, 0x7f, 0x1b};
    for (int i = 0; i < 4; i++) {
        char want[64];
        textfile_lines_init(&r, bad[i], strlen(bad[i]), 100);
        CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), DT_EINVAL);
        snprintf(want, sizeof want, "control character (byte 0x%02x) in line", byte[i]);
        CHECK_STR(err, want);
    }
    /* An embedded NUL is a control character too. */
    textfile_lines_init(&r, "ab\0c", 4, 100);
    CHECK_INT(textfile_line_next(&r, &l, &n, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "control character (byte 0x00) in line");
}

TEST(read_whole_file_with_cap)
{
    char path[] = "/tmp/dialtone-textfile-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd < 0)
        return;
    char data[10000];
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (char)('a' + i % 26);
    CHECK_INT(write(fd, data, sizeof data), (long)sizeof data);
    close(fd);
    chmod(path, 0640);

    struct dt_buf b;
    dt_buf_init(&b);
    unsigned mode = 0;
    CHECK_INT(textfile_read(path, sizeof data, &b, &mode, err, sizeof err), 0);
    CHECK_INT(b.len, sizeof data);
    CHECK_MEM(b.data, data, sizeof data);
    CHECK_INT(mode, 0640);
    dt_buf_reset(&b);

    CHECK_INT(textfile_read(path, sizeof data - 1, &b, NULL, err, sizeof err), DT_ETOOBIG);
    char want[128];
    snprintf(want, sizeof want, "%s: larger than %zu bytes", path, sizeof data - 1);
    CHECK_STR(err, want);
    dt_buf_reset(&b);
    unlink(path);

    CHECK_INT(textfile_read(path, 100, &b, NULL, err, sizeof err), DT_EIO);
    CHECK(strstr(err, ": cannot open: ") != NULL);
    CHECK_INT(textfile_read("/tmp", 100, &b, NULL, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "/tmp: not a regular file");
    dt_buf_done(&b);
}

int main(void)
{
    RUN(lines_are_numbered_and_stripped);
    RUN(bom_only_on_the_first_line);
    RUN(caps_and_control_characters);
    RUN(read_whole_file_with_cap);
    return check_done();
}

/* Tests for inifile: pairs with their line numbers, the first error winning, inih's own errors,
 * over-long lines and control characters, section headers, the hooks, and the value helpers. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dialtone/inifile.h"
#include "dialtone/util.h"

static char err[256];

/* A reader that writes "SECTION.NAME=VALUE@LINE " for each pair and fails on a key "bad". */
struct rd {
    struct inifile ini;
    char section[32];
    char out[512];
    int pairs;
};

static int rd_pair(void *user, const char *section, const char *name, const char *value)
{
    struct rd *r = user;
    (void)section;
    r->pairs++;
    if (strcmp(name, "bad") == 0)
        return inifile_fail(&r->ini, "bad key '%s'", name);
    size_t n = strlen(r->out);
    snprintf(r->out + n, sizeof r->out - n, "%s.%s=%s@%d ", r->section, name, value,
             r->ini.lines.lineno);
    return 1;
}

static int rd_header(void *user, const char *line, size_t len)
{
    struct rd *r = user;
    const char *h;
    size_t n;
    if (!inifile_section(&r->ini, line, len, &h, &n))
        return 0;
    if (n == 0 || n >= sizeof r->section)
        return inifile_fail(&r->ini, "bad section");
    memcpy(r->section, h, n);
    r->section[n] = '\0';
    return 1;
}

static const struct inifile_ops rd_ops = {
    .line_max = 40,
    .pair = rd_pair,
    .header = rd_header,
    .expected = "expected a pair",
};

static int rd_run(struct rd *r, const struct inifile_ops *ops, const char *text)
{
    memset(r, 0, sizeof *r);
    dt_strlcpy(r->section, "-", sizeof r->section);
    err[0] = '\0';
    int rc = inifile_parse(&r->ini, text, strlen(text), ops, r);
    int rc2 = inifile_error(&r->ini, "t.ini", err, sizeof err);
    CHECK_INT(rc, rc2);
    return rc;
}

TEST(pairs_come_with_their_sections_and_lines)
{
    struct rd r;
    CHECK_INT(
        rd_run(&r, &rd_ops, "top = 0\n[a]\nx = 1\n   y=2\n; comment\n\n [b] ; c\nz = \"q\"\n"),
        DT_OK);
    CHECK_STR(r.out, "-.top=0@1 a.x=1@3 a.y=2@4 b.z=\"q\"@8 ");
    CHECK_STR(err, "");
    CHECK_INT(r.ini.failed, 0);
    CHECK_INT(rd_run(&r, &rd_ops, ""), DT_OK);
    CHECK_STR(r.out, "");
}

TEST(the_first_error_wins_and_stops_the_pairs)
{
    struct rd r;
    CHECK_INT(rd_run(&r, &rd_ops, "a = 1\n\nbad = 2\nbad = 3\n[\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:3: bad key 'bad'");
    CHECK_INT(r.pairs, 2);
    CHECK_INT(r.ini.fail_line, 3);
    CHECK_STR(r.ini.msg, "bad key 'bad'");
}

TEST(lines_inih_cannot_read)
{
    struct rd r;
    CHECK_INT(rd_run(&r, &rd_ops, "a = 1\nno pair here\nb = 2\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:2: expected a pair");
    /* inih's error comes first even though a handler failed later in the text */
    CHECK_INT(rd_run(&r, &rd_ops, "junk\nbad = 1\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:1: expected a pair");
    struct inifile_ops plain = rd_ops;
    plain.expected = NULL;
    CHECK_INT(rd_run(&r, &plain, "a = 1\njunk\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:2: cannot parse");
}

TEST(long_lines_control_characters_and_nul_are_refused)
{
    struct rd r;
    CHECK_INT(rd_run(&r, &rd_ops, "a = 1\nb = 0123456789012345678901234567890123456\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:2: line too long (at most 40 bytes)");
    CHECK_INT(rd_run(&r, &rd_ops, "a = 1\n\nb = x\x01y\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:3: control character (byte 0x01) in line");
    CHECK_INT(r.pairs, 1);
    const char nul[] = "a = 1\nb = x\0y\n";
    memset(&r, 0, sizeof r);
    CHECK_INT(inifile_parse(&r.ini, nul, sizeof nul - 1, &rd_ops, &r), DT_EINVAL);
    CHECK_INT(inifile_error(&r.ini, "n.ini", err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "n.ini:2: control character (byte 0x00) in line");
    /* CRLF line ends and a byte order mark are not part of the line */
    CHECK_INT(rd_run(&r, &rd_ops, "\xef\xbb\xbf[s]\r\nk = v\r\n"), DT_OK);
    CHECK_STR(r.out, "s.k=v@2 ");
}

TEST(section_headers)
{
    struct rd r;
    CHECK_INT(rd_run(&r, &rd_ops, "[a]\n[b\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:2: section header without ']'");
    CHECK_INT(rd_run(&r, &rd_ops, "\n[a] x\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:2: unexpected text after the section header");
    CHECK_INT(rd_run(&r, &rd_ops, "[]\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:1: bad section");
    CHECK_INT(rd_run(&r, &rd_ops, "[a]\t# note\n[b];\nk=v\n"), DT_OK);
    CHECK_STR(r.out, "b.k=v@3 ");
}

/* A line hook: "> " quotes a line, which is then read without it; '!' is refused. */
static int quote_line(void *user, const char **line, size_t *len)
{
    struct rd *r = user;
    if (*len > 0 && (*line)[0] == '!')
        return inifile_fail(&r->ini, "no bangs");
    if (*len >= 2 && memcmp(*line, "> ", 2) == 0) {
        *line += 2;
        *len -= 2;
    }
    return 1;
}

TEST(a_line_hook_replaces_the_stripping)
{
    struct inifile_ops ops = rd_ops;
    ops.line = quote_line;
    struct rd r;
    CHECK_INT(rd_run(&r, &ops, "> a = 1\n> [s]\nb = 2\n"), DT_OK);
    CHECK_STR(r.out, "-.a=1@1 s.b=2@3 ");
    CHECK_INT(rd_run(&r, &ops, "a = 1\n!b = 2\nc = 3\n"), DT_EINVAL);
    CHECK_STR(err, "t.ini:2: no bangs");
    CHECK_INT(r.pairs, 1);
}

TEST(errors_recorded_by_hand)
{
    struct inifile f;
    memset(&f, 0, sizeof f);
    dt_strlcpy(err, "untouched", sizeof err);
    CHECK_INT(inifile_error(&f, "x", err, sizeof err), DT_OK);
    CHECK_STR(err, "untouched");
    CHECK_INT(inifile_fail_at(&f, 7, "first %d", 1), 0);
    CHECK_INT(inifile_fail(&f, "second"), 0);
    CHECK_INT(inifile_fail_at(&f, 2, "third"), 0);
    CHECK_INT(inifile_error(&f, "x.ini", err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "x.ini:7: first 1");
    char small[8];
    CHECK_INT(inifile_error(&f, "x.ini", small, sizeof small), DT_EINVAL);
    CHECK_STR(small, "x.ini:7");
}

TEST(printable_text_for_messages)
{
    char b[80];
    inifile_printable(b, sizeof b, "ab\x01\x7f\xc3z", 6);
    CHECK_STR(b, "ab???z");
    inifile_printable(b, sizeof b, "abc", 2);
    CHECK_STR(b, "ab");
    char sixty[70];
    memset(sixty, 'x', sizeof sixty);
    inifile_printable(b, sizeof b, sixty, 60);
    CHECK_INT(strlen(b), 60);
    inifile_printable(b, sizeof b, sixty, 61);
    CHECK_INT(strlen(b), 63);
    CHECK_STR(b + 60, "...");
    char tiny[8];
    inifile_printable(tiny, sizeof tiny, sixty, 20);
    CHECK_STR(tiny, "xxxx"); /* cut by the buffer */
    inifile_printable(tiny, sizeof tiny, sixty, 70);
    CHECK_STR(tiny, "xxxx...");
    inifile_printable(tiny, 1, sixty, 20);
    CHECK_STR(tiny, "");
}

TEST(values_unquoted)
{
    char b[8];
    CHECK_INT(inifile_unquote(b, sizeof b, "\"a b\""), 3);
    CHECK_STR(b, "a b");
    CHECK_INT(inifile_unquote(b, sizeof b, "\"\""), 0);
    CHECK_STR(b, "");
    CHECK_INT(inifile_unquote(b, sizeof b, "\""), 1); /* one quote is not a pair */
    CHECK_STR(b, "\"");
    CHECK_INT(inifile_unquote(b, sizeof b, "\"a\" b"), 5);
    CHECK_STR(b, "\"a\" b");
    CHECK_INT(inifile_unquote(b, sizeof b, "0123456789"), 7); /* cut to fit */
    CHECK_STR(b, "0123456");
    CHECK_INT(inifile_unquote(b, sizeof b, "\"0123456789\""), 7);
    CHECK_STR(b, "0123456");
}

TEST(whole_numbers)
{
    long v = -7;
    CHECK_INT(inifile_long("0", 3, 0, 10, &v), 0);
    CHECK_INT(v, 0);
    CHECK_INT(inifile_long("123", 3, 0, 200, &v), 0);
    CHECK_INT(v, 123);
    v = -7;
    CHECK_INT(inifile_long("1234", 3, 0, 100000, &v), -1);
    CHECK_INT(inifile_long("", 3, 0, 10, &v), -1);
    CHECK_INT(inifile_long("-1", 3, -5, 10, &v), -1);
    CHECK_INT(inifile_long("+1", 3, 0, 10, &v), -1);
    CHECK_INT(inifile_long(" 1", 3, 0, 10, &v), -1);
    CHECK_INT(inifile_long("1a", 3, 0, 10, &v), -1);
    CHECK_INT(inifile_long("11", 3, 0, 10, &v), -1);
    CHECK_INT(inifile_long("4", 3, 5, 10, &v), -1);
    CHECK_INT(v, -7); /* untouched on failure */
    CHECK_INT(inifile_long("9999999999999999999", 40, 0, 1, &v), -1);
    CHECK_INT(inifile_long("999999999999999999", 40, 0, 999999999999999999L, &v), 0);
    CHECK(v == 999999999999999999L);
}

int main(void)
{
    RUN(pairs_come_with_their_sections_and_lines);
    RUN(the_first_error_wins_and_stops_the_pairs);
    RUN(lines_inih_cannot_read);
    RUN(long_lines_control_characters_and_nul_are_refused);
    RUN(section_headers);
    RUN(a_line_hook_replaces_the_stripping);
    RUN(errors_recorded_by_hand);
    RUN(printable_text_for_messages);
    RUN(values_unquoted);
    RUN(whole_numbers);
    return check_done();
}

/* Tests for util: buffer growth, error helper, string helpers, constant-time compare. */
#include <stdlib.h>

#include "check.h"
#include "dialtone/util.h"

TEST(buf_grows_and_stays_terminated)
{
    struct dt_buf b;
    dt_buf_init(&b);
    for (int i = 0; i < 1000; i++)
        dt_buf_printf(&b, "%d,", i % 10);
    CHECK_INT(b.len, 2000);
    CHECK(b.data[b.len] == '\0');
    CHECK(b.data[0] == '0' && b.data[1] == ',');
    dt_buf_append(&b, "\0x", 2);
    CHECK_INT(b.len, 2002);
    char *s = dt_buf_take(&b);
    CHECK(b.data == NULL && b.len == 0);
    CHECK(s[2001] == 'x');
    free(s);
    dt_buf_done(&b);
}

TEST(buf_take_empty_gives_empty_string)
{
    struct dt_buf b;
    dt_buf_init(&b);
    char *s = dt_buf_take(&b);
    CHECK_STR(s, "");
    free(s);
}

TEST(seterr_writes_and_returns_code)
{
    char err[16];
    CHECK_INT(dt_seterr(err, sizeof err, DT_EINVAL, "line %d is bad, very bad", 12), DT_EINVAL);
    CHECK_STR(err, "line 12 is bad,");
    CHECK_INT(dt_seterr(NULL, 0, DT_ETOOBIG, "x"), DT_ETOOBIG);
}

TEST(strlcpy_truncates)
{
    char d[4];
    CHECK_INT(dt_strlcpy(d, "abcdef", sizeof d), 6);
    CHECK_STR(d, "abc");
    CHECK_INT(dt_strlcpy(d, "", sizeof d), 0);
    CHECK_STR(d, "");
}

TEST(consttime_eq)
{
    CHECK(dt_consttime_eq("abc", 3, "abc", 3));
    CHECK(!dt_consttime_eq("abc", 3, "abd", 3));
    CHECK(!dt_consttime_eq("abc", 3, "abcd", 4));
    CHECK(!dt_consttime_eq("", 0, "\0", 1));
    CHECK(dt_consttime_eq("", 0, "", 0));
}

TEST(xasprintf_and_strerror)
{
    char *s = xasprintf("%s-%04d", "CA", 42);
    CHECK_STR(s, "CA-0042");
    free(s);
    CHECK_STR(dt_strerror(DT_ETOOBIG), "input too large");
    CHECK_STR(dt_strerror(12345), "unknown error");
}

int main(void)
{
    RUN(buf_grows_and_stays_terminated);
    RUN(buf_take_empty_gives_empty_string);
    RUN(seterr_writes_and_returns_code);
    RUN(strlcpy_truncates);
    RUN(consttime_eq);
    RUN(xasprintf_and_strerror);
    return check_done();
}

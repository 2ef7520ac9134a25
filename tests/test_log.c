/* Tests for the log module: line format, threshold, redaction, escaping, caps, threads. */
#include "dialtone/log.h"
#include "dialtone/util.h"
#include "check.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define HEADER_LEN 31 /* "2025-01-02T03:04:05.678Z INFO  " */

static FILE *cap;

static void cap_start(void)
{
    cap = tmpfile();
    log_set_output(cap);
}

/* Stops capturing and returns everything written (the caller frees it). */
static char *cap_end(void)
{
    log_set_output(NULL);
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_puts(&b, "");
    if (cap) {
        rewind(cap);
        char chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, cap)) > 0)
            dt_buf_append(&b, chunk, n);
        fclose(cap);
        cap = NULL;
    }
    return dt_buf_take(&b);
}

/* Logs one info message and returns the message part of the line, without the newline. */
static char *logged(const char *msg)
{
    cap_start();
    log_info("%s", msg);
    char *all = cap_end();
    size_t len = strlen(all);
    char *m = xstrdup(len > HEADER_LEN ? all + HEADER_LEN : "");
    size_t ml = strlen(m);
    if (ml > 0 && m[ml - 1] == '\n')
        m[ml - 1] = '\0';
    free(all);
    return m;
}

#define CHECK_LOGGED(in, want)                                                                     \
    do {                                                                                           \
        char *got_ = logged(in);                                                                   \
        CHECK_STR(got_, want);                                                                     \
        free(got_);                                                                                \
    } while (0)

static int is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
    }
    return 1;
}

/* Checks "YYYY-MM-DDTHH:MM:SS.mmmZ LEVEL " and returns the time it names, or -1. */
static time_t header_time(const char *line, const char *tag)
{
    if (strlen(line) < HEADER_LEN)
        return -1;
    if (!is_digits(line, 4) || line[4] != '-' || !is_digits(line + 5, 2) || line[7] != '-' ||
        !is_digits(line + 8, 2) || line[10] != 'T' || !is_digits(line + 11, 2) || line[13] != ':' ||
        !is_digits(line + 14, 2) || line[16] != ':' || !is_digits(line + 17, 2) ||
        line[19] != '.' || !is_digits(line + 20, 3) || line[23] != 'Z' || line[24] != ' ' ||
        strncmp(line + 25, tag, 5) != 0 || line[30] != ' ')
        return -1;
    struct tm tm = {0};
    tm.tm_year = atoi(line) - 1900;
    tm.tm_mon = atoi(line + 5) - 1;
    tm.tm_mday = atoi(line + 8);
    tm.tm_hour = atoi(line + 11);
    tm.tm_min = atoi(line + 14);
    tm.tm_sec = atoi(line + 17);
    return timegm(&tm);
}

TEST(test_line_format)
{
    log_set_level(DT_LOG_INFO);
    time_t before = time(NULL);
    cap_start();
    log_info("hello %d %s", 42, "world");
    log_error("bad thing");
    log_warn("careful\n");
    char *all = cap_end();
    time_t after = time(NULL);
    char *l2 = strchr(all, '\n');
    CHECK(l2 != NULL);
    if (!l2) {
        free(all);
        return;
    }
    *l2++ = '\0';
    time_t t = header_time(all, "INFO ");
    CHECK(t >= before && t <= after);
    CHECK_STR(all + HEADER_LEN, "hello 42 world");
    char *l3 = strchr(l2, '\n');
    CHECK(l3 != NULL);
    if (l3) {
        *l3++ = '\0';
        CHECK(header_time(l2, "ERROR") >= before);
        CHECK_STR(l2 + HEADER_LEN, "bad thing");
        /* One trailing newline is dropped, not escaped. */
        CHECK(header_time(l3, "WARN ") >= before);
        CHECK_STR(l3 + HEADER_LEN, "careful\n");
    }
    free(all);
}

TEST(test_threshold)
{
    log_set_level(DT_LOG_WARN);
    CHECK_INT(log_get_level(), DT_LOG_WARN);
    CHECK(log_enabled(DT_LOG_ERROR));
    CHECK(!log_enabled(DT_LOG_INFO));
    cap_start();
    log_debug("d1");
    log_info("i1");
    log_warn("w1");
    log_error("e1");
    log_msg(DT_LOG_INFO, "i2");
    log_msg(DT_LOG_WARN, "w2");
    log_set_level(DT_LOG_DEBUG);
    log_debug("d2");
    char *all = cap_end();
    CHECK(strstr(all, "d1") == NULL);
    CHECK(strstr(all, "i1") == NULL);
    CHECK(strstr(all, "i2") == NULL);
    CHECK(strstr(all, "WARN  w1\n") != NULL);
    CHECK(strstr(all, "ERROR e1\n") != NULL);
    CHECK(strstr(all, "WARN  w2\n") != NULL);
    CHECK(strstr(all, "DEBUG d2\n") != NULL);
    free(all);
    /* Out-of-range levels are clamped. */
    log_set_level((enum log_level)99);
    CHECK_INT(log_get_level(), DT_LOG_DEBUG);
    log_set_level((enum log_level) - 3);
    CHECK_INT(log_get_level(), DT_LOG_ERROR);
    log_set_level(DT_LOG_INFO);
}

TEST(test_level_parse)
{
    enum log_level l = DT_LOG_INFO;
    CHECK_INT(log_level_parse("error", &l), 0);
    CHECK_INT(l, DT_LOG_ERROR);
    CHECK_INT(log_level_parse("WARN", &l), 0);
    CHECK_INT(l, DT_LOG_WARN);
    CHECK_INT(log_level_parse("warning", &l), 0);
    CHECK_INT(l, DT_LOG_WARN);
    CHECK_INT(log_level_parse("Debug", &l), 0);
    CHECK_INT(l, DT_LOG_DEBUG);
    CHECK_INT(log_level_parse("info", &l), 0);
    CHECK_INT(l, DT_LOG_INFO);
    CHECK_INT(log_level_parse("verbose", &l), DT_EINVAL);
    CHECK_INT(log_level_parse("", &l), DT_EINVAL);
    CHECK_INT(log_level_parse("info ", &l), DT_EINVAL);
    CHECK_INT(log_level_parse(NULL, &l), DT_EINVAL);
    CHECK_INT(l, DT_LOG_INFO);
    CHECK_STR(log_level_name(DT_LOG_WARN), "warn");
    CHECK_STR(log_level_name(DT_LOG_DEBUG), "debug");
    CHECK_STR(log_level_name((enum log_level)7), "unknown");
}

TEST(test_registered_secrets)
{
    log_clear_secrets();
    CHECK_INT(log_add_secret("s3cr3tv4lue"), 0);
    CHECK_INT(log_add_secret("s3cr3tv4lue"), 0); /* again: fine */
    CHECK_INT(log_add_secret("agent-tok-77"), 0);
    CHECK_LOGGED("token in a wordxs3cr3tv4luey here", "token in a wordx[redacted]y here");
    CHECK_LOGGED("at the end s3cr3tv4lue", "at the end [redacted]");
    CHECK_LOGGED("s3cr3tv4lue and s3cr3tv4lue", "[redacted] and [redacted]");
    CHECK_LOGGED("two: agent-tok-77/s3cr3tv4lue.", "two: [redacted]/[redacted].");
    CHECK_LOGGED("almost s3cr3tv4lu", "almost s3cr3tv4lu");

    /* Split across format arguments: redaction runs on the formatted line. */
    cap_start();
    log_info("%s%s|%.6s%s", "s3cr3", "tv4lue", "agent-xyz", "tok-77");
    char *all = cap_end();
    CHECK(strstr(all, "INFO  [redacted]|[redacted]\n") != NULL);
    CHECK(strstr(all, "s3cr3") == NULL);
    free(all);

    /* A secret with a control character is matched before escaping. */
    CHECK_INT(log_add_secret("ab\ncd"), 0);
    CHECK_LOGGED("x ab\ncd y", "x [redacted] y");

    log_clear_secrets();
    CHECK_LOGGED("now s3cr3tv4lue shows", "now s3cr3tv4lue shows");
}

TEST(test_secret_limits)
{
    log_clear_secrets();
    CHECK_INT(log_add_secret(NULL), DT_EINVAL);
    CHECK_INT(log_add_secret(""), DT_EINVAL);
    char *big = xmalloc(DT_LOG_SECRET_MAX + 2);
    memset(big, 'k', DT_LOG_SECRET_MAX + 1);
    big[DT_LOG_SECRET_MAX + 1] = '\0';
    CHECK_INT(log_add_secret(big), DT_ETOOBIG);
    big[DT_LOG_SECRET_MAX] = '\0';
    CHECK_INT(log_add_secret(big), 0);
    free(big);
    log_clear_secrets();
    char s[32];
    for (int i = 0; i < DT_LOG_SECRETS; i++) {
        snprintf(s, sizeof s, "secret-number-%03d", i);
        CHECK_INT(log_add_secret(s), 0);
    }
    CHECK_INT(log_add_secret("one-too-many"), DT_ETOOBIG);
    CHECK_INT(log_add_secret("secret-number-005"), 0); /* already there */
    CHECK_LOGGED("x secret-number-063 y", "x [redacted] y");
    log_clear_secrets();
    CHECK_INT(log_add_secret("one-too-many"), 0);
    log_clear_secrets();
}

TEST(test_shapes)
{
    log_clear_secrets();
    CHECK_LOGGED("Authorization: Basic QUMxMjM6c2VjcmV0", "Authorization: Basic [redacted]");
    CHECK_LOGGED("authorization:Bearer abc.def-ghi_jk+/= next",
                 "authorization:Bearer [redacted] next");
    CHECK_LOGGED("\"Authorization\": \"Bearer xyz\"}", "\"Authorization\": \"Bearer [redacted]\"}");
    CHECK_LOGGED("Authorization: 0123abcd", "Authorization: [redacted]");
    CHECK_LOGGED("Proxy-Authorization: Basic Zm9v", "Proxy-Authorization: Basic [redacted]");
    CHECK_LOGGED("AuthToken=abc123&To=%2B1555", "AuthToken=[redacted]&To=%2B1555");
    CHECK_LOGGED("auth_token=deadbeef rest", "auth_token=[redacted] rest");
    CHECK_LOGGED("TOKEN = qq, more", "TOKEN = [redacted], more");
    CHECK_LOGGED("{\"token\": \"two words\"}", "{\"token\": \"[redacted]\"}");
    CHECK_LOGGED("X-Auth-Token: abc", "X-Auth-Token: [redacted]");
    CHECK_LOGGED("api_key_secret=zzz", "api_key_secret=[redacted]");
    CHECK_LOGGED("password='p w'", "password='[redacted]'");
    CHECK_LOGGED("GET https://AC1:tok@api.example.com/x",
                 "GET https://AC1:[redacted]@api.example.com/x");
    /* Lookalikes stay. */
    CHECK_LOGGED("tokens=5 secrets and https://host:8080/path",
                 "tokens=5 secrets and https://host:8080/path");
    CHECK_LOGGED("token=", "token=");
}

TEST(test_escaping)
{
    log_clear_secrets();
    CHECK_LOGGED("caller \x1b[31mred\x1b[0m", "caller \\x1b[31mred\\x1b[0m");
    CHECK_LOGGED("name\nFAKE 2025 ERROR injected", "name\\nFAKE 2025 ERROR injected");
    CHECK_LOGGED("a\rb\tc\\d\x7f\x01", "a\\rb\\tc\\\\d\\x7f\\x01");
    CHECK_LOGGED("bad \xff\xc3 utf8", "bad \\xff\\xc3 utf8");
    CHECK_LOGGED("c1 \xc2\x9b"
                 "31m",
                 "c1 \\xc2\\x9b31m");
    CHECK_LOGGED("ok caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e",
                 "ok caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x9e");
    CHECK_LOGGED("overlong \xc0\xaf surrogate \xed\xa0\x80",
                 "overlong \\xc0\\xaf surrogate \\xed\\xa0\\x80");

    /* log_sanitize escapes NULs too, since it takes a length. */
    char out[64];
    size_t n = log_sanitize("a\0b", 3, out, sizeof out);
    CHECK_STR(out, "a\\x00b");
    CHECK_INT(n, 6);
}

TEST(test_length_cap)
{
    log_clear_secrets();
    char *big = xmalloc(5001);
    memset(big, 'a', 5000);
    big[5000] = '\0';
    cap_start();
    log_info("%s", big);
    char *all = cap_end();
    size_t len = strlen(all);
    CHECK(len <= DT_LOG_LINE_MAX);
    CHECK(len > DT_LOG_LINE_MAX - 20);
    CHECK(len > 13 && strcmp(all + len - 13, DT_LOG_TRUNCATED "\n") == 0);
    CHECK(strchr(all, '\n') == all + len - 1);
    free(all);

    /* Escapes are never cut in half. */
    memset(big, '\x01', 5000);
    char out[103];
    size_t n = log_sanitize(big, 5000, out, sizeof out);
    CHECK_INT(n, 88 + strlen(DT_LOG_TRUNCATED));
    CHECK(strncmp(out + 84, "\\x01" DT_LOG_TRUNCATED, 16) == 0);

    /* A secret at the cut is dropped whole, not shown in part. */
    CHECK_INT(log_add_secret("ZYXWVUTSRQ"), 0);
    memset(big, 'a', 5000);
    memcpy(big + 2000, "ZYXWVUTSRQ", 10);
    cap_start();
    log_info("%s", big);
    all = cap_end();
    CHECK(strstr(all, "ZY") == NULL);
    free(all);
    free(big);

    /* A message beyond the scan size is cut before any secret that straddles the cut. */
    size_t blen = 20000;
    big = xmalloc(blen + 1);
    memset(big, 'b', blen);
    big[blen] = '\0';
    memcpy(big + 16380, "ZYXWVUTSRQ", 10);
    char *wide = xmalloc(40000);
    n = log_sanitize(big, blen, wide, 40000);
    CHECK(strstr(wide, "ZYXW") == NULL);
    CHECK(strstr(wide, "[redacted]") == NULL);
    CHECK(n > 10000 && strcmp(wide + n - strlen(DT_LOG_TRUNCATED), DT_LOG_TRUNCATED) == 0);
    cap_start();
    log_info("%s", big);
    all = cap_end();
    CHECK(strlen(all) <= DT_LOG_LINE_MAX);
    free(all);
    free(wide);
    free(big);
    log_clear_secrets();

    /* Tiny buffers. */
    CHECK_INT(log_sanitize("abcdef", 6, out, 1), 0);
    CHECK_STR(out, "");
    CHECK_INT(log_sanitize("abcdef", 6, out, 5), 0);
    CHECK_STR(out, "");
    CHECK_INT(log_sanitize("abcdef", 6, out, 7), 6);
    CHECK_STR(out, "abcdef");
}

TEST(test_fd_output)
{
    int fds[2];
    CHECK_INT(pipe(fds), 0);
    log_set_output_fd(fds[1]);
    errno = 1234;
    log_warn("to a pipe \x1b");
    CHECK_INT(errno, 1234);
    log_set_output(NULL);
    close(fds[1]);
    char buf[256] = {0};
    ssize_t n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    CHECK(n > HEADER_LEN);
    CHECK(header_time(buf, "WARN ") > 0);
    CHECK_STR(buf + HEADER_LEN, "to a pipe \\x1b\n");
}

#define THREADS    4
#define PER_THREAD 200

static void *log_worker(void *arg)
{
    int id = (int)(size_t)arg;
    for (int i = 0; i < PER_THREAD; i++)
        log_info("thread %d line %d %s", id, i, "payload-payload-payload-payload");
    return NULL;
}

TEST(test_threads)
{
    log_set_level(DT_LOG_INFO);
    cap_start();
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, log_worker, (void *)(size_t)i);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    char *all = cap_end();
    int lines = 0, good = 0, seen[THREADS] = {0};
    for (char *p = all, *nl; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        *nl = '\0';
        lines++;
        int id = -1, i = -1;
        char tail[64] = "";
        if (header_time(p, "INFO ") > 0 &&
            sscanf(p + HEADER_LEN, "thread %d line %d %63s", &id, &i, tail) == 3 && id >= 0 &&
            id < THREADS && i == seen[id] && strcmp(tail, "payload-payload-payload-payload") == 0) {
            seen[id]++;
            good++;
        }
    }
    CHECK_INT(lines, THREADS * PER_THREAD);
    CHECK_INT(good, THREADS * PER_THREAD);
    free(all);
}

int main(void)
{
    RUN(test_line_format);
    RUN(test_threshold);
    RUN(test_level_parse);
    RUN(test_registered_secrets);
    RUN(test_secret_limits);
    RUN(test_shapes);
    RUN(test_escaping);
    RUN(test_length_cap);
    RUN(test_fd_output);
    RUN(test_threads);
    log_clear_secrets();
    return check_done();
}

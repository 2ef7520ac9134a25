/*
 * check: dialtone's small unit-test harness, one header. A test binary defines test
 * functions with TEST(), lists them in main() with RUN(), and ends with `return check_done();`.
 * CHECK* record a failure with file and line and let the test go on; a test passes when none
 * of its checks failed. The binary prints `N passed, N failed` (tests, not checks) last and
 * exits 1 if any failed; tests/run-tests.sh adds the binaries' lines up.
 */
#ifndef DIALTONE_CHECK_H
#define DIALTONE_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_tests_passed, check_tests_failed, check_current_failed;
static const char *check_current_name = "";

#define TEST(name) static void name(void)

#define RUN(name)                                                                                  \
    do {                                                                                           \
        check_current_failed = 0;                                                                  \
        check_current_name = #name;                                                                \
        name();                                                                                    \
        if (check_current_failed) {                                                                \
            check_tests_failed++;                                                                  \
            printf("FAIL %s\n", #name);                                                            \
        } else {                                                                                   \
            check_tests_passed++;                                                                  \
        }                                                                                          \
        fflush(stdout);                                                                            \
    } while (0)

#define CHECK_FAIL_(...)                                                                           \
    do {                                                                                           \
        check_current_failed++;                                                                    \
        printf("  %s:%d: %s: ", __FILE__, __LINE__, check_current_name);                           \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                              \
    } while (0)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond))                                                                               \
            CHECK_FAIL_("CHECK(%s) failed", #cond);                                                \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                            \
        if (check_a_ != check_b_)                                                                  \
            CHECK_FAIL_("%s == %s: %lld != %lld", #a, #b, check_a_, check_b_);                     \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *check_a_ = (a), *check_b_ = (b);                                               \
        if (!check_a_ || !check_b_ || strcmp(check_a_, check_b_) != 0)                             \
            CHECK_FAIL_("%s == %s: \"%s\" != \"%s\"", #a, #b, check_a_ ? check_a_ : "(null)",      \
                        check_b_ ? check_b_ : "(null)");                                           \
    } while (0)

#define CHECK_MEM(a, b, n)                                                                         \
    do {                                                                                           \
        if (memcmp((a), (b), (n)) != 0)                                                            \
            CHECK_FAIL_("%s and %s differ in their first %zu bytes", #a, #b, (size_t)(n));         \
    } while (0)

static inline int check_done(void)
{
    printf("%d passed, %d failed\n", check_tests_passed, check_tests_failed);
    return check_tests_failed ? 1 : 0;
}

#endif

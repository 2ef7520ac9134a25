/*
 * Tests for business hours per queue: the queue keys and what they inherit from [hours], time
 * zones read from the system's database (checked against the C library's own conversion over
 * decades, daylight saving time included), POSIX TZ rules past the listed transitions,
 * holidays, after-hours messages, and the errors.
 */
#include "config_check.h"
#include "core/config_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Seconds since the epoch of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm);
}

TEST(test_queue_hours_parse_and_inherit)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[hours]\n"
                  "timezone = America/New_York\n"
                  "mon = 09:00-17:00\n"
                  "holidays = 12-25, 2026-01-02\n"
                  "closed_message = We are closed.\n"
                  "[queue \"support\"]\n"
                  "[queue \"london\"]\n"
                  "timezone = Europe/London\n"
                  "[queue \"weekend\"]\n"
                  "sat = 10:00-14:00\n"
                  "holidays = 07-04\n"
                  "holidays = 2026-08-01\n"
                  "closed_message = \"Weekend line: closed.\"\n");
    CHECK_INT(c.n_queues, 3);
    const struct config_queue *sup = config_queue_find(&c, "support");
    const struct config_queue *lon = config_queue_find(&c, "london");
    const struct config_queue *wk = config_queue_find(&c, "weekend");
    CHECK(sup && lon && wk);
    if (!sup || !lon || !wk) {
        config_done(&c);
        return;
    }
    CHECK_STR(sup->hours.timezone, "");
    CHECK_INT(sup->hours.configured, 0);
    CHECK_STR(lon->hours.timezone, "Europe/London");
    CHECK(lon->hours.zone != NULL);
    CHECK_INT(wk->hours.configured, 1);
    CHECK_INT(wk->hours.n_holidays, 2);
    CHECK_INT(wk->hours.holidays[0], 704);
    CHECK_INT(wk->hours.holidays[1], 20260801);
    CHECK_INT(c.hours.holidays[1], 20260102);

    /* Monday 2026-03-02 14:30 UTC: 09:30 in New York (EST), 14:30 in London */
    int64_t t = utc(2026, 3, 2, 14, 30);
    CHECK_INT(config_open_at(&c, sup, t), 1);
    CHECK_INT(config_open_at(&c, NULL, t), 1);
    CHECK_INT(config_open_at(&c, lon, t), 1);
    CHECK_INT(config_open_at(&c, wk, t), 0); /* its own days: Saturdays only */
    /* the same Monday 18:30 UTC: 13:30 in New York, 18:30 in London: one open, one closed */
    t = utc(2026, 3, 2, 18, 30);
    CHECK_INT(config_open_at(&c, sup, t), 1);
    CHECK_INT(config_open_at(&c, lon, t), 0);
    /* Saturday 2026-03-07 16:00 UTC: 11:00 in New York; the weekend queue reads [hours]' zone */
    t = utc(2026, 3, 7, 16, 0);
    CHECK_INT(config_open_at(&c, wk, t), 1);
    CHECK_INT(config_open_at(&c, sup, t), 0);
    /* 14:30 in New York (EST) = 19:30 UTC: closed */
    CHECK_INT(config_open_at(&c, wk, utc(2026, 3, 7, 18, 59)), 1);
    CHECK_INT(config_open_at(&c, wk, utc(2026, 3, 7, 19, 30)), 0);

    /* holidays: [hours]' for queues that list none, the queue's own otherwise */
    t = utc(2028, 12, 25, 15, 0); /* a Monday, 10:00 in New York */
    CHECK_INT(config_open_at(&c, sup, t), 0);
    CHECK_INT(config_open_at(&c, sup, t + 7 * 86400), 1);
    CHECK_INT(config_open_at(&c, NULL, utc(2026, 1, 5, 15, 0)), 1); /* a Monday */
    CHECK_INT(config_open_at(&c, wk, utc(2026, 7, 4, 15, 0)), 0);   /* a Saturday, its holiday */
    CHECK_INT(config_open_at(&c, wk, utc(2026, 7, 11, 15, 0)), 1);
    CHECK_INT(config_open_at(&c, wk, utc(2026, 8, 1, 15, 0)), 0);
    CHECK_INT(config_open_at(&c, wk, utc(2027, 7, 31, 15, 0)), 1); /* a year later: no holiday */
    /* the holiday is the local date: 2029-12-25 02:00 UTC is still the 24th in New York */
    CHECK_INT(config_open_at(&c, sup, utc(2029, 12, 25, 2, 0)), 0); /* Monday 21:00: closed */

    CHECK_STR(config_closed_message(&c, sup), "We are closed.");
    CHECK_STR(config_closed_message(&c, wk), "Weekend line: closed.");
    CHECK_STR(config_closed_message(&c, NULL), "We are closed.");

    /* a copy made by a failed load leaves the zones alone (no double free under ASan) */
    CHECK_INT(config_load_string(&c, "t.conf", "[server]\nport = x\n", err, sizeof err), DT_EINVAL);
    CHECK(config_queue_find(&c, "london")->hours.zone != NULL);
    config_done(&c);

    /* without any hours keys: always open, every queue */
    config_init(&c);
    EXPECT_OK(&c, "[queue \"a\"]\n");
    CHECK_INT(config_open_at(&c, &c.queues[0], utc(2026, 1, 1, 3, 0)), 1);
    CHECK(config_closed_message(&c, &c.queues[0]) == NULL);
    config_done(&c);
}

TEST(test_dst)
{
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[queue \"ny\"]\ntimezone = America/New_York\nmon = 09:00-17:00\n"
                  "[queue \"syd\"]\ntimezone = Australia/Sydney\nmon = 09:00-17:00\n");
    const struct config_queue *ny = &c.queues[0], *syd = &c.queues[1];
    /* 13:30 UTC: 08:30 EST before 2026-03-08, 09:30 EDT after */
    CHECK_INT(config_open_at(&c, ny, utc(2026, 3, 2, 13, 30)), 0);
    CHECK_INT(config_open_at(&c, ny, utc(2026, 3, 9, 13, 30)), 1);
    /* 21:30 UTC: 16:30 EST (open) in March, 17:30 EDT (closed) in March after the change */
    CHECK_INT(config_open_at(&c, ny, utc(2026, 3, 2, 21, 30)), 1);
    CHECK_INT(config_open_at(&c, ny, utc(2026, 3, 9, 21, 30)), 0);
    /* Sydney: UTC+11 in January (Monday 09:30 = Sunday 22:30 UTC), UTC+10 in July */
    CHECK_INT(config_open_at(&c, syd, utc(2026, 1, 4, 22, 30)), 1);
    CHECK_INT(config_open_at(&c, syd, utc(2026, 7, 5, 22, 30)), 0); /* 08:30 */
    CHECK_INT(config_open_at(&c, syd, utc(2026, 7, 5, 23, 30)), 1);
    /* past the years the file lists, the footer's rule: 2045-07-03 is a Monday */
    CHECK_INT(config_open_at(&c, ny, utc(2045, 7, 3, 13, 30)), 1);  /* 09:30 EDT */
    CHECK_INT(config_open_at(&c, ny, utc(2045, 12, 4, 13, 30)), 0); /* 08:30 EST */
    config_done(&c);
}

/* config_zone_local against glibc's localtime_r under TZ, every ~9 days from 1975 to 2060. */
TEST(test_zone_matches_libc)
{
    static const char *const zones[] = {
        "America/New_York",  "Europe/London",     "Australia/Sydney", "Asia/Kolkata",
        "America/Sao_Paulo", "Africa/Casablanca", "Pacific/Chatham",  "UTC"};
    char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        struct config_zone *z = NULL;
        CHECK_INT(config_zone_load(zones[i], &z, err, sizeof err), 0);
        setenv("TZ", zones[i], 1);
        tzset();
        int bad = 0;
        for (int64_t t = utc(1975, 1, 1, 0, 0); t < utc(2060, 1, 1, 0, 0) && bad < 3;
             t += 9 * 86400 + 3697) {
            time_t tt = (time_t)t;
            struct tm tm;
            localtime_r(&tt, &tm);
            struct config_local l;
            config_zone_local(z, t, &l);
            if (l.year != tm.tm_year + 1900 || l.month != tm.tm_mon + 1 || l.mday != tm.tm_mday ||
                l.wday != tm.tm_wday || l.minute != tm.tm_hour * 60 + tm.tm_min) {
                printf("  %s at %lld: %04d-%02d-%02d %d min vs libc %04d-%02d-%02d %d min\n",
                       zones[i], (long long)t, l.year, l.month, l.mday, l.minute, tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour * 60 + tm.tm_min);
                bad++;
            }
        }
        CHECK_INT(bad, 0);
        config_zone_free(z);
    }
    if (old)
        setenv("TZ", old, 1);
    else
        unsetenv("TZ");
    tzset();
    free(old);
}

TEST(test_posix_rules)
{
    int32_t off = 0;
    /* southern hemisphere: daylight time across the new year */
    CHECK_INT(config_zone_rule_test("AEST-10AEDT,M10.1.0,M4.1.0/3", utc(2030, 1, 15, 0, 0), &off),
              0);
    CHECK_INT(off, 11 * 3600);
    CHECK_INT(config_zone_rule_test("AEST-10AEDT,M10.1.0,M4.1.0/3", utc(2030, 7, 15, 0, 0), &off),
              0);
    CHECK_INT(off, 10 * 3600);
    /* the change itself: 2030-03-31 01:00 UTC in London is 02:00 BST, a second before GMT */
    CHECK_INT(config_zone_rule_test("GMT0BST,M3.5.0/1,M10.5.0", utc(2030, 3, 31, 1, 0), &off), 0);
    CHECK_INT(off, 3600);
    CHECK_INT(config_zone_rule_test("GMT0BST,M3.5.0/1,M10.5.0", utc(2030, 3, 31, 1, 0) - 1, &off),
              0);
    CHECK_INT(off, 0);
    /* no daylight time, angle-bracket names, minutes */
    CHECK_INT(config_zone_rule_test("<+0530>-5:30", 0, &off), 0);
    CHECK_INT(off, 5 * 3600 + 1800);
    CHECK_INT(config_zone_rule_test("EST5EDT,J60/2,300", utc(2031, 6, 1, 0, 0), &off), 0);
    CHECK_INT(off, -4 * 3600);
    static const char *const bad[] = {"",           "E5",
                                      "EST",        "EST5EDT,M13.1.0,M1.1.0",
                                      "EST5EDT,M3", "EST5EDT,M3.2.0",
                                      "<+05>",      "EST5EDT,J0,J5",
                                      "EST99"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(config_zone_rule_test(bad[i], 0, &off), DT_EINVAL);
}

TEST(test_zone_files)
{
    struct config_zone *z = (struct config_zone *)1;
    /* UTC needs no database */
    char dir[] = "/tmp/dt-tzdir-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *old = getenv("TZDIR") ? strdup(getenv("TZDIR")) : NULL;
    setenv("TZDIR", dir, 1);
    CHECK_INT(config_zone_load("UTC", &z, err, sizeof err), 0);
    CHECK(z == NULL);
    CHECK_INT(config_zone_load("Europe/London", &z, err, sizeof err), DT_ENOTFOUND);
    char path[256];
    snprintf(path, sizeof path, "%s/Bad", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("TZif2 but nothing else", f);
        fclose(f);
    }
    CHECK_INT(config_zone_load("Bad", &z, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "the time zone's file is not a TZif file");
    struct config c;
    config_init(&c);
    EXPECT_ERR("[queue \"q\"]\ntimezone = Bad\n",
               "t.conf:2: timezone: the time zone's file is not a TZif file");
    config_done(&c);
    unlink(path);
    rmdir(dir);
    if (old)
        setenv("TZDIR", old, 1);
    else
        unsetenv("TZDIR");
    free(old);
    CHECK_INT(config_zone_load("../etc/passwd", &z, err, sizeof err), DT_EINVAL);
}

TEST(test_hours_errors)
{
    char want[256];
    snprintf(want, sizeof want,
             "t.conf:2: timezone: no such time zone in the time zone database (%s)",
             getenv("TZDIR") ? getenv("TZDIR") : "/usr/share/zoneinfo");
    EXPECT_ERR("[queue \"q\"]\ntimezone = Mars/Olympus_Mons\n", want);
    EXPECT_ERR("[queue \"q\"]\ntimezone = ../x\n",
               "t.conf:2: timezone must be a time zone name such as UTC or Europe/London");
    EXPECT_ERR("[queue \"q\"]\nmon = 9-5\n",
               "t.conf:2: mon must be closed or up to 4 ranges HH:MM-HH:MM in ascending order");
    EXPECT_ERR("[queue \"q\"]\nmon = closed\nmon = closed\n",
               "t.conf:3: duplicate key 'mon' in [queue \"q\"]");
    EXPECT_ERR("[hours]\nholidays = 12-25, 13-01\n",
               "t.conf:2: holidays: entry 2 is not a date YYYY-MM-DD or MM-DD");
    EXPECT_ERR("[hours]\nholidays = 2027-02-29\n",
               "t.conf:2: holidays: entry 1 is not a date YYYY-MM-DD or MM-DD");
    EXPECT_ERR("[hours]\nholidays = 12-25,\n",
               "t.conf:2: holidays: entry 2 is not a date YYYY-MM-DD or MM-DD");
    EXPECT_ERR("[queue \"q\"]\nholidays = 1-1\n",
               "t.conf:2: holidays: entry 1 is not a date YYYY-MM-DD or MM-DD");
    EXPECT_ERR("[queue \"q\"]\nclosed_message =\n", "t.conf:2: closed_message must not be empty");
    char text[2048] = "[hours]\n";
    for (int i = 0; i < 3; i++)
        strcat(text, "holidays = 01-01, 01-02, 01-03, 01-04, 01-05, 01-06, 01-07, 01-08, 01-09, "
                     "01-10, 01-11\n");
    EXPECT_ERR(text, "t.conf:4: holidays: more than 32 dates");
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, "[hours]\nholidays = 2028-02-29\n[queue \"q\"]\nclosed_message = "
                  "\"Closed today.\"\n");
    CHECK_INT(config_open_at(&c, NULL, utc(2028, 2, 29, 12, 0)), 0);
    CHECK_INT(config_open_at(&c, NULL, utc(2028, 3, 1, 12, 0)), 1);
    config_done(&c);
}

/* The example file shows a queue with hours of its own, holidays and messages. */
TEST(test_example_hours)
{
    FILE *f = fopen(EXAMPLE, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    struct config c;
    config_init(&c);
    EXPECT_OK(&c, text);
    const struct config_queue *sales = config_queue_find(&c, "sales");
    const struct config_queue *support = config_queue_find(&c, "support");
    CHECK(sales && support && sales->hours.zone && c.hours.zone);
    if (sales && support) {
        CHECK_STR(sales->hours.timezone, "Europe/London");
        CHECK(sales->hours.closed_message[0] != '\0');
        CHECK_INT(c.hours.n_holidays, 4);
        /* Saturday 2026-03-07 11:00 UTC: sales open in London, support closed (06:00 NY) */
        CHECK_INT(config_open_at(&c, sales, utc(2026, 3, 7, 11, 0)), 1);
        CHECK_INT(config_open_at(&c, support, utc(2026, 3, 7, 11, 0)), 0);
        CHECK_INT(config_open_at(&c, support, utc(2026, 12, 25, 16, 0)), 0); /* Christmas */
    }
    CHECK(strstr(text, "\nholidays = ") && strstr(text, "\nclosed_message = "));
    config_done(&c);
}

int main(void)
{
    RUN(test_example_hours);
    RUN(test_queue_hours_parse_and_inherit);
    RUN(test_dst);
    RUN(test_zone_matches_libc);
    RUN(test_posix_rules);
    RUN(test_zone_files);
    RUN(test_hours_errors);
    return check_done();
}

/*
 * Tests for the day's figures: every queue and agent figure of a fixture of calls against
 * values worked out by hand (abandons under, at and over the short-abandon threshold, a call
 * that waits across the day's reset, yesterday's calls, callers waiting now), the day's bounds
 * in zones with daylight saving time (23- and 25-hour days, a reset time the clocks skip or
 * repeat, checked against the C library over two years), price and QueueResult parsing, and
 * bad parameters.
 */
#include "check.h"
#include "dialtone/config.h"
#include "dialtone/kpi.h"
#include "dialtone/util.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char err[256];

#define CHECK_NEAR(a, b)                                                                           \
    do {                                                                                           \
        double check_x_ = (a), check_y_ = (b);                                                     \
        if (fabs(check_x_ - check_y_) > 1e-9)                                                      \
            CHECK_FAIL_("%s == %s: %.6f != %.6f", #a, #b, check_x_, check_y_);                     \
    } while (0)

/* Seconds since the epoch of a UTC date and time. */
static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = s};
    return (int64_t)timegm(&tm);
}

/* Milliseconds of a local time on 2026-03-10 in New York (EDT, UTC-4). */
static int64_t ny(int h, int mi, int s)
{
    return (utc(2026, 3, 10, 0, 0, 0) + (h + 4) * 3600 + mi * 60 + s) * 1000;
}

static struct config_zone *load(const char *name)
{
    struct config_zone *z = NULL;
    int rc = config_zone_load(name, &z, err, sizeof err);
    CHECK_INT(rc, 0);
    CHECK(z != NULL);
    return z;
}

/* A call that was queued: enqueued at enq, left the queue wait_s later with result. */
static struct kpi_call queued(const char *queue, int64_t enq, int wait_s, enum kpi_qresult r)
{
    struct kpi_call c = {.queue = queue,
                         .dir = KPI_INBOUND,
                         .result = r,
                         .enqueued_ms = enq,
                         .dequeued_ms = enq + wait_s * 1000LL,
                         .answered_ms = -1,
                         .ended_ms = r == KPI_Q_ANSWERED ? -1 : enq + wait_s * 1000LL,
                         .talk_s = -1,
                         .hold_s = -1,
                         .wrapup_s = -1,
                         .cost_micros = -1};
    return c;
}

static struct kpi_call handled(const char *queue, int64_t enq, int wait_s, const char *agent,
                               int talk, int hold, int wrapup, int64_t cost)
{
    struct kpi_call c = queued(queue, enq, wait_s, KPI_Q_ANSWERED);
    c.agent = agent;
    c.answered_ms = c.dequeued_ms;
    c.ended_ms = c.answered_ms + (talk + hold) * 1000LL;
    c.talk_s = talk;
    c.hold_s = hold;
    c.wrapup_s = wrapup;
    c.cost_micros = cost;
    return c;
}

static struct kpi_call waiting(const char *queue, int64_t enq)
{
    struct kpi_call c = queued(queue, enq, 0, KPI_Q_NONE);
    c.dequeued_ms = c.ended_ms = -1;
    return c;
}

static const struct kpi_queue_conf fixture_queues[] = {
    {.name = "sales", .service_level_s = 20, .short_abandon_s = 5},
    {.name = "support", .service_level_s = 30, .short_abandon_s = 10},
};

/* The fixture: New York, the day from 06:00 local, now 18:00 on 2026-03-10. */
TEST(test_fixture)
{
    struct config_zone *z = load("America/New_York");
    struct kpi_call out1 = {.agent = "alice",
                            .dir = KPI_OUTBOUND,
                            .enqueued_ms = -1,
                            .dequeued_ms = -1,
                            .answered_ms = ny(13, 0, 0),
                            .ended_ms = ny(13, 5, 0),
                            .talk_s = 290,
                            .hold_s = 10,
                            .wrapup_s = 0,
                            .cost_micros = 50000};
    struct kpi_call out2 = out1; /* not answered: no handled call, no cost */
    out2.answered_ms = -1;
    out2.talk_s = 0;
    out2.cost_micros = -1;
    struct kpi_call calls[] = {
        handled("sales", ny(9, 0, 0), 10, "alice", 120, 30, 15, 13000),
        handled("sales", ny(9, 10, 0), 25, "bob", 200, 0, 40, 20000),
        handled("sales", ny(10, 0, 0), 20, "alice", 60, 0, -1, -1), /* still in wrap-up */
        queued("sales", ny(11, 0, 0), 4, KPI_Q_ABANDONED),          /* short */
        queued("sales", ny(11, 5, 0), 5, KPI_Q_ABANDONED),          /* at the threshold */
        queued("sales", ny(11, 10, 0), 40, KPI_Q_ABANDONED),
        queued("sales", ny(12, 0, 0), 300, KPI_Q_LEFT),
        handled("sales", ny(5, 59, 0), 90, "bob", 100, 10, 20, 5000), /* across the reset */
        queued("sales", ny(5, 50, 0), 300, KPI_Q_ABANDONED),          /* yesterday */
        handled("sales", ny(5, 0, 0), 10, "bob", 60, 0, 0, 7000),     /* yesterday */
        waiting("sales", ny(17, 57, 0)),
        waiting("sales", ny(17, 59, 30)),
        queued("support", ny(14, 0, 0), 8, KPI_Q_ABANDONED), /* short for support */
        handled("support", ny(14, 30, 0), 25, "carol", 50, 5, 5, -1),
        queued("billing", ny(15, 0, 0), 6, KPI_Q_ABANDONED), /* not listed: defaults */
        out1,
        out2,
    };
    struct kpi_offer offers[] = {
        {.agent = "alice", .offered_ms = ny(8, 59, 0), .end = KPI_OFFER_TIMEOUT},
        {.agent = "alice", .offered_ms = ny(5, 30, 0), .end = KPI_OFFER_TIMEOUT}, /* yesterday */
        {.agent = "bob", .offered_ms = ny(9, 9, 0), .end = KPI_OFFER_DECLINED},
        {.agent = "bob", .offered_ms = ny(9, 9, 30), .end = KPI_OFFER_TIMEOUT},
        {.agent = "bob", .offered_ms = ny(16, 0, 0), .end = KPI_OFFER_TIMEOUT},
        {.agent = "carol", .offered_ms = ny(14, 30, 20), .end = KPI_OFFER_ACCEPTED},
        {.agent = "carol", .offered_ms = ny(14, 30, 20), .end = KPI_OFFER_OTHER},
        {.agent = "dave", .offered_ms = ny(16, 0, 0), .end = KPI_OFFER_TIMEOUT},
    };
    struct kpi_params p = {.zone = z,
                           .reset_minute = 6 * 60,
                           .queues = fixture_queues,
                           .n_queues = 2,
                           .service_level_s = 20,
                           .short_abandon_s = 5};
    struct kpi_report r;
    int rc = kpi_compute(&p, calls, sizeof calls / sizeof calls[0], offers,
                         sizeof offers / sizeof offers[0], ny(18, 0, 0), &r, err, sizeof err);
    CHECK_INT(rc, 0);
    CHECK_INT(r.day_start_ms, ny(6, 0, 0));
    CHECK_INT(r.day_end_ms, ny(6, 0, 0) + 86400000LL);
    CHECK_INT(r.n_queues, 3);
    if (r.n_queues == 3) {
        CHECK_STR(r.queues[0].name, "sales");
        CHECK_STR(r.queues[1].name, "support");
        CHECK_STR(r.queues[2].name, "billing");
    }

    const struct kpi_queue_stats *s = kpi_report_queue(&r, "sales");
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(s->handled, 4);         /* 10 s, 25 s, 20 s, and 90 s across the reset */
        CHECK_INT(s->answered_in_sl, 2);  /* 10 s and 20 s (at T counts) */
        CHECK_INT(s->short_abandoned, 1); /* 4 s */
        CHECK_INT(s->abandoned, 2);       /* 5 s and 40 s */
        CHECK_INT(s->left, 1);
        CHECK_INT(s->offered, 7);
        CHECK_NEAR(s->service_level, 2.0 / 7.0);
        CHECK_NEAR(s->asa_s, (10 + 25 + 20 + 90) / 4.0);
        CHECK_INT(s->aht_calls, 3);
        CHECK_NEAR(s->aht_s, (165 + 240 + 130) / 3.0);
        CHECK_INT(s->waiting, 2);
        CHECK_INT(s->longest_wait_s, 180);
        CHECK_INT(s->cost_micros, 13000 + 20000 + 5000);
        CHECK_INT(kpi_queue_warnings(s, 0.8, 120), KPI_WARN_SERVICE_LEVEL | KPI_WARN_LONG_WAIT);
        CHECK_INT(kpi_queue_warnings(s, 0.25, 180), 0);
    }
    s = kpi_report_queue(&r, "support");
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(s->handled, 1);
        CHECK_INT(s->short_abandoned, 1);
        CHECK_INT(s->abandoned, 0);
        CHECK_INT(s->offered, 1);
        CHECK_NEAR(s->service_level, 1.0);
        CHECK_NEAR(s->asa_s, 25.0);
        CHECK_NEAR(s->aht_s, 60.0);
        CHECK_INT(s->waiting, 0);
        CHECK_INT(s->cost_micros, 0);
        CHECK_INT(kpi_queue_warnings(s, 0.8, 120), 0);
    }
    s = kpi_report_queue(&r, "billing");
    CHECK(s != NULL);
    if (s) {
        CHECK_INT(s->service_level_s, 20);
        CHECK_INT(s->abandoned, 1); /* 6 s against the default 5 */
        CHECK_INT(s->short_abandoned, 0);
        CHECK_INT(s->handled, 0);
        CHECK_NEAR(s->service_level, 0.0);
        CHECK_NEAR(s->asa_s, -1);
        CHECK_NEAR(s->aht_s, -1);
    }

    CHECK_INT(r.n_agents, 4);
    if (r.n_agents == 4) {
        CHECK_STR(r.agents[0].name, "alice");
        CHECK_STR(r.agents[3].name, "dave");
    }
    const struct kpi_agent_stats *a = kpi_report_agent(&r, "alice");
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->handled, 3); /* two from sales, one outbound */
        CHECK_INT(a->aht_calls, 2);
        CHECK_NEAR(a->aht_s, (165 + 300) / 2.0);
        CHECK_INT(a->missed_offers, 1);
        CHECK_INT(a->declined_offers, 0);
    }
    a = kpi_report_agent(&r, "bob");
    CHECK(a != NULL);
    if (a) {
        CHECK_INT(a->handled, 2);
        CHECK_NEAR(a->aht_s, (240 + 130) / 2.0);
        CHECK_INT(a->missed_offers, 2);
        CHECK_INT(a->declined_offers, 1);
    }
    a = kpi_report_agent(&r, "carol");
    CHECK(a && a->handled == 1 && a->missed_offers == 0 && a->aht_s == 60.0);
    a = kpi_report_agent(&r, "dave");
    CHECK(a && a->handled == 0 && a->missed_offers == 1 && a->aht_s == -1);
    CHECK(kpi_report_agent(&r, "erin") == NULL);
    CHECK_INT(r.cost_micros, 13000 + 20000 + 5000 + 50000);
    kpi_report_done(&r);

    /* The same calls seen at 05:59:30 the next morning: still the same day. */
    rc = kpi_compute(&p, calls, sizeof calls / sizeof calls[0], NULL, 0,
                     ny(6, 0, 0) + 86400000LL - 30000, &r, err, sizeof err);
    CHECK_INT(rc, 0);
    s = kpi_report_queue(&r, "sales");
    CHECK(s && s->handled == 4 && s->offered == 7);
    kpi_report_done(&r);
    /* And at 06:00:00: a new day with only the callers still waiting. */
    rc = kpi_compute(&p, calls, sizeof calls / sizeof calls[0], NULL, 0, ny(6, 0, 0) + 86400000LL,
                     &r, err, sizeof err);
    CHECK_INT(rc, 0);
    s = kpi_report_queue(&r, "sales");
    CHECK(s && s->handled == 0 && s->offered == 0 && s->service_level == -1 && s->waiting == 2);
    CHECK_INT(r.n_agents, 0);
    CHECK_INT(r.cost_micros, 0);
    kpi_report_done(&r);
    config_zone_free(z);
}

/* On 2026-03-08 New York moves from EST (UTC-5) to EDT (UTC-4) at 02:00: the day from 06:00
 * starts at 10:00 UTC, not 11:00, and the day before lasted 23 hours. */
TEST(test_fixture_dst_day)
{
    struct config_zone *z = load("America/New_York");
    int64_t start = utc(2026, 3, 8, 10, 0, 0) * 1000;
    struct kpi_call calls[] = {
        handled("sales", start - 10 * 60000, 30, "alice", 10, 0, 0, -1), /* 05:50:30 EDT */
        handled("sales", start + 30 * 60000, 10, "alice", 20, 0, 5, -1), /* 06:30:10 EDT */
        queued("sales", start - 2000, 4, KPI_Q_ABANDONED),               /* 05:59:58-06:00:02 */
        queued("sales", start - 3000, 9, KPI_Q_ABANDONED),               /* 9 s, ends 06:00:06 */
    };
    struct kpi_params p = {.zone = z,
                           .reset_minute = 6 * 60,
                           .queues = fixture_queues,
                           .n_queues = 1,
                           .service_level_s = 20,
                           .short_abandon_s = 5};
    struct kpi_report r;
    CHECK_INT(
        kpi_compute(&p, calls, 4, NULL, 0, utc(2026, 3, 8, 15, 0, 0) * 1000, &r, err, sizeof err),
        0);
    CHECK_INT(r.day_start_ms, start);
    const struct kpi_queue_stats *s = kpi_report_queue(&r, "sales");
    CHECK(s && s->handled == 1 && s->short_abandoned == 1 && s->abandoned == 1);
    CHECK(s && s->offered == 2);
    CHECK_NEAR(s ? s->service_level : 0, 0.5);
    CHECK_NEAR(s ? s->aht_s : 0, 25.0);
    kpi_report_done(&r);

    /* 09:50 UTC is 05:50 EDT: the day before, which began at 11:00 UTC on the 7th. */
    CHECK_INT(kpi_compute(&p, calls, 4, NULL, 0, start - 10 * 60000 + 30000, &r, err, sizeof err),
              0);
    CHECK_INT(r.day_start_ms, utc(2026, 3, 7, 11, 0, 0) * 1000);
    CHECK_INT(r.day_end_ms, start);
    s = kpi_report_queue(&r, "sales");
    CHECK(s && s->handled == 1 && s->asa_s == 30.0 && s->abandoned == 0);
    kpi_report_done(&r);
    config_zone_free(z);
}

static void check_bounds(const struct config_zone *z, int reset, int64_t now_s, int64_t start_s,
                         int64_t end_s)
{
    int64_t a = 0, b = 0;
    CHECK_INT(kpi_day_bounds(z, reset, now_s * 1000, &a, &b), 0);
    CHECK_INT(a, start_s * 1000);
    CHECK_INT(b, end_s * 1000);
}

TEST(test_day_bounds)
{
    struct config_zone *nyz = load("America/New_York");
    struct config_zone *lon = load("Europe/London");
    struct config_zone *kol = load("Asia/Kolkata");
    /* UTC, midnight */
    check_bounds(NULL, 0, utc(2026, 5, 1, 12, 0, 0), utc(2026, 5, 1, 0, 0, 0),
                 utc(2026, 5, 2, 0, 0, 0));
    check_bounds(NULL, 0, utc(2026, 5, 1, 0, 0, 0), utc(2026, 5, 1, 0, 0, 0),
                 utc(2026, 5, 2, 0, 0, 0));
    check_bounds(NULL, 0, utc(2026, 5, 1, 0, 0, 0) - 1, utc(2026, 4, 30, 0, 0, 0),
                 utc(2026, 5, 1, 0, 0, 0));
    /* Kolkata, UTC+5:30, reset 06:00 = 00:30 UTC */
    check_bounds(kol, 360, utc(2026, 5, 1, 0, 29, 0), utc(2026, 4, 30, 0, 30, 0),
                 utc(2026, 5, 1, 0, 30, 0));
    /* London, midnight, 2026-03-29: clocks go 01:00 GMT -> 02:00 BST, a 23-hour day */
    check_bounds(lon, 0, utc(2026, 3, 29, 12, 0, 0), utc(2026, 3, 29, 0, 0, 0),
                 utc(2026, 3, 29, 23, 0, 0));
    /* 2026-10-25: 02:00 BST -> 01:00 GMT, a 25-hour day */
    check_bounds(lon, 0, utc(2026, 10, 25, 12, 0, 0), utc(2026, 10, 24, 23, 0, 0),
                 utc(2026, 10, 26, 0, 0, 0));
    /* New York 2026-03-08, reset 02:30, which the clocks skip (02:00 EST -> 03:00 EDT at
     * 07:00 UTC): the day starts when they jump */
    check_bounds(nyz, 150, utc(2026, 3, 8, 12, 0, 0), utc(2026, 3, 8, 7, 0, 0),
                 utc(2026, 3, 9, 6, 30, 0));
    check_bounds(nyz, 150, utc(2026, 3, 8, 7, 0, 0) - 1, utc(2026, 3, 7, 7, 30, 0),
                 utc(2026, 3, 8, 7, 0, 0));
    /* 2026-11-01, reset 01:30, which happens twice (02:00 EDT -> 01:00 EST at 06:00 UTC): the
     * first time counts, even for an instant of the second pass */
    check_bounds(nyz, 90, utc(2026, 11, 1, 6, 10, 0), utc(2026, 11, 1, 5, 30, 0),
                 utc(2026, 11, 2, 6, 30, 0));
    check_bounds(nyz, 90, utc(2026, 11, 1, 5, 10, 0), utc(2026, 10, 31, 5, 30, 0),
                 utc(2026, 11, 1, 5, 30, 0));
    int64_t a, b;
    CHECK_INT(kpi_day_bounds(nyz, -1, 0, &a, &b), DT_EINVAL);
    CHECK_INT(kpi_day_bounds(nyz, 1440, 0, &a, &b), DT_EINVAL);
    config_zone_free(nyz);
    config_zone_free(lon);
    config_zone_free(kol);
}

/* Against localtime_r: now inside [start, end), the start shows the reset time (or is the
 * instant the clocks skipped it), days of 23 to 25 hours, the next day starting at the end. */
TEST(test_day_bounds_match_libc)
{
    static const char *const zones[] = {"America/New_York", "Europe/London", "Australia/Sydney",
                                        "Asia/Kolkata", "Australia/Lord_Howe"};
    static const int resets[] = {0, 90, 150, 360};
    char *old = getenv("TZ") ? strdup(getenv("TZ")) : NULL;
    for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
        struct config_zone *z = load(zones[i]);
        setenv("TZ", zones[i], 1);
        tzset();
        int bad = 0;
        for (int64_t t = utc(2026, 1, 1, 0, 0, 0); t < utc(2028, 1, 1, 0, 0, 0) && bad < 3;
             t += 5 * 3600 + 1111) {
            for (size_t j = 0; j < sizeof resets / sizeof resets[0]; j++) {
                int64_t s, e, s2, e2;
                kpi_day_bounds(z, resets[j], t * 1000, &s, &e);
                kpi_day_bounds(z, resets[j], e, &s2, &e2);
                time_t ts = (time_t)(s / 1000), before = ts - 1;
                struct tm tm, tb;
                localtime_r(&ts, &tm);
                localtime_r(&before, &tb);
                int at_reset = tm.tm_hour * 60 + tm.tm_min == resets[j] && tm.tm_sec == 0;
                int jumped = tm.tm_gmtoff != tb.tm_gmtoff;
                int64_t len = e - s;
                if (!(s <= t * 1000 && t * 1000 < e) || !(at_reset || jumped) ||
                    len < 23 * 3600000LL || len > 25 * 3600000LL || s2 != e) {
                    printf("  %s reset %d at %lld: [%lld, %lld)\n", zones[i], resets[j],
                           (long long)t, (long long)s, (long long)e);
                    bad++;
                }
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

TEST(test_bad_params)
{
    struct kpi_report r;
    struct kpi_params p = {.reset_minute = 1440, .service_level_s = 20};
    CHECK_INT(kpi_compute(&p, NULL, 0, NULL, 0, 0, &r, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "reset") != NULL);
    CHECK_INT(r.n_queues, 0);
    kpi_report_done(&r);

    p.reset_minute = 0;
    p.short_abandon_s = -1;
    CHECK_INT(kpi_compute(&p, NULL, 0, NULL, 0, 0, &r, err, sizeof err), DT_EINVAL);
    p.short_abandon_s = 5;

    struct kpi_queue_conf twice[] = {{.name = "a", .service_level_s = 20},
                                     {.name = "a", .service_level_s = 30}};
    p.queues = twice;
    p.n_queues = 2;
    CHECK_INT(kpi_compute(&p, NULL, 0, NULL, 0, 0, &r, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "twice") != NULL);
    twice[1].name = "";
    CHECK_INT(kpi_compute(&p, NULL, 0, NULL, 0, 0, &r, err, sizeof err), DT_EINVAL);
    twice[1].name = "b";
    twice[1].short_abandon_s = -3;
    CHECK_INT(kpi_compute(&p, NULL, 0, NULL, 0, 0, &r, err, sizeof err), DT_EINVAL);
    p.n_queues = 0;

    char longname[KPI_NAME_MAX + 2];
    memset(longname, 'q', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    struct kpi_call c = waiting(longname, 0);
    CHECK_INT(kpi_compute(&p, &c, 1, NULL, 0, 1000, &r, err, sizeof err), DT_EINVAL);
    CHECK_INT(r.n_queues, 0);
    struct kpi_offer o = {.agent = longname, .offered_ms = 10, .end = KPI_OFFER_TIMEOUT};
    CHECK_INT(kpi_compute(&p, NULL, 0, &o, 1, 1000, &r, err, sizeof err), DT_EINVAL);

    /* more queues than a report holds */
    size_t n = KPI_MAX_QUEUES + 1;
    struct kpi_call *many = xcalloc(n, sizeof *many);
    char(*names)[16] = xcalloc(n, sizeof *names);
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "q%zu", i);
        many[i] = waiting(names[i], 0);
    }
    CHECK_INT(kpi_compute(&p, many, n, NULL, 0, 1000, &r, err, sizeof err), DT_ETOOBIG);
    CHECK_INT(kpi_compute(&p, many, n - 1, NULL, 0, 1000, &r, err, sizeof err), 0);
    CHECK_INT(r.n_queues, KPI_MAX_QUEUES);
    CHECK(r.n_queues > 2 && strcmp(r.queues[0].name, r.queues[1].name) < 0);
    kpi_report_done(&r);
    kpi_report_done(NULL);
    free(many);
    free(names);
}

TEST(test_parse)
{
    CHECK_INT(kpi_qresult_parse("bridged"), KPI_Q_ANSWERED);
    CHECK_INT(kpi_qresult_parse("hangup"), KPI_Q_ABANDONED);
    CHECK_INT(kpi_qresult_parse("leave"), KPI_Q_LEFT);
    CHECK_INT(kpi_qresult_parse("queue-full"), KPI_Q_LEFT);
    CHECK_INT(kpi_qresult_parse("redirected"), KPI_Q_ANSWERED);
    CHECK_INT(kpi_qresult_parse("Bridged"), KPI_Q_NONE);
    CHECK_INT(kpi_qresult_parse(NULL), KPI_Q_NONE);

    static const struct {
        const char *s;
        int64_t micros;
    } good[] = {
        {"-0.01300", 13000},    {"0.0075", 7500},       {"12", 12000000}, {"+1.5", 1500000},
        {"1.2345675", 1234568}, {"1.2345674", 1234567}, {"-0.000000", 0},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        int64_t m = -1;
        CHECK_INT(kpi_price_parse(good[i].s, &m), 0);
        CHECK_INT(m, good[i].micros);
    }
    static const char *const bad[] = {"",   "-",    "1.",         ".5",  "1e5", "1.2x",
                                      " 1", "0x10", "1000000001", "--1", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t m = 42;
        CHECK_INT(kpi_price_parse(bad[i], &m), DT_EINVAL);
        CHECK_INT(m, 42);
    }
}

/* Agents' parts (New York, the day from 06:00, now 18:00): ann takes a sales call at 09:00
 * and hands it to bob; ann's outbound call nobody answered; carl's call has no part of his
 * (no leg of his known) and counts as a whole; dan's part reached the caller at 05:59, before
 * the reset; eve is still with her caller. */
TEST(test_parts)
{
    struct config_zone *z = load("America/New_York");
    const struct kpi_part xfer[] = {
        {.agent = "ann", .reached_ms = ny(9, 0, 5), .with_s = 40, .wrapup_s = 0},
        {.agent = "bob", .reached_ms = ny(9, 0, 50), .with_s = 100, .wrapup_s = 20},
    };
    const struct kpi_part unanswered[] = {
        {.agent = "ann", .reached_ms = -1, .with_s = 0, .wrapup_s = 0},
    };
    const struct kpi_part early[] = {
        {.agent = "dan", .reached_ms = ny(5, 59, 0), .with_s = 300, .wrapup_s = 10},
        {.agent = "ann", .reached_ms = ny(6, 4, 0), .with_s = -1, .wrapup_s = -1},
    };
    const struct kpi_part live[] = {
        {.agent = "eve", .reached_ms = ny(17, 59, 0), .with_s = -1, .wrapup_s = -1},
    };
    struct kpi_call calls[] = {
        handled("sales", ny(9, 0, 0), 5, "bob", 130, 10, 20, -1),
        handled("sales", ny(10, 0, 0), 5, "carl", 50, 0, 10, -1),
        handled("sales", ny(5, 58, 0), 30, "ann", 290, 10, 10, -1),
        handled("sales", ny(17, 58, 0), 60, "eve", 0, 0, -1, -1),
        {.agent = "ann",
         .dir = KPI_OUTBOUND,
         .answered_ms = -1,
         .ended_ms = ny(11, 0, 30),
         .enqueued_ms = -1,
         .dequeued_ms = -1,
         .talk_s = -1,
         .hold_s = -1,
         .wrapup_s = 0,
         .cost_micros = -1},
    };
    calls[0].parts = xfer;
    calls[0].n_parts = 2;
    calls[2].parts = early;
    calls[2].n_parts = 2;
    calls[3].parts = live;
    calls[3].n_parts = 1;
    calls[3].ended_ms = -1;
    calls[4].parts = unanswered;
    calls[4].n_parts = 1;
    struct kpi_params p = {
        .zone = z, .reset_minute = 360, .service_level_s = 20, .short_abandon_s = 5};
    struct kpi_report r;
    CHECK_INT(kpi_compute(&p, calls, 5, NULL, 0, ny(18, 0, 0), &r, err, sizeof err), 0);
    const struct kpi_agent_stats *a = kpi_report_agent(&r, "ann");
    /* the transfer (40 + 0) and the part begun after the reset, still on; not the outbound */
    CHECK(a && a->handled == 2 && a->aht_calls == 1);
    CHECK_NEAR(a ? a->aht_s : 0, 40);
    a = kpi_report_agent(&r, "bob"); /* 100 + 20 */
    CHECK(a && a->handled == 1 && a->aht_calls == 1);
    CHECK_NEAR(a ? a->aht_s : 0, 120);
    a = kpi_report_agent(&r, "carl"); /* the whole call: 50 + 0 + 10 */
    CHECK(a && a->handled == 1 && a->aht_calls == 1);
    CHECK_NEAR(a ? a->aht_s : 0, 60);
    CHECK(kpi_report_agent(&r, "dan") == NULL); /* yesterday's by the reset */
    a = kpi_report_agent(&r, "eve");
    CHECK(a && a->handled == 1 && a->aht_calls == 0 && a->aht_s < 0);
    /* the queue counts each call once, and all four left it today but the one at 05:58:30 */
    const struct kpi_queue_stats *q = kpi_report_queue(&r, "sales");
    CHECK(q && q->handled == 3 && q->offered == 3);
    kpi_report_done(&r);

    /* the call's agent named by a part that never reached the caller is not counted whole */
    calls[4].answered_ms = ny(11, 0, 10);
    CHECK_INT(kpi_compute(&p, calls + 4, 1, NULL, 0, ny(18, 0, 0), &r, err, sizeof err), 0);
    CHECK(kpi_report_agent(&r, "ann") == NULL);
    kpi_report_done(&r);
    config_zone_free(z);
}

/* Each agent's own wrap-up (New York, the day from 06:00, now 18:00), as the store gives the
 * parts: ann hands three sales calls to bob cold. 09:00: both wrap up, ann 15 s, bob 25 s, the
 * call's wrap-up their sum. 10:00: the queue's 30 s timer ends ann's; bob never saves his, so
 * the call's is unknown. 11:00: ann never saves hers; bob's is 12 s, the call's so far. */
TEST(test_own_wrapups)
{
    struct config_zone *z = load("America/New_York");
    const struct kpi_part both[] = {
        {.agent = "ann", .reached_ms = ny(9, 0, 5), .with_s = 40, .wrapup_s = 15},
        {.agent = "bob", .reached_ms = ny(9, 0, 50), .with_s = 100, .wrapup_s = 25},
    };
    const struct kpi_part timed[] = {
        {.agent = "ann", .reached_ms = ny(10, 0, 5), .with_s = 30, .wrapup_s = 30},
        {.agent = "bob", .reached_ms = ny(10, 0, 40), .with_s = 60, .wrapup_s = -1},
    };
    const struct kpi_part unsaved[] = {
        {.agent = "ann", .reached_ms = ny(11, 0, 5), .with_s = 20, .wrapup_s = -1},
        {.agent = "bob", .reached_ms = ny(11, 0, 30), .with_s = 50, .wrapup_s = 12},
    };
    struct kpi_call calls[] = {
        handled("sales", ny(9, 0, 0), 5, "bob", 130, 10, 15 + 25, -1),
        handled("sales", ny(10, 0, 0), 5, "bob", 90, 0, -1, -1),
        handled("sales", ny(11, 0, 0), 5, "bob", 70, 0, 12, -1),
    };
    calls[0].parts = both;
    calls[1].parts = timed;
    calls[2].parts = unsaved;
    calls[0].n_parts = calls[1].n_parts = calls[2].n_parts = 2;
    struct kpi_params p = {
        .zone = z, .reset_minute = 360, .service_level_s = 20, .short_abandon_s = 5};
    struct kpi_report r;
    CHECK_INT(kpi_compute(&p, calls, 3, NULL, 0, ny(18, 0, 0), &r, err, sizeof err), 0);
    /* ann: 40 + 15 = 55 and 30 + 30 = 60; the 11:00 call not over for her: 57.5 */
    const struct kpi_agent_stats *a = kpi_report_agent(&r, "ann");
    CHECK(a && a->handled == 3 && a->aht_calls == 2);
    CHECK_NEAR(a ? a->aht_s : 0, 57.5);
    /* bob: 100 + 25 = 125 and 50 + 12 = 62; the 10:00 call never over: 93.5 */
    a = kpi_report_agent(&r, "bob");
    CHECK(a && a->handled == 3 && a->aht_calls == 2);
    CHECK_NEAR(a ? a->aht_s : 0, 93.5);
    /* the queue: 130 + 10 + 40 = 180 and 70 + 0 + 12 = 82; the 10:00 call not over: 131 */
    const struct kpi_queue_stats *q = kpi_report_queue(&r, "sales");
    CHECK(q && q->handled == 3 && q->aht_calls == 2);
    CHECK_NEAR(q ? q->aht_s : 0, 131);
    kpi_report_done(&r);

    /* ann's 11:00 wrap-up ends after 200 s: hers (20 + 200) and the call's (82 + 200) */
    const struct kpi_part saved[] = {
        {.agent = "ann", .reached_ms = ny(11, 0, 5), .with_s = 20, .wrapup_s = 200},
        {.agent = "bob", .reached_ms = ny(11, 0, 30), .with_s = 50, .wrapup_s = 12},
    };
    calls[2].parts = saved;
    calls[2].wrapup_s = 212;
    CHECK_INT(kpi_compute(&p, calls, 3, NULL, 0, ny(18, 0, 0), &r, err, sizeof err), 0);
    a = kpi_report_agent(&r, "ann");
    CHECK(a && a->aht_calls == 3);
    CHECK_NEAR(a ? a->aht_s : 0, (55 + 60 + 220) / 3.0);
    q = kpi_report_queue(&r, "sales");
    CHECK(q && q->aht_calls == 2);
    CHECK_NEAR(q ? q->aht_s : 0, (180 + 282) / 2.0);
    kpi_report_done(&r);
    config_zone_free(z);
}

int main(void)
{
    RUN(test_fixture);
    RUN(test_fixture_dst_day);
    RUN(test_day_bounds);
    RUN(test_day_bounds_match_libc);
    RUN(test_bad_params);
    RUN(test_parse);
    RUN(test_parts);
    RUN(test_own_wrapups);
    return check_done();
}

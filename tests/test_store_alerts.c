/* Tests for store_alerts: transitions stored and read back newest first, the limit, bad
 * arguments refused without a row, and the table kept across a reopen. */
#include "store_fixture.h"

#include <math.h>

#include "dialtone/store_alerts.h"

static char err[256];

TEST(test_add_and_recent)
{
    char *path;
    struct store *st = fixture_open(&path);
    int64_t id1 = 0, id2 = 0;
    CHECK_INT(store_alert_add(st, "answer-rate", "answer-rate", 1, 1000, 0.25,
                              "answer rate 25% under 80%", &id1, err, sizeof err),
              DT_OK);
    CHECK_INT(store_alert_add(st, "answer-rate", "answer-rate", 0, 2000, 0.9, "back", &id2, err,
                              sizeof err),
              DT_OK);
    CHECK(id2 > id1 && id1 > 0);
    CHECK_INT(
        store_alert_add(st, "recording", "recording", 1, 3000, 2, NULL, NULL, err, sizeof err),
        DT_OK);
    struct store_alert_list l;
    CHECK_INT(store_alert_recent(st, 50, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 3);
    if (l.count == 3) {
        CHECK_STR(l.items[0].rule, "recording");
        CHECK_STR(l.items[0].message, "");
        CHECK_INT(l.items[1].firing, 0);
        CHECK_INT(l.items[1].at_ms, 2000);
        CHECK_STR(l.items[2].message, "answer rate 25% under 80%");
        CHECK(fabs(l.items[2].value - 0.25) < 1e-9);
        CHECK_INT(l.items[2].firing, 1);
    }
    store_alert_list_done(&l);
    CHECK_INT(store_alert_recent(st, 2, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 2);
    store_alert_list_done(&l);
    store_alert_list_done(NULL);
    store_close(st);
    /* kept across a reopen */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    CHECK_INT(store_alert_recent(st, 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 3);
    store_alert_list_done(&l);
    store_close(st);
    free(path);
}

TEST(test_bad_arguments)
{
    struct store *st = fixture_open(NULL);
    CHECK_INT(store_alert_add(st, "", "answer-rate", 1, 1, 0, "m", NULL, err, sizeof err),
              DT_EINVAL);
    CHECK_INT(store_alert_add(st, "r", NULL, 1, 1, 0, "m", NULL, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_alert_add(st, "r", "k", 1, -1, 0, "m", NULL, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_alert_add(st, "r", "k", 1, 1, NAN, "m", NULL, err, sizeof err), DT_EINVAL);
    char big[STORE_ALERTS_TEXT_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(store_alert_add(st, "r", "k", 1, 1, 0, big, NULL, err, sizeof err), DT_ETOOBIG);
    struct store_alert_list l;
    CHECK_INT(store_alert_recent(st, 0, &l, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_alert_recent(st, 1001, &l, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_alert_recent(st, 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 0);
    store_alert_list_done(&l);
    store_close(st);
}

/* The latest transition of each rule: what a restart puts the rules back to. */
TEST(test_latest)
{
    struct store *st = fixture_open(NULL);
    struct store_alert_list l;
    CHECK_INT(store_alert_latest(st, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 0);
    store_alert_list_done(&l);
    CHECK_INT(
        store_alert_add(st, "rate", "answer-rate", 1, 1000, 0.5, "low", NULL, err, sizeof err),
        DT_OK);
    CHECK_INT(store_alert_add(st, "code", "error-code", 1, 1500, 6, "error 31005 6 times", NULL,
                              err, sizeof err),
              DT_OK);
    CHECK_INT(
        store_alert_add(st, "rate", "answer-rate", 0, 2000, 0.9, "back", NULL, err, sizeof err),
        DT_OK);
    CHECK_INT(store_alert_add(st, "rate", "answer-rate", 1, 3000, 0.4, "low again", NULL, err,
                              sizeof err),
              DT_OK);
    CHECK_INT(store_alert_add(st, "code", "error-code", 0, 3500, 1, "down", NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_alert_latest(st, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 2);
    if (l.count == 2) {
        CHECK_STR(l.items[0].rule, "code");
        CHECK_INT(l.items[0].firing, 0);
        CHECK_INT(l.items[0].at_ms, 3500);
        CHECK_STR(l.items[1].rule, "rate");
        CHECK_INT(l.items[1].firing, 1);
        CHECK_INT(l.items[1].at_ms, 3000);
        CHECK_STR(l.items[1].message, "low again");
        CHECK_STR(l.items[1].kind, "answer-rate");
    }
    store_alert_list_done(&l);
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_add_and_recent);
    RUN(test_bad_arguments);
    RUN(test_latest);
    fixture_done();
    return check_done();
}

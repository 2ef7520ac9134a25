/* Tests for store_numbers: a bad-number failure flags at once, failures in a row flag at the
 * threshold and a success starts the count again, the flagged list, reviews (fixed, dnc) and
 * what they refuse, do-not-call kept out of the flags, and retries' links. */
#include "store_fixture.h"

#include "dialtone/store_numbers.h"

static char err[256];

TEST(test_bad_number_flags_at_once)
{
    struct store *st = fixture_open(NULL);
    int flagged = -1;
    CHECK_INT(store_number_failed(st, "+15550001111", 13224, 1, 3, 1000, &flagged, err, sizeof err),
              DT_OK);
    CHECK_INT(flagged, 1);
    struct store_number n;
    CHECK_INT(store_number_get(st, "+15550001111", &n, err, sizeof err), DT_OK);
    CHECK_STR(n.state, "flagged");
    CHECK_STR(n.reason, "bad number");
    CHECK_INT(n.code, 13224);
    CHECK_INT(n.count, 1);
    CHECK_INT(n.first_ms, 1000);
    CHECK_STR(n.reviewer, "");
    store_number_done(&n);
    /* flagged again: not newly */
    CHECK_INT(store_number_failed(st, "+15550001111", 13224, 1, 3, 2000, &flagged, err, sizeof err),
              DT_OK);
    CHECK_INT(flagged, 0);
    CHECK_INT(store_number_get(st, "+15550001111", &n, err, sizeof err), DT_OK);
    CHECK_INT(n.count, 2);
    CHECK_INT(n.first_ms, 1000);
    CHECK_INT(n.last_ms, 2000);
    store_number_done(&n);
    store_close(st);
}

TEST(test_failures_in_a_row)
{
    struct store *st = fixture_open(NULL);
    int flagged = -1;
    const char *num = "+15550002222";
    CHECK_INT(store_number_failed(st, num, 31005, 0, 3, 1, &flagged, err, sizeof err), DT_OK);
    CHECK_INT(store_number_failed(st, num, 31005, 0, 3, 2, &flagged, err, sizeof err), DT_OK);
    CHECK_INT(flagged, 0);
    CHECK_INT(store_number_succeeded(st, num, err, sizeof err), DT_OK);
    CHECK_INT(store_number_failed(st, num, 31005, 0, 3, 3, &flagged, err, sizeof err), DT_OK);
    CHECK_INT(store_number_failed(st, num, 31005, 0, 3, 4, &flagged, err, sizeof err), DT_OK);
    CHECK_INT(flagged, 0);
    struct store_number n;
    CHECK_INT(store_number_get(st, num, &n, err, sizeof err), DT_OK);
    CHECK_STR(n.state, "ok");
    CHECK_INT(n.in_row, 2);
    CHECK_INT(n.count, 4);
    store_number_done(&n);
    CHECK_INT(store_number_failed(st, num, 31486, 0, 3, 5, &flagged, err, sizeof err), DT_OK);
    CHECK_INT(flagged, 1);
    CHECK_INT(store_number_get(st, num, &n, err, sizeof err), DT_OK);
    CHECK_STR(n.state, "flagged");
    CHECK_STR(n.reason, "failed 3 times in a row");
    CHECK_INT(n.code, 31486);
    store_number_done(&n);
    /* threshold 0: never by count */
    for (int i = 0; i < 5; i++)
        CHECK_INT(
            store_number_failed(st, "+15550003333", 31005, 0, 0, 1, &flagged, err, sizeof err),
            DT_OK);
    CHECK_INT(store_number_is_dnc(st, "+15550003333", err, sizeof err), 0);
    CHECK_INT(store_number_get(st, "+15550003333", &n, err, sizeof err), DT_OK);
    CHECK_STR(n.state, "ok");
    store_number_done(&n);
    CHECK_INT(store_number_succeeded(st, "+15559999999", err, sizeof err), DT_OK);
    store_close(st);
}

TEST(test_list_and_review)
{
    char *path;
    struct store *st = fixture_open(&path);
    CHECK_INT(store_number_failed(st, "+15550000001", 13224, 1, 3, 100, NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_number_failed(st, "+15550000002", 13224, 1, 3, 200, NULL, err, sizeof err),
              DT_OK);
    CHECK_INT(store_number_failed(st, "+15550000003", 31005, 0, 3, 300, NULL, err, sizeof err),
              DT_OK);
    struct store_number_list l;
    CHECK_INT(store_number_flagged(st, 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 2);
    if (l.count == 2) {
        CHECK_STR(l.items[0].number, "+15550000002");
        CHECK_STR(l.items[1].number, "+15550000001");
    }
    store_number_list_done(&l);
    CHECK_INT(store_number_review(st, "+15550000001", "fixed", "+15550000009", "sue", 500, err,
                                  sizeof err),
              DT_OK);
    CHECK_INT(store_number_review(st, "+15550000002", "dnc", NULL, "sue", 600, err, sizeof err),
              DT_OK);
    CHECK_INT(store_number_flagged(st, 10, &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 0);
    store_number_list_done(&l);
    CHECK_INT(store_number_is_dnc(st, "+15550000002", err, sizeof err), 1);
    CHECK_INT(store_number_is_dnc(st, "+15550000001", err, sizeof err), 0);
    /* do-not-call stays so, failures or not */
    int flagged = -1;
    CHECK_INT(store_number_failed(st, "+15550000002", 13224, 1, 3, 700, &flagged, err, sizeof err),
              DT_OK);
    CHECK_INT(flagged, 0);
    CHECK_INT(store_number_is_dnc(st, "+15550000002", err, sizeof err), 1);
    store_close(st);
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    struct store_number n;
    CHECK_INT(store_number_get(st, "+15550000001", &n, err, sizeof err), DT_OK);
    CHECK_STR(n.state, "fixed");
    CHECK_STR(n.replacement, "+15550000009");
    CHECK_STR(n.reviewer, "sue");
    CHECK_INT(n.reviewed_ms, 500);
    store_number_done(&n);
    store_close(st);
    free(path);
}

TEST(test_review_refusals)
{
    struct store *st = fixture_open(NULL);
    const char *num = "+15550000001";
    CHECK_INT(store_number_failed(st, num, 13224, 1, 3, 100, NULL, err, sizeof err), DT_OK);
    CHECK_INT(store_number_review(st, "+15550007777", "dnc", NULL, "sue", 1, err, sizeof err),
              DT_ENOTFOUND);
    CHECK_INT(store_number_review(st, num, "delete", NULL, "sue", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_review(st, num, NULL, NULL, "sue", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_review(st, num, "fixed", NULL, "sue", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_review(st, num, "fixed", num, "sue", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_review(st, num, "dnc", NULL, "", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_failed(st, "", 1, 1, 3, 1, NULL, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_failed(st, num, 1, 1, -1, 1, NULL, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_number_failed(st, num, 1, 1, 3, -1, NULL, err, sizeof err), DT_EINVAL);
    char big[400];
    memset(big, '1', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(store_number_failed(st, big, 1, 1, 3, 1, NULL, err, sizeof err), DT_ETOOBIG);
    struct store_number n;
    CHECK_INT(store_number_get(st, "+15550007777", &n, err, sizeof err), DT_ENOTFOUND);
    CHECK(n.number == NULL);
    store_number_done(NULL);
    struct store_number_list l;
    CHECK_INT(store_number_flagged(st, 0, &l, err, sizeof err), DT_EINVAL);
    CHECK_INT(l.count, 0);
    store_number_list_done(NULL);
    /* still flagged after all the refusals */
    CHECK_INT(store_number_get(st, num, &n, err, sizeof err), DT_OK);
    CHECK_STR(n.state, "flagged");
    store_number_done(&n);
    store_close(st);
}

TEST(test_retry_links)
{
    struct store *st = fixture_open(NULL);
    CHECK_INT(store_retry_link(st, "CA2", "CA1", 2, 10, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_link(st, "CA3", "CA1", 3, 20, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_link(st, "CA3", "CA1", 3, 20, err, sizeof err), DT_EEXIST);
    CHECK_INT(store_retry_link(st, "CA4", "CA1", 1, 20, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_retry_link(st, "", "CA1", 2, 20, err, sizeof err), DT_EINVAL);
    char first[64];
    int attempt = 0;
    CHECK_INT(store_retry_first(st, "CA3", first, sizeof first, &attempt, err, sizeof err), DT_OK);
    CHECK_STR(first, "CA1");
    CHECK_INT(attempt, 3);
    CHECK_INT(store_retry_first(st, "CA1", first, sizeof first, NULL, err, sizeof err),
              DT_ENOTFOUND);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM call_retries WHERE retry_of = 'CA1'", "2");
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_bad_number_flags_at_once);
    RUN(test_failures_in_a_row);
    RUN(test_list_and_review);
    RUN(test_review_refusals);
    RUN(test_retry_links);
    fixture_done();
    return check_done();
}

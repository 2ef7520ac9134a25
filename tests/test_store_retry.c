/* Tests for store_retry: attempts stored and read back, a claim that succeeds once only (the
 * guard against placing an attempt twice), closing and the states it refuses, the next attempt
 * scheduled in one transaction with the current one ended, the open attempts in due order, a
 * first attempt's sid as the chain's first_sid, the attempts surviving a reopen, bad input. */
#include "store_fixture.h"

#include "dialtone/store_retry.h"

static char err[256];

static struct store_retry attempt(const char *chain, int n, const char *kind, int64_t due)
{
    struct store_retry r = {.attempt = n, .due_ms = due, .code = n > 1 ? 31003 : 0};
    dt_strlcpy(r.chain, chain, sizeof r.chain);
    dt_strlcpy(r.kind, kind, sizeof r.kind);
    dt_strlcpy(r.agent, "alice", sizeof r.agent);
    dt_strlcpy(r.number, "+15551230000", sizeof r.number);
    dt_strlcpy(r.reason, n > 1 ? "retryable" : "", sizeof r.reason);
    return r;
}

TEST(test_add_get_claim)
{
    struct store *st = fixture_open(NULL);
    struct store_retry r = attempt("out-01", 2, "retry", 5000), got;
    int64_t id = 0;
    CHECK_INT(store_retry_add(st, &r, 1000, &id, err, sizeof err), DT_OK);
    CHECK(id > 0);
    CHECK_INT(store_retry_get(st, id, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.chain, "out-01");
    CHECK_STR(got.state, "pending");
    CHECK_STR(got.kind, "retry");
    CHECK_STR(got.reason, "retryable");
    CHECK_INT(got.code, 31003);
    CHECK_INT(got.attempt, 2);
    CHECK_INT(got.due_ms, 5000);
    CHECK_INT(got.updated_ms, 1000);
    /* one claim wins; the second is refused, so the attempt is placed once */
    CHECK_INT(store_retry_claim(st, id, 5001, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_claim(st, id, 5002, err, sizeof err), DT_ESTATE);
    CHECK_INT(store_retry_get(st, id, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.state, "placed");
    CHECK_INT(got.updated_ms, 5001);
    CHECK_INT(store_retry_claim(st, id + 100, 5002, err, sizeof err), DT_ENOTFOUND);
    /* the same attempt of the same chain cannot be stored twice */
    CHECK_INT(store_retry_add(st, &r, 1000, NULL, err, sizeof err), DT_EEXIST);
    store_close(st);
}

TEST(test_set_and_finish)
{
    struct store *st = fixture_open(NULL);
    struct store_retry r = attempt("out-02", 1, "first", 1000), got;
    dt_strlcpy(r.state, "placed", sizeof r.state);
    dt_strlcpy(r.room, "out-02", sizeof r.room);
    int64_t id = 0;
    CHECK_INT(store_retry_add(st, &r, 1000, &id, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_set(st, id, NULL, "CA1", 1100, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_get(st, id, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.sid, "CA1");
    CHECK_STR(got.first_sid, "CA1"); /* a first attempt's call is the chain's first */
    CHECK_STR(got.room, "out-02");
    /* a later attempt's sid is its own only */
    struct store_retry r3 = attempt("out-02", 3, "callback", 9000);
    int64_t id3 = 0;
    dt_strlcpy(r3.first_sid, "CA1", sizeof r3.first_sid);
    CHECK_INT(store_retry_add(st, &r3, 1200, &id3, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_set(st, id3, "out-03", "CA3", 9100, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_get(st, id3, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.first_sid, "CA1");
    CHECK_STR(got.sid, "CA3");
    CHECK_STR(got.room, "out-03");
    CHECK_INT(store_retry_set(st, id3, NULL, NULL, 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_retry_set(st, 999, "r", NULL, 1, err, sizeof err), DT_ENOTFOUND);
    /* closing: once, and only as dropped or ended */
    CHECK_INT(store_retry_finish(st, id3, "pending", "x", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_retry_finish(st, id3, "dropped", "the agent is busy", 9200, err, sizeof err),
              DT_OK);
    CHECK_INT(store_retry_finish(st, id3, "ended", NULL, 9300, err, sizeof err), DT_ESTATE);
    CHECK_INT(store_retry_claim(st, id3, 9300, err, sizeof err), DT_ESTATE);
    CHECK_INT(store_retry_get(st, id3, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.state, "dropped");
    CHECK_STR(got.outcome, "the agent is busy");
    store_close(st);
}

TEST(test_next_and_open)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    struct store_retry first = attempt("out-03", 1, "first", 1000), got;
    dt_strlcpy(first.state, "placed", sizeof first.state);
    int64_t id1 = 0, id2 = 0, other = 0;
    CHECK_INT(store_retry_add(st, &first, 1000, &id1, err, sizeof err), DT_OK);
    struct store_retry late = attempt("out-04", 2, "callback", 90000);
    CHECK_INT(store_retry_add(st, &late, 1000, &other, err, sizeof err), DT_OK);
    struct store_retry next = attempt("out-03", 2, "retry", 61000);
    CHECK_INT(store_retry_next(st, id1, &next, 2000, &id2, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_get(st, id1, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.state, "ended");
    CHECK_STR(got.outcome, "scheduled attempt 2");
    /* a failed next leaves the current attempt as it was */
    CHECK_INT(store_retry_next(st, id1, &next, 3000, NULL, err, sizeof err), DT_ESTATE);
    struct store_retry dup = attempt("out-04", 2, "retry", 1);
    CHECK_INT(store_retry_next(st, id2, &dup, 3000, NULL, err, sizeof err), DT_EEXIST);
    CHECK_INT(store_retry_get(st, id2, &got, err, sizeof err), DT_OK);
    CHECK_STR(got.state, "pending");
    store_close(st);
    /* after a reopen (a restart), the open attempts in due order */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    struct store_retry *rows = NULL;
    size_t n = 0;
    CHECK_INT(store_retry_open(st, &rows, &n, err, sizeof err), DT_OK);
    CHECK_INT(n, 2);
    if (n == 2) {
        CHECK_INT(rows[0].id, id2);
        CHECK_INT(rows[0].due_ms, 61000);
        CHECK_INT(rows[1].id, other);
    }
    free(rows);
    CHECK_INT(store_retry_claim(st, id2, 61000, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_finish(st, other, "dropped", "gone", 1, err, sizeof err), DT_OK);
    CHECK_INT(store_retry_open(st, &rows, &n, err, sizeof err), DT_OK);
    CHECK_INT(n, 1); /* a placed attempt is still open: its call is followed */
    free(rows);
    store_close(st);
    free(path);
}

TEST(test_bad_input)
{
    struct store *st = fixture_open(NULL);
    struct store_retry r = attempt("out-05", 2, "retry", 1);
    r.attempt = 0;
    CHECK_INT(store_retry_add(st, &r, 1, NULL, err, sizeof err), DT_EINVAL);
    r = attempt("", 2, "retry", 1);
    CHECK_INT(store_retry_add(st, &r, 1, NULL, err, sizeof err), DT_EINVAL);
    r = attempt("out-05", 2, "again", 1);
    CHECK_INT(store_retry_add(st, &r, 1, NULL, err, sizeof err), DT_EINVAL);
    r = attempt("out-05", 2, "retry", -1);
    CHECK_INT(store_retry_add(st, &r, 1, NULL, err, sizeof err), DT_EINVAL);
    r = attempt("out-05", 2, "retry", 1);
    dt_strlcpy(r.state, "dropped", sizeof r.state); /* only pending or placed are stored */
    CHECK_INT(store_retry_add(st, &r, 1, NULL, err, sizeof err), DT_EINVAL);
    r = attempt("out-05", 2, "retry", 1);
    r.agent[0] = '\0';
    CHECK_INT(store_retry_add(st, &r, 1, NULL, err, sizeof err), DT_EINVAL);
    char big[STORE_RETRY_ID_MAX + 8];
    memset(big, 'r', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(store_retry_set(st, 1, big, NULL, 1, err, sizeof err), DT_ETOOBIG);
    CHECK_INT(store_retry_claim(st, 0, 1, err, sizeof err), DT_EINVAL);
    struct store_retry got;
    CHECK_INT(store_retry_get(st, 42, &got, err, sizeof err), DT_ENOTFOUND);
    CHECK_STR(got.state, "");
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_add_get_claim);
    RUN(test_set_and_finish);
    RUN(test_next_and_open);
    RUN(test_bad_input);
    fixture_done();
    return check_done();
}

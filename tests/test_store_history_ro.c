/*
 * Tests for the history read on a read-only report connection (dialtone/store_history_ro.h)
 * beside the store's own (store_history): for every combination of filters the same calls in
 * the same order, the same *more and next cursor, page after page; the same errors with the
 * same words, which store_history_check gives without reading; a write made after the
 * connection opened is seen by its next page; and which filters store_history_seeks calls one
 * index seek.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/store.h"
#include "dialtone/store_history_ro.h"
#include "dialtone/store_report.h"
#include "dialtone/store_report_live.h"
#include "reports_fixture.h"

#define T0     1767225600000LL
#define NCALLS 60

static struct {
    struct rf_db db;
    struct store *st;
    struct store_report *r;
    struct store_history_ro *h;
} hr;

static char err[256];

static void add(int i)
{
    char sid[40], parent[40], from[24];
    snprintf(sid, sizeof sid, "CA%032d", i);
    snprintf(parent, sizeof parent, "CA%032d", 1);
    snprintf(from, sizeof from, "+1415555%04d", 100 + i % 7);
    static const char *const names[] = {"Ana Garcia", "Li Wei", NULL};
    static const char *const statuses[] = {"completed", "busy", "failed", "no-answer"};
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "status";
    u.status = statuses[i % 4];
    u.ts_ms = T0 + (i / 3) * 1000;
    u.payload = "x";
    u.payload_len = 1;
    u.direction = i % 5 ? "inbound" : "outbound-api";
    u.from = from;
    u.to = i % 2 ? "+14155550100" : "+14155550101";
    u.caller_name = names[i % 3];
    u.queue = i % 3 == 1 ? "sales" : "support";
    u.agent = i % 4 == 3 ? NULL : i % 2 ? "alice" : "bob";
    u.parent_sid = i > 1 && i % 6 == 0 ? parent : NULL;
    CHECK_INT(store_call_apply(hr.st, &u, NULL, err, sizeof err), DT_OK);
}

static int setup(void)
{
    memset(&hr, 0, sizeof hr);
    if (rf_db_make(&hr.db) != 0 || store_open(hr.db.path, &hr.st, err, sizeof err) != DT_OK) {
        printf("  setup: %s\n", err);
        return -1;
    }
    for (int i = 0; i < NCALLS; i++)
        add(i);
    if (store_report_open_store(hr.st, &hr.r, err, sizeof err) != DT_OK) {
        printf("  report connection: %s\n", err);
        return -1;
    }
    hr.h = store_history_ro_new(hr.r);
    return 0;
}

static void teardown(void)
{
    store_history_ro_free(hr.h);
    store_report_close(hr.r);
    store_close(hr.st);
    rf_db_remove(&hr.db);
}

/* Pages through f with limit on both connections, checking they agree; the calls read. */
static int page_both(const struct store_history_filter *f, int limit)
{
    struct store_cursor cur, next_st, next_ro;
    int have = 0, rows = 0;
    for (int page = 0; page <= NCALLS; page++) {
        struct store_call_list a, b;
        int more_a = -1, more_b = -1;
        int ra = store_history(hr.st, f, have ? &cur : NULL, limit, &a, &more_a, &next_st, err,
                               sizeof err);
        int rb = store_history_ro_page(hr.h, f, have ? &cur : NULL, limit, &b, &more_b, &next_ro,
                                       err, sizeof err);
        CHECK_INT(ra, DT_OK);
        CHECK_INT(rb, DT_OK);
        CHECK_INT((int)a.count, (int)b.count);
        CHECK_INT(more_a, more_b);
        for (size_t i = 0; i < a.count && i < b.count; i++) {
            CHECK_STR(a.items[i].sid, b.items[i].sid);
            CHECK(a.items[i].created_ms == b.items[i].created_ms);
            CHECK_STR(a.items[i].caller_name ? a.items[i].caller_name : "-",
                      b.items[i].caller_name ? b.items[i].caller_name : "-");
        }
        rows += (int)a.count;
        int more = more_a == 1 && more_b == 1;
        if (more) {
            CHECK(next_st.created_ms == next_ro.created_ms);
            CHECK_STR(next_st.sid, next_ro.sid);
            cur = next_st;
            have = 1;
        }
        store_call_list_done(&a);
        store_call_list_done(&b);
        if (ra != DT_OK || rb != DT_OK || !more)
            return rows;
    }
    return -1;
}

TEST(same_pages_on_both_connections)
{
    static const char *const status[] = {NULL, "busy"}, *const direction[] = {NULL, "inbound"},
                             *const number[] = {NULL, "+14155550100"},
                             *const agent[] = {NULL, "alice"}, *const queue[] = {NULL, "support"},
                             *const text[] = {NULL, "garcia"};
    int seen = 0;
    for (unsigned m = 0; m < 64 * 4; m++) {
        struct store_history_filter f = {
            .status = status[m & 1],
            .direction = direction[(m >> 1) & 1],
            .number = number[(m >> 2) & 1],
            .agent = agent[(m >> 3) & 1],
            .queue = queue[(m >> 4) & 1],
            .text = text[(m >> 5) & 1],
            .since_ms = m & 64 ? T0 + 3000 : 0,
            .until_ms = m & 128 ? T0 + 15000 : 0,
            .no_legs = (int)(m % 3 == 0),
        };
        int rows = page_both(&f, 1 + (int)(m % 4));
        CHECK(rows >= 0);
        seen += rows > 0;
    }
    /* most combinations find calls: the comparison compared something */
    CHECK(seen > 64);
    /* every call, and the Garcias (every third call, legs left out) */
    CHECK_INT(page_both(NULL, 7), NCALLS);
    struct store_history_filter g = {.text = "GARCIA", .no_legs = 1};
    int garcias = 0;
    for (int i = 0; i < NCALLS; i++)
        garcias += i % 3 == 0 && !(i > 1 && i % 6 == 0);
    CHECK_INT(page_both(&g, 4), garcias);
}

TEST(a_later_write_is_seen)
{
    struct store_history_filter f = {.text = "Zed Later"};
    struct store_call_list l;
    CHECK_INT(store_history_ro_page(hr.h, &f, NULL, 5, &l, NULL, NULL, err, sizeof err), DT_OK);
    CHECK_INT((int)l.count, 0);
    store_call_list_done(&l);
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = "CAlater";
    u.type = "status";
    u.status = "ringing";
    u.ts_ms = T0 + 999000;
    u.payload = "x";
    u.payload_len = 1;
    u.caller_name = "Zed Later";
    CHECK_INT(store_call_apply(hr.st, &u, NULL, err, sizeof err), DT_OK);
    CHECK_INT(store_history_ro_page(hr.h, &f, NULL, 5, &l, NULL, NULL, err, sizeof err), DT_OK);
    CHECK_INT((int)l.count, 1);
    if (l.count == 1)
        CHECK_STR(l.items[0].sid, "CAlater");
    store_call_list_done(&l);
}

TEST(same_errors)
{
    char big[STORE_TEXT_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    struct store_cursor bad_cur = {.created_ms = 1};
    memset(bad_cur.sid, 'x', sizeof bad_cur.sid);
    static const struct store_history_filter unknown = {.status = "ringing-ish", .text = "a"};
    struct store_history_filter long_text = {.text = big};
    const struct {
        const struct store_history_filter *f;
        const struct store_cursor *after;
        int limit, rc;
    } bad[] = {
        {.f = NULL, .limit = 0, .rc = DT_EINVAL},
        {.f = NULL, .limit = STORE_HISTORY_MAX_LIMIT + 1, .rc = DT_EINVAL},
        {.f = &unknown, .limit = 10, .rc = DT_EINVAL},
        {.f = &long_text, .limit = 10, .rc = DT_ETOOBIG},
        {.f = NULL, .after = &bad_cur, .limit = 10, .rc = DT_EINVAL},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char e1[256] = "", e2[256] = "", e3[256] = "";
        struct store_call_list a, b;
        int more = 7;
        CHECK_INT(store_history(hr.st, bad[i].f, bad[i].after, bad[i].limit, &a, NULL, NULL, e1,
                                sizeof e1),
                  bad[i].rc);
        CHECK_INT(store_history_ro_page(hr.h, bad[i].f, bad[i].after, bad[i].limit, &b, &more, NULL,
                                        e2, sizeof e2),
                  bad[i].rc);
        CHECK_INT(store_history_check(bad[i].f, bad[i].after, bad[i].limit, e3, sizeof e3),
                  bad[i].rc);
        CHECK(e1[0] != '\0');
        CHECK_STR(e1, e2);
        CHECK_STR(e1, e3);
        CHECK_INT((int)b.count, 0);
        CHECK(b.items == NULL);
        CHECK_INT(more, 0);
    }
    struct store_history_filter ok = {.status = "busy", .text = "x", .agent = "alice"};
    CHECK_INT(store_history_check(&ok, NULL, STORE_HISTORY_MAX_LIMIT, err, sizeof err), DT_OK);
    CHECK_INT(store_history_check(NULL, NULL, 1, err, sizeof err), DT_OK);
}

TEST(which_filters_seek)
{
    CHECK_INT(store_history_seeks(NULL), 1);
    struct store_history_filter f = {.since_ms = 5, .until_ms = 9, .no_legs = 1};
    CHECK_INT(store_history_seeks(&f), 1);
    f.text = "";
    CHECK_INT(store_history_seeks(&f), 1);
    f.number = "+1";
    CHECK_INT(store_history_seeks(&f), 1);
    f.queue = "support";
    CHECK_INT(store_history_seeks(&f), 0);
    f = (struct store_history_filter){.status = "busy"};
    CHECK_INT(store_history_seeks(&f), 1);
    f.text = "a";
    CHECK_INT(store_history_seeks(&f), 0);
    f = (struct store_history_filter){.agent = "alice", .direction = "inbound"};
    CHECK_INT(store_history_seeks(&f), 0);
}

int main(void)
{
    if (setup() != 0) {
        teardown();
        return 1;
    }
    RUN(same_pages_on_both_connections);
    RUN(a_later_write_is_seen);
    RUN(same_errors);
    RUN(which_filters_seek);
    teardown();
    return check_done();
}

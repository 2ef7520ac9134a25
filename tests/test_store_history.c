/*
 * Tests for the store's history: keyset pagination over 2,500 calls returns every matching
 * call exactly once, newest first, under each filter and their combinations; and every
 * combination of filters is planned as an index seek with no sort.
 */
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"

#define NCALLS  2500
#define BASE_MS 1700000000000LL

struct model {
    char sid[40];
    int64_t created_ms;
    const char *status, *direction, *agent, *queue;
    char from[16], to[16], caller[24];
};

static struct model calls[NCALLS];
static const char *const statuses[] = {"completed", "busy", "no-answer", "failed", "in-progress"};
static const char *const agents[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace"};

static void make_model(void)
{
    for (int i = 0; i < NCALLS; i++) {
        struct model *m = &calls[i];
        /* Scrambled sids, so that sid order is not insertion order; three calls share each
         * creation time, so that pages end in the middle of ties. */
        snprintf(m->sid, sizeof m->sid, "CA%08x%024x", (unsigned)i * 2654435761u, (unsigned)i);
        m->created_ms = BASE_MS + (i / 3) * 1000;
        m->status = statuses[i % 5];
        m->direction = i % 2 ? "inbound" : "outbound-api";
        m->agent = i % 11 == 0 ? NULL : agents[i % 7];
        m->queue = i % 3 ? "support" : "sales";
        snprintf(m->from, sizeof m->from, "+1555000%04d", i % 50);
        if (i % 97 == 0)
            memcpy(m->to, m->from, sizeof m->to);
        else
            snprintf(m->to, sizeof m->to, "+1555999%04d", i % 40);
        snprintf(m->caller, sizeof m->caller, "Caller %d", i);
    }
}

static int insert_model(struct store *st)
{
    for (int i = 0; i < NCALLS; i++) {
        const struct model *m = &calls[i];
        struct store_call_update u;
        store_call_update_init(&u);
        u.sid = m->sid;
        u.type = "status";
        u.status = m->status;
        u.seq = 0;
        u.ts_ms = m->created_ms;
        u.payload = m->caller;
        u.payload_len = strlen(m->caller);
        u.direction = m->direction;
        u.agent = m->agent;
        u.queue = m->queue;
        u.from = m->from;
        u.to = m->to;
        u.caller_name = m->caller;
        char err[256];
        if (store_call_apply(st, &u, NULL, err, sizeof err) != DT_OK) {
            printf("  insert %d: %s\n", i, err);
            return -1;
        }
    }
    return 0;
}

static int ieq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Case-insensitive (ASCII) substring, as SQLite's LIKE does it. */
static int icontains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; hay && *hay; hay++) {
        size_t k = 0;
        while (k < n && hay[k] && (hay[k] | 0x20) == (needle[k] | 0x20))
            k++;
        if (k == n)
            return 1;
    }
    return 0;
}

static int matches(const struct model *m, const struct store_history_filter *f)
{
    if (f->status && !ieq(m->status, f->status))
        return 0;
    if (f->direction && !ieq(m->direction, f->direction))
        return 0;
    if (f->number && !ieq(m->from, f->number) && !ieq(m->to, f->number))
        return 0;
    if (f->agent && !ieq(m->agent, f->agent))
        return 0;
    if (f->queue && !ieq(m->queue, f->queue))
        return 0;
    if (f->since_ms > 0 && m->created_ms < f->since_ms)
        return 0;
    if (f->until_ms > 0 && m->created_ms >= f->until_ms)
        return 0;
    if (f->text && *f->text && !icontains(m->sid, f->text) && !icontains(m->from, f->text) &&
        !icontains(m->to, f->text) && !icontains(m->caller, f->text) &&
        !icontains(m->agent, f->text) && !icontains(m->queue, f->text))
        return 0;
    return 1;
}

static int newest_first(const void *a, const void *b)
{
    const struct model *x = *(const struct model *const *)a, *y = *(const struct model *const *)b;
    if (x->created_ms != y->created_ms)
        return x->created_ms > y->created_ms ? -1 : 1;
    return -strcmp(x->sid, y->sid);
}

/* Pages through the history with filter f and page size limit, and compares with the model. */
static void check_history(struct store *st, const struct store_history_filter *f, int limit,
                          size_t min_expected)
{
    static const struct store_history_filter none;
    const struct model **want = xcalloc(NCALLS, sizeof *want);
    size_t nwant = 0, got = 0;
    for (int i = 0; i < NCALLS; i++) {
        if (matches(&calls[i], f ? f : &none))
            want[nwant++] = &calls[i];
    }
    qsort(want, nwant, sizeof *want, newest_first);
    CHECK(nwant >= min_expected);

    struct store_cursor cur;
    const struct store_cursor *after = NULL;
    int more = 1, pages = 0;
    while (more && pages <= NCALLS) {
        struct store_call_list l;
        char err[256] = "";
        int rc = store_history(st, f, after, limit, &l, &more, &cur, err, sizeof err);
        if (rc != DT_OK)
            printf("  store_history: %s\n", err);
        CHECK_INT(rc, DT_OK);
        if (more)
            CHECK_INT(l.count, limit);
        for (size_t i = 0; i < l.count; i++, got++) {
            if (got >= nwant || strcmp(l.items[i].sid, want[got]->sid) != 0) {
                CHECK_FAIL_("row %zu: got %s", got, l.items[i].sid);
                more = 0;
                break;
            }
            CHECK_INT(l.items[i].created_ms, want[got]->created_ms);
        }
        store_call_list_done(&l);
        after = &cur;
        pages++;
    }
    CHECK_INT(got, nwant);
    free(want);
}

TEST(keyset_pages_cover_everything_once)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    make_model();
    CHECK_INT(insert_model(st), 0);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls", "2500");

    struct store_history_filter all = {0};
    check_history(st, &all, 100, NCALLS);
    check_history(st, NULL, 1000, NCALLS);
    check_history(st, &(struct store_history_filter){.agent = "alice"}, 100, 300);
    check_history(st, &(struct store_history_filter){.status = "busy"}, 37, 400);
    check_history(st, &(struct store_history_filter){.number = "+15550000007"}, 5, 50);
    check_history(st, &(struct store_history_filter){.number = "+15559990003"}, 100, 50);
    check_history(st, &(struct store_history_filter){.direction = "inbound", .queue = "sales"}, 50,
                  400);
    int64_t since = BASE_MS + 200 * 1000, until = BASE_MS + 500 * 1000;
    check_history(st, &(struct store_history_filter){.since_ms = since, .until_ms = until}, 64,
                  900);
    check_history(st, &(struct store_history_filter){.until_ms = until}, 100, 1500);
    check_history(st, &(struct store_history_filter){.text = "caller 12"}, 10, 20);
    check_history(st, &(struct store_history_filter){.text = "ALICE"}, 100, 300);
    struct store_history_filter combo = {.agent = "bob",
                                         .status = "completed",
                                         .since_ms = since,
                                         .until_ms = until + 300 * 1000,
                                         .text = "caller 1"};
    check_history(st, &combo, 3, 5);
    combo.number = "+15550000001";
    check_history(st, &combo, 2, 0);
    check_history(st, &(struct store_history_filter){.agent = "nobody"}, 10, 0);
    check_history(st, &(struct store_history_filter){.status = "queued"}, 10, 0);
    store_close(st);
}

TEST(history_rejects_bad_input)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    struct store_call_list l = {.count = 99};
    char err[128];
    CHECK_INT(store_history(st, NULL, NULL, 0, &l, NULL, NULL, err, sizeof err), DT_EINVAL);
    CHECK(l.count == 0 && l.items == NULL);
    CHECK_INT(
        store_history(st, NULL, NULL, STORE_HISTORY_MAX_LIMIT + 1, &l, NULL, NULL, err, sizeof err),
        DT_EINVAL);
    struct store_history_filter f = {.status = "ringin"};
    CHECK_INT(store_history(st, &f, NULL, 10, &l, NULL, NULL, err, sizeof err), DT_EINVAL);
    struct store_cursor bad;
    memset(&bad, 'A', sizeof bad);
    CHECK_INT(store_history(st, NULL, &bad, 10, &l, NULL, NULL, err, sizeof err), DT_EINVAL);
    int more = 7;
    CHECK_INT(store_history(st, NULL, NULL, 10, &l, &more, NULL, err, sizeof err), DT_OK);
    CHECK(l.count == 0 && more == 0);
    store_call_list_done(&l);
    store_close(st);
}

/* Every plan step that reads calls must seek an index (or, for a first page with no filter,
 * walk one from its end); none may sort in a temporary b-tree; with a cursor the seek must
 * start at it. */
static void check_plan(struct store *st, const struct store_history_filter *f,
                       const struct store_cursor *after)
{
    char *plan = NULL, err[256] = "";
    int rc = store_history_explain(st, f, after, &plan, err, sizeof err);
    CHECK_INT(rc, DT_OK);
    if (rc != DT_OK)
        return;
    int bad = strstr(plan, "TEMP B-TREE") != NULL;
    int reads = 0;
    for (char *line = strtok(plan, "\n"); line; line = strtok(NULL, "\n")) {
        if (!strstr(line, "calls"))
            continue;
        reads++;
        int walk = !after && strcmp(line, "SCAN calls USING INDEX calls_created") == 0;
        if (!walk && (strncmp(line, "SEARCH calls USING ", 19) != 0 || !strstr(line, "INDEX ")))
            bad = 1;
        if (after && !strstr(line, "(created_ms,sid)<(?,?)"))
            bad = 1;
    }
    if (bad || reads == 0) {
        CHECK_FAIL_("bad plan for status=%d direction=%d number=%d agent=%d queue=%d since=%d "
                    "until=%d text=%d cursor=%d",
                    !!f->status, !!f->direction, !!f->number, !!f->agent, !!f->queue,
                    f->since_ms > 0, f->until_ms > 0, !!f->text, !!after);
        free(plan);
        store_history_explain(st, f, after, &plan, NULL, 0);
        printf("%s", plan);
    }
    free(plan);
}

TEST(every_filter_combination_seeks_an_index)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    struct store_cursor cur = {.created_ms = BASE_MS, .sid = "CA00000000000000000000000000000001"};
    for (unsigned mask = 0; mask < 256; mask++) {
        struct store_history_filter f = {
            .status = mask & 1 ? "busy" : NULL,
            .direction = mask & 2 ? "inbound" : NULL,
            .number = mask & 4 ? "+15550001111" : NULL,
            .agent = mask & 8 ? "alice" : NULL,
            .queue = mask & 16 ? "support" : NULL,
            .since_ms = mask & 32 ? BASE_MS - 1000 : 0,
            .until_ms = mask & 64 ? BASE_MS + 1000 : 0,
            .text = mask & 128 ? "needle" : NULL,
        };
        check_plan(st, &f, NULL);
        check_plan(st, &f, &cur);
    }
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(keyset_pages_cover_everything_once);
    RUN(history_rejects_bad_input);
    RUN(every_filter_combination_seeks_an_index);
    fixture_done();
    return check_done();
}

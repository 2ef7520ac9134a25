/*
 * Tests for the history pages read on the query worker (src/server/api_calls.c,
 * server/readq_int.h): against an in-process daemon on a database file, a text search (and two
 * equality filters) is answered through the worker, byte for byte as the loop answers it on the
 * same calls, page after page by its cursor, with outcome and legs too; a page one index seek
 * reads stays on the loop; a bad filter is refused 400 without being queued; the loop answers
 * /healthz while a text search is held; a full queue refuses the next search 503 with
 * Retry-After; stopping with a search held answers it 503. On an in-memory database (no worker)
 * a text search is read on the loop and pages as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "check.h"
#include "dialtone/agents.h"
#include "dialtone/store.h"
#include "api_http.h"
#include "api_server.h"
#include "net_helper.h"
#include "readq_fixture.h"
#include "reports_fixture.h"
#include "server/api_int.h"
#include "server/readq_int.h"

#define CONF                                                                                       \
    "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = t0k\n"               \
    "public_base_url = https://dialtone.example.com\n[server]\nport = 0\n"                         \
    "[queue \"support\"]\n[queue \"sales\"]\n"
#define T0     1767225600000LL /* 2026-01-01T00:00:00Z */
#define NCALLS 40
#define SEARCH "/api/v1/calls?text=garcia&limit=3"

static struct rqf hx;
static char alice[AGENTS_TOKEN_SIZE];

static const char *const names[] = {"Ana Garcia", "Li Wei", "Marco Rossi", NULL};
static const char *const statuses[] = {"completed", "busy", "failed", "no-answer", "completed"};

/* Call i of the fixture: every third a Garcia, pairs created in the same millisecond (so the
 * cursor's sid decides), some in sales, some answered by alice, every seventh a leg of call 0. */
static void add_call(struct store *st, int i)
{
    char sid[40], parent[40], from[24], err[256];
    snprintf(sid, sizeof sid, "CA%032d", i);
    snprintf(parent, sizeof parent, "CA%032d", 0);
    snprintf(from, sizeof from, "+1415555%04d", 7700 + i % 9);
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "status";
    u.status = statuses[i % 5];
    u.ts_ms = T0 + (i / 2) * 60000;
    u.payload = "x=1";
    u.payload_len = 3;
    u.direction = i % 4 == 3 ? "outbound-api" : "inbound";
    u.from = from;
    u.to = "+14155550100";
    u.caller_name = names[i % 4];
    u.queue = i % 5 == 2 ? "sales" : "support";
    u.agent = i % 2 ? "alice" : NULL;
    u.duration_s = i % 5 == 0 ? 30 + i : STORE_ABSENT;
    u.parent_sid = i && i % 7 == 0 ? parent : NULL;
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
}

/* GET path with token (none when NULL): the status, the body in out (raw, as sent). */
static long get_raw(struct api_server *x, const char *path, const char *token, struct dt_buf *out)
{
    struct api_http_req r = {
        .port = server_port(x->srv), .method = "GET", .path = path, .token = token};
    dt_buf_init(&r.out);
    net_run_client(x->loop, api_http_run, &r, 15000);
    dt_buf_putc(&r.out, '\0');
    *out = r.out;
    return r.status;
}

/* The same GET read on the loop: the daemon's worker put aside for it. */
static long get_on_loop(const char *path, struct dt_buf *out)
{
    struct readq *q = hx.s.api->readq;
    hx.s.api->readq = NULL;
    long st = get_raw(&hx.s, path, alice, out);
    hx.s.api->readq = q;
    return st;
}

static uint64_t answered(void)
{
    struct readq_counts c;
    readq_counts(hx.s.api->readq, &c);
    return c.answered;
}

/* The next_cursor of a page, into buf ("" for null); 0 when the page is not one. */
static int cursor_of(const char *body, char *buf, size_t n)
{
    cJSON *o = cJSON_Parse(body);
    cJSON *c = cJSON_GetObjectItem(o, "next_cursor");
    int ok =
        cJSON_IsArray(cJSON_GetObjectItem(o, "calls")) && (cJSON_IsNull(c) || cJSON_IsString(c));
    dt_strlcpy(buf, cJSON_IsString(c) ? c->valuestring : "", n);
    cJSON_Delete(o);
    return ok;
}

static int rows_of(const char *body)
{
    cJSON *o = cJSON_Parse(body);
    int n = cJSON_GetArraySize(cJSON_GetObjectItem(o, "calls"));
    cJSON_Delete(o);
    return n;
}

/* Pages through query on the worker and on the loop alike; checks each page is the same bytes
 * and came through the worker. The calls seen, or -1. */
static int page_both(const char *query)
{
    char cur[128] = "", path[512];
    int rows = 0;
    for (int page = 0; page < NCALLS; page++) {
        snprintf(path, sizeof path, "%s%s%s", query, cur[0] ? "&cursor=" : "", cur);
        struct dt_buf w, l;
        uint64_t before = answered();
        long ws = get_raw(&hx.s, path, alice, &w);
        CHECK_INT((int)(answered() - before), 1);
        long ls = get_on_loop(path, &l);
        CHECK_INT((int)(answered() - before), 1);
        CHECK_INT(ws, 200);
        CHECK_INT(ls, 200);
        CHECK_STR(w.data, l.data);
        int ok = ws == 200 && cursor_of(w.data, cur, sizeof cur);
        rows += rows_of(w.data);
        dt_buf_done(&w);
        dt_buf_done(&l);
        if (!ok)
            return -1;
        if (!cur[0])
            return rows;
    }
    return -1;
}

/* How many fixture calls match: a Garcia (every fourth: i % 4 == 0), not a leg unless legs. */
static int garcias(int legs)
{
    int n = 0;
    for (int i = 0; i < NCALLS; i++)
        n += i % 4 == 0 && (legs || !(i && i % 7 == 0));
    return n;
}

static int setup(void)
{
    memset(&hx, 0, sizeof hx);
    if (rqf_start(&hx, CONF) != 0)
        return -1;
    api_server_agent(&hx.s, "alice", DT_ROLE_AGENT, "client:alice", "support", alice);
    for (int i = 0; i < NCALLS; i++)
        add_call(hx.s.st, i);
    return 0;
}

/* ---- the same answers through the worker ----------------------------------------------------- */

TEST(text_search_through_the_worker)
{
    CHECK_INT(page_both(SEARCH), garcias(0));
    CHECK_INT(page_both("/api/v1/calls?text=GARC&limit=2&legs=1"), garcias(1));
    /* outcome is read from each page's calls, after the query: the same on both */
    CHECK(page_both("/api/v1/calls?text=%2B1415555&limit=4&outcome=busy") > 0);
    CHECK(page_both("/api/v1/calls?text=rossi&limit=5&from=2026-01-01T00:03:00Z&"
                    "to=2026-01-01T00:15:00Z") > 0);
    /* two equality filters: one index seek tests the other on every row it reads */
    CHECK(page_both("/api/v1/calls?status=completed&queue=support&limit=2") > 0);
    CHECK(page_both("/api/v1/calls?agent=alice&direction=inbound&limit=3") > 0);
    /* a text no call holds: one empty page, no cursor */
    CHECK_INT(page_both("/api/v1/calls?text=nobody%25_here"), 0);
}

TEST(a_seek_stays_on_the_loop)
{
    static const char *const paths[] = {
        "/api/v1/calls?limit=3",
        "/api/v1/calls?status=busy",
        "/api/v1/calls?number=%2B14155557700&from=2026-01-01",
        "/api/v1/calls?queue=sales&legs=1&outcome=failed",
        "/api/v1/calls?text=",
    };
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        struct dt_buf b;
        uint64_t before = answered();
        CHECK_INT(get_raw(&hx.s, paths[i], alice, &b), 200);
        CHECK(rows_of(b.data) > 0);
        CHECK_INT((int)(answered() - before), 0);
        dt_buf_done(&b);
    }
}

TEST(bad_queries_are_not_queued)
{
    static const struct {
        const char *path;
        long status;
        const char *says;
    } bad[] = {
        {"/api/v1/calls?text=garcia&status=nope", 400, "\"code\":\"bad_filter\""},
        {"/api/v1/calls?text=garcia&limit=0", 400, "\"code\":\"bad_limit\""},
        {"/api/v1/calls?text=garcia&cursor=12.x%21", 400, "\"code\":\"bad_cursor\""},
        {"/api/v1/calls?text=garcia&from=yesterday", 400, "\"code\":\"bad_date\""},
        {"/api/v1/calls?text=garcia&legs=2", 400, "\"code\":\"bad_legs\""},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct dt_buf w, l;
        uint64_t before = answered();
        CHECK_INT(get_raw(&hx.s, bad[i].path, alice, &w), bad[i].status);
        CHECK_INT(get_on_loop(bad[i].path, &l), bad[i].status);
        CHECK_STR(w.data, l.data);
        CHECK(strstr(w.data, bad[i].says) != NULL);
        CHECK_INT((int)(answered() - before), 0);
        dt_buf_done(&w);
        dt_buf_done(&l);
    }
    /* no token, a bad one: refused before anything is read */
    struct dt_buf b;
    uint64_t before = answered();
    CHECK_INT(get_raw(&hx.s, SEARCH, NULL, &b), 401);
    dt_buf_done(&b);
    CHECK_INT(get_raw(&hx.s, SEARCH, "not-a-token", &b), 401);
    dt_buf_done(&b);
    CHECK_INT((int)(answered() - before), 0);
}

/* ---- the loop is free while a search runs ---------------------------------------------------- */

/* A GET of path sent on a new connection (with alice's token); the socket, or -1. */
static int open_get(const char *path)
{
    return rqf_open_get(&hx, path, alice);
}

static void held_client(void *arg)
{
    (void)arg;
    struct dt_buf b;
    dt_buf_init(&b);
    int fd = open_get(SEARCH);
    CHECK(rqf_wait_queue(&hx, 1, 0));
    rqf_check_healthz(&hx, alice, &b);
    /* a page the loop reads is answered too */
    int first = open_get("/api/v1/calls?limit=1");
    CHECK_INT(rqf_answer(first, &b, RQF_WAIT_MS), 200);
    rqf_check_let_go(&hx, fd, &b);
    CHECK_INT(rows_of(raw_body(&b)), 3);
    CHECK(strstr(raw_body(&b), "Ana Garcia") != NULL);
    close(first);
    close(fd);
    dt_buf_done(&b);
}

TEST(loop_answers_while_a_search_is_held)
{
    CHECK(rqf_run_held(&hx, held_client, NULL));
}

static void full_client(void *arg)
{
    (void)arg;
    int fds[READQ_WAITING_MAX + 1];
    rqf_fill(&hx, SEARCH, alice, fds);
    struct dt_buf b;
    dt_buf_init(&b);
    rqf_check_refused(&hx, SEARCH, alice, &b);
    /* a page the loop reads is not refused */
    int seek = open_get("/api/v1/calls?status=busy");
    CHECK_INT(rqf_answer(seek, &b, RQF_WAIT_MS), 200);
    close(seek);
    readq_hold(hx.s.api->readq, 0);
    int ok = 0;
    for (int i = 0; i <= READQ_WAITING_MAX; i++) {
        ok += rqf_answer(fds[i], &b, RQF_WAIT_MS) == 200 && rows_of(raw_body(&b)) == 3;
        close(fds[i]);
    }
    CHECK_INT(ok, READQ_WAITING_MAX + 1);
    dt_buf_done(&b);
}

TEST(a_full_queue_refuses_a_search)
{
    CHECK(rqf_run_held(&hx, full_client, NULL));
}

TEST(stop_with_a_search_held)
{
    rqf_stop_in_flight(&hx, SEARCH, "/api/v1/calls?text=rossi&status=busy", alice);
}

/* ---- no worker: an in-memory database -------------------------------------------------------- */

TEST(text_search_in_memory)
{
    struct api_server m = {0};
    char token[AGENTS_TOKEN_SIZE];
    if (api_server_start(&m, CONF, NULL, NULL, NULL) != 0) {
        CHECK(0);
        api_server_stop(&m);
        return;
    }
    CHECK(m.api->readq == NULL);
    api_server_agent(&m, "alice", DT_ROLE_AGENT, "client:alice", "support", token);
    for (int i = 0; i < NCALLS; i++)
        add_call(m.st, i);
    char cur[128] = "", path[256], prev[40] = "~";
    int rows = 0, pages = 0;
    do {
        snprintf(path, sizeof path, "%s%s%s", SEARCH, cur[0] ? "&cursor=" : "", cur);
        struct dt_buf b;
        CHECK_INT(get_raw(&m, path, token, &b), 200);
        cJSON *o = cJSON_Parse(b.data);
        cJSON *c;
        cJSON_ArrayForEach(c, cJSON_GetObjectItem(o, "calls"))
        {
            const char *sid = cJSON_GetStringValue(cJSON_GetObjectItem(c, "sid"));
            CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(c, "caller_name")), "Ana Garcia");
            /* newest first: within one millisecond, the greater sid first */
            CHECK(sid && strcmp(sid, prev) < 0);
            dt_strlcpy(prev, sid ? sid : "", sizeof prev);
            rows++;
        }
        cJSON_Delete(o);
        if (!cursor_of(b.data, cur, sizeof cur))
            cur[0] = '\0';
        dt_buf_done(&b);
    } while (cur[0] && ++pages < NCALLS);
    CHECK_INT(rows, garcias(0));
    struct dt_buf b;
    CHECK_INT(get_raw(&m, "/api/v1/calls?text=garcia&status=nope", token, &b), 400);
    CHECK(strstr(b.data, "\"code\":\"bad_filter\"") != NULL);
    dt_buf_done(&b);
    api_server_stop(&m);
}

int main(void)
{
    net_raise_fd_limit();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int ok = setup() == 0;
    if (ok) {
        RUN(text_search_through_the_worker);
        RUN(a_seek_stays_on_the_loop);
        RUN(bad_queries_are_not_queued);
        RUN(loop_answers_while_a_search_is_held);
        RUN(a_full_queue_refuses_a_search);
        RUN(stop_with_a_search_held);
    }
    rqf_stop(&hx);
    RUN(text_search_in_memory);
    curl_global_cleanup();
    return ok ? check_done() : 1;
}

/*
 * Tests for the daemon's pruning of its logs ([retention]), against an in-process server (no
 * Twilio client) on a store file: rows older than the limit written before start are gone
 * soon after it, more than one batch of them too (the next batch follows at once, not a minute
 * later), younger ones and the history stay, the round is logged with its counts and /metrics
 * counts them; 0 days keeps everything; and a websocket client whose after_seq is older than the
 * oldest event kept is told to resync and closed, while one within the log catches up as
 * before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "api_http.h"
#include "check.h"
#include "dialtone/log.h"
#include "push_fixture.h"
#include "server/retention_int.h"
#include "server/server_int.h"
#include "store_fixture.h"

#define CONF_HEAD                                                                                  \
    "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = keep-t0ken\n"        \
    "public_base_url = https://dialtone.example.com\n"                                             \
    "[server]\nport = 0\n"                                                                         \
    "[queue \"support\"]\n"

#define DAY_MS     (86400 * INT64_C(1000))
#define OLD_EVENTS (SERVER_RETENTION_BATCH * 2 + 500)

static struct config rx_cfg;
static struct store *rx_st;
static struct push_fixture rx;

static char err[256];

static int setup_config(const char *retention)
{
    char *conf = xasprintf("%s%s", CONF_HEAD, retention);
    config_init(&rx_cfg);
    int rc = config_load_string(&rx_cfg, "t.conf", conf, err, sizeof err);
    free(conf);
    rx_st = rc == DT_OK ? fixture_open(NULL) : NULL;
    if (!rx_st) {
        printf("  setup: %s\n", err);
        return -1;
    }
    return 0;
}

/* The server and its push on the store as the test left it. */
static int start(void)
{
    return push_fixture_start(&rx, &rx_cfg, rx_st, 0);
}

static void teardown(void)
{
    push_fixture_stop(&rx);
    store_close(rx_st);
    rx_st = NULL;
    config_done(&rx_cfg);
}

static void add_events(int n, int64_t ts_ms)
{
    CHECK_INT(store_tx_begin(rx_st, err, sizeof err), DT_OK);
    for (int i = 0; i < n; i++)
        CHECK_INT(store_event_append(rx_st, "test.event", ts_ms + i, "{\"old\":1}", NULL, err,
                                     sizeof err),
                  DT_OK);
    CHECK_INT(store_tx_commit(rx_st, err, sizeof err), DT_OK);
}

static void add_webhooks(int n, int64_t received_ms)
{
    for (int i = 0; i < n; i++) {
        struct store_webhook w = {.received_ms = received_ms + i,
                                  .path = "/twilio/status",
                                  .signature_ok = 1,
                                  .body = "CallSid=CA1",
                                  .body_len = 11};
        CHECK_INT(store_webhook_log(rx_st, &w, NULL, err, sizeof err), DT_OK);
    }
}

static long long count(const char *sql)
{
    char *v = fixture_query(store_db(rx_st), sql);
    long long n = atoll(v);
    free(v);
    return n;
}

/* Runs the loop until the events table holds want rows or ms pass; whether it did. */
static int loop_until_events(long long want, int ms)
{
    uint64_t end = netloop_now_ms() + (uint64_t)ms;
    int never = 0;
    while (count("SELECT count(*) FROM events") != want && netloop_now_ms() < end)
        net_run_until(rx.loop, &never, 20);
    return count("SELECT count(*) FROM events") == want;
}

/* The value of the /metrics line that starts with prefix, or -1. */
static long metric(const char *prefix)
{
    struct api_http_req r = {.port = server_port(rx.srv), .method = "GET", .path = "/metrics"};
    dt_buf_init(&r.out);
    net_run_client(rx.loop, api_http_run, &r, 15000);
    char *line = xasprintf("\n%s", prefix);
    const char *m = r.out.data ? r.out.data : "", *p = strstr(m, line);
    long v = p ? atol(p + strlen(line)) : -1;
    free(line);
    dt_buf_done(&r.out);
    return v;
}

static char *read_all(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *s = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    rewind(f);
    size_t got = n > 0 ? fread(s, 1, (size_t)n, f) : 0;
    s[got] = '\0';
    return s;
}

TEST(timer_prunes_old_rows)
{
    CHECK_INT(setup_config("[retention]\nevents_days = 1\nwebhook_log_days = 2\n"), 0);
    int64_t now = server_now_ms();
    add_events(OLD_EVENTS, now - 3 * DAY_MS);
    add_events(3, now - DAY_MS / 2); /* young */
    add_webhooks(5, now - 3 * DAY_MS);
    add_webhooks(2, now - DAY_MS - DAY_MS / 2); /* older than 1 day, younger than 2 */
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = "CA00000000000000000000000000000001";
    u.type = "status";
    u.status = "completed";
    u.ts_ms = now - 30 * DAY_MS;
    u.payload = "CallStatus=completed";
    u.payload_len = strlen(u.payload);
    CHECK_INT(store_call_apply(rx_st, &u, NULL, err, sizeof err), DT_OK);
    FILE *logf = tmpfile();
    log_set_output(logf);
    CHECK_INT(start(), 0);
    /* Three batches of events, within a few seconds: not one a minute. */
    CHECK(loop_until_events(3, 15000));
    CHECK_INT(count("SELECT min(seq) FROM events"), OLD_EVENTS + 1);
    CHECK_INT(count("SELECT count(*) FROM webhook_log"), 2);
    CHECK_INT(count("SELECT min(id) FROM webhook_log"), 6);
    CHECK_INT(count("SELECT count(*) FROM calls"), 1);
    CHECK_INT(count("SELECT count(*) FROM call_events"), 1);
    struct server_retention_counts c;
    server_retention_get_counts(rx.srv->retention, &c);
    CHECK_INT(c.pruned[STORE_PRUNE_EVENTS], OLD_EVENTS);
    CHECK_INT(c.pruned[STORE_PRUNE_WEBHOOK_LOG], 5);
    CHECK_INT(c.errors, 0);
    CHECK_INT(metric("dialtone_pruned_total{table=\"events\"} "), OLD_EVENTS);
    CHECK_INT(metric("dialtone_pruned_total{table=\"webhook_log\"} "), 5);
    CHECK_INT(metric("dialtone_prune_errors_total "), 0);
    CHECK_INT(metric("dialtone_retention_days{table=\"events\"} "), 1);
    CHECK_INT(metric("dialtone_retention_days{table=\"webhook_log\"} "), 2);
    /* One line for the round, with its counts; the rounds after it delete nothing and say
     * nothing. */
    log_set_output(NULL);
    char *text = read_all(logf);
    fclose(logf);
    char want[160];
    snprintf(want, sizeof want,
             "retention: pruned %d events rows older than 1 day, 5 webhook_log rows older "
             "than 2 days\n",
             OLD_EVENTS);
    CHECK(strstr(text, want) != NULL);
    const char *first = strstr(text, "retention:");
    CHECK(first && !strstr(first + 1, "retention:"));
    if (!strstr(text, want))
        printf("  log: %s\n", text);
    free(text);
    teardown();
}

TEST(zero_days_keeps_everything)
{
    CHECK_INT(setup_config("[retention]\nevents_days = 0\nwebhook_log_days = 0\n"), 0);
    add_events(10, 1000); /* 1970 */
    add_webhooks(10, 1000);
    CHECK_INT(start(), 0);
    CHECK(rx.srv->retention != NULL);
    int never = 0; /* past the first round's time */
    net_run_until(rx.loop, &never, SERVER_RETENTION_FIRST_MS + 500);
    CHECK_INT(count("SELECT count(*) FROM events"), 10);
    CHECK_INT(count("SELECT count(*) FROM webhook_log"), 10);
    CHECK_INT(metric("dialtone_pruned_total{table=\"events\"} "), 0);
    CHECK_INT(metric("dialtone_retention_days{table=\"events\"} "), 0);
    CHECK_INT(metric("dialtone_retention_days{table=\"webhook_log\"} "), 0);
    teardown();
}

TEST(one_table_kept_for_ever)
{
    CHECK_INT(setup_config("[retention]\nevents_days = 0\nwebhook_log_days = 1\n"), 0);
    add_events(10, 1000);
    add_webhooks(10, 1000);
    add_webhooks(1, server_now_ms());
    CHECK_INT(start(), 0);
    uint64_t end = netloop_now_ms() + 15000;
    int never = 0;
    while (count("SELECT count(*) FROM webhook_log") != 1 && netloop_now_ms() < end)
        net_run_until(rx.loop, &never, 20);
    CHECK_INT(count("SELECT count(*) FROM webhook_log"), 1);
    CHECK_INT(count("SELECT count(*) FROM events"), 10);
    teardown();
}

static int connect_after(struct cli *r, const char *query)
{
    return push_fixture_connect(&rx, r, &rx.hdr, query);
}

static const char *type_of(const struct cli *r, int i, char *buf, size_t n)
{
    cJSON *o = cJSON_Parse(r->msgs.data[i]);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
    dt_strlcpy(buf, cJSON_IsString(t) ? t->valuestring : "", n);
    cJSON_Delete(o);
    return buf;
}

static long long seq_of(const struct cli *r, int i)
{
    cJSON *o = cJSON_Parse(r->msgs.data[i]);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seq");
    long long v = cJSON_IsNumber(s) ? (long long)s->valuedouble : -1;
    cJSON_Delete(o);
    return v;
}

TEST(push_resync_after_pruned_seq)
{
    CHECK_INT(setup_config("[retention]\nevents_days = 1\n"), 0);
    int64_t now = server_now_ms();
    add_events(5, now - 3 * DAY_MS); /* 1-5: pruned */
    add_events(3, now);              /* 6-8: kept */
    CHECK_INT(start(), 0);
    CHECK(loop_until_events(3, 15000));
    CHECK_INT(count("SELECT min(seq) FROM events"), 6);
    char t[32];
    /* Older than the oldest kept: resync and a close, as a client too slow is; no snapshot. */
    const char *gone[] = {"?after_seq=0", "?after_seq=2", "?after_seq=4"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++) {
        struct cli r;
        CHECK_INT(connect_after(&r, gone[i]), 0);
        CHECK(loop_until_ge(rx.loop, &r.closed, 1, 5000));
        CHECK_INT(r.info.opened, 1);
        CHECK_INT(r.info.code, 1008);
        CHECK_INT(r.msgs.n, 1);
        if (r.msgs.n == 1)
            CHECK_STR(type_of(&r, 0, t, sizeof t), "resync");
        cli_done(&r);
    }
    /* Just before the oldest kept: nothing is missing; the backlog and then live events. */
    struct cli b;
    CHECK_INT(connect_after(&b, "?after_seq=5"), 0);
    CHECK(loop_until_ge(rx.loop, &b.msgs.n, 4, 5000));
    CHECK_INT(server_emit(rx.srv, "test.event", "{\"live\":1}", NULL), DT_OK);
    CHECK(loop_until_ge(rx.loop, &b.msgs.n, 5, 5000));
    CHECK_INT(b.closed, 0);
    CHECK_STR(type_of(&b, 0, t, sizeof t), "snapshot");
    for (int i = 1; i < b.msgs.n; i++)
        CHECK_INT(seq_of(&b, i), 5 + i);
    cli_done(&b);
    /* Up to date, and without after_seq: a snapshot, no resync. */
    const char *fine[] = {"?after_seq=9", ""};
    for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++) {
        struct cli r;
        CHECK_INT(connect_after(&r, fine[i]), 0);
        CHECK(loop_until_ge(rx.loop, &r.msgs.n, 1, 5000));
        int never = 0;
        net_run_until(rx.loop, &never, 50);
        CHECK_INT(r.closed, 0);
        CHECK_INT(r.msgs.n, 1);
        CHECK_STR(type_of(&r, 0, t, sizeof t), "snapshot");
        cli_done(&r);
    }
    teardown();
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (fixture_init() != 0)
        return 1;
    RUN(timer_prunes_old_rows);
    RUN(zero_days_keeps_everything);
    RUN(one_table_kept_for_ever);
    RUN(push_resync_after_pruned_seq);
    fixture_done();
    curl_global_cleanup();
    return check_done();
}

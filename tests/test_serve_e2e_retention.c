/*
 * End-to-end test of `dialtone serve` pruning its logs ([retention] of one day for events, two
 * for the webhook audit log): rows written with old times into the database of a stopped
 * daemon are gone soon after it starts again, younger rows and the calls stay, the daemon's
 * log has the round's line and /metrics counts the rows; a webhook after that is logged and
 * its events get the next seqs.
 */
#include "serve_e2e_fixture.h"

#define WAIT 20000
#define OLD  2300 /* events: more than two batches */

#define CONF_EXTRA "[queue \"support\"]\n[retention]\nevents_days = 1\nwebhook_log_days = 2\n"

/* The value of the /metrics line that starts with prefix, or -1. */
static long metric(const char *prefix)
{
    struct se_resp r = se_get("/metrics");
    char *line = xasprintf("\n%s", prefix);
    const char *p = r.body.data ? strstr(r.body.data, line) : NULL;
    long v = p ? atol(p + strlen(line)) : -1;
    free(line);
    se_resp_done(&r);
    return v;
}

static int log_has(const char *needle)
{
    FILE *f = fopen(se.daemon_log, "r");
    char buf[1024];
    int found = 0;
    while (f && !found && fgets(buf, sizeof buf, f))
        found = strstr(buf, needle) != NULL;
    if (f)
        fclose(f);
    return found;
}

TEST(old_rows_pruned_after_start)
{
    /* The daemon of se_setup made the database; stop it and write old rows into it. */
    CHECK_INT(se_stop(&se.daemon, SIGTERM), 0);
    /* Whatever the first start wrote is younger than what follows: out of the way. */
    long before = se_qi("SELECT COALESCE(max(seq), 0) FROM events");
    se_q("DELETE FROM events");
    se_q("DELETE FROM webhook_log");
    se_q("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
         "INSERT INTO events (type, ts_ms, data) SELECT 'test.old', "
         "CAST(strftime('%%s', 'now') AS INTEGER) * 1000 - 3 * 86400000 + i, '{\"old\":1}' FROM n",
         OLD);
    se_q("INSERT INTO events (type, ts_ms, data) VALUES ('test.young', "
         "CAST(strftime('%%s', 'now') AS INTEGER) * 1000 - 3600000, '{}')");
    se_q("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 7) "
         "INSERT INTO webhook_log (received_ms, path, signature_ok, body) SELECT "
         "CAST(strftime('%%s', 'now') AS INTEGER) * 1000 - 5 * 86400000 + i, '/twilio/status', 1, "
         "'CallSid=CA1' FROM n");
    se_q("INSERT INTO webhook_log (received_ms, path, signature_ok, body) VALUES ("
         "CAST(strftime('%%s', 'now') AS INTEGER) * 1000 - 36 * 3600000, '/twilio/status', 1, "
         "'CallSid=CA2')");
    long old_hooks = se_qi("SELECT count(*) FROM webhook_log") - 1;
    long young_seq = se_qi("SELECT max(seq) FROM events");
    CHECK_INT(young_seq, before + OLD + 1);
    CHECK_INT(se_qi("SELECT count(*) FROM events WHERE type = 'test.old'"), OLD);

    CHECK_INT(se_start_daemon(), 0);
    char want[32];
    snprintf(want, sizeof want, "%ld", young_seq);
    SE_WAIT_Q("SELECT count(*) FROM events WHERE type = 'test.old'", "0", WAIT);
    SE_WAIT_Q("SELECT count(*) FROM webhook_log", "1", WAIT);
    CHECK_INT(se_qi("SELECT count(*) FROM events WHERE type = 'test.young'"), 1);
    CHECK_INT(se_qi("SELECT count(*) FROM webhook_log WHERE body = 'CallSid=CA2'"), 1);
    CHECK_INT(metric("dialtone_pruned_total{table=\"events\"} "), OLD);
    CHECK_INT(metric("dialtone_pruned_total{table=\"webhook_log\"} "), old_hooks);
    CHECK_INT(metric("dialtone_retention_days{table=\"events\"} "), 1);
    CHECK_INT(metric("dialtone_retention_days{table=\"webhook_log\"} "), 2);
    CHECK(log_has("retention: pruned"));

    /* A call after that: its webhooks are logged, its events numbered after the young one. */
    struct se_resp r = se_ctl("POST", "/sim/calls", "{\"from\": \"+14155550123\"}");
    CHECK_INT(r.status, 201);
    se_resp_done(&r);
    char q[128];
    snprintf(q, sizeof q, "SELECT min(seq) > %ld FROM events WHERE type LIKE 'call.%%'", young_seq);
    SE_WAIT_Q(q, "1", WAIT);
    CHECK(se_qi("SELECT count(*) FROM webhook_log") > 1);
}

int main(void)
{
    if (se_setup("data/scenarios/test-basic.ini", "10", CONF_EXTRA) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(old_rows_pruned_after_start);
    se_teardown();
    return check_done();
}

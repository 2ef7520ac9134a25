/*
 * Tests for the store's day facts (schema 5) on a temporary database: the writes of the
 * daemon (enqueue, answer, holds, wrap-up, offers) and their rules (first time kept, a second
 * hold or a stray unhold ignored), bad arguments, and a day's load: calls answered, abandoned
 * with and without a QueueResult, waiting, outbound with a hold never lifted, agent legs and
 * calls outside the day left out; then the day's figures computed from what was loaded.
 * Stored calls as alert facts, and alert rules primed from the recent past.
 */
#include "store_fixture.h"

#include "dialtone/kpi.h"
#include "dialtone/store_kpi.h"

#define S    1000LL
#define DAY  (20000 * 86400 * S) /* 2024-10-04 00:00 UTC */
#define HOUR (3600 * S)

static char err[256];

/* Applies one callback of type to call sid at ts_ms; status may be NULL. */
static void hook(struct store *st, const char *sid, const char *type, const char *status,
                 int64_t ts_ms, void (*fill)(struct store_call_update *))
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = type;
    u.status = status;
    u.ts_ms = ts_ms;
    u.payload = "x";
    u.payload_len = 1;
    if (fill)
        fill(&u);
    int rc = store_call_apply(st, &u, NULL, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_call_apply %s %s: %s\n", sid, type, err);
    CHECK_INT(rc, 0);
}

static void inbound_sales(struct store_call_update *u)
{
    u->direction = "inbound";
    u->queue = "sales";
}

static void redirected10(struct store_call_update *u)
{
    u->queue_result = "redirected";
    u->queue_time_s = 10;
}

static void hangup40(struct store_call_update *u)
{
    u->queue_result = "hangup";
    u->queue_time_s = 40;
}

static void price13(struct store_call_update *u)
{
    u->price = "-0.01300";
    u->price_unit = "USD";
}

static void outbound_bob(struct store_call_update *u)
{
    u->direction = "outbound-api";
    u->agent = "bob";
    u->price = "-0.05";
}

static void agent_leg(struct store_call_update *u)
{
    u->direction = "outbound-api";
}

static const struct kpi_call *find(const struct store_kpi_day *d, int64_t enq, int64_t ans)
{
    for (size_t i = 0; i < d->n_calls; i++)
        if (d->calls[i].enqueued_ms == enq && d->calls[i].answered_ms == ans)
            return &d->calls[i];
    return NULL;
}

TEST(test_writes)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    CHECK(store_schema_version(st) >= 4); /* the day's figures came with version 4 */
    sqlite3 *db = store_db(st);
    CHECK_INT(store_kpi_enqueued(st, "CA1", 1000, err, sizeof err), 0);
    CHECK_INT(store_kpi_enqueued(st, "CA1", 2000, err, sizeof err), 0);
    CHECK_INT(store_kpi_connected(st, "CA1", "alice", 5000, err, sizeof err), 0);
    CHECK_INT(store_kpi_connected(st, "CA1", "bob", 9000, err, sizeof err), 0); /* transfer */
    CHECK_INT(store_kpi_hold(st, "CA1", 1, 10000, err, sizeof err), 0);
    CHECK_INT(store_kpi_hold(st, "CA1", 1, 12000, err, sizeof err), 0); /* already on hold */
    CHECK_INT(store_kpi_hold(st, "CA1", 0, 13500, err, sizeof err), 0);
    CHECK_INT(store_kpi_hold(st, "CA1", 0, 20000, err, sizeof err), 0); /* not on hold */
    CHECK_INT(store_kpi_hold(st, "CA1", 1, 30000, err, sizeof err), 0);
    CHECK_INT(store_kpi_hold(st, "CA1", 0, 31000, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup(st, "CA1", 12, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup(st, "CA1", 20, err, sizeof err), 0);
    CHECK_QUERY(db,
                "SELECT printf('%s %d %d %d %s %d', agent, enqueued_ms, connected_ms, hold_ms, "
                "coalesce(hold_since_ms, '-'), wrapup_s) FROM call_kpi WHERE call_sid = 'CA1'",
                "bob 1000 5000 4500 - 20");
    CHECK_INT(store_kpi_hold(st, "CA9", 0, 1000, err, sizeof err), 0); /* no row: nothing */
    CHECK_QUERY(db, "SELECT count(*) FROM call_kpi", "1");

    struct store_offer o = {.call_sid = "CA1",
                            .agent = "alice",
                            .queue = "sales",
                            .offered_ms = 3000,
                            .ended_ms = 4000,
                            .end = KPI_OFFER_TIMEOUT};
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), 0);
    o.queue = NULL;
    o.end = KPI_OFFER_OTHER;
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), 0);
    CHECK_QUERY(db, "SELECT group_concat(outcome || '/' || coalesce(queue, '-'), ' ') FROM offers",
                "timeout/sales withdrawn/-");

    /* bad arguments change nothing */
    CHECK_INT(store_kpi_enqueued(st, NULL, 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_enqueued(st, "", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_enqueued(st, "CA2", -1, err, sizeof err), DT_EINVAL);
    char longsid[STORE_SID_MAX + 2];
    memset(longsid, 'C', sizeof longsid - 1);
    longsid[sizeof longsid - 1] = '\0';
    CHECK_INT(store_kpi_hold(st, longsid, 1, 1, err, sizeof err), DT_ETOOBIG);
    CHECK_INT(store_kpi_connected(st, "CA2", "", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_connected(st, "CA2", NULL, 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup(st, "CA2", -5, err, sizeof err), DT_EINVAL);
    o.ended_ms = 2000;
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), DT_EINVAL);
    o.ended_ms = 4000;
    o.end = (enum kpi_offer_end)9;
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), DT_EINVAL);
    o.end = KPI_OFFER_DECLINED;
    o.agent = NULL;
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), DT_EINVAL);
    CHECK_QUERY(db, "SELECT count(*) FROM call_kpi", "1");
    CHECK_QUERY(db, "SELECT count(*) FROM offers", "2");

    CHECK_INT(store_kpi_offer_end("timeout"), KPI_OFFER_TIMEOUT);
    CHECK_INT(store_kpi_offer_end("declined"), KPI_OFFER_DECLINED);
    CHECK_INT(store_kpi_offer_end("accepted"), KPI_OFFER_ACCEPTED);
    CHECK_INT(store_kpi_offer_end("taken"), KPI_OFFER_OTHER);
    CHECK_INT(store_kpi_offer_end("withdrawn"), KPI_OFFER_OTHER);
    CHECK_INT(store_kpi_offer_end(NULL), KPI_OFFER_OTHER);
    store_close(st);
}

/* The day [DAY + 6 h, DAY + 30 h). */
TEST(test_load_day)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    int64_t t0 = DAY + 9 * HOUR, t1 = DAY + 10 * HOUR, t2 = DAY + 17 * HOUR, t3 = DAY + 11 * HOUR,
            t4 = DAY + 12 * HOUR;
    /* CA1: answered after 10 s in the queue (the daemon's dequeue is Twilio's "redirected"),
     * an agent's leg 2 s later, 30 s on hold, 15 s of wrap-up, ended at 200 s */
    hook(st, "CA1", "voice", "ringing", t0, inbound_sales);
    hook(st, "CA1", "status", "in-progress", t0 + 500, NULL);
    hook(st, "CA1", "wait", NULL, t0 + S, NULL);
    hook(st, "CA1", "enqueue", NULL, t0 + 11 * S, redirected10);
    hook(st, "CA1", "status", "completed", t0 + 200 * S, price13);
    CHECK_INT(store_kpi_enqueued(st, "CA1", t0 + S, err, sizeof err), 0);
    CHECK_INT(store_kpi_connected(st, "CA1", "alice", t0 + 13 * S, err, sizeof err), 0);
    CHECK_INT(store_kpi_hold(st, "CA1", 1, t0 + 50 * S, err, sizeof err), 0);
    CHECK_INT(store_kpi_hold(st, "CA1", 0, t0 + 80 * S, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup(st, "CA1", 15, err, sizeof err), 0);
    /* CA2: hung up after 40 s in the queue; nothing but Twilio's callbacks */
    hook(st, "CA2", "voice", "in-progress", t1, inbound_sales);
    hook(st, "CA2", "wait", NULL, t1 + 200, NULL);
    hook(st, "CA2", "enqueue", NULL, t1 + 40 * S, hangup40);
    hook(st, "CA2", "status", "completed", t1 + 40 * S, NULL);
    /* CA3: waiting */
    hook(st, "CA3", "voice", "in-progress", t2 - 5 * S, inbound_sales);
    hook(st, "CA3", "wait", NULL, t2, NULL);
    /* CA4: gone from the queue after 3 s, its Enqueue action lost */
    hook(st, "CA4", "voice", "in-progress", t3, inbound_sales);
    hook(st, "CA4", "wait", NULL, t3 + S, NULL);
    hook(st, "CA4", "status", "completed", t3 + 4 * S, NULL);
    /* CA5: bob's outbound call, answered, on hold for its last 10 s */
    hook(st, "CA5", "status", "in-progress", t4, outbound_bob);
    CHECK_INT(store_kpi_hold(st, "CA5", 1, t4 + 50 * S, err, sizeof err), 0);
    hook(st, "CA5", "status", "completed", t4 + 60 * S, NULL);
    /* left out: an agent's leg, yesterday's call, a call created too long ago */
    hook(st, "CA6", "status", "completed", t0 + 20 * S, agent_leg);
    hook(st, "CA7", "voice", "completed", DAY + 5 * HOUR, inbound_sales);
    hook(st, "CA8", "voice", "in-progress", DAY - 20 * HOUR, inbound_sales);
    hook(st, "CA8", "wait", NULL, DAY + 7 * HOUR, NULL);

    struct store_offer o = {.call_sid = "CA1",
                            .agent = "alice",
                            .offered_ms = t0 + 2 * S,
                            .ended_ms = t0 + 9 * S,
                            .end = KPI_OFFER_TIMEOUT};
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), 0);
    o.agent = "bob";
    o.end = KPI_OFFER_DECLINED;
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), 0);
    o.offered_ms = DAY + HOUR; /* before the day */
    o.ended_ms = DAY + HOUR + S;
    o.end = KPI_OFFER_TIMEOUT;
    CHECK_INT(store_kpi_offer(st, &o, err, sizeof err), 0);

    struct store_kpi_day d;
    int64_t start = DAY + 6 * HOUR, end = DAY + 30 * HOUR;
    int rc = store_kpi_load(st, start, end, &d, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_kpi_load: %s\n", err);
    CHECK_INT(rc, 0);
    CHECK_INT(d.n_calls, 5);
    const struct kpi_call *c = find(&d, t0 + S, t0 + 13 * S);
    CHECK(c != NULL);
    if (c) {
        CHECK_STR(c->queue, "sales");
        CHECK_STR(c->agent, "alice");
        CHECK_INT(c->dir, KPI_INBOUND);
        CHECK_INT(c->result, KPI_Q_ANSWERED);
        CHECK_INT(c->dequeued_ms, t0 + 11 * S);
        CHECK_INT(c->ended_ms, t0 + 200 * S);
        CHECK_INT(c->hold_s, 30);
        CHECK_INT(c->talk_s, 187 - 30);
        CHECK_INT(c->wrapup_s, 15);
        CHECK_INT(c->cost_micros, 13000);
    }
    c = find(&d, t1, -1);
    CHECK(c && c->result == KPI_Q_ABANDONED && c->dequeued_ms == t1 + 40 * S && !c->agent);
    CHECK(c && c->talk_s == -1 && c->hold_s == 0 && c->wrapup_s == -1 && c->cost_micros == -1);
    c = find(&d, t2, -1);
    CHECK(c && c->result == KPI_Q_NONE && c->dequeued_ms == -1 && c->ended_ms == -1);
    c = find(&d, t3 + S, -1);
    CHECK(c && c->result == KPI_Q_ABANDONED && c->dequeued_ms == t3 + 4 * S);
    c = find(&d, -1, t4);
    CHECK(c != NULL);
    if (c) {
        CHECK_INT(c->dir, KPI_OUTBOUND);
        CHECK_STR(c->agent, "bob");
        CHECK(c->queue == NULL);
        CHECK_INT(c->result, KPI_Q_NONE);
        CHECK_INT(c->hold_s, 10);
        CHECK_INT(c->talk_s, 50);
        CHECK_INT(c->wrapup_s, -1);
        CHECK_INT(c->cost_micros, 50000);
    }
    CHECK_INT(d.n_offers, 2);
    if (d.n_offers == 2) {
        CHECK_STR(d.offers[0].agent, "alice");
        CHECK_INT(d.offers[0].end, KPI_OFFER_TIMEOUT);
        CHECK_INT(d.offers[1].end, KPI_OFFER_DECLINED);
    }

    /* the day's figures from what was loaded: CA1 handled in 10 s, CA2 abandoned after 40 s,
     * CA4 a short abandon (3 s), CA3 waiting since t2 */
    struct kpi_queue_conf q = {.name = "sales", .service_level_s = 20, .short_abandon_s = 5};
    struct kpi_params p = {.reset_minute = 360,
                           .queues = &q,
                           .n_queues = 1,
                           .service_level_s = 20,
                           .short_abandon_s = 5};
    struct kpi_report r;
    CHECK_INT(
        kpi_compute(&p, d.calls, d.n_calls, d.offers, d.n_offers, t2 + 60 * S, &r, err, sizeof err),
        0);
    CHECK_INT(r.day_start_ms, start);
    const struct kpi_queue_stats *qs = kpi_report_queue(&r, "sales");
    CHECK(qs != NULL);
    if (qs) {
        CHECK_INT(qs->handled, 1);
        CHECK_INT(qs->abandoned, 1);
        CHECK_INT(qs->short_abandoned, 1);
        CHECK(qs->service_level == 0.5);
        CHECK(qs->asa_s == 10.0);
        CHECK(qs->aht_s == 157 + 30 + 15);
        CHECK_INT(qs->waiting, 1);
        CHECK_INT(qs->longest_wait_s, 60);
    }
    const struct kpi_agent_stats *a = kpi_report_agent(&r, "bob");
    CHECK(a && a->handled == 1 && a->aht_calls == 0 && a->declined_offers == 1);
    a = kpi_report_agent(&r, "alice");
    CHECK(a && a->handled == 1 && a->missed_offers == 1);
    CHECK_INT(r.cost_micros, 63000);
    kpi_report_done(&r);
    store_kpi_day_done(&d);

    CHECK_INT(store_kpi_load(st, end, start, &d, err, sizeof err), DT_EINVAL);
    CHECK_INT(d.n_calls, 0);
    store_kpi_day_done(&d);
    store_kpi_day_done(NULL);
    /* an empty day */
    CHECK_INT(store_kpi_load(st, end, end + 24 * HOUR, &d, err, sizeof err), 0);
    CHECK_INT(d.n_calls + d.n_offers, 0);
    store_kpi_day_done(&d);
    store_close(st);
}

static void failed_13224(struct store_call_update *u)
{
    u->direction = "outbound-api";
    u->error_code = 13224;
}

/* An agent's leg of CB4, answered, with its price: a leg counts for the cost alone. */
static void leg_of_cb4(struct store_call_update *u)
{
    u->parent_sid = "CB4";
    u->price = "-0.25000";
    u->price_unit = "USD";
}

static void rec_failed(struct store_call_update *u)
{
    u->direction = "outbound-api";
    u->recording_status = "failed";
    u->duration_s = 42;
    u->price = "-0.02";
}

TEST(test_alert_facts)
{
    struct store_call c = {.has_status = 1,
                           .status = DT_CALL_COMPLETED,
                           .queue = "sales",
                           .queue_result = "redirected",
                           .error_code = STORE_ABSENT,
                           .duration_s = 90,
                           .price = "-0.0100",
                           .ended_ms = 5000};
    struct alert_call f;
    CHECK_INT(store_kpi_alert_call(&c, &f), 0);
    CHECK(f.answered == 1 && f.duration_s == 90 && f.error_code == 0 && f.cost_micros == 10000);
    CHECK(f.ended_ms == 5000 && !f.recording_failed);
    c.queue_result = "hangup"; /* completed, but nobody answered the caller */
    CHECK_INT(store_kpi_alert_call(&c, &f), 0);
    CHECK(f.answered == 0 && f.duration_s == -1);
    c.queue = NULL;
    c.status = DT_CALL_BUSY;
    c.error_code = 31486;
    c.recording_status = "failed";
    c.price = "bogus";
    CHECK_INT(store_kpi_alert_call(&c, &f), 0);
    CHECK(f.answered == 0 && f.error_code == 31486 && f.recording_failed && f.cost_micros == -1);
    c.status = DT_CALL_IN_PROGRESS;
    CHECK_INT(store_kpi_alert_call(&c, &f), DT_ESTATE);
    c.status = DT_CALL_COMPLETED;
    c.ended_ms = STORE_ABSENT;
    CHECK_INT(store_kpi_alert_call(&c, &f), DT_ESTATE);
    c.ended_ms = 1;
    c.has_status = 0;
    CHECK_INT(store_kpi_alert_call(&c, &f), DT_ESTATE);

    /* Priming after a restart: two calls failed with 13224 and a failed recording within the
     * last hour; an older failure and a live call are not fed. */
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    int64_t now = DAY + 12 * HOUR;
    hook(st, "CB1", "status", "failed", now - 2 * HOUR, failed_13224);
    hook(st, "CB2", "status", "failed", now - 30 * 60 * S, failed_13224);
    hook(st, "CB3", "status", "failed", now - 20 * 60 * S, failed_13224);
    hook(st, "CB4", "status", "in-progress", now - 10 * 60 * S, rec_failed);
    hook(st, "CB4", "status", "completed", now - 5 * 60 * S, NULL);
    hook(st, "CB5", "status", "in-progress", now - 60 * S, outbound_bob);
    hook(st, "CB6", "status", "completed", now - 4 * 60 * S, leg_of_cb4);
    struct alert_rule rules[] = {
        {.name = "codes", .kind = ALERT_ERROR_CODE, .window_s = 3600, .threshold = 1},
        {.name = "rec", .kind = ALERT_RECORDING, .window_s = 3600},
        {.name = "rate", .kind = ALERT_ANSWER_RATE, .window_s = 3600, .min_calls = 3},
        {.name = "cost", .kind = ALERT_DAILY_COST, .threshold = 0.2},
    };
    struct alerts *a = alerts_new(rules, 4, err, sizeof err);
    size_t fed = 0;
    CHECK_INT(store_kpi_alerts_prime(st, a, now - HOUR, now, &fed, err, sizeof err), 0);
    CHECK_INT(fed, 4); /* three calls, and the leg's price */
    struct alert_transition t[4];
    size_t n = 0;
    CHECK_INT(alerts_eval(a, now, DAY, t, 4, &n), 0);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_STR(t[0].message, "error 13224 2 times in the last hour, more than 1");
        CHECK_STR(t[1].message, "1 recording failure in the last hour, more than 0");
        CHECK(t[2].value > 0.33 && t[2].value < 0.34); /* 1 of 3 answered: the leg is no call */
        /* CB4's 0.02 and its leg's 0.25 */
        CHECK_STR(t[3].message, "today's cost 0.27 is over the budget of 0.20");
    }
    CHECK_INT(store_kpi_alerts_prime(st, a, now, now - 1, &fed, err, sizeof err), DT_EINVAL);
    CHECK_INT(fed, 0);
    alerts_free(a);
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_writes);
    RUN(test_load_day);
    RUN(test_alert_facts);
    fixture_done();
    return check_done();
}

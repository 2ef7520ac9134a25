/*
 * Tests for the agents' parts in calls, stored as the daemon stores them (Twilio's callbacks,
 * the legs it records with store_call_assign, conference joins, the KPI writes) and read both
 * by the wallboard's day (store_kpi_load, kpi_compute) and by the agents report
 * (store_report_agents), which must agree: a cold and a warm transfer between two agents count
 * for both, each with their own time with the caller (hold included) and their own wrap-up,
 * and for the queue once with the wrap-ups of both summed; an agent still in wrap-up (one who
 * never saves it) has no handle time for the call yet, and one the queue's timer ended counts
 * the timer's length; a transfer to a number stays the transferring agent's; a
 * supervisor listening handles nothing; an outbound call nobody answered is not handled; a leg
 * that reached the caller before the day's reset belongs to the day before. Every figure is
 * worked out by hand in the comments.
 */
#include "store_fixture.h"

#include <math.h>

#include "dialtone/kpi.h"
#include "dialtone/store_kpi.h"
#include "dialtone/store_legs.h"
#include "dialtone/store_report.h"
#include "dialtone/store_report_agents.h"

#define S    1000LL
#define MIN  (60 * S)
#define HOUR (3600 * S)
#define DAY  (20000 * 86400 * S) /* 2024-10-04 00:00 UTC */

static char err[256];

/* A callback of Twilio's about sid. */
struct hook {
    const char *sid, *type, *status, *direction, *queue_result;
    int64_t ts_ms, duration_s;
};

static void apply(struct store *st, const struct hook *h, const char *queue)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = h->sid;
    u.type = h->type;
    u.status = h->status;
    u.ts_ms = h->ts_ms;
    u.payload = "x";
    u.payload_len = 1;
    u.direction = h->direction;
    u.queue = queue;
    u.queue_result = h->queue_result;
    if (h->duration_s > 0)
        u.duration_s = h->duration_s;
    int rc = store_call_apply(st, &u, NULL, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_call_apply %s %s: %s\n", h->sid, h->type, err);
    CHECK_INT(rc, 0);
}

/* Twilio's status callback: status at ts (duration_s > 0: CallDuration). */
static void status(struct store *st, const char *sid, const char *dir, const char *st_name,
                   int64_t ts, int64_t duration_s)
{
    struct hook h = {.sid = sid,
                     .type = "status",
                     .status = st_name,
                     .direction = dir,
                     .ts_ms = ts,
                     .duration_s = duration_s};
    apply(st, &h, NULL);
}

/* An inbound caller at t in queue support, joined at t + enq_s, taken out at t + deq_s. */
static void caller(struct store *st, const char *sid, int64_t t, int enq_s, int deq_s)
{
    struct hook v = {
        .sid = sid, .type = "voice", .status = "ringing", .direction = "inbound", .ts_ms = t};
    apply(st, &v, "support");
    CHECK_INT(store_kpi_enqueued(st, sid, t + enq_s * S, err, sizeof err), 0);
    struct hook e = {
        .sid = sid, .type = "enqueue", .queue_result = "redirected", .ts_ms = t + deq_s * S};
    apply(st, &e, NULL);
}

/* The daemon records leg as call sid's, agent's (own: the call is now theirs). */
static void leg(struct store *st, const char *sid, const char *agent, const char *leg_sid, int own,
                int64_t ts)
{
    int rc = store_call_assign(st, sid, agent, leg_sid, own, ts, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_call_assign %s: %s\n", sid, err);
    CHECK_INT(rc, 0);
}

/* The conference's participant-join callback for leg_sid at ts. */
static void joined(struct store *st, const char *leg_sid, int64_t ts)
{
    static int64_t seq = 1;
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = leg_sid;
    u.type = "conference:CF0001";
    u.seq = seq++;
    u.ts_ms = ts;
    u.payload = "ConferenceSid=CF0001&StatusCallbackEvent=participant-join&Muted=false";
    u.payload_len = strlen(u.payload);
    u.conference_sid = "CF0001";
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), 0);
}

/* The day [start, start + 24 h) computed at now, into *r. */
static void figures(struct store *st, int64_t start, int64_t now, struct kpi_report *r)
{
    struct store_kpi_day d;
    int rc = store_kpi_load(st, start, start + 24 * HOUR, &d, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_kpi_load: %s\n", err);
    CHECK_INT(rc, 0);
    struct kpi_queue_conf q = {.name = "support", .service_level_s = 20, .short_abandon_s = 5};
    struct kpi_params p = {
        .queues = &q, .n_queues = 1, .service_level_s = 20, .short_abandon_s = 5};
    CHECK_INT(kpi_compute(&p, d.calls, d.n_calls, d.offers, d.n_offers, now, r, err, sizeof err),
              0);
    store_kpi_day_done(&d);
}

/* The agents report over [from, to) on the database at path. */
static struct store_report_agent *report(const char *path, int64_t from, int64_t to, size_t *n)
{
    struct store_report *r = NULL;
    struct store_report_agent *rows = NULL;
    *n = 0;
    CHECK_INT(store_report_open(path, &r, err, sizeof err), 0);
    if (!r)
        return NULL;
    int rc = store_report_agents(r, from, to, &rows, n, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_report_agents: %s\n", err);
    CHECK_INT(rc, 0);
    store_report_close(r);
    return rows;
}

static const struct store_report_agent *row_of(const struct store_report_agent *rows, size_t n,
                                               const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0)
            return &rows[i];
    return NULL;
}

/* agent's handled and AHT in the day's figures and in the report agree with the hand-made
 * ones (aht -1: none). */
static void check_agent(const struct kpi_report *k, const struct store_report_agent *rows, size_t n,
                        const char *agent, int64_t handled, int64_t aht_calls, double aht)
{
    const struct kpi_agent_stats *a = kpi_report_agent(k, agent);
    const struct store_report_agent *r = row_of(rows, n, agent);
    int64_t kh = a ? a->handled : 0, rh = r ? r->handled : 0;
    int64_t kc = a ? a->aht_calls : 0, rc = r ? r->aht_calls : 0;
    double ka = a ? a->aht_s : -1, ra = r ? r->aht_s : -1;
    if (kh != handled || rh != handled || kc != aht_calls || rc != aht_calls ||
        fabs(ka - aht) > 1e-6 || fabs(ra - aht) > 1e-6)
        printf("  %s: board %lld/%lld/%.3f, report %lld/%lld/%.3f, wanted %lld/%lld/%.3f\n", agent,
               (long long)kh, (long long)kc, ka, (long long)rh, (long long)rc, ra,
               (long long)handled, (long long)aht_calls, aht);
    CHECK_INT(kh, handled);
    CHECK_INT(rh, handled);
    CHECK_INT(kc, aht_calls);
    CHECK_INT(rc, aht_calls);
    CHECK(fabs(ka - aht) < 1e-6);
    CHECK(fabs(ra - aht) < 1e-6);
}

/* ann takes CA1 from the queue and transfers it cold to bob; sue listens in a while. */
static void cold_transfer(struct store *st, int64_t t)
{
    caller(st, "CA1", t, 1, 5);
    leg(st, "CA1", "ann", "CL1", 1, t + 5 * S);
    CHECK_INT(store_kpi_connected(st, "CA1", "ann", t + 5 * S, err, sizeof err), 0);
    joined(st, "CL1", t + 8 * S);
    leg(st, "CA1", "bob", "CL2", 1, t + 40 * S);
    status(st, "CL1", "outbound-api", "completed", t + 41 * S, 33);
    joined(st, "CL2", t + 45 * S);
    CHECK_INT(store_kpi_connected(st, "CA1", "bob", t + 45 * S, err, sizeof err), 0);
    /* ann's wrap-up ends after bob has the call: hers, summed into the call's later */
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "ann", 10, err, sizeof err), 0);
    leg(st, "CA1", "sue", "CL9", 0, t + 60 * S);
    joined(st, "CL9", t + 62 * S);
    status(st, "CL9", "outbound-api", "completed", t + 80 * S, 18);
    status(st, "CL2", "outbound-api", "completed", t + 100 * S, 55);
    status(st, "CA1", "inbound", "completed", t + 100 * S, 100);
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "bob", 20, err, sizeof err), 0);
}

/* ann takes CA2 and transfers it warm to bob: the caller on hold while they talk. */
static void warm_transfer(struct store *st, int64_t t)
{
    caller(st, "CA2", t, 2, 4);
    leg(st, "CA2", "ann", "CL3", 1, t + 4 * S);
    CHECK_INT(store_kpi_connected(st, "CA2", "ann", t + 4 * S, err, sizeof err), 0);
    joined(st, "CL3", t + 6 * S);
    CHECK_INT(store_kpi_hold(st, "CA2", 1, t + 30 * S, err, sizeof err), 0);
    leg(st, "CA2", "bob", "CL4", 0, t + 30 * S);
    joined(st, "CL4", t + 35 * S);
    CHECK_INT(store_kpi_hold(st, "CA2", 0, t + 60 * S, err, sizeof err), 0);
    CHECK_INT(store_kpi_connected(st, "CA2", "bob", t + 60 * S, err, sizeof err), 0);
    leg(st, "CA2", "bob", NULL, 1, t + 60 * S);
    status(st, "CL3", "outbound-api", "completed", t + 61 * S, 55);
    CHECK_INT(store_kpi_wrapup_by(st, "CA2", "ann", 5, err, sizeof err), 0);
    status(st, "CL4", "outbound-api", "completed", t + 120 * S, 85);
    status(st, "CA2", "inbound", "completed", t + 120 * S, 120);
    CHECK_INT(store_kpi_wrapup_by(st, "CA2", "bob", 15, err, sizeof err), 0);
}

/* ann takes CA3 and hands it to a number (a party with no agent), then wraps up. */
static void to_a_number(struct store *st, int64_t t)
{
    caller(st, "CA3", t, 1, 3);
    leg(st, "CA3", "ann", "CL5", 1, t + 3 * S);
    CHECK_INT(store_kpi_connected(st, "CA3", "ann", t + 3 * S, err, sizeof err), 0);
    joined(st, "CL5", t + 5 * S);
    leg(st, "CA3", NULL, "CL6", 0, t + 20 * S);
    status(st, "CL6", "outbound-api", "in-progress", t + 25 * S, 0);
    joined(st, "CL6", t + 26 * S);
    status(st, "CL5", "outbound-api", "completed", t + 41 * S, 36);
    CHECK_INT(store_kpi_wrapup_by(st, "CA3", "ann", 8, err, sizeof err), 0);
    status(st, "CL6", "outbound-api", "completed", t + 90 * S, 65);
    status(st, "CA3", "inbound", "completed", t + 90 * S, 90);
}

/* ann dials CB1, which rings out; bob dials CB2, answered 10 s in. The agent's leg joins the
 * conference first in both. */
static void outbound(struct store *st, int64_t t)
{
    status(st, "CB1", "outbound-api", "initiated", t, 0);
    leg(st, "CB1", "ann", "CL7", 1, t + 1 * S);
    joined(st, "CL7", t + 2 * S);
    status(st, "CB1", "outbound-api", "ringing", t + 3 * S, 0);
    status(st, "CB1", "outbound-api", "no-answer", t + 30 * S, 0);
    status(st, "CL7", "outbound-api", "completed", t + 31 * S, 29);
    CHECK_INT(store_kpi_wrapup_by(st, "CB1", "ann", 0, err, sizeof err), 0);

    status(st, "CB2", "outbound-api", "initiated", t + HOUR, 0);
    leg(st, "CB2", "bob", "CL8", 1, t + HOUR + 1 * S);
    joined(st, "CL8", t + HOUR + 2 * S);
    status(st, "CB2", "outbound-api", "in-progress", t + HOUR + 10 * S, 0);
    status(st, "CB2", "outbound-api", "completed", t + HOUR + 70 * S, 60);
    status(st, "CL8", "outbound-api", "completed", t + HOUR + 70 * S, 68);
    CHECK_INT(store_kpi_wrapup_by(st, "CB2", "bob", 0, err, sizeof err), 0);
}

TEST(test_transfers)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st) {
        free(path);
        return;
    }
    int64_t t = DAY + 9 * HOUR;
    cold_transfer(st, t);
    warm_transfer(st, t + HOUR);
    to_a_number(st, t + 2 * HOUR);
    outbound(st, t + 3 * HOUR);

    struct kpi_report k;
    figures(st, DAY, t + 6 * HOUR, &k);
    size_t n;
    struct store_report_agent *rows = report(path, DAY, DAY + 24 * HOUR, &n);
    /* ann: CA1 from her join (8 s) to her leg's end (41 s) = 33 + her wrap-up 10 = 43; CA2
     * 6..61 = 55 + 5 = 60; CA3 5..41 = 36 + 8 = 44; CB1 never answered. (43 + 60 + 44) / 3 =
     * 49. */
    check_agent(&k, rows, n, "ann", 3, 3, 49);
    /* bob: CA1 45..100 = 55 + 20; CA2 from his join 35 (the caller on hold) to 120 = 85 + 15;
     * CB2 from its answer (10 s) to 70 = 60 + 0. (75 + 100 + 60) / 3 = 78.333... */
    check_agent(&k, rows, n, "bob", 3, 3, 235.0 / 3);
    check_agent(&k, rows, n, "sue", 0, 0, -1); /* listened: never had the call */
    /* The queue counts each call once with every wrap-up of it: CA1 from ann's answer (5) to
     * 100 = 95 + 10 + 20 = 125; CA2 4..120 = 116 (30 of them on hold) + 5 + 15 = 136; CA3
     * 3..90 = 87 + 8 = 95. */
    const struct kpi_queue_stats *q = kpi_report_queue(&k, "support");
    CHECK(q && q->handled == 3 && q->offered == 3 && q->aht_calls == 3);
    CHECK(q && fabs(q->aht_s - (125 + 136 + 95) / 3.0) < 1e-6);
    CHECK_QUERY(store_db(st),
                "SELECT group_concat(agent || ':' || wrapup_s, ' ') FROM (SELECT agent, wrapup_s "
                "FROM agent_wrapups WHERE call_sid = 'CA1' AND started_ms IS NULL ORDER BY agent)",
                "ann:10 bob:20");
    CHECK_QUERY(store_db(st), "SELECT wrapup_s FROM call_kpi WHERE call_sid = 'CA1'", "30");
    free(rows);
    kpi_report_done(&k);

    /* The next day has none of it. */
    figures(st, DAY + 24 * HOUR, DAY + 30 * HOUR, &k);
    CHECK_INT(k.n_agents, 0);
    kpi_report_done(&k);
    store_close(st);
    free(path);
}

/* ann's leg reached CA5 five minutes before the reset; she hands it to bob after it. */
TEST(test_day_boundary)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st) {
        free(path);
        return;
    }
    int64_t t = DAY - 10 * MIN;
    caller(st, "CA5", t, 1, 4 * 60);
    leg(st, "CA5", "ann", "CL1", 1, DAY - 6 * MIN);
    CHECK_INT(store_kpi_connected(st, "CA5", "ann", DAY - 6 * MIN, err, sizeof err), 0);
    joined(st, "CL1", DAY - 5 * MIN);
    leg(st, "CA5", "bob", "CL2", 1, DAY + 2 * MIN);
    status(st, "CL1", "outbound-api", "completed", DAY + 2 * MIN + 30 * S, 450);
    joined(st, "CL2", DAY + 3 * MIN);
    CHECK_INT(store_kpi_connected(st, "CA5", "bob", DAY + 3 * MIN, err, sizeof err), 0);
    status(st, "CL2", "outbound-api", "completed", DAY + 10 * MIN, 420);
    status(st, "CA5", "inbound", "completed", DAY + 10 * MIN, 1200);

    /* Today, bob's wrap-up still on: he handled it (reached at 00:03), no AHT yet; ann's leg
     * reached the caller yesterday. */
    struct kpi_report k;
    figures(st, DAY, DAY + 11 * MIN, &k);
    size_t n;
    struct store_report_agent *rows = report(path, DAY, DAY + 24 * HOUR, &n);
    check_agent(&k, rows, n, "bob", 1, 0, -1);
    check_agent(&k, rows, n, "ann", 0, 0, -1);
    CHECK(kpi_report_queue(&k, "support") && kpi_report_queue(&k, "support")->handled == 0);
    free(rows);
    kpi_report_done(&k);

    CHECK_INT(store_kpi_wrapup_by(st, "CA5", "bob", 30, err, sizeof err), 0);
    figures(st, DAY, DAY + 12 * MIN, &k);
    rows = report(path, DAY, DAY + 24 * HOUR, &n);
    check_agent(&k, rows, n, "bob", 1, 1, 7 * 60 + 30); /* 00:03..00:10 + 30 */
    free(rows);
    kpi_report_done(&k);

    /* Yesterday: ann from 23:55 to her leg's end at 00:02:30, 450 s, and no wrap-up recorded
     * (0); the queue's call (it left the queue at 23:54). */
    figures(st, DAY - 24 * HOUR, DAY - 1, &k);
    rows = report(path, DAY - 24 * HOUR, DAY, &n);
    check_agent(&k, rows, n, "ann", 1, 1, 450);
    check_agent(&k, rows, n, "bob", 0, 0, -1);
    const struct kpi_queue_stats *q = kpi_report_queue(&k, "support");
    CHECK(q && q->handled == 1);
    free(rows);
    kpi_report_done(&k);
    store_close(st);
    free(path);
}

/* Each agent's wrap-ups of a call add up in their own row; the call's is their sum, known once
 * the agent who has the call is done. */
TEST(test_wrapup_by)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    CHECK_INT(store_kpi_connected(st, "CA1", "bob", 1000, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup_began(st, "CA1", "ann", 2000, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup_began(st, "CA1", "ann", 2500, err, sizeof err), 0); /* kept */
    CHECK_QUERY(store_db(st),
                "SELECT started_ms || ' ' || wrapup_s FROM agent_wrapups WHERE agent = 'ann'",
                "2000 0");
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "ann", 9, err, sizeof err), 0); /* bob has it */
    CHECK_QUERY(store_db(st), "SELECT wrapup_s IS NULL FROM call_kpi WHERE call_sid = 'CA1'", "1");
    CHECK_QUERY(store_db(st),
                "SELECT coalesce(started_ms, '-') || ' ' || wrapup_s FROM agent_wrapups "
                "WHERE agent = 'ann'",
                "- 9");
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "bob", 12, err, sizeof err), 0);
    CHECK_QUERY(store_db(st), "SELECT wrapup_s FROM call_kpi WHERE call_sid = 'CA1'", "21");
    /* ann has the call back and wraps it up again: hers and the call's grow */
    CHECK_INT(store_kpi_wrapup_began(st, "CA1", "ann", 9000, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "ann", 4, err, sizeof err), 0);
    CHECK_QUERY(store_db(st), "SELECT wrapup_s FROM agent_wrapups WHERE agent = 'ann'", "13");
    CHECK_QUERY(store_db(st), "SELECT wrapup_s FROM call_kpi WHERE call_sid = 'CA1'", "25");
    /* with no agent yet, the first wrap-up is the call's */
    CHECK_INT(store_kpi_wrapup_by(st, "CA2", "ann", 7, err, sizeof err), 0);
    CHECK_QUERY(store_db(st), "SELECT wrapup_s FROM call_kpi WHERE call_sid = 'CA2'", "7");
    CHECK_INT(store_kpi_wrapup_began(st, "CA1", "", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup_began(st, "CA1", "ann", -1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup_began(st, NULL, "ann", 1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "", 12, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", NULL, 12, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup_by(st, "CA1", "bob", -1, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_kpi_wrapup_by(st, "", "bob", 1, err, sizeof err), DT_EINVAL);
    store_close(st);
}

/* ann hands sid to bob cold at t + 40 (as CA1, without sue) and goes to wrap-up when her leg
 * ends at t + 41; bob's at the end, t + 100. Nobody's wrap-up ends here. */
static void cold_wrapping(struct store *st, const char *sid, int64_t t)
{
    char l1[16], l2[16];
    snprintf(l1, sizeof l1, "%s-a", sid);
    snprintf(l2, sizeof l2, "%s-b", sid);
    caller(st, sid, t, 1, 5);
    leg(st, sid, "ann", l1, 1, t + 5 * S);
    CHECK_INT(store_kpi_connected(st, sid, "ann", t + 5 * S, err, sizeof err), 0);
    joined(st, l1, t + 8 * S);
    leg(st, sid, "bob", l2, 1, t + 40 * S);
    status(st, l1, "outbound-api", "completed", t + 41 * S, 33);
    CHECK_INT(store_kpi_wrapup_began(st, sid, "ann", t + 41 * S, err, sizeof err), 0);
    joined(st, l2, t + 45 * S);
    CHECK_INT(store_kpi_connected(st, sid, "bob", t + 45 * S, err, sizeof err), 0);
    status(st, l2, "outbound-api", "completed", t + 100 * S, 55);
    status(st, sid, "inbound", "completed", t + 100 * S, 100);
    CHECK_INT(store_kpi_wrapup_began(st, sid, "bob", t + 100 * S, err, sizeof err), 0);
}

/* CA7: ann's wrap-up ended by the queue's 30 s timer, bob never saves his. CA8: bob saves his
 * after 12 s, ann never saves hers, until she signs out 200 s into it. In both, ann was with
 * the caller 8..41 = 33 s, bob 45..100 = 55 s, the queue's talk 5..100 = 95 s. */
TEST(test_own_wrapups)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st) {
        free(path);
        return;
    }
    int64_t t = DAY + 9 * HOUR;
    cold_wrapping(st, "CA7", t);
    cold_wrapping(st, "CA8", t + HOUR);

    /* Everyone still in wrap-up: handled, no handle time yet, the queue's calls not over. */
    struct kpi_report k;
    figures(st, DAY, t + 2 * HOUR, &k);
    size_t n;
    struct store_report_agent *rows = report(path, DAY, DAY + 24 * HOUR, &n);
    check_agent(&k, rows, n, "ann", 2, 0, -1);
    check_agent(&k, rows, n, "bob", 2, 0, -1);
    const struct kpi_queue_stats *q = kpi_report_queue(&k, "support");
    CHECK(q && q->handled == 2 && q->aht_calls == 0 && q->aht_s < 0);
    free(rows);
    kpi_report_done(&k);

    CHECK_INT(store_kpi_wrapup_by(st, "CA7", "ann", 30, err, sizeof err), 0); /* the timer */
    CHECK_INT(store_kpi_wrapup_by(st, "CA8", "bob", 12, err, sizeof err), 0);
    figures(st, DAY, t + 2 * HOUR, &k);
    rows = report(path, DAY, DAY + 24 * HOUR, &n);
    check_agent(&k, rows, n, "ann", 2, 1, 33 + 30); /* CA7; CA8's wrap-up still on */
    check_agent(&k, rows, n, "bob", 2, 1, 55 + 12); /* CA8; CA7's never saved */
    /* CA7 waits for bob; CA8 is over for the queue with what was wrapped up: 95 + 12 */
    q = kpi_report_queue(&k, "support");
    CHECK(q && q->handled == 2 && q->aht_calls == 1 && fabs(q->aht_s - 107) < 1e-6);
    free(rows);
    kpi_report_done(&k);

    CHECK_INT(store_kpi_wrapup_by(st, "CA8", "ann", 200, err, sizeof err), 0);
    figures(st, DAY, t + 2 * HOUR, &k);
    rows = report(path, DAY, DAY + 24 * HOUR, &n);
    check_agent(&k, rows, n, "ann", 2, 2, (63 + 233) / 2.0);
    check_agent(&k, rows, n, "bob", 2, 1, 67);
    q = kpi_report_queue(&k, "support");
    CHECK(q && q->aht_calls == 1 && fabs(q->aht_s - (95 + 12 + 200)) < 1e-6);
    free(rows);
    kpi_report_done(&k);
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_transfers);
    RUN(test_day_boundary);
    RUN(test_wrapup_by);
    RUN(test_own_wrapups);
    fixture_done();
    return check_done();
}

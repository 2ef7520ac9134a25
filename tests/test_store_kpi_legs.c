/*
 * Tests for the day's facts of calls with legs (store_kpi_load, then kpi_compute): the legs
 * the daemon adds to a call's conference (an agent's phone, a transfer's party, a supervisor
 * listening) are stored as calls of Twilio's with parent_sid and agent set, and a transfer's
 * party leg is answered (its callbacks ask for "answered"). A leg is part of its call, not a
 * call an agent handled: it adds its price to the day's cost and nothing else, so an agent
 * who takes a call over by a transfer, or transfers one to a number, handles it once.
 */
#include "store_fixture.h"

#include "dialtone/kpi.h"
#include "dialtone/store_kpi.h"

#define S    1000LL
#define DAY  (20000 * 86400 * S) /* 2024-10-04 00:00 UTC */
#define HOUR (3600 * S)

static char err[256];

struct hook {
    const char *sid, *type, *status;
    int64_t ts_ms;
    const char *parent, *direction, *queue, *agent, *queue_result, *price;
};

static void apply(struct store *st, const struct hook *h)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = h->sid;
    u.type = h->type;
    u.status = h->status;
    u.ts_ms = h->ts_ms;
    u.payload = "x";
    u.payload_len = 1;
    u.parent_sid = h->parent;
    u.direction = h->direction;
    u.queue = h->queue;
    u.agent = h->agent;
    u.queue_result = h->queue_result;
    if (h->price) {
        u.price = h->price;
        u.price_unit = "USD";
    }
    int rc = store_call_apply(st, &u, NULL, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_call_apply %s %s: %s\n", h->sid, h->type, err);
    CHECK_INT(rc, 0);
}

/* The day [DAY, DAY + 24 h) computed at now from what st holds, into *r. */
static void figures(struct store *st, int64_t now, struct kpi_report *r)
{
    struct store_kpi_day d;
    CHECK_INT(store_kpi_load(st, DAY, DAY + 24 * HOUR, &d, err, sizeof err), 0);
    struct kpi_queue_conf q = {.name = "support", .service_level_s = 20, .short_abandon_s = 5};
    struct kpi_params p = {
        .queues = &q, .n_queues = 1, .service_level_s = 20, .short_abandon_s = 5};
    CHECK_INT(kpi_compute(&p, d.calls, d.n_calls, d.offers, d.n_offers, now, r, err, sizeof err),
              0);
    store_kpi_day_done(&d);
}

static int64_t handled(const struct kpi_report *r, const char *agent)
{
    const struct kpi_agent_stats *a = kpi_report_agent(r, agent);
    return a ? a->handled : 0;
}

/* CA1 answered by ann from the queue and cold-transferred to bob, whose phone leg CA2 was
 * answered; ann's own leg CA3 (its callbacks: completed only). */
TEST(test_transfer_to_an_agent)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    int64_t t = DAY + 9 * HOUR;
    const struct hook hooks[] = {
        {.sid = "CA1",
         .type = "voice",
         .status = "in-progress",
         .ts_ms = t,
         .direction = "inbound",
         .queue = "support"},
        {.sid = "CA1",
         .type = "enqueue",
         .status = NULL,
         .ts_ms = t + 4 * S,
         .queue_result = "redirected"},
        {.sid = "CA3",
         .type = "status",
         .status = "completed",
         .ts_ms = t + 40 * S,
         .parent = "CA1",
         .direction = "outbound-api",
         .agent = "ann",
         .price = "-0.00400"},
        {.sid = "CA2",
         .type = "status",
         .status = "in-progress",
         .ts_ms = t + 42 * S,
         .parent = "CA1",
         .direction = "outbound-api",
         .agent = "bob"},
        {.sid = "CA2",
         .type = "status",
         .status = "completed",
         .ts_ms = t + 100 * S,
         .price = "-0.00800"},
        {.sid = "CA1",
         .type = "status",
         .status = "completed",
         .ts_ms = t + 100 * S,
         .price = "-0.02600"},
    };
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++)
        apply(st, &hooks[i]);
    CHECK_INT(store_kpi_enqueued(st, "CA1", t + S, err, sizeof err), 0);
    CHECK_INT(store_kpi_connected(st, "CA1", "ann", t + 6 * S, err, sizeof err), 0);
    CHECK_INT(store_kpi_connected(st, "CA1", "bob", t + 42 * S, err, sizeof err), 0);
    CHECK_INT(store_kpi_wrapup(st, "CA1", 10, err, sizeof err), 0);

    struct kpi_report r;
    figures(st, t + 200 * S, &r);
    const struct kpi_queue_stats *q = kpi_report_queue(&r, "support");
    CHECK(q && q->handled == 1 && q->offered == 1 && q->aht_calls == 1);
    CHECK(q && q->aht_s == 94 + 10);  /* from ann's answer to the end, and bob's wrap-up */
    CHECK_INT(handled(&r, "bob"), 1); /* the call, not his leg as well */
    /* nothing says the call was ever ann's (no assign: test_store_kpi_parts.c has them), so
     * her leg is no part of hers */
    CHECK_INT(handled(&r, "ann"), 0);
    /* bob's own part: from his leg's answer (42 s) to the end, and his wrap-up */
    const struct kpi_agent_stats *bob = kpi_report_agent(&r, "bob");
    CHECK(bob && bob->aht_calls == 1 && bob->aht_s == 58 + 10);
    CHECK_INT(r.cost_micros, 26000 + 8000 + 4000); /* legs are billed */
    kpi_report_done(&r);
    store_close(st);
}

/* ann's outbound call CB1 to a customer, then a warm transfer to a number: the party's leg
 * CB2 answered, stored as ann's; a supervisor's listening leg CB3. */
TEST(test_party_and_monitor_legs)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    int64_t t = DAY + 11 * HOUR;
    const struct hook hooks[] = {
        {.sid = "CB1",
         .type = "status",
         .status = "in-progress",
         .ts_ms = t,
         .direction = "outbound-api",
         .agent = "ann"},
        {.sid = "CB2",
         .type = "status",
         .status = "in-progress",
         .ts_ms = t + 30 * S,
         .parent = "CB1",
         .direction = "outbound-api",
         .agent = "ann"},
        {.sid = "CB3",
         .type = "status",
         .status = "completed",
         .ts_ms = t + 50 * S,
         .parent = "CB1",
         .direction = "outbound-api",
         .agent = "sue"},
        {.sid = "CB2", .type = "status", .status = "completed", .ts_ms = t + 60 * S},
        {.sid = "CB1", .type = "status", .status = "completed", .ts_ms = t + 60 * S},
    };
    for (size_t i = 0; i < sizeof hooks / sizeof hooks[0]; i++)
        apply(st, &hooks[i]);
    struct kpi_report r;
    figures(st, t + 100 * S, &r);
    CHECK_INT(handled(&r, "ann"), 1);
    CHECK_INT(handled(&r, "sue"), 0);
    const struct kpi_queue_stats *q = kpi_report_queue(&r, "support");
    CHECK(q && q->offered == 0 && q->waiting == 0);
    CHECK_INT(r.n_queues, 1); /* no queue made up for the legs */
    kpi_report_done(&r);
    store_close(st);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_transfer_to_an_agent);
    RUN(test_party_and_monitor_legs);
    fixture_done();
    return check_done();
}

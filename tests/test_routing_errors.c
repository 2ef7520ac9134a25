/* Tests for routing's refusals: bad ids and settings, caps, unknown names, wrong states, and
 * that a refused event changes nothing. */
#include <stdlib.h>

#include "routing_fixture.h"

/* A string of n copies of c, to free. */
static char *repeat(char c, size_t n)
{
    char *s = xmalloc(n + 1);
    memset(s, c, n);
    s[n] = '\0';
    return s;
}

TEST(ids_are_checked)
{
    struct fx f;
    fx_init(&f);
    char *max_id = repeat('a', ROUTING_AGENT_MAX), *long_id = repeat('a', ROUTING_AGENT_MAX + 1);
    char *long_sid = repeat('C', ROUTING_SID_MAX + 1), *long_q = repeat('q', ROUTING_QUEUE_MAX + 1);
    char *long_note = repeat('n', ROUTING_NOTE_MAX + 1);
    CHECK_INT(routing_agent_add(f.r, NULL, 0, NULL, f.err, sizeof(f.err)), DT_EINVAL);
    CHECK_INT(routing_agent_add(f.r, "", 0, NULL, f.err, sizeof(f.err)), DT_EINVAL);
    CHECK_STR(f.err, "agent id is empty");
    CHECK_INT(routing_agent_add(f.r, "a\tb", 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_agent_add(f.r, "a\x7f", 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_agent_add(f.r, "a\x1b[2J", 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_agent_add(f.r, long_id, 0, NULL, f.err, sizeof(f.err)), DT_ETOOBIG);
    OK(routing_agent_add(f.r, max_id, 0, NULL, NULL, 0));
    OK(routing_agent_add(f.r, "amy", 0, NULL, NULL, 0));
    CHECK_INT(routing_agent_add(f.r, "amy", 0, NULL, f.err, sizeof(f.err)), DT_EEXIST);
    CHECK_INT(routing_agent_count(f.r), 2);

    CHECK_INT(fx_queue(&f, long_q, DT_ROUTE_RINGALL, 30, 30, 3), DT_ETOOBIG);
    CHECK_INT(fx_queue(&f, "", DT_ROUTE_RINGALL, 30, 30, 3), DT_EINVAL);
    OK(fx_queue(&f, "sales", DT_ROUTE_RINGALL, 30, 30, 3));
    CHECK_INT(routing_call_waiting(f.r, long_sid, "sales", 0, NULL, NULL, 0), DT_ETOOBIG);
    CHECK_INT(routing_call_waiting(f.r, "", "sales", 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_call_waiting(f.r, "CA\n1", "sales", 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_call_waiting(f.r, "CA1", "nosuch", 0, NULL, f.err, sizeof(f.err)),
              DT_ENOTFOUND);
    CHECK_STR(f.err, "unknown queue");
    CHECK_INT(routing_agent_set_state(f.r, "amy", DT_ROUTE_BREAK, long_note, 0, NULL, NULL, 0),
              DT_ETOOBIG);
    CHECK_INT(routing_agent_set_state(f.r, "amy", DT_ROUTE_BREAK, "a\rb", 0, NULL, NULL, 0),
              DT_EINVAL);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_OFFLINE);
    CHECK_INT(routing_agent_join(f.r, "bob", "sales", 0, NULL, f.err, sizeof(f.err)), DT_ENOTFOUND);
    CHECK_STR(f.err, "unknown agent");
    CHECK_INT(routing_agent_join(f.r, "amy", "nosuch", 0, NULL, NULL, 0), DT_ENOTFOUND);
    CHECK_INT(routing_agent_leave(f.r, "amy", long_q, 0, NULL, NULL, 0), DT_ETOOBIG);
    CHECK_INT(routing_accept(f.r, long_sid, "amy", 0, NULL, NULL, 0), DT_ETOOBIG);
    CHECK_INT(routing_decline(f.r, "CA1", "", 0, NULL, NULL, 0), DT_EINVAL);
    free(max_id);
    free(long_id);
    free(long_sid);
    free(long_q);
    free(long_note);
    fx_done(&f);
}

TEST(caps_give_etoobig)
{
    struct routing_caps caps = {.max_agents = 2, .max_queues = 1, .max_calls = 3};
    struct routing *r = routing_new(&caps);
    struct routing_queue_conf c;
    routing_queue_defaults(&c);
    OK(routing_queue_set(r, "q1", &c, 0, NULL, NULL, 0));
    CHECK_INT(routing_queue_set(r, "q2", &c, 0, NULL, NULL, 0), DT_ETOOBIG);
    c.wrapup_s = 5;
    OK(routing_queue_set(r, "q1", &c, 0, NULL, NULL, 0)); /* an update is not a new queue */
    OK(routing_agent_add(r, "a1", 0, NULL, NULL, 0));
    OK(routing_agent_add(r, "a2", 0, NULL, NULL, 0));
    CHECK_INT(routing_agent_add(r, "a3", 0, NULL, NULL, 0), DT_ETOOBIG);
    OK(routing_agent_remove(r, "a1", 0, NULL, NULL, 0));
    OK(routing_agent_add(r, "a3", 0, NULL, NULL, 0));
    OK(routing_call_waiting(r, "CA1", "q1", 0, NULL, NULL, 0));
    OK(routing_call_waiting(r, "CA2", "q1", 0, NULL, NULL, 0));
    OK(routing_call_waiting(r, "CA3", "q1", 0, NULL, NULL, 0));
    CHECK_INT(routing_call_waiting(r, "CA4", "q1", 0, NULL, NULL, 0), DT_ETOOBIG);
    CHECK_INT(routing_requeue_front(r, "CA4", "q1", 0, 0, NULL, NULL, 0), DT_ETOOBIG);
    CHECK_INT(routing_call_waiting(r, "CA1", "q1", 0, NULL, NULL, 0), DT_EEXIST);
    OK(routing_call_gone(r, "CA2", 0, NULL, NULL, 0));
    OK(routing_call_waiting(r, "CA4", "q1", 0, NULL, NULL, 0));
    CHECK_INT(routing_call_count(r), 3);
    routing_free(r);
    routing_free(NULL);

    /* Caps above the hard ones are clamped, not trusted. */
    caps.max_queues = ROUTING_MAX_QUEUES + 10;
    r = routing_new(&caps);
    char name[16];
    for (int i = 0; i < ROUTING_MAX_QUEUES; i++) {
        snprintf(name, sizeof(name), "q%d", i);
        OK(routing_queue_set(r, name, &c, 0, NULL, NULL, 0));
    }
    CHECK_INT(routing_queue_set(r, "one-more", &c, 0, NULL, NULL, 0), DT_ETOOBIG);
    routing_free(r);
}

TEST(settings_and_times_are_checked)
{
    struct fx f;
    fx_init(&f);
    struct routing_queue_conf good, c;
    routing_queue_defaults(&good);
    CHECK_INT(routing_queue_set(f.r, "q", NULL, 0, NULL, NULL, 0), DT_EINVAL);
    c = good, c.reservation_timeout_s = 0;
    CHECK_INT(routing_queue_set(f.r, "q", &c, 0, NULL, NULL, 0), DT_EINVAL);
    c = good, c.reservation_timeout_s = ROUTING_TIMEOUT_MAX_S + 1;
    CHECK_INT(routing_queue_set(f.r, "q", &c, 0, NULL, NULL, 0), DT_EINVAL);
    c = good, c.wrapup_s = -1;
    CHECK_INT(routing_queue_set(f.r, "q", &c, 0, NULL, NULL, 0), DT_EINVAL);
    c = good, c.missed_offers_limit = -1;
    CHECK_INT(routing_queue_set(f.r, "q", &c, 0, NULL, NULL, 0), DT_EINVAL);
    c = good, c.mode = (enum routing_mode)5;
    CHECK_INT(routing_queue_set(f.r, "q", &c, 0, NULL, f.err, sizeof(f.err)), DT_EINVAL);
    CHECK_STR(f.err, "unknown routing mode");
    CHECK_INT(routing_queue_count(f.r), 0);
    CHECK_INT(routing_queue_set(f.r, "q", &good, -1, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_queue_count(f.r), 0);
    OK(routing_queue_set(f.r, "q", &good, ROUTING_TIME_MAX, NULL, NULL, 0));
    CHECK_INT(routing_tick(f.r, ROUTING_TIME_MAX + 1, NULL), DT_EINVAL);
    CHECK_INT(routing_tick(f.r, INT64_MIN, NULL), DT_EINVAL);
    OK(routing_agent_add(f.r, "amy", 0, NULL, NULL, 0));
    CHECK_INT(routing_requeue_front(f.r, "CA1", "q", -5, 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_agent_busy(f.r, "amy", "CA1", -1, 0, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_agent_busy(f.r, "amy", "CA1", ROUTING_WRAPUP_MAX_S + 1, 0, NULL, NULL, 0),
              DT_EINVAL);
    struct routing_queue_conf got;
    CHECK_INT(routing_queue_get(f.r, "nosuch", &got), DT_ENOTFOUND);
    CHECK_INT(routing_queue_remove(f.r, "nosuch", 0, NULL, NULL, 0), DT_ENOTFOUND);
    fx_done(&f);
}

TEST(states_are_checked)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "q", DT_ROUTE_RINGALL, 30, 30, 3));
    OK(fx_agent(&f, "amy", "q", NULL, 0));
    CHECK_INT(routing_agent_set_state(f.r, "amy", DT_ROUTE_BUSY, NULL, 1, NULL, NULL, 0),
              DT_EINVAL);
    CHECK_INT(routing_agent_set_state(f.r, "amy", DT_ROUTE_WRAPUP, NULL, 1, NULL, NULL, 0),
              DT_EINVAL);
    CHECK_INT(
        routing_agent_set_state(f.r, "amy", (enum routing_agent_state)42, NULL, 1, NULL, NULL, 0),
        DT_EINVAL);
    CHECK_INT(routing_agent_call_ended(f.r, "amy", 1, NULL, NULL, 0), DT_ESTATE);
    CHECK_INT(routing_agent_wrapup_done(f.r, "amy", 1, NULL, NULL, 0), DT_ESTATE);
    OK(routing_call_waiting(f.r, "CA1", "q", 1, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA1", "amy", 2, NULL, NULL, 0));
    CHECK_INT(routing_agent_set_state(f.r, "amy", DT_ROUTE_BREAK, "x", 3, fx_step(&f), f.err,
                                      sizeof(f.err)),
              DT_ESTATE);
    CHECK_STR(f.err, "agent is on a call");
    CHECK_INT(f.acts.count, 0);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_BUSY);
    CHECK_INT(routing_agent_remove(f.r, "amy", 3, NULL, NULL, 0), DT_ESTATE);
    /* From wrap-up: break ends wrap-up and its timer. */
    OK(routing_agent_call_ended(f.r, "amy", 4, NULL, NULL, 0));
    CHECK(routing_next_due(f.r, 4) > 0);
    OK(routing_agent_set_state(f.r, "amy", DT_ROUTE_BREAK, "training", 5, fx_step(&f), NULL, 0));
    CHECK_INT(routing_next_due(f.r, 5), -1);
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_STR(info.note, "training");
    CHECK_STR(info.call_sid, "");
    CHECK_INT(info.since_ms, 5);
    /* Another note on the same state: an update; since stays. */
    OK(routing_agent_set_state(f.r, "amy", DT_ROUTE_BREAK, "lunch", 9, fx_step(&f), NULL, 0));
    CHECK_INT(fx_count(&f, DT_ROUTE_AGENT_STATE), 1);
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_STR(info.note, "lunch");
    CHECK_INT(info.since_ms, 5);
    fx_done(&f);
}

TEST(refused_events_change_nothing)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "q", DT_ROUTE_LONGEST_IDLE, 30, 30, 3));
    OK(fx_queue(&f, "other", DT_ROUTE_LONGEST_IDLE, 30, 30, 3));
    OK(fx_agent(&f, "amy", "q", NULL, 0));
    OK(fx_agent(&f, "bob", "other", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "q", 100, NULL, NULL, 0));
    CHECK_INT(routing_accept(f.r, "CA1", "bob", 200, fx_step(&f), NULL, 0), DT_EPERM);
    CHECK_INT(routing_decline(f.r, "CA1", "bob", 200, fx_step(&f), NULL, 0), DT_EPERM);
    CHECK_INT(f.acts.count, 0);
    struct routing_offer_info o[2];
    CHECK_INT(routing_agent_offers(f.r, "amy", o, 2), 1);
    CHECK_INT(o[0].expires_ms, 30100);
    CHECK_INT(routing_agent_offers(f.r, "nobody", o, 2), 0);
    struct routing_call_info ci;
    CHECK_INT(routing_call_get(f.r, "CA2", &ci), DT_ENOTFOUND);
    CHECK_INT(routing_call_get(f.r, NULL, &ci), DT_ENOTFOUND);
    CHECK_INT(routing_agent_in_queue(f.r, "amy", NULL), 0);
    OK(routing_accept(f.r, "CA1", "amy", 300, NULL, NULL, 0));
    fx_done(&f);
}

int main(void)
{
    RUN(ids_are_checked);
    RUN(caps_give_etoobig);
    RUN(settings_and_times_are_checked);
    RUN(states_are_checked);
    RUN(refused_events_change_nothing);
    return check_done();
}

/* Tests for routing's clock: reservation expiry, the missed-offers limit, timed and manual
 * wrap-up, late ticks, next_due. */
#include "routing_fixture.h"

#define RA DT_ROUTE_RINGALL
#define LI DT_ROUTE_LONGEST_IDLE

TEST(missed_offers_limit_sets_agent_on_break)
{
    struct fx f;
    OK(fx_sales(&f, LI, 10, 30, 2, -1));
    OK(routing_call_waiting(f.r, "CA1", "sales", 0, NULL, NULL, 0));
    /* First miss: a lone agent is offered the call again at once. */
    OK(routing_tick(f.r, 10000, fx_step(&f)));
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy") != NULL);
    const struct routing_action *o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy");
    CHECK(o && o->expires_ms == 20000);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_AVAILABLE);
    /* Second miss in a row: break, no new offer. */
    OK(routing_tick(f.r, 25000, fx_step(&f)));
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_BREAK && st->why == DT_ROUTE_MISSED_OFFERS);
    CHECK(st && strcmp(st->note, "missed offers") == 0 && st->at_ms == 20000);
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy");
    CHECK(w && w->why == DT_ROUTE_TIMEOUT && w->at_ms == 20000); /* at the expiry */
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 0);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_BREAK);
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_INT(info.since_ms, 20000); /* at the expiry, not at the late tick */
    CHECK_INT(routing_next_due(f.r, 25000), -1);
    /* Back from break the count starts over. */
    OK(routing_agent_set_state(f.r, "amy", DT_ROUTE_AVAILABLE, NULL, 26000, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL);
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_INT(info.missed_in_row, 0);
    fx_done(&f);
}

TEST(missed_offers_decline_resets_and_zero_never_limits)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", LI, 10, 30, 2));
    OK(fx_queue(&f, "free", LI, 10, 30, 0));
    OK(fx_agent(&f, "amy", "sales", NULL, 0));
    OK(fx_agent(&f, "bob", "free", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 0, NULL, NULL, 0));
    OK(routing_tick(f.r, 10000, NULL));                           /* miss 1 */
    OK(routing_decline(f.r, "CA1", "amy", 11000, NULL, NULL, 0)); /* resets */
    OK(routing_tick(f.r, 21000, NULL));                           /* miss 1 again */
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_AVAILABLE);
    OK(routing_call_waiting(f.r, "CA2", "free", 0, NULL, NULL, 0));
    for (int64_t t = 10000; t <= 100000; t += 10000)
        OK(routing_tick(f.r, 21000 + t, NULL));
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "bob", &info));
    CHECK_INT(info.state, DT_ROUTE_AVAILABLE);
    CHECK(info.missed_in_row >= 5);
    fx_done(&f);
}

TEST(wrapup_returns_at_the_right_tick)
{
    struct fx f;
    OK(fx_sales(&f, LI, 30, 10, 3, -1));
    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA1", "amy", 2000, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA2", "sales", 3000, NULL, NULL, 0));
    CHECK_INT(routing_next_due(f.r, 3000), -1);
    OK(routing_agent_call_ended(f.r, "amy", 100000, fx_step(&f), NULL, 0));
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_WRAPUP && st->why == DT_ROUTE_CALL_ENDED);
    CHECK(st && st->expires_ms == 110000 && strcmp(st->call_sid, "CA1") == 0);
    CHECK_INT(routing_next_due(f.r, 100000), 110000);
    OK(routing_tick(f.r, 109999, fx_step(&f)));
    CHECK_INT(f.acts.count, 0);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_WRAPUP);
    OK(routing_tick(f.r, 110000, fx_step(&f)));
    st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_AVAILABLE && st->why == DT_ROUTE_WRAPUP_TIMER);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA2", "amy") != NULL); /* the waiting call, same step */
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_INT(info.idle_since_ms, 110000);
    CHECK_STR(info.call_sid, "");
    CHECK_INT(routing_next_due(f.r, 110000), 140000);
    fx_done(&f);
}

TEST(wrapup_zero_waits_for_done_and_late_tick_is_exact)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "manual", RA, 30, 0, 3));
    OK(fx_queue(&f, "timed", RA, 30, 5, 3));
    OK(fx_agent(&f, "amy", "manual", NULL, 0));
    OK(fx_agent(&f, "bob", "timed", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "manual", 10, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA2", "timed", 10, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA1", "amy", 20, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA2", "bob", 20, NULL, NULL, 0));
    OK(routing_agent_call_ended(f.r, "amy", 1000, NULL, NULL, 0));
    OK(routing_agent_call_ended(f.r, "bob", 1000, NULL, NULL, 0));
    CHECK_INT(routing_next_due(f.r, 1000), 6000);
    /* A late tick: bob's idle time is when wrap-up ended, not when the tick came. */
    OK(routing_tick(f.r, 90000, fx_step(&f)));
    CHECK_INT(fx_count(&f, DT_ROUTE_AGENT_STATE), 1);
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "bob", &info));
    CHECK_INT(info.idle_since_ms, 6000);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_WRAPUP);
    CHECK_INT(routing_next_due(f.r, 90000), -1);
    CHECK_INT(routing_agent_call_ended(f.r, "amy", 90001, NULL, NULL, 0), DT_ESTATE);
    OK(routing_agent_wrapup_done(f.r, "amy", 90002, fx_step(&f), NULL, 0));
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_AVAILABLE && st->why == DT_ROUTE_REQUESTED);
    CHECK_INT(routing_agent_wrapup_done(f.r, "amy", 90003, NULL, NULL, 0), DT_ESTATE);
    fx_done(&f);
}

TEST(next_due_is_the_earliest_timer)
{
    struct fx f;
    fx_init(&f);
    CHECK_INT(routing_next_due(f.r, 0), -1);
    OK(fx_queue(&f, "li", LI, 20, 30, 3));
    OK(fx_queue(&f, "wrap", RA, 30, 7, 3));
    OK(fx_agent(&f, "amy", "li", NULL, 0));
    OK(fx_agent(&f, "bob", "wrap", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "wrap", 1000, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA1", "bob", 1000, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA2", "li", 5000, NULL, NULL, 0)); /* expires 25000 */
    CHECK_INT(routing_next_due(f.r, 5000), 25000);
    OK(routing_agent_call_ended(f.r, "bob", 10000, NULL, NULL, 0)); /* ends 17000 */
    CHECK_INT(routing_next_due(f.r, 10000), 17000);
    CHECK_INT(routing_next_due(f.r, 18000), 18000); /* overdue: now */
    OK(routing_tick(f.r, 18000, NULL));
    CHECK_INT(routing_next_due(f.r, 18000), 25000);
    OK(routing_accept(f.r, "CA2", "amy", 19000, NULL, NULL, 0));
    CHECK_INT(routing_next_due(f.r, 19000), -1);
    fx_done(&f);
}

TEST(longest_idle_accept_at_expiry_is_late)
{
    struct fx f;
    OK(fx_sales(&f, LI, 10, 30, 0, 1));
    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, NULL, NULL, 0));
    /* No tick ran, but the accept's own time is the expiry: the offer is gone. */
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 11000, fx_step(&f), f.err, sizeof(f.err)),
              DT_ESTATE);
    CHECK_STR(f.err, "offer expired");
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy") != NULL);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_ASSIGN), 0);
    OK(routing_accept(f.r, "CA1", "bob", 20999, fx_step(&f), NULL, 0));
    CHECK_INT(fx_count(&f, DT_ROUTE_ASSIGN), 1);
    fx_done(&f);
}

int main(void)
{
    RUN(missed_offers_limit_sets_agent_on_break);
    RUN(missed_offers_decline_resets_and_zero_never_limits);
    RUN(wrapup_returns_at_the_right_tick);
    RUN(wrapup_zero_waits_for_done_and_late_tick_is_exact);
    RUN(next_due_is_the_earliest_timer);
    RUN(longest_idle_accept_at_expiry_is_late);
    return check_done();
}

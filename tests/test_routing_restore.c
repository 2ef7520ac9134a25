/* Tests for what the daemon does with routing at a restart: agents put back in wrap-up with
 * the time left (re-armed timers), a wrap-up already over, wrap-up until done, offers
 * withdrawn, busy agents refused, bad arguments; and a removed agent's offers moving on. */
#include "routing_fixture.h"

#define RA DT_ROUTE_RINGALL
#define LI DT_ROUTE_LONGEST_IDLE

TEST(wrapup_restored_with_time_left)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", LI, 10, 30, 0));
    OK(fx_member(&f, "amy", "sales", NULL, 1000));
    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, NULL, NULL, 0));
    /* offline at start, put back in wrap-up until 20000 */
    OK(routing_agent_wrapup_restore(f.r, "amy", "CA0", 20000, 5000, fx_step(&f), f.err,
                                    sizeof f.err));
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_WRAPUP && st->why == DT_ROUTE_CALL_ENDED);
    CHECK(st && st->expires_ms == 20000 && strcmp(st->call_sid, "CA0") == 0);
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_INT(info.state, DT_ROUTE_WRAPUP);
    CHECK_INT(info.wrapup_due_ms, 20000);
    CHECK_STR(info.call_sid, "CA0");
    CHECK_INT(routing_next_due(f.r, 5000), 20000);
    /* the timer ends it: available, and the waiting call is offered */
    OK(routing_tick(f.r, 19999, fx_step(&f)));
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_WRAPUP);
    OK(routing_tick(f.r, 20000, fx_step(&f)));
    st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_AVAILABLE && st->why == DT_ROUTE_WRAPUP_TIMER);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL);
    fx_done(&f);
}

TEST(wrapup_over_or_until_done)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", RA, 10, 30, 0));
    OK(fx_member(&f, "amy", "sales", NULL, 0));
    OK(fx_member(&f, "bob", "sales", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 0, NULL, NULL, 0));
    /* due already passed: available at once, offered the waiting call */
    OK(routing_agent_wrapup_restore(f.r, "amy", "CA0", 3000, 5000, fx_step(&f), NULL, 0));
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_AVAILABLE && st->why == DT_ROUTE_WRAPUP_TIMER);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL);
    /* due 0: wrap-up until done, no timer; an available agent's offers are withdrawn */
    OK(routing_agent_wrapup_restore(f.r, "amy", "", 0, 6000, fx_step(&f), NULL, 0));
    int si = fx_index(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    int wi = fx_index(&f, DT_ROUTE_WITHDRAW, "CA1", "amy");
    CHECK(si >= 0 && wi > si);
    CHECK(wi >= 0 && f.acts.items[wi].why == DT_ROUTE_AGENT_AWAY);
    CHECK(si >= 0 && f.acts.items[si].expires_ms == 0);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_WRAPUP);
    CHECK_INT(routing_next_due(f.r, 6000), -1);
    OK(routing_agent_wrapup_done(f.r, "amy", 7000, fx_step(&f), NULL, 0));
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_AVAILABLE);
    /* a busy agent is refused and stays busy */
    OK(routing_accept(f.r, "CA1", "amy", 8000, NULL, NULL, 0));
    CHECK_INT(
        routing_agent_wrapup_restore(f.r, "amy", "CA1", 0, 9000, fx_step(&f), f.err, sizeof f.err),
        DT_ESTATE);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_BUSY);
    /* bad arguments */
    CHECK_INT(routing_agent_wrapup_restore(f.r, "nobody", "", 0, 9000, NULL, NULL, 0),
              DT_ENOTFOUND);
    CHECK_INT(routing_agent_wrapup_restore(f.r, "bob", "C\x01", 0, 9000, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(routing_agent_wrapup_restore(f.r, "bob", "", -5, 9000, NULL, NULL, 0), DT_EINVAL);
    CHECK_INT(fx_state(&f, "bob"), DT_ROUTE_OFFLINE);
    fx_done(&f);
}

/* What the daemon does when an agent disappears from the store: remove it from routing; its
 * reservation moves on to the next agent at once. */
TEST(removed_agent_offer_moves_on)
{
    struct fx f;
    OK(fx_sales(&f, LI, 30, 30, 0, 100));
    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL); /* idle longest */
    OK(routing_agent_remove(f.r, "amy", 2000, fx_step(&f), NULL, 0));
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy");
    CHECK(w && w->why == DT_ROUTE_AGENT_AWAY);
    const struct routing_action *o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob");
    CHECK(o && o->expires_ms == 32000);
    CHECK_INT(fx_index(&f, DT_ROUTE_WITHDRAW, "CA1", "amy") <
                  fx_index(&f, DT_ROUTE_OFFER, "CA1", "bob"),
              1);
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 2500, NULL, NULL, 0), DT_ENOTFOUND);
    CHECK_INT(routing_agent_count(f.r), 1);
    CHECK_STR(routing_agent_at(f.r, 0), "bob");
    CHECK(routing_agent_at(f.r, 1) == NULL);
    fx_done(&f);
}

int main(void)
{
    RUN(wrapup_restored_with_time_left);
    RUN(wrapup_over_or_until_done);
    RUN(removed_agent_offer_moves_on);
    return check_done();
}

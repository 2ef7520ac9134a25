/* Tests for routing: ringall and longest-idle offers, accept races, declines and rounds,
 * breaks, hang-ups, requeue at the front, skills, oldest call first, mode changes. */
#include "routing_fixture.h"

#define RA DT_ROUTE_RINGALL
#define LI DT_ROUTE_LONGEST_IDLE

TEST(ringall_offers_available_members_only)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", RA, 30, 30, 3));
    OK(fx_queue(&f, "support", RA, 30, 30, 3));
    OK(fx_agent(&f, "bob", "sales", NULL, 100));
    OK(fx_agent(&f, "amy", "sales", NULL, 100));
    OK(fx_agent(&f, "cat", "support", NULL, 100));
    OK(fx_agent(&f, "dan", "sales", NULL, 100));
    OK(routing_agent_set_state(f.r, "dan", DT_ROUTE_BREAK, "lunch", 200, NULL, NULL, 0));
    OK(routing_agent_add(f.r, "eve", 200, NULL, NULL, 0)); /* offline */
    OK(routing_agent_join(f.r, "eve", "sales", 200, NULL, NULL, 0));

    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, fx_step(&f), NULL, 0));
    CHECK_INT(f.acts.count, 2);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 2);
    /* In agent id order, no expiry, with the queue. */
    CHECK_INT(fx_index(&f, DT_ROUTE_OFFER, "CA1", "amy"), 0);
    CHECK_INT(fx_index(&f, DT_ROUTE_OFFER, "CA1", "bob"), 1);
    const struct routing_action *a = fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy");
    CHECK(a && a->expires_ms == 0 && a->at_ms == 1000);
    CHECK(a && strcmp(a->queue, "sales") == 0 && a->mode == RA);
    struct routing_call_info ci;
    OK(routing_call_get(f.r, "CA1", &ci));
    CHECK_INT(ci.offers, 2);
    CHECK_INT(ci.position, 1);
    CHECK_INT(routing_next_due(f.r, 1000), -1); /* ringall offers do not expire */
    fx_done(&f);
}

TEST(ringall_first_accept_wins_others_withdrawn)
{
    struct fx f;
    OK(fx_sales(&f, RA, 30, 30, 3, 0));
    OK(fx_agent(&f, "cat", "sales", NULL, 0));
    OK(fx_agent(&f, "zed", NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, NULL, NULL, 0));

    OK(routing_accept(f.r, "CA1", "bob", 2000, fx_step(&f), f.err, sizeof(f.err)));
    CHECK_INT(fx_count(&f, DT_ROUTE_ASSIGN), 1);
    CHECK_INT(fx_index(&f, DT_ROUTE_ASSIGN, "CA1", "bob"), 0);
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "bob");
    CHECK(st && st->state == DT_ROUTE_BUSY && st->why == DT_ROUTE_ASSIGNED);
    CHECK(st && strcmp(st->call_sid, "CA1") == 0);
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy");
    CHECK(w && w->why == DT_ROUTE_TAKEN);
    w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "cat");
    CHECK(w && w->why == DT_ROUTE_TAKEN);
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "bob") == NULL); /* the winner's ends in assign */
    CHECK_INT(fx_count(&f, DT_ROUTE_WITHDRAW), 2);
    CHECK_INT(routing_call_count(f.r), 0);
    CHECK_INT(fx_state(&f, "bob"), DT_ROUTE_BUSY);

    /* The loser's accept, a second accept by the winner, an outsider: no second assign. */
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 2001, fx_step(&f), f.err, sizeof(f.err)),
              DT_ESTATE);
    CHECK_STR(f.err, "taken by another agent");
    CHECK_INT(fx_count(&f, DT_ROUTE_ASSIGN), 0);
    CHECK_INT(routing_accept(f.r, "CA1", "bob", 2001, fx_step(&f), f.err, sizeof(f.err)),
              DT_ESTATE);
    CHECK_INT(routing_accept(f.r, "CA1", "zed", 2001, fx_step(&f), f.err, sizeof(f.err)),
              DT_ESTATE);
    CHECK_INT(fx_count(&f, DT_ROUTE_ASSIGN), 0);
    CHECK_INT(fx_state(&f, "amy"), DT_ROUTE_AVAILABLE);
    CHECK_INT(routing_accept(f.r, "CA404", "amy", 2001, NULL, NULL, 0), DT_ENOTFOUND);
    fx_done(&f);
}

TEST(accept_not_offered_is_refused)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", RA, 30, 30, 3));
    OK(fx_queue(&f, "support", RA, 30, 30, 3));
    OK(fx_agent(&f, "amy", "sales", NULL, 0));
    OK(fx_agent(&f, "cat", "support", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 10, NULL, NULL, 0));
    CHECK_INT(routing_accept(f.r, "CA1", "cat", 20, fx_step(&f), f.err, sizeof(f.err)), DT_EPERM);
    CHECK_INT(fx_count(&f, DT_ROUTE_ASSIGN), 0);
    CHECK_INT(routing_decline(f.r, "CA1", "cat", 20, NULL, NULL, 0), DT_EPERM);
    CHECK_INT(routing_accept(f.r, "CA1", "nobody", 20, NULL, NULL, 0), DT_ENOTFOUND);
    struct routing_call_info ci;
    OK(routing_call_get(f.r, "CA1", &ci));
    CHECK_INT(ci.offers, 1);
    fx_done(&f);
}

TEST(ringall_agent_sees_several_calls_accept_withdraws_the_rest)
{
    struct fx f;
    OK(fx_sales(&f, RA, 30, 30, 3, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 10, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA2", "sales", 20, NULL, NULL, 0));
    struct routing_offer_info offers[4];
    CHECK_INT(routing_agent_offers(f.r, "amy", offers, 4), 2);
    CHECK_STR(offers[0].call_sid, "CA1");
    CHECK_STR(offers[1].call_sid, "CA2");

    OK(routing_accept(f.r, "CA2", "amy", 30, fx_step(&f), NULL, 0));
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy");
    CHECK(w && w->why == DT_ROUTE_AGENT_AWAY);
    w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA2", "bob");
    CHECK(w && w->why == DT_ROUTE_TAKEN);
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "bob") == NULL);
    CHECK_INT(routing_agent_offers(f.r, "amy", NULL, 0), 0);
    CHECK_INT(routing_agent_offers(f.r, "bob", offers, 4), 1);
    CHECK_STR(offers[0].call_sid, "CA1");
    /* amy's accept of the call withdrawn from her says so. */
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 31, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "offer withdrawn");
    fx_done(&f);
}

TEST(ringall_offers_per_agent_are_capped_oldest_first)
{
    struct fx f;
    char sid[16];
    OK(fx_sales(&f, RA, 30, 30, 3, -1));
    for (int i = 0; i < ROUTING_RING_OFFERS + 2; i++) {
        snprintf(sid, sizeof(sid), "CA%02d", i);
        OK(routing_call_waiting(f.r, sid, "sales", 10 + i, NULL, NULL, 0));
    }
    struct routing_offer_info offers[ROUTING_RING_OFFERS + 2];
    CHECK_INT(routing_agent_offers(f.r, "amy", offers, ROUTING_RING_OFFERS + 2),
              ROUTING_RING_OFFERS);
    CHECK_STR(offers[0].call_sid, "CA00");
    OK(routing_call_gone(f.r, "CA03", 100, fx_step(&f), NULL, 0));
    snprintf(sid, sizeof(sid), "CA%02d", ROUTING_RING_OFFERS);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, sid, "amy") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);
    fx_done(&f);
}

TEST(longest_idle_order_declines_and_timeouts)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", LI, 30, 30, 0));
    OK(fx_agent(&f, "cat", "sales", NULL, 500));
    OK(fx_agent(&f, "bob", "sales", NULL, 500));  /* ties with cat: bob first by id */
    OK(fx_agent(&f, "amy", "sales", NULL, 1000)); /* idle since 1000 */
    OK(routing_call_waiting(f.r, "CA1", "sales", 2000, fx_step(&f), NULL, 0));
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);
    const struct routing_action *o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob");
    CHECK(o && o->expires_ms == 32000 && o->mode == LI);
    CHECK_INT(routing_next_due(f.r, 2000), 32000);

    OK(routing_decline(f.r, "CA1", "bob", 3000, fx_step(&f), NULL, 0));
    CHECK_INT(fx_index(&f, DT_ROUTE_WITHDRAW, "CA1", "bob"), 0);
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "bob")->why == DT_ROUTE_DECLINED);
    o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "cat");
    CHECK(o && o->expires_ms == 33000);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);

    OK(routing_tick(f.r, 32999, fx_step(&f)));
    CHECK_INT(f.acts.count, 0);
    OK(routing_tick(f.r, 33000, fx_step(&f)));
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "cat");
    CHECK(w && w->why == DT_ROUTE_TIMEOUT);
    o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy");
    CHECK(o && o->expires_ms == 63000);
    CHECK(fx_index(&f, DT_ROUTE_WITHDRAW, "CA1", "cat") < fx_index(&f, DT_ROUTE_OFFER, NULL, NULL));
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "cat", &info));
    CHECK_INT(info.missed_in_row, 1);
    CHECK_INT(info.reserved, 0);
    /* cat's late accept: expired. */
    CHECK_INT(routing_accept(f.r, "CA1", "cat", 33001, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "offer expired");
    CHECK_INT(routing_accept(f.r, "CA1", "bob", 33001, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "offer declined");

    /* Everyone tried: a new round starts from the longest idle. */
    OK(routing_decline(f.r, "CA1", "amy", 40000, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);
    fx_done(&f);
}

TEST(break_or_offline_withdraws_and_reoffers)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", LI, 30, 30, 3));
    OK(fx_queue(&f, "ring", RA, 30, 30, 3));
    OK(fx_agent(&f, "amy", "sales", "ring", 0));
    OK(fx_agent(&f, "bob", "sales", "ring", 10));
    OK(routing_call_waiting(f.r, "CA1", "sales", 100, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA2", "ring", 200, NULL, NULL, 0));
    OK(routing_agent_set_state(f.r, "amy", DT_ROUTE_BREAK, "coffee", 300, fx_step(&f), NULL, 0));
    const struct routing_action *st = fx_find(&f, DT_ROUTE_AGENT_STATE, NULL, "amy");
    CHECK(st && st->state == DT_ROUTE_BREAK && st->why == DT_ROUTE_REQUESTED);
    CHECK(st && strcmp(st->note, "coffee") == 0);
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy");
    CHECK(w && w->why == DT_ROUTE_AGENT_AWAY);
    w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA2", "amy");
    CHECK(w && w->why == DT_ROUTE_AGENT_AWAY);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob") != NULL);
    CHECK(fx_index(&f, DT_ROUTE_WITHDRAW, "CA1", "amy") < fx_index(&f, DT_ROUTE_OFFER, NULL, NULL));
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 301, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "offer withdrawn");

    OK(routing_agent_set_state(f.r, "bob", DT_ROUTE_OFFLINE, NULL, 400, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "bob") != NULL);
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA2", "bob") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 0);
    struct routing_call_info ci;
    OK(routing_call_get(f.r, "CA1", &ci));
    CHECK_INT(ci.offers, 0);
    CHECK_INT(routing_next_due(f.r, 400), -1);
    /* The same state again does nothing. */
    OK(routing_agent_set_state(f.r, "bob", DT_ROUTE_OFFLINE, NULL, 500, fx_step(&f), NULL, 0));
    CHECK_INT(f.acts.count, 0);
    fx_done(&f);
}

TEST(hang_up_withdraws_offers)
{
    struct fx f;
    OK(fx_sales(&f, RA, 30, 30, 3, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 100, NULL, NULL, 0));
    OK(routing_call_gone(f.r, "CA1", 200, fx_step(&f), NULL, 0));
    CHECK_INT(fx_count(&f, DT_ROUTE_WITHDRAW), 2);
    CHECK_INT(f.acts.count, 2);
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy")->why == DT_ROUTE_GONE);
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "bob")->why == DT_ROUTE_GONE);
    CHECK_INT(routing_agent_offers(f.r, "amy", NULL, 0), 0);
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 201, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "call is gone");
    CHECK_INT(routing_call_gone(f.r, "CA1", 202, NULL, NULL, 0), DT_ENOTFOUND);
    fx_done(&f);
}

TEST(requeue_front_keeps_priority)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", LI, 30, 30, 3));
    OK(fx_member(&f, "amy", "sales", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 1000, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA2", "sales", 2000, NULL, NULL, 0));
    /* CA9 first waited at 1500; back at 3000 after a failed agent leg. */
    OK(routing_requeue_front(f.r, "CA9", "sales", 1500, 3000, NULL, NULL, 0));
    OK(routing_requeue_front(f.r, "CA8", "sales", 1200, 3100, NULL, NULL, 0));
    struct routing_call_info ci;
    OK(routing_call_get(f.r, "CA8", &ci));
    CHECK_INT(ci.position, 1);
    CHECK_INT(ci.front, 1);
    CHECK_INT(ci.enqueued_ms, 1200);
    OK(routing_call_get(f.r, "CA9", &ci));
    CHECK_INT(ci.position, 2);
    OK(routing_call_get(f.r, "CA1", &ci));
    CHECK_INT(ci.position, 3);
    OK(routing_agent_set_state(f.r, "amy", DT_ROUTE_AVAILABLE, NULL, 4000, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA8", "amy") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);
    CHECK_INT(routing_requeue_front(f.r, "CA8", "sales", 1200, 4001, NULL, NULL, 0), DT_EEXIST);
    fx_done(&f);
}

TEST(requeue_after_assign_routes_again)
{
    struct fx f;
    OK(fx_sales(&f, RA, 30, 0, 3, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 100, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA1", "amy", 200, NULL, NULL, 0));
    /* amy's leg failed: the call comes back; amy ends her call (manual wrap-up). */
    OK(routing_requeue_front(f.r, "CA1", "sales", 100, 300, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);
    OK(routing_agent_call_ended(f.r, "amy", 310, NULL, NULL, 0));
    OK(routing_accept(f.r, "CA1", "bob", 320, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_ASSIGN, "CA1", "bob") != NULL);
    CHECK_INT(routing_accept(f.r, "CA1", "amy", 330, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "taken by another agent");
    fx_done(&f);
}

TEST(skills_join_and_leave)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", RA, 30, 30, 3));
    OK(fx_queue(&f, "support", RA, 30, 30, 3));
    OK(fx_agent(&f, "amy", "sales", NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "support", 10, fx_step(&f), NULL, 0));
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 0);
    OK(routing_call_waiting(f.r, "CA2", "sales", 20, NULL, NULL, 0));
    CHECK_INT(routing_agent_in_queue(f.r, "amy", "support"), 0);
    OK(routing_agent_join(f.r, "amy", "support", 30, fx_step(&f), NULL, 0));
    CHECK_INT(routing_agent_in_queue(f.r, "amy", "support"), 1);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1);
    OK(routing_agent_join(f.r, "amy", "support", 31, fx_step(&f), NULL, 0)); /* twice: nothing */
    CHECK_INT(f.acts.count, 0);
    OK(routing_agent_leave(f.r, "amy", "sales", 40, fx_step(&f), NULL, 0));
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA2", "amy");
    CHECK(w && w->why == DT_ROUTE_AGENT_AWAY);
    CHECK_INT(f.acts.count, 1); /* the support offer stays */
    CHECK_INT(routing_agent_offers(f.r, "amy", NULL, 0), 1);
    CHECK_INT(routing_accept(f.r, "CA2", "amy", 41, NULL, NULL, 0), DT_ESTATE);
    fx_done(&f);
}

TEST(two_calls_one_agent_oldest_first)
{
    struct fx f;
    fx_init(&f);
    OK(fx_queue(&f, "sales", LI, 30, 0, 3));
    OK(fx_queue(&f, "support", LI, 30, 0, 3));
    OK(fx_member(&f, "amy", "sales", "support", 0));
    OK(routing_call_waiting(f.r, "CA2", "support", 1000, NULL, NULL, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 2000, NULL, NULL, 0));
    OK(routing_agent_set_state(f.r, "amy", DT_ROUTE_AVAILABLE, NULL, 3000, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA2", "amy") != NULL);
    CHECK_INT(fx_count(&f, DT_ROUTE_OFFER), 1); /* one reservation at a time */
    struct routing_agent_info info;
    OK(routing_agent_get(f.r, "amy", &info));
    CHECK_INT(info.reserved, 1);
    OK(routing_accept(f.r, "CA2", "amy", 4000, NULL, NULL, 0));
    OK(routing_agent_call_ended(f.r, "amy", 5000, NULL, NULL, 0));
    OK(routing_agent_wrapup_done(f.r, "amy", 6000, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL);
    fx_done(&f);
}

TEST(outbound_busy_and_mode_change)
{
    struct fx f;
    OK(fx_sales(&f, RA, 30, 30, 3, 5));
    OK(routing_call_waiting(f.r, "CA1", "sales", 10, NULL, NULL, 0));
    OK(routing_agent_busy(f.r, "amy", "CAout", 3, 20, fx_step(&f), NULL, 0));
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy") != NULL);
    CHECK_INT(routing_agent_busy(f.r, "amy", "CAx", 0, 21, NULL, NULL, 0), DT_ESTATE);
    OK(routing_agent_call_ended(f.r, "amy", 100, NULL, NULL, 0));
    CHECK_INT(routing_next_due(f.r, 100), 3100);

    /* ringall -> longest-idle: offers withdrawn (rerouted), one reservation made. */
    struct routing_queue_conf c;
    routing_queue_defaults(&c);
    c.mode = LI;
    OK(routing_queue_set(f.r, "sales", &c, 200, fx_step(&f), NULL, 0));
    const struct routing_action *w = fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "bob");
    CHECK(w && w->why == DT_ROUTE_REROUTED);
    const struct routing_action *o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob");
    CHECK(o && o->mode == LI && o->expires_ms == 30200);
    struct routing_queue_conf got;
    OK(routing_queue_get(f.r, "sales", &got));
    CHECK_INT(got.mode, LI);
    CHECK_INT(routing_queue_remove(f.r, "sales", 300, NULL, NULL, 0), DT_ESTATE);
    OK(routing_call_gone(f.r, "CA1", 300, NULL, NULL, 0));
    OK(routing_queue_remove(f.r, "sales", 300, NULL, NULL, 0));
    CHECK_INT(routing_queue_count(f.r), 0);
    CHECK_INT(routing_agent_in_queue(f.r, "bob", "sales"), 0);
    fx_done(&f);
}

TEST(ringall_decline_round)
{
    struct fx f;
    OK(fx_sales(&f, RA, 30, 30, 3, 0));
    OK(routing_call_waiting(f.r, "CA1", "sales", 10, NULL, NULL, 0));
    OK(routing_decline(f.r, "CA1", "amy", 20, fx_step(&f), NULL, 0));
    CHECK_INT(f.acts.count, 1); /* bob still sees it; amy is not offered it again */
    CHECK_INT(routing_decline(f.r, "CA1", "amy", 21, NULL, f.err, sizeof(f.err)), DT_ESTATE);
    CHECK_STR(f.err, "offer declined");
    OK(routing_decline(f.r, "CA1", "bob", 30, fx_step(&f), NULL, 0));
    /* Everyone declined: a new round, everyone sees it again. */
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "amy") != NULL);
    CHECK(fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob") != NULL);
    fx_done(&f);
}

TEST(remove_agent_reoffers_and_time_never_goes_back)
{
    struct fx f;
    OK(fx_sales(&f, LI, 30, 30, 3, 10));
    OK(routing_call_waiting(f.r, "CA1", "sales", 10000, NULL, NULL, 0));
    OK(routing_agent_remove(f.r, "amy", 5000, fx_step(&f), NULL, 0)); /* earlier: counts as now */
    CHECK(fx_find(&f, DT_ROUTE_WITHDRAW, "CA1", "amy") != NULL);
    const struct routing_action *o = fx_find(&f, DT_ROUTE_OFFER, "CA1", "bob");
    CHECK(o && o->at_ms == 10000 && o->expires_ms == 40000);
    CHECK_INT(routing_agent_count(f.r), 1);
    CHECK_INT(routing_agent_get(f.r, "amy", &(struct routing_agent_info){0}), DT_ENOTFOUND);
    /* A new agent in the old slot inherits nothing from amy. */
    OK(fx_agent(&f, "ann", "sales", NULL, 10001));
    CHECK_INT(routing_accept(f.r, "CA1", "ann", 10002, NULL, NULL, 0), DT_EPERM);
    OK(routing_accept(f.r, "CA1", "bob", 10003, NULL, NULL, 0));
    CHECK_INT(routing_agent_remove(f.r, "bob", 10004, NULL, NULL, 0), DT_ESTATE);
    fx_done(&f);
}

TEST(names_and_parsing)
{
    CHECK_STR(routing_mode_name(DT_ROUTE_LONGEST_IDLE), "longest-idle");
    CHECK_STR(routing_mode_name((enum routing_mode)7), "unknown");
    CHECK_STR(routing_state_name(DT_ROUTE_WRAPUP), "wrap-up");
    CHECK_STR(routing_why_name(DT_ROUTE_MISSED_OFFERS), "missed-offers");
    CHECK_STR(routing_why_name((enum routing_why) - 1), "unknown");
    CHECK_STR(routing_action_name(DT_ROUTE_ASSIGN), "assign");
    enum routing_mode m = DT_ROUTE_RINGALL;
    OK(routing_mode_parse("longest-idle", &m));
    CHECK_INT(m, DT_ROUTE_LONGEST_IDLE);
    CHECK_INT(routing_mode_parse("Ringall", &m), DT_EINVAL);
    CHECK_INT(routing_mode_parse(NULL, &m), DT_EINVAL);
    enum routing_agent_state s = DT_ROUTE_BUSY;
    OK(routing_state_parse("break", &s));
    CHECK_INT(s, DT_ROUTE_BREAK);
    CHECK_INT(routing_state_parse("wrapup", &s), DT_EINVAL);
    CHECK_INT(s, DT_ROUTE_BREAK);
}

int main(void)
{
    RUN(ringall_offers_available_members_only);
    RUN(ringall_first_accept_wins_others_withdrawn);
    RUN(accept_not_offered_is_refused);
    RUN(ringall_agent_sees_several_calls_accept_withdraws_the_rest);
    RUN(ringall_offers_per_agent_are_capped_oldest_first);
    RUN(longest_idle_order_declines_and_timeouts);
    RUN(break_or_offline_withdraws_and_reoffers);
    RUN(hang_up_withdraws_offers);
    RUN(requeue_front_keeps_priority);
    RUN(requeue_after_assign_routes_again);
    RUN(skills_join_and_leave);
    RUN(two_calls_one_agent_oldest_first);
    RUN(outbound_busy_and_mode_change);
    RUN(ringall_decline_round);
    RUN(remove_agent_reoffers_and_time_never_goes_back);
    RUN(names_and_parsing);
    return check_done();
}

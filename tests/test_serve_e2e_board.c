/*
 * End-to-end test of the wallboard's figures with `dialtone serve` and `dialtone sim`: six
 * agents (ann, bob, cat and dan in "support", eve in "sales", sue the supervisor) and the
 * scripted callers of data/scenarios/test-wallboard.ini, loaded once the agents are ready.
 * The agents act as the scenario's comments say (answer at once, hold, hang up, wrap up, go
 * on break, decline, answer late), the test timing each step on its own clock; then
 * GET /api/v1/wallboard is compared, figure by figure, with what those outcomes give by the
 * definitions of README "Supervisors": every count exactly, the times (longest wait, ASA,
 * AHT, durations) within a second or so of what the test measured. On the way, the
 * supervisor's websocket gets call.queued for every caller and call.ended for the abandons,
 * the events after which a console fetches the figures, and a fetch right after each shows
 * the abandon counted where it belongs; so does one after a caller left at the maximum wait.
 */
#include <math.h>
#include <sys/time.h>
#include <time.h>

#include "dialtone/netloop.h"
#include "dialtone/wsc.h"
#include "serve_e2e_fixture.h"

#define WAIT 20000

/* The queue's thresholds, as the config below sets them (seconds). */
#define SL_S        5
#define SHORT_S     3
#define LONG_WAIT_S 3
#define MAX_WAIT_S  12

/* How long the test holds things (ms): long enough that dropping one from a figure shows. */
#define HOLD_MS   3000
#define TALK_MS   1000
#define WRAPUP_MS 4000
#define LATE_MS   8000 /* bob lets his caller wait this long: over SL_S */
#define E_WAIT_MS 5000 /* the last caller has waited this long when the figures are read */

static char conf_extra[1024];

enum { ANN, BOB, CAT, DAN, SUE, EVE, N_AGENTS };
static struct se_agent agents[N_AGENTS] = {
    [ANN] = {.name = "ann", .endpoint = "client:ann"},
    [BOB] = {.name = "bob", .endpoint = "client:bob"},
    [CAT] = {.name = "cat", .endpoint = "client:cat"},
    [DAN] = {.name = "dan", .endpoint = "client:dan"},
    [SUE] = {.name = "sue", .role = "supervisor", .endpoint = "client:sue"},
    [EVE] = {.name = "eve", .endpoint = "client:eve"},
};

/* The scenario's callers, in its order; sid and queued_ms filled as they arrive. */
enum { CA, CF, CG, CB, CC, CD, CE, N_CALLERS };
static struct caller {
    const char *from, *name;
    char sid[64];
    int64_t queued_ms; /* when the test saw call.queued */
} callers[N_CALLERS] = {
    [CA] = {.from = "+14155550131", .name = "Alma Quinn"},
    [CF] = {.from = "+14155550132", .name = "Femi Cole"},
    [CG] = {.from = "+14155550137", .name = "Gus Hale"},
    [CB] = {.from = "+14155550133", .name = "Bea Ruiz"},
    [CC] = {.from = "+14155550134", .name = "Cy Park"},
    [CD] = {.from = "+14155550135", .name = "Dee Moss"},
    [CE] = {.from = "+14155550136", .name = "Eli Ward"},
};

/* What the test measured on its own clock (ms since the epoch, as the daemon's). */
static struct {
    int64_t wait_ms[N_CALLERS]; /* handled callers: from call.queued to the accept's answer */
    int64_t conn_a, end_a, hold_a_ms, wrap_a_ms, conn_b, brk_ann;
    int64_t join_a; /* ann's leg joined her caller (the daemon's time) */
} m;

static int64_t now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* ---- the supervisor's websocket -------------------------------------------------------------- */

struct ev {
    char type[32], sid[64], agent[64], state[16], from[24];
    int64_t t;
};

static struct {
    struct netloop *loop;
    struct wsc *c;
    int closed, n;
    struct ev evs[1024];
} ws;

static void copy_str(char *dst, size_t n, const cJSON *v)
{
    const char *s = cJSON_GetStringValue(v);
    dt_strlcpy(dst, s ? s : "", n);
}

static void ws_message(struct wsc *c, const char *data, size_t len, int binary, void *user)
{
    (void)c;
    (void)binary;
    (void)user;
    cJSON *j = cJSON_ParseWithLength(data, len);
    if (!j || ws.n >= (int)(sizeof ws.evs / sizeof ws.evs[0])) {
        cJSON_Delete(j);
        return;
    }
    struct ev *e = &ws.evs[ws.n++];
    memset(e, 0, sizeof *e);
    e->t = now_ms();
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(j, "data");
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(d, "call");
    copy_str(e->type, sizeof e->type, cJSON_GetObjectItemCaseSensitive(j, "type"));
    copy_str(e->sid, sizeof e->sid,
             cJSON_GetObjectItemCaseSensitive(call ? call : d, call ? "sid" : "call_sid"));
    copy_str(e->from, sizeof e->from, cJSON_GetObjectItemCaseSensitive(call, "from"));
    copy_str(e->state, sizeof e->state, cJSON_GetObjectItemCaseSensitive(d, "state"));
    const cJSON *ag = cJSON_GetObjectItemCaseSensitive(d, "agent");
    copy_str(e->agent, sizeof e->agent,
             cJSON_IsString(ag) ? ag : cJSON_GetObjectItemCaseSensitive(d, "name"));
    cJSON_Delete(j);
}

static void ws_close(struct wsc *c, const struct wsc_close_info *info, void *user)
{
    (void)c;
    (void)info;
    (void)user;
    ws.closed = 1;
}

static void on_spin(struct netloop_timer *t, void *loop)
{
    (void)t;
    netloop_stop(loop);
}

/* Runs the client's loop for ms: every pause of the test reads the websocket meanwhile. */
static void spin(int ms)
{
    struct netloop_timer *t = netloop_timer_new(ws.loop, on_spin, ws.loop);
    netloop_timer_start(t, (uint64_t)(ms > 0 ? ms : 0));
    netloop_run(ws.loop);
    netloop_timer_free(t);
}

static void pause_until(int64_t t)
{
    for (int64_t now = now_ms(); now < t; now = now_ms())
        spin((int)(t - now < 50 ? t - now : 50));
}

static int matches(const char *want, const char *got)
{
    return !want || strcmp(want, got) == 0;
}

/* The first event of type with sid, agent and state (NULL: any), waiting up
 * to ms for it; NULL when none came. */
static const struct ev *ev_wait(const char *type, const char *sid, const char *agent,
                                const char *state, int ms)
{
    int64_t until = now_ms() + ms;
    for (;;) {
        for (int i = 0; i < ws.n; i++) {
            const struct ev *e = &ws.evs[i];
            if (matches(type, e->type) && matches(sid, e->sid) && matches(agent, e->agent) &&
                matches(state, e->state))
                return e;
        }
        if (now_ms() > until)
            break;
        spin(20);
    }
    printf("  no %s event (sid %s, agent %s, state %s)\n", type, sid ? sid : "-",
           agent ? agent : "-", state ? state : "-");
    return NULL;
}

static int ws_open(const struct se_agent *a)
{
    char err[256], url[256], auth[160];
    ws.loop = netloop_new(NULL, err, sizeof err);
    if (!ws.loop)
        return -1;
    snprintf(url, sizeof url, "ws://127.0.0.1:%d/api/v1/events", se.port);
    snprintf(auth, sizeof auth, "Bearer %s", a->token);
    struct wsc_header h = {.name = "Authorization", .value = auth};
    struct wsc_options o = {.url = url,
                            .headers = &h,
                            .nheaders = 1,
                            .max_message = 1 << 20,
                            .on_message = ws_message,
                            .on_close = ws_close};
    ws.c = wsc_new(ws.loop, &o, err, sizeof err);
    return ws.c && ev_wait("snapshot", NULL, NULL, NULL, WAIT) ? 0 : -1;
}

static void ws_done(void)
{
    wsc_free(ws.c);
    if (ws.loop)
        spin(20);
    netloop_free(ws.loop);
}

/* ---- requests ------------------------------------------------------------------------------- */

/* POSTs path as a; the status (the answer printed when it is an error). */
static long post(const struct se_agent *a, const char *path, const char *body)
{
    struct se_resp r = se_api(a, "POST", path, body);
    long st = r.status;
    if (st >= 300)
        printf("  POST %s: %ld %s\n", path, st, r.body.data ? r.body.data : "");
    se_resp_done(&r);
    return st;
}

static long act(int who, int caller, const char *action)
{
    char path[256];
    snprintf(path, sizeof path, "/api/v1/calls/%s/%s", callers[caller].sid, action);
    return post(&agents[who], path, NULL);
}

/* An action the daemon stores while it answers: the time is taken halfway through. */
static int64_t timed_act(int who, int caller, const char *action, long want)
{
    int64_t t0 = now_ms();
    CHECK_INT(act(who, caller, action), want);
    return (t0 + now_ms()) / 2;
}

/* Waits for caller i's call.queued; its sid and when it was seen. 1 when it came. */
static int queued(int i)
{
    for (int64_t until = now_ms() + WAIT; now_ms() < until; spin(20))
        for (int k = 0; k < ws.n; k++)
            if (strcmp(ws.evs[k].type, "call.queued") == 0 &&
                strcmp(ws.evs[k].from, callers[i].from) == 0) {
                dt_strlcpy(callers[i].sid, ws.evs[k].sid, sizeof callers[i].sid);
                callers[i].queued_ms = ws.evs[k].t;
                return 1;
            }
    printf("  %s never queued\n", callers[i].from);
    return 0;
}

/* Waits for caller i's offer to agent who, then accepts it; records the caller's wait. */
static void answer(int who, int i)
{
    CHECK(ev_wait("offer.created", callers[i].sid, agents[who].name, NULL, WAIT) != NULL);
    CHECK_INT(act(who, i, "accept"), 200);
    m.wait_ms[i] = now_ms() - callers[i].queued_ms;
}

/* When the daemon stored the join of agent who's leg to caller i's conference (their phone
 * answered: from then on they handle the call), waiting for it; -1 when it never came. */
static int64_t leg_joined(int who, int i)
{
    char sql[400], buf[32];
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM calls l JOIN call_events e ON e.call_sid = l.sid "
             "WHERE l.parent_sid = '%s' AND l.agent = '%s' "
             "AND e.payload LIKE '%%StatusCallbackEvent=participant-join%%'",
             callers[i].sid, agents[who].name);
    if (strcmp(se_wait_q(sql, "1", WAIT, buf, sizeof buf), "1") != 0)
        return -1;
    const char *t = se_q("SELECT min(e.ts_ms) FROM calls l JOIN call_events e "
                         "ON e.call_sid = l.sid WHERE l.parent_sid = '%s' AND l.agent = '%s' "
                         "AND e.payload LIKE '%%StatusCallbackEvent=participant-join%%'",
                         callers[i].sid, agents[who].name);
    return strtoll(t, NULL, 10);
}

static cJSON *board(void)
{
    struct se_resp r = se_api(&agents[SUE], "GET", "/api/v1/wallboard", NULL);
    CHECK_INT(r.status, 200);
    cJSON *j = r.json;
    r.json = NULL;
    se_resp_done(&r);
    return j;
}

static const cJSON *named(const cJSON *b, const char *list, const char *name)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(b, list))
    {
        const char *n = se_str(o, "name");
        if (n && strcmp(n, name) == 0)
            return o;
    }
    printf("  no %s named %s\n", list, name);
    return NULL;
}

/* o's member k as a number; NAN when missing or not a number (null included). */
static double num(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int is_null(const cJSON *o, const char *k)
{
    return cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(o, k));
}

#define CHECK_NUM(o, k, want)                                                                      \
    do {                                                                                           \
        double got_ = num((o), (k)), want_ = (double)(want);                                       \
        if (!(fabs(got_ - want_) < 1e-9))                                                          \
            printf("  %s: %g, want %g\n", (k), got_, want_);                                       \
        CHECK(fabs(got_ - want_) < 1e-9);                                                          \
    } while (0)

#define CHECK_NEAR(o, k, want, tol)                                                                \
    do {                                                                                           \
        double got_ = num((o), (k)), want_ = (double)(want);                                       \
        if (!(fabs(got_ - want_) <= (tol)))                                                        \
            printf("  %s: %g, want %g within %g\n", (k), got_, want_, (double)(tol));              \
        CHECK(fabs(got_ - want_) <= (tol));                                                        \
    } while (0)

/* ---- the scenario --------------------------------------------------------------------------- */

static void agents_ready(void)
{
    SE_WAIT_Q("SELECT count(*) FROM queues WHERE twilio_sid LIKE 'QU%'", "2", WAIT);
    se_add_agents(agents, EVE, "support");
    se_add_agents(&agents[EVE], 1, "sales");
    const int ready[] = {ANN, BOB, CAT, EVE};
    for (size_t i = 0; i < sizeof ready / sizeof ready[0]; i++)
        CHECK_INT(post(&agents[ready[i]], "/api/v1/me/state", "{\"state\": \"available\"}"), 200);
    CHECK_INT(ws_open(&agents[SUE]), 0);
}

/* A fetch right after what moves the figures shows the move. */
static void live(int shorts, int abandons, int left)
{
    cJSON *b = board();
    const cJSON *q = named(b, "queues", "support");
    CHECK_NUM(q, "short_abandoned", shorts);
    CHECK_NUM(q, "abandoned", abandons);
    CHECK_NUM(q, "left", left);
    cJSON_Delete(b);
}

/* The caller hung up in the queue: call.ended, then the figures. */
static void live_abandon(int caller, int shorts, int abandons)
{
    CHECK(ev_wait("call.ended", callers[caller].sid, NULL, NULL, WAIT) != NULL);
    live(shorts, abandons, 0);
}

TEST(scenario_runs)
{
    agents_ready();
    struct se_resp r =
        se_ctl("POST", "/sim/scenario", "{\"path\": \"data/scenarios/test-wallboard.ini\"}");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);

    /* ann and cat answer their callers at once; cat hangs up and stays in wrap-up */
    CHECK(queued(CA));
    answer(ANN, CA);
    CHECK(queued(CF));
    answer(CAT, CF);
    CHECK(queued(CG));
    const struct ev *e = ev_wait("call.connected", callers[CA].sid, "ann", NULL, WAIT);
    m.conn_a = e ? e->t : now_ms();
    m.join_a = leg_joined(ANN, CA);
    CHECK(m.join_a > 0);
    CHECK(ev_wait("call.connected", callers[CF].sid, "cat", NULL, WAIT) != NULL);
    CHECK(leg_joined(CAT, CF) > 0); /* cat's phone answered: she talked to the caller */
    CHECK_INT(act(CAT, CF, "hangup"), 202);

    /* ann holds her caller; meanwhile three more arrive, and bob declines one of them */
    pause_until(m.conn_a + TALK_MS / 2);
    int64_t h0 = timed_act(ANN, CA, "hold", 202);
    CHECK(queued(CB) && queued(CC) && queued(CD));
    CHECK(ev_wait("offer.created", callers[CD].sid, "bob", NULL, WAIT) != NULL);
    CHECK_INT(act(BOB, CD, "decline"), 200);
    live_abandon(CC, 1, 0); /* after 1 s: short */
    pause_until(h0 + HOLD_MS);
    m.hold_a_ms = timed_act(ANN, CA, "unhold", 202) - h0;

    /* ann hangs up, wraps up, and goes on break */
    pause_until(h0 + m.hold_a_ms + TALK_MS / 2);
    CHECK_INT(act(ANN, CA, "hangup"), 202);
    e = ev_wait("call.ended", callers[CA].sid, NULL, NULL, WAIT);
    m.end_a = e ? e->t : now_ms();
    e = ev_wait("agent.state", NULL, "ann", "wrap-up", WAIT);
    int64_t w0 = e ? e->t : now_ms();
    pause_until(w0 + WRAPUP_MS);
    CHECK_INT(post(&agents[ANN], "/api/v1/me/wrapup", "{\"disposition\": \"resolved\"}"), 200);
    m.wrap_a_ms = now_ms() - w0;
    CHECK_INT(
        post(&agents[ANN], "/api/v1/me/state", "{\"state\": \"break\", \"reason\": \"lunch\"}"),
        200);
    m.brk_ann = now_ms();

    /* the caller bob declined gives up after 6 s: abandoned; bob answers his own late */
    live_abandon(CD, 1, 1);
    pause_until(callers[CB].queued_ms + LATE_MS);
    answer(BOB, CB);
    e = ev_wait("call.connected", callers[CB].sid, "bob", NULL, WAIT);
    m.conn_b = e ? e->t : now_ms();

    /* nobody answered the caller who came third: at the maximum wait, he leaves for voicemail */
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT queue_result FROM calls WHERE sid = '%s'", callers[CG].sid);
    SE_WAIT_Q(sql, "leave", WAIT);
    live(1, 1, 1);

    /* the last caller finds nobody and waits */
    CHECK(queued(CE));
    pause_until(callers[CE].queued_ms + E_WAIT_MS);
    CHECK_STR(se_q("SELECT state FROM agents WHERE name = 'cat'"), "wrap-up");
}

/* ---- the figures, by hand ------------------------------------------------------------------ */

static cJSON *final;

static int64_t round_s(int64_t ms)
{
    return (ms + 500) / 1000;
}

TEST(queue_figures)
{
    /* the scenario went as designed: two answers well inside the level, one well over it */
    CHECK(m.wait_ms[CA] < (SL_S - 2) * 1000 && m.wait_ms[CF] < (SL_S - 2) * 1000);
    CHECK(m.wait_ms[CB] >= LATE_MS);
    final = board();
    int64_t now = (int64_t)num(final, "now_ms");
    const cJSON *day = cJSON_GetObjectItemCaseSensitive(final, "day");
    CHECK(num(day, "start_ms") <= now - 60000 && now + 60000 < num(day, "end_ms"));
    CHECK_STR(se_str(day, "timezone"), "UTC");

    const cJSON *q = named(final, "queues", "support");
    CHECK_NUM(q, "waiting", 1); /* the last caller */
    CHECK_NEAR(q, "longest_wait_s", (now - callers[CE].queued_ms) / 1000, 1.5);
    CHECK_NUM(q, "handled", 3);
    CHECK_NUM(q, "abandoned", 1);       /* after 6 s */
    CHECK_NUM(q, "short_abandoned", 1); /* after 1 s, counted nowhere else */
    CHECK_NUM(q, "left", 1);            /* at the maximum wait */
    CHECK_NUM(q, "offered", 5);         /* handled + abandoned + left */
    CHECK_NUM(q, "answered_in_sl", 2);
    CHECK_NUM(q, "service_level", 40.0); /* 2 of 5: the abandon and the leave count against it */
    CHECK_NUM(q, "service_level_target", 80);
    CHECK_NUM(q, "service_level_s", SL_S);
    CHECK_NUM(q, "short_abandon_s", SHORT_S);
    CHECK_NUM(q, "long_wait_s", LONG_WAIT_S);
    double asa = (double)(m.wait_ms[CA] + m.wait_ms[CF] + m.wait_ms[CB]) / 3000.0;
    CHECK_NEAR(q, "asa_s", asa, 1.0);
    /* only ann's call is over, wrap-up included: cat is still in wrap-up, bob still talking */
    int64_t talk = m.end_a - m.conn_a - m.hold_a_ms;
    int64_t aht = round_s(talk) + round_s(m.hold_a_ms) + m.wrap_a_ms / 1000;
    CHECK_NUM(q, "aht_calls", 1);
    CHECK_NEAR(q, "aht_s", aht, 1.5);
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(q, "warnings");
    CHECK_INT(cJSON_GetArraySize(w), 2);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(w, 0)), "service_level");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetArrayItem(w, 1)), "long_wait");

    const cJSON *s = named(final, "queues", "sales"); /* nothing came: no figure, no warning */
    const char *zero[] = {"waiting",         "longest_wait_s", "handled", "abandoned",
                          "short_abandoned", "left",           "offered", "aht_calls"};
    for (size_t i = 0; i < sizeof zero / sizeof zero[0]; i++)
        CHECK_NUM(s, zero[i], 0);
    CHECK(is_null(s, "service_level") && is_null(s, "asa_s") && is_null(s, "aht_s"));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "warnings")), 0);

    const cJSON *all = cJSON_GetObjectItemCaseSensitive(final, "warnings");
    CHECK_INT(cJSON_GetArraySize(all), 2);
    const cJSON *x;
    cJSON_ArrayForEach(x, all) CHECK_STR(se_str(x, "queue"), "support");
}

/* An agent's row: state, reason (NULL: null), handled and declined offers. */
static const cJSON *agent_row(const char *name, const char *state, const char *reason, int handled,
                              int declined)
{
    const cJSON *a = named(final, "agents", name);
    CHECK_STR(se_str(a, "state"), state);
    if (reason)
        CHECK_STR(se_str(a, "reason"), reason);
    else
        CHECK(is_null(a, "reason"));
    CHECK_NUM(a, "handled", handled);
    CHECK_NUM(a, "declined_offers", declined);
    CHECK_NUM(a, "missed_offers", 0); /* ringall offers never time out */
    return a;
}

static const cJSON *call_of(const cJSON *a, int caller)
{
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(a, "call");
    CHECK_STR(se_str(c, "sid"), callers[caller].sid);
    CHECK_STR(se_str(c, "party"), callers[caller].from);
    CHECK_STR(se_str(c, "caller_name"), callers[caller].name);
    return c;
}

TEST(agent_rows)
{
    int64_t now = (int64_t)num(final, "now_ms");
    /* an agent's handle time: from their leg's join to the end, hold included, + wrap-up */
    int64_t aht = round_s(m.end_a - m.join_a) + m.wrap_a_ms / 1000;

    const cJSON *a = agent_row("ann", "break", "lunch", 1, 0);
    CHECK(is_null(a, "call"));
    CHECK_NEAR(a, "aht_s", aht, 1.5);
    CHECK_NEAR(a, "in_state_s", (now - m.brk_ann) / 1000, 1.5);

    a = agent_row("bob", "busy", NULL, 1, 1);
    const cJSON *c = call_of(a, CB);
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "ended")));
    CHECK_NEAR(c, "duration_s", (now - m.conn_b) / 1000, 1.5);
    CHECK(is_null(a, "aht_s")); /* his call goes on */

    a = agent_row("cat", "wrap-up", NULL, 1, 0);
    c = call_of(a, CF);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(c, "ended")));
    /* the queue's wrap-up has no timer: it lasts until cat ends it */
    CHECK(is_null(a, "wrapup_ends_ms") && is_null(a, "wrapup_left_s"));
    CHECK(is_null(a, "aht_s")); /* the wrap-up is not over */

    const char *idle[][2] = {{"dan", "offline"}, {"eve", "available"}, {"sue", "offline"}};
    for (size_t i = 0; i < sizeof idle / sizeof idle[0]; i++) {
        a = agent_row(idle[i][0], idle[i][1], NULL, 0, 0);
        CHECK(is_null(a, "call") && is_null(a, "aht_s"));
    }
    CHECK_STR(se_str(named(final, "agents", "sue"), "role"), "supervisor");
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(final, "agents")), N_AGENTS);
}

/* Every caller was announced as it joined the queue. */
TEST(queued_events)
{
    for (int i = 0; i < N_CALLERS; i++) {
        CHECK(callers[i].sid[0] == 'C');
        CHECK(ev_wait("call.queued", callers[i].sid, NULL, NULL, 0) != NULL);
    }
    CHECK(!ws.closed);
}

int main(void)
{
    /* the day starts twelve hours from now, so that no run straddles its reset */
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    int reset = (tm.tm_hour * 60 + tm.tm_min + 720) % 1440;
    snprintf(conf_extra, sizeof conf_extra,
             "[queue \"support\"]\nmax_wait = %d\nwrapup = 0\nservice_level = %d\n"
             "service_level_target = 80\nshort_abandon = %d\nlong_wait = %d\n"
             "[queue \"sales\"]\nmax_wait = 3600\n"
             "[wallboard]\ntimezone = UTC\nday_reset = %02d:%02d\n",
             MAX_WAIT_S, SL_S, SHORT_S, LONG_WAIT_S, reset / 60, reset % 60);
    if (se_setup("data/scenarios/test-basic.ini", "1", conf_extra) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(scenario_runs);
    RUN(queue_figures);
    RUN(agent_rows);
    RUN(queued_events);
    if (check_tests_failed) { /* what was compared, for the log */
        char *text = cJSON_Print(final);
        printf("  the wallboard: %s\n  measured: waits %lld %lld %lld ms, hold %lld ms, "
               "connected..ended %lld ms, wrap-up %lld ms\n",
               text ? text : "(none)", (long long)m.wait_ms[CA], (long long)m.wait_ms[CF],
               (long long)m.wait_ms[CB], (long long)m.hold_a_ms, (long long)(m.end_a - m.conn_a),
               (long long)m.wrap_a_ms);
        free(text);
    }
    cJSON_Delete(final);
    ws_done();
    se_teardown();
    return check_done();
}

/*
 * sim_host: the running emulator (see sim_host.h). Everything happens on the netloop's thread:
 * HTTP requests are answered at once by the pure REST and control layers, webhook answers
 * come back from the HTTP client as completions, and after anything that may have changed
 * the engine's next due time the one engine timer is re-armed. Emulated time runs at `speed`
 * times real time from the wall-clock time of the start.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/sim_host.h"
#include "dialtone/config.h"
#include "dialtone/httpd.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/sim.h"
#include "dialtone/sim_control.h"
#include "dialtone/sim_rest.h"
#include "dialtone/sim_traffic.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"
#include "cmd/sim_webhook.h"

/* A REST or control body may be this long; longer ones get the REST layer's Twilio 413, and
 * the server's own 413 only beyond HTTPD_MAX_BODY_DEFAULT. */
#define HOST_MAX_BODY HTTPD_MAX_BODY_DEFAULT

struct sim_hostrun {
    const struct sim_host_opts *opts;
    struct netloop *loop;
    struct httpd *httpd;
    struct sim_webhooks *hooks;
    struct netloop_timer *tick, *arrive;
    struct sim *sim;
    struct sim_scenario *sc;   /* current */
    struct sim_scenario **old; /* replaced ones, kept until the end */
    size_t n_old;
    struct sim_control ctl;
    struct sim_control_stats st;
    struct sim_traffic traffic;
    struct sim_arrival next;
    int has_next;
    /* time: emulated = emu0 + (mono - mono0) * speed */
    int64_t emu0;
    uint64_t mono0, real0;
    double speed;
};

static int64_t emu_now(const struct sim_hostrun *h)
{
    uint64_t d = netloop_now_ms() - h->mono0;
    return h->emu0 + (int64_t)((double)d * h->speed + 0.5);
}

/* Real milliseconds until emulated time t (0 when due). */
static uint64_t real_delay(const struct sim_hostrun *h, int64_t t)
{
    int64_t now = emu_now(h);
    if (t <= now)
        return 0;
    double x = (double)(t - now) / h->speed;
    if (x > 86400000.0)
        return 86400000u;
    uint64_t ms = (uint64_t)x;
    return (double)ms < x ? ms + 1 : ms;
}

static void set_speed(struct sim_hostrun *h, double speed)
{
    h->emu0 = emu_now(h);
    h->mono0 = netloop_now_ms();
    h->speed = speed > 0 ? speed : 1;
}

/* Re-arms the engine timer at the engine's next due time. */
static void rearm(struct sim_hostrun *h)
{
    int64_t due = sim_next_due(h->sim);
    if (due < 0)
        netloop_timer_stop(h->tick);
    else
        netloop_timer_start(h->tick, real_delay(h, due));
}

static void on_tick(struct netloop_timer *t, void *user)
{
    (void)t;
    struct sim_hostrun *h = user;
    sim_advance(h->sim, emu_now(h));
    rearm(h);
}

/* ---- inbound traffic --------------------------------------------------------------------- */

static void arm_arrival(struct sim_hostrun *h)
{
    h->has_next = sim_traffic_next(&h->traffic, &h->next);
    if (h->has_next)
        netloop_timer_start(h->arrive, real_delay(h, h->next.at_ms));
    else
        netloop_timer_stop(h->arrive);
}

static void on_arrival(struct netloop_timer *t, void *user)
{
    (void)t;
    struct sim_hostrun *h = user;
    int64_t now = emu_now(h);
    for (int i = 0; i < 1000 && h->has_next && h->next.at_ms <= now; i++) {
        const struct sim_call *call = NULL;
        struct sim_err e = {0};
        sim_advance(h->sim, now);
        if (sim_inbound_call(h->sim, h->next.from, h->next.to, h->next.name, h->next.patience_s,
                             h->next.digits, &call, &e) < 0)
            log_warn("sim: arrival from %s to %s refused: %d %s", h->next.from, h->next.to, e.code,
                     e.message);
        else
            h->st.arrivals++;
        h->has_next = sim_traffic_next(&h->traffic, &h->next);
    }
    if (h->has_next)
        netloop_timer_start(h->arrive, real_delay(h, h->next.at_ms));
    rearm(h);
}

static void start_traffic(struct sim_hostrun *h)
{
    sim_traffic_init(&h->traffic, h->sc, emu_now(h));
    arm_arrival(h);
}

/* ---- the engine's host callbacks ----------------------------------------------------------- */

static void engine_http(void *ctx, const struct sim_http_req *req)
{
    struct sim_hostrun *h = ctx;
    h->st.webhooks_sent++;
    sim_webhooks_send(h->hooks, req);
}

static void engine_log(void *ctx, int level, const char *line)
{
    (void)ctx;
    log_msg(level <= 0   ? DT_LOG_ERROR
            : level >= 3 ? DT_LOG_DEBUG
                         : (enum log_level)level,
            "sim: %s", line);
}

/* A webhook's answer (or failure), from the client. */
static void webhook_done(void *user, uint64_t id, int status, const char *content_type,
                         const char *body, size_t len, const char *neterr)
{
    struct sim_hostrun *h = user;
    if (neterr || status < 200 || status > 299)
        h->st.webhooks_failed++;
    sim_http_done(h->sim, id, status, content_type, body, len, neterr);
    rearm(h);
}

/* ---- HTTP ---------------------------------------------------------------------------------- */

static void fill_req(struct httpd_req *req, struct sim_rest_req *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->method = httpd_req_method(req);
    rq->path = httpd_req_path(req);
    rq->query = httpd_req_query(req);
    rq->body = httpd_req_body(req, &rq->body_len);
    rq->content_type = httpd_req_header(req, "content-type");
    rq->authorization = httpd_req_header(req, "authorization");
}

static void answer(struct httpd_req *req, struct sim_rest_resp *rs)
{
    if (rs->status == 401)
        httpd_req_add_header(req, "WWW-Authenticate", "Basic realm=\"Twilio API\"");
    if (rs->status == 204)
        httpd_respond(req, 204, NULL, NULL, 0);
    else
        httpd_respond_str(req, rs->status, DT_SIM_REST_CONTENT_TYPE, rs->body ? rs->body : "");
    sim_rest_resp_done(rs);
}

static void on_rest(struct httpd_req *req, void *user)
{
    struct sim_hostrun *h = user;
    struct sim_rest_req rq;
    struct sim_rest_resp rs;
    fill_req(req, &rq);
    h->st.rest_requests++;
    sim_advance(h->sim, emu_now(h));
    sim_rest_handle(h->sim, h->sc, &rq, &rs);
    log_msg(rs.status >= 400 ? DT_LOG_INFO : DT_LOG_DEBUG, "sim: %s %s -> %d", rq.method, rq.path,
            rs.status);
    answer(req, &rs);
    rearm(h);
}

/* 1 for a loopback peer: the control API has no auth, so it answers no one else (even when
 * --listen opens the REST API wider). */
static int is_loopback(const char *addr)
{
    return addr && (strncmp(addr, "127.", 4) == 0 || strcmp(addr, "::1") == 0 ||
                    strncmp(addr, "::ffff:127.", 11) == 0);
}

static void on_control(struct httpd_req *req, void *user)
{
    struct sim_hostrun *h = user;
    struct sim_rest_req rq;
    struct sim_rest_resp rs;
    if (!is_loopback(httpd_req_remote(req))) {
        log_warn("sim: control request from %s refused", httpd_req_remote(req));
        httpd_respond_str(req, 403, DT_SIM_REST_CONTENT_TYPE,
                          "{\"error\":{\"code\":\"forbidden\",\"message\":"
                          "\"the control API answers loopback clients only\"}}");
        return;
    }
    fill_req(req, &rq);
    h->st.control_requests++;
    sim_advance(h->sim, emu_now(h));
    sim_control_handle(&h->ctl, &rq, &rs);
    log_info("sim: control %s %s -> %d", rq.method, rq.path, rs.status);
    answer(req, &rs);
    rearm(h);
}

static const struct httpd_route host_routes[] = {
    {.path = "/sim/", .prefix = 1, .fn = on_control},
    {.path = "/", .prefix = 1, .fn = on_rest},
};

/* ---- the control API's hooks ------------------------------------------------------------- */

static void host_stats(void *ctx, struct sim_control_stats *out)
{
    struct sim_hostrun *h = ctx;
    h->st.now_ms = emu_now(h);
    h->st.speed = h->speed;
    h->st.uptime_s = (double)(netloop_now_ms() - h->real0) / 1000.0;
    h->st.webhooks_pending = sim_webhooks_pending(h->hooks);
    *out = h->st;
}

static int host_load(void *ctx, const char *path, const char *text, char *err, size_t errlen)
{
    struct sim_hostrun *h = ctx;
    struct sim_scenario *sc = xcalloc(1, sizeof *sc);
    sim_scenario_init(sc);
    int rc = path ? sim_scenario_load_file_vars(sc, path, config_getenv, NULL, err, errlen)
                  : sim_scenario_load_string_vars(sc, "<control>", text, config_getenv, NULL, err,
                                                  errlen);
    if (rc == 0)
        rc = sim_host_apply(h->opts, sc, err, errlen);
    if (rc < 0) {
        sim_scenario_done(sc);
        free(sc);
        return rc;
    }
    if (sc->auth_token)
        log_add_secret(sc->auth_token);
    if (sc->api_key_secret)
        log_add_secret(sc->api_key_secret);
    h->old = xrealloc(h->old, (h->n_old + 1) * sizeof *h->old);
    h->old[h->n_old++] = h->sc;
    h->sc = sc;
    h->ctl.sc = sc;
    sim_advance(h->sim, emu_now(h));
    sim_set_scenario(h->sim, sc);
    set_speed(h, sc->speed);
    start_traffic(h);
    rearm(h);
    log_info("sim: scenario %s loaded", sc->file ? sc->file : "<control>");
    return 0;
}

/* ---- options ------------------------------------------------------------------------------ */

static void replace_str(char **dst, const char *src)
{
    free(*dst);
    *dst = xstrdup(src);
}

int sim_host_apply(const struct sim_host_opts *o, struct sim_scenario *sc, char *err, size_t errlen)
{
    const char *file = sc->file ? sc->file : "the scenario";
    if (o->account)
        replace_str(&sc->account_sid, o->account);
    if (o->auth_token)
        replace_str(&sc->auth_token, o->auth_token);
    if (o->speed > 0)
        sc->speed = o->speed;
    if (o->has_seed)
        sc->seed = o->seed;
    if (!sc->account_sid || !valid_sid(sc->account_sid, "AC"))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "%s: no account: give --account AC... or account_sid in [scenario]", file);
    if (!sc->auth_token || !sc->auth_token[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "%s: no auth token: set $%s or auth_token in [scenario]", file,
                         o->token_env ? o->token_env : "TWILIO_AUTH_TOKEN");
    return 0;
}

/* ---- run ----------------------------------------------------------------------------------- */

static int64_t wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void host_free(struct sim_hostrun *h)
{
    sim_webhooks_free(h->hooks); /* no completion reaches the engine after this */
    httpd_free(h->httpd);
    netloop_timer_free(h->tick);
    netloop_timer_free(h->arrive);
    netloop_free(h->loop);
    sim_free(h->sim);
    for (size_t i = 0; i < h->n_old; i++) {
        sim_scenario_done(h->old[i]);
        free(h->old[i]);
    }
    free(h->old);
    sim_scenario_done(h->sc);
    free(h->sc);
}

static void print_listening(const struct sim_hostrun *h)
{
    const char *addr = h->opts->listen;
    int v6 = strchr(addr, ':') != NULL;
    printf("dialtone sim: listening on http://%s%s%s:%d (account %s)\n", v6 ? "[" : "", addr,
           v6 ? "]" : "", httpd_port(h->httpd), h->sc->account_sid);
    fflush(stdout);
}

int sim_host_run(const struct sim_host_opts *o, struct sim_scenario *sc, char *err, size_t errlen)
{
    struct sim_hostrun h = {.opts = o, .sc = sc};
    h.loop = netloop_new(NULL, err, errlen);
    if (!h.loop) {
        sim_scenario_done(sc);
        free(sc);
        return DT_EIO;
    }
    h.mono0 = h.real0 = netloop_now_ms();
    h.emu0 = wall_ms();
    h.speed = sc->speed > 0 ? sc->speed : 1;
    struct httpd_options hopt = {.iface = o->listen,
                                 .port = o->port,
                                 .ipv6 = strchr(o->listen, ':') != NULL,
                                 .max_body = HOST_MAX_BODY};
    h.httpd = httpd_new(h.loop, &hopt, err, errlen);
    int rc = DT_EIO;
    if (!h.httpd)
        goto done;
    h.hooks = sim_webhooks_new(h.loop, webhook_done, &h, err, errlen);
    if (!h.hooks)
        goto done;
    struct sim_host host = {.ctx = &h, .http = engine_http, .log = engine_log};
    h.sim = sim_new(sc, &host, h.emu0);
    h.ctl = (struct sim_control){
        .sim = h.sim, .sc = sc, .ctx = &h, .load_scenario = host_load, .stats = host_stats};
    h.tick = netloop_timer_new(h.loop, on_tick, &h);
    h.arrive = netloop_timer_new(h.loop, on_arrival, &h);
    if (httpd_add_routes(h.httpd, host_routes, sizeof host_routes / sizeof host_routes[0], &h) <
            0 ||
        netloop_catch_signals(h.loop, NULL, NULL) < 0) {
        dt_seterr(err, errlen, DT_EIO, "cannot set up the server");
        goto done;
    }
    start_traffic(&h);
    rearm(&h);
    print_listening(&h);
    log_info("sim: scenario %s, speed %g, %zu numbers", sc->file ? sc->file : "?", h.speed,
             sc->n_numbers);
    rc = netloop_run(h.loop) < 0 ? DT_EIO : 0;
    if (rc < 0)
        dt_seterr(err, errlen, DT_EIO, "the event loop failed");
    log_info("sim: stopping");
done:
    host_free(&h);
    return rc;
}

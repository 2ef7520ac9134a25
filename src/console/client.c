/*
 * client: the console's connection to the daemon (see client.h). This file holds the client's
 * life, its connection state and the event websocket: connect, deduplicate by seq, reconnect
 * with a jittered backoff and ?after_seq=, start afresh on resync; client_rest.c holds the
 * REST requests and the pending poll.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "console/client_int.h"
#include "dialtone/httpc.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "dialtone/wsc.h"

#define EVENTS_PATH     "/api/v1/events"
#define MAX_HOST        253   /* a DNS name at most, as wsc allows */
#define AFRESH_QUIET_MS 10000 /* fresh starts closer than this wait for the backoff */
#define UNAUTH_WHY      "the daemon refused the token (401): log in again with dialtone login"

static const char *const conn_names[] = {
    [CLIENT_CONNECTING] = "connecting",
    [CLIENT_LIVE] = "live",
    [CLIENT_RECONNECTING] = "reconnecting",
    [CLIENT_OFFLINE] = "offline",
};

const char *client_conn_name(enum client_conn state)
{
    if ((unsigned)state >= sizeof conn_names / sizeof conn_names[0])
        return "?";
    return conn_names[state];
}

/* ---- entry points and state ------------------------------------------------------------- */

static void destroy(struct client *c);

void client_enter(struct client *c)
{
    c->depth++;
}

int client_leave(struct client *c)
{
    if (--c->depth == 0 && c->doomed && !c->freeing) {
        destroy(c);
        return 1;
    }
    return 0;
}

static void set_state(struct client *c, enum client_conn st, const char *why)
{
    c->state = st;
    if (c->cb.on_conn && !c->doomed)
        c->cb.on_conn(st, c->retry_at, why, c->user);
}

/* Arms the next attempt in ms (0: now, from the loop). */
static void schedule(struct client *c, uint64_t ms)
{
    c->retry_at = netloop_now_ms() + ms;
    netloop_timer_start(c->retry_timer, ms);
}

/* The backoff's next delay, 80-120 % of the current step; the step doubles up to the cap. */
static uint64_t next_backoff(struct client *c)
{
    uint64_t step = c->backoff_ms;
    uint64_t d = step * 4 / 5 + (uint64_t)(rng_uniform(&c->rng) * (double)(step * 2 / 5));
    c->backoff_ms = step * 2 > c->backoff_max_ms ? c->backoff_max_ms : (unsigned int)(step * 2);
    return d ? d : 1;
}

static void drop_ws(struct client *c)
{
    wsc_free(c->ws);
    c->ws = NULL;
}

void client_go_offline(struct client *c, const char *why)
{
    if (c->state == CLIENT_OFFLINE)
        return;
    drop_ws(c);
    c->backoff_ms = c->backoff_min_ms;
    schedule(c, c->unauth_ms);
    set_state(c, CLIENT_OFFLINE, why ? why : UNAUTH_WHY);
}

/* ---- the websocket ------------------------------------------------------------------------ */

static void ws_open(struct wsc *w, void *user)
{
    (void)w;
    struct client *c = user;
    client_enter(c);
    c->backoff_ms = c->backoff_min_ms;
    c->retry_at = 0;
    set_state(c, CLIENT_LIVE, NULL);
    if (!c->doomed)
        client_poll_now(c);
    client_leave(c);
}

/* Lets go of the connection and reconnects without after_seq: at once, unless the last fresh
 * start was recent (a console that keeps falling behind must not hammer the daemon). */
static void start_afresh(struct client *c, const char *why)
{
    drop_ws(c);
    c->fresh_next = 1;
    uint64_t now = netloop_now_ms();
    int recent = c->afresh_at && now - c->afresh_at < AFRESH_QUIET_MS;
    c->afresh_at = now;
    schedule(c, recent ? next_backoff(c) : 0);
    set_state(c, CLIENT_RECONNECTING, why);
}

static int64_t seq_of(const cJSON *o, int *has)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seq");
    *has = cJSON_IsNumber(s) && s->valuedouble >= 0 && s->valuedouble < 9.0e15;
    return *has ? (int64_t)s->valuedouble : 0;
}

/* What to do with one parsed message: 1 to pass it on, 0 to drop it. May reconnect. */
static int accept_message(struct client *c, const cJSON *o)
{
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "type"));
    int has = 0;
    int64_t seq = seq_of(o, &has);
    if (type && strcmp(type, "resync") == 0) {
        start_afresh(c, "the console fell behind: starting afresh from a snapshot");
        return 0;
    }
    if (type && strcmp(type, "snapshot") == 0) {
        if (!has)
            return 1;
        if (c->conn_after && c->have_seq && seq < c->last_seq) {
            /* The daemon's event log is behind what was seen: a new database. */
            start_afresh(c, "the daemon's event log restarted: starting afresh");
            return 0;
        }
        if (!c->conn_after || !c->have_seq)
            c->last_seq = seq;
        c->have_seq = 1;
        return 1;
    }
    if (!has)
        return 1;
    if (c->have_seq && seq <= c->last_seq)
        return 0;
    c->last_seq = seq;
    c->have_seq = 1;
    return 1;
}

static void ws_message(struct wsc *w, const char *data, size_t len, int binary, void *user)
{
    (void)w;
    struct client *c = user;
    if (binary)
        return;
    cJSON *o = cJSON_ParseWithLength(data, len);
    if (!cJSON_IsObject(o)) {
        cJSON_Delete(o);
        return;
    }
    client_enter(c);
    if (accept_message(c, o) && c->cb.on_event && !c->doomed)
        c->cb.on_event(o, c->user);
    cJSON_Delete(o);
    client_leave(c);
}

static void ws_close(struct wsc *w, const struct wsc_close_info *info, void *user)
{
    (void)w;
    struct client *c = user;
    client_enter(c);
    drop_ws(c);
    if (info->http_status == 401) {
        c->state = CLIENT_RECONNECTING; /* so that going offline reports */
        client_go_offline(c, UNAUTH_WHY);
        client_leave(c);
        return;
    }
    char why[256];
    char code[32];
    snprintf(code, sizeof code, "closed with code %d", info->code);
    const char *r = info->reason && info->reason[0] ? info->reason : code;
    if (info->opened)
        snprintf(why, sizeof why, "lost the connection to the daemon at %s: %s", c->url.hostport,
                 r);
    else if (info->http_status)
        snprintf(why, sizeof why, "the daemon at %s refused the event stream (HTTP %d)",
                 c->url.hostport, info->http_status);
    else
        snprintf(why, sizeof why, "cannot reach the daemon at %s: %s", c->url.hostport, r);
    schedule(c, next_backoff(c));
    set_state(c, CLIENT_RECONNECTING, why);
    client_leave(c);
}

static void connect_now(struct client *c)
{
    char url[CLIENT_MAX_URL + 64], err[256] = "";
    c->conn_after = c->have_seq && !c->fresh_next;
    c->fresh_next = 0;
    if (c->conn_after)
        snprintf(url, sizeof url, "%s?after_seq=%lld", c->url.ws_url, (long long)c->last_seq);
    else
        snprintf(url, sizeof url, "%s", c->url.ws_url);
    const struct wsc_header hdr = {.name = "Authorization", .value = c->auth};
    struct wsc_options o = {
        .url = url,
        .headers = &hdr,
        .nheaders = 1,
        .max_message = CLIENT_MAX_MESSAGE,
        .on_open = ws_open,
        .on_message = ws_message,
        .on_close = ws_close,
        .user = c,
    };
    c->retry_at = 0;
    c->ws = wsc_new(c->loop, &o, err, sizeof err);
    if (!c->ws) { /* checked at client_new: should not happen; keep trying slowly */
        schedule(c, c->backoff_max_ms);
        set_state(c, CLIENT_RECONNECTING, err);
        return;
    }
    char why[256];
    snprintf(why, sizeof why, "connecting to the daemon at %s", c->url.hostport);
    set_state(c,
              c->connected_once
                  ? (c->state == CLIENT_OFFLINE ? CLIENT_OFFLINE : CLIENT_RECONNECTING)
                  : CLIENT_CONNECTING,
              c->state == CLIENT_OFFLINE ? UNAUTH_WHY : why);
    c->connected_once = 1;
}

static void on_retry(struct netloop_timer *t, void *user)
{
    (void)t;
    struct client *c = user;
    client_enter(c);
    drop_ws(c);
    connect_now(c);
    client_leave(c);
}

void client_retry_now(struct client *c)
{
    if (!c)
        return;
    client_poll_now(c);
    if (c->state == CLIENT_LIVE || c->state == CLIENT_CONNECTING)
        return;
    if (c->ws && c->state != CLIENT_OFFLINE)
        return; /* an attempt is under way */
    c->backoff_ms = c->backoff_min_ms;
    schedule(c, 0);
}

/* ---- the server URL ------------------------------------------------------------------------ */

static int bad_char(unsigned char ch)
{
    return ch <= 0x20 || ch >= 0x7f || strchr("\"<>\\^`{|}?#@[]", ch);
}

/* Checks HOST[:PORT] (HOST a name, IPv4 or [IPv6]); 0 or DT_EINVAL with err filled. */
static int check_authority(const char *a, size_t n, char *err, size_t errlen)
{
    size_t i = 0;
    if (n > 0 && a[0] == '[') {
        for (i = 1; i < n && (isxdigit((unsigned char)a[i]) || a[i] == ':' || a[i] == '.'); i++)
            ;
        if (i == 1 || i >= n || a[i] != ']')
            return dt_seterr(err, errlen, DT_EINVAL, "the server URL's IPv6 address is malformed");
        i++;
    } else {
        for (; i < n && (isalnum((unsigned char)a[i]) || strchr("-._", a[i])); i++)
            ;
        if (i == 0)
            return dt_seterr(err, errlen, DT_EINVAL, "the server URL has no host");
    }
    if (i > MAX_HOST)
        return dt_seterr(err, errlen, DT_EINVAL, "the server URL's host is over %d bytes",
                         MAX_HOST);
    if (i == n)
        return 0;
    if (a[i] != ':')
        return dt_seterr(err, errlen, DT_EINVAL, "the server URL's host is malformed");
    long port = 0;
    if (++i == n)
        return dt_seterr(err, errlen, DT_EINVAL, "the server URL's port is empty");
    for (; i < n; i++)
        if (!isdigit((unsigned char)a[i]) || (port = port * 10 + (a[i] - '0')) > 65535)
            return dt_seterr(err, errlen, DT_EINVAL, "the server URL's port is not 1-65535");
    if (port == 0)
        return dt_seterr(err, errlen, DT_EINVAL, "the server URL's port is not 1-65535");
    return 0;
}

int client_url_parse(const char *url, struct client_url *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!url || !*url)
        return dt_seterr(err, errlen, DT_EINVAL, "no server URL: give --server http://HOST:PORT");
    size_t n = strlen(url);
    if (n > CLIENT_MAX_URL)
        return dt_seterr(err, errlen, DT_ETOOBIG, "the server URL is over %d bytes",
                         CLIENT_MAX_URL);
    if (strncasecmp(url, "https://", 8) == 0)
        return dt_seterr(err, errlen, DT_EINVAL,
                         "https:// is not supported: the event websocket has no TLS; reach the "
                         "daemon through http:// (an SSH tunnel or a local proxy)");
    if (strncasecmp(url, "http://", 7) != 0)
        return dt_seterr(err, errlen, DT_EINVAL, "the server URL must start with http://");
    const char *auth = url + 7, *slash = strchr(auth, '/');
    size_t alen = slash ? (size_t)(slash - auth) : strlen(auth);
    const char *prefix = slash ? slash : "";
    for (const char *p = prefix; *p; p++)
        if (bad_char((unsigned char)*p))
            return dt_seterr(err, errlen, DT_EINVAL,
                             "the server URL's path has a character it cannot have");
    int rc = check_authority(auth, alen, err, errlen);
    if (rc != 0)
        return rc;
    size_t plen = strlen(prefix);
    while (plen > 0 && prefix[plen - 1] == '/')
        plen--;
    out->hostport = xstrndup(auth, alen);
    out->base = xasprintf("http://%s%.*s", out->hostport, (int)plen, prefix);
    out->ws_url = xasprintf("ws://%s%.*s%s", out->hostport, (int)plen, prefix, EVENTS_PATH);
    return 0;
}

void client_url_done(struct client_url *u)
{
    if (!u)
        return;
    free(u->base);
    free(u->ws_url);
    free(u->hostport);
    memset(u, 0, sizeof *u);
}

static int check_token(const char *token, char *err, size_t errlen)
{
    if (!token || !*token)
        return dt_seterr(err, errlen, DT_EINVAL, "no token: run dialtone login first");
    if (strlen(token) > CLIENT_MAX_TOKEN)
        return dt_seterr(err, errlen, DT_ETOOBIG, "the token is over %d bytes", CLIENT_MAX_TOKEN);
    for (const char *p = token; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
            return dt_seterr(err, errlen, DT_EINVAL, "the token has a character it cannot have");
    return 0;
}

/* ---- life --------------------------------------------------------------------------------- */

struct client *client_new(struct netloop *loop, const char *server_url, const char *token,
                          const struct client_callbacks *cb, void *user, char *err, size_t errlen)
{
    struct client *c = xcalloc(1, sizeof *c);
    c->loop = loop;
    if (cb)
        c->cb = *cb;
    c->user = user;
    c->backoff_ms = c->backoff_min_ms = CLIENT_BACKOFF_MIN_MS;
    c->backoff_max_ms = CLIENT_BACKOFF_MAX_MS;
    c->unauth_ms = CLIENT_UNAUTH_RETRY_MS;
    c->poll_ms = CLIENT_POLL_MS;
    uint64_t seed = netloop_now_ms() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)(uintptr_t)c;
    rng_seed_from(&c->rng, &seed);
    if (client_url_parse(server_url, &c->url, err, errlen) != 0 ||
        check_token(token, err, errlen) != 0)
        goto fail;
    c->auth = xasprintf("Bearer %s", token);
    struct httpc_options ho = {.connect_timeout_ms = 5000};
    c->http = httpc_new(loop, &ho, err, errlen);
    if (!c->http)
        goto fail;
    c->retry_timer = netloop_timer_new(loop, on_retry, c);
    schedule(c, 0);
    client_poll_init(c);
    return c;
fail:
    destroy(c);
    return NULL;
}

static void destroy(struct client *c)
{
    c->freeing = 1;
    drop_ws(c);
    client_rest_done(c);
    netloop_timer_free(c->retry_timer);
    netloop_timer_free(c->poll_timer);
    if (c->auth) {
        memset(c->auth, 0, strlen(c->auth));
        free(c->auth);
    }
    client_url_done(&c->url);
    free(c);
}

void client_free(struct client *c)
{
    if (!c)
        return;
    if (c->depth > 0) {
        c->doomed = 1;
        return;
    }
    destroy(c);
}

int64_t client_last_seq(const struct client *c)
{
    return c && c->have_seq ? c->last_seq : 0;
}

enum client_conn client_state(const struct client *c)
{
    return c ? c->state : CLIENT_OFFLINE;
}

uint64_t client_retry_at(const struct client *c)
{
    return c ? c->retry_at : 0;
}

void client_set_timings(struct client *c, unsigned int backoff_min_ms, unsigned int backoff_max_ms,
                        unsigned int unauth_retry_ms, unsigned int poll_ms)
{
    if (!c)
        return;
    if (backoff_min_ms) {
        c->backoff_min_ms = backoff_min_ms;
        c->backoff_ms = backoff_min_ms;
    }
    if (backoff_max_ms)
        c->backoff_max_ms = backoff_max_ms;
    if (c->backoff_max_ms < c->backoff_min_ms)
        c->backoff_max_ms = c->backoff_min_ms;
    if (unauth_retry_ms)
        c->unauth_ms = unauth_retry_ms;
    if (poll_ms)
        c->poll_ms = poll_ms;
}

/*
 * client: the console's connection to the daemon, on the netloop. It keeps the event
 * websocket (ws://HOST:PORT/api/v1/events with the Bearer token) open, reconnecting with
 * backoff and ?after_seq= so that no event is lost or seen twice; it polls the pending calls
 * every few seconds as a safety net; and it sends the agent API's REST requests through
 * httpc, handing back parsed JSON and, on failure, what went wrong in words.
 *
 * Threads: everything here is for the loop thread only; every callback runs there too.
 */
#ifndef DIALTONE_CONSOLE_CLIENT_H
#define DIALTONE_CONSOLE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

struct netloop;
struct client;

#define CLIENT_BACKOFF_MIN_MS  1000              /* first retry after a drop */
#define CLIENT_BACKOFF_MAX_MS  30000             /* the backoff doubles up to this */
#define CLIENT_UNAUTH_RETRY_MS 30000             /* retries while the token is refused */
#define CLIENT_POLL_MS         3000              /* GET /api/v1/calls/pending */
#define CLIENT_REQUEST_MS      15000             /* a REST request's whole transfer */
#define CLIENT_MAX_URL         512               /* server URL, bytes */
#define CLIENT_MAX_TOKEN       256               /* token, bytes */
#define CLIENT_MAX_PATH        2048              /* path and query of a request, bytes */
#define CLIENT_MAX_REQUESTS    256               /* REST requests in flight at once */
#define CLIENT_MAX_MESSAGE     ((size_t)4 << 20) /* a websocket message (the snapshot), bytes */

/*
 * Connection states, as the status bar shows them:
 * CONNECTING    the first attempt is under way;
 * LIVE          the websocket is open (the snapshot comes first);
 * RECONNECTING  the connection was lost or refused: waiting for retry_at_ms, or trying again
 *               (retry_at_ms 0);
 * OFFLINE       the daemon refused the token (401): retried slowly, every
 *               CLIENT_UNAUTH_RETRY_MS, in case the agent's token is restored.
 */
enum client_conn {
    CLIENT_CONNECTING,
    CLIENT_LIVE,
    CLIENT_RECONNECTING,
    CLIENT_OFFLINE,
};

struct client_callbacks {
    /* The state changed, or the next retry was rescheduled. retry_at_ms is a netloop_now_ms
     * time (0: no attempt is scheduled); why says in words what happened ("connection
     * refused", "the daemon refused the token (401): log in again") or is NULL when LIVE.
     * Both are valid during the call only. */
    void (*on_conn)(enum client_conn state, uint64_t retry_at_ms, const char *why, void *user);
    /*
     * A websocket message, parsed (a JSON object; others are dropped). First the snapshot
     * ({"type": "snapshot", "seq": N, "data": {...}}) after every connect; then the events, in
     * seq order, each seq at most once over the client's whole life. After a reconnect with
     * ?after_seq=LAST the snapshot (current state, its seq the daemon's newest) is followed by
     * the events missed while away (seqs LAST+1 up to the snapshot's and on). The daemon's
     * {"type": "resync"} is not passed on: the client reconnects without after_seq (at once,
     * or after the backoff when the last fresh start was under 10 s ago), so a fresh snapshot
     * follows; so it does when the snapshot's seq is below LAST (the daemon's database was
     * replaced). ev is borrowed, valid during the call.
     */
    void (*on_event)(const cJSON *ev, void *user);
    /* The answer of GET /api/v1/calls/pending ({"calls": [...], "offers": [...]}), polled at
     * once after each connect and then every CLIENT_POLL_MS while not OFFLINE. Borrowed. */
    void (*on_pending)(const cJSON *body, void *user);
};

/*
 * The answer to a REST request: status is the HTTP status, or 0 when none came (network
 * failure, timeout, shutting down); body the parsed JSON body (NULL when empty or not JSON);
 * err NULL on a 2xx with a good body, else the daemon's error message
 * ({"error": {"message"}}) or why the request failed, in words ("could not reach the daemon
 * at 127.0.0.1:8080: connection refused"). body and err are valid during the call only.
 */
typedef void (*client_result_fn)(int status, const cJSON *body, const char *err, void *arg);

/*
 * Creates the client and starts connecting (on_conn with CLIENT_CONNECTING runs from the
 * loop, never from inside this call). server_url is http://HOST[:PORT][/PREFIX] (https is
 * refused: the event websocket has no TLS, so reach a remote daemon through a tunnel or a
 * proxy on the console's machine). token is the agent's (dt_...). Both are copied; cb is
 * copied, user is passed to every callback. Returns NULL with err filled for a bad URL, an
 * empty or malformed token (control characters, over CLIENT_MAX_TOKEN) or when the HTTP
 * client cannot start.
 */
struct client *client_new(struct netloop *loop, const char *server_url, const char *token,
                          const struct client_callbacks *cb, void *user, char *err, size_t errlen);

/*
 * Closes the websocket, stops the timers and ends every REST request in flight: each one's
 * fn is called from inside this call with status 0 and err "the console is shutting down", so
 * that its arg can be freed. No other callback runs. Free the client before its loop. Called
 * from inside one of the client's own callbacks, it only marks the client, which is freed
 * when that callback returns. NULL is ignored.
 */
void client_free(struct client *c);

/*
 * Sends METHOD path_and_query (starting with "/": "/api/v1/me/state") with the Bearer token
 * and body, if not NULL, as JSON (borrowed: printed before this returns). fn(..., arg) runs
 * later on the loop thread exactly once (also at client_free), never from inside this call.
 * A 401 answer also puts the connection OFFLINE. Returns 0; DT_EINVAL for a bad method or
 * path (not starting with "/", control characters, over CLIENT_MAX_PATH), DT_ETOOBIG with
 * CLIENT_MAX_REQUESTS in flight or DT_ESTATE while the client is being freed: fn is never
 * called then.
 */
int client_request(struct client *c, const char *method, const char *path_and_query,
                   const cJSON *body, client_result_fn fn, void *arg);

/*
 * A server URL taken apart: http://HOST[:PORT][/PREFIX] gives base "http://HOST[:PORT][/PREFIX]"
 * (no trailing '/'), ws_url "ws://HOST[:PORT][/PREFIX]/api/v1/events" and hostport
 * "HOST[:PORT]" (for messages). HOST is a name (letters, digits, '-', '.', '_'), an IPv4
 * address or an [IPv6] one; PORT 1-65535. Strings owned by the struct: client_url_done.
 */
struct client_url {
    char *base;
    char *ws_url;
    char *hostport;
};

/*
 * Parses url into *out (cleared first). Returns 0; DT_ETOOBIG over CLIENT_MAX_URL bytes;
 * DT_EINVAL with err in words for https:// (no TLS for the websocket: use a tunnel), another
 * scheme, a bad host or port, or a path with spaces, controls, '?', '#' or the like.
 */
int client_url_parse(const char *url, struct client_url *out, char *err, size_t errlen);

/* Frees the strings of u and clears it. NULL is ignored. */
void client_url_done(struct client_url *u);

/* The seq of the newest event passed to on_event (or of the first snapshot), 0 before any. */
int64_t client_last_seq(const struct client *c);

/* The current connection state. */
enum client_conn client_state(const struct client *c);

/* The netloop_now_ms time of the next connection attempt, 0 when none is scheduled (LIVE, or
 * an attempt under way): what on_conn last said, for a countdown drawn on every tick. */
uint64_t client_retry_at(const struct client *c);

/* "connecting", "live", "reconnecting", "offline"; "?" for a value out of range. Static. */
const char *client_conn_name(enum client_conn state);

/* Tries to connect now (the `r` key while RECONNECTING or OFFLINE) instead of waiting for the
 * backoff, and polls the pending calls at once. Does nothing while LIVE but the poll. */
void client_retry_now(struct client *c);

/*
 * Changes the timings (0 keeps the current value): the backoff's first and longest delay,
 * the retry delay while the token is refused and the pending poll's period. For tests, and
 * for a console that wants a slower poll. Applies from the next scheduling on.
 */
void client_set_timings(struct client *c, unsigned int backoff_min_ms, unsigned int backoff_max_ms,
                        unsigned int unauth_retry_ms, unsigned int poll_ms);

#endif

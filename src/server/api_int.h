/*
 * api_int: what the agent API (api*.c) and the websocket push (push.c) share: the bearer
 * token check, JSON errors, and the JSON of an agent, of the calls waiting for it and of the
 * queues' live figures.
 */
#ifndef DIALTONE_API_INT_H
#define DIALTONE_API_INT_H

#include <stddef.h>
#include <stdint.h>

struct api;
struct cJSON;
struct config;
struct httpd_req;
struct store;
struct store_agent;
struct store_event;

/* Looks the request's "Authorization: Bearer TOKEN" up by the token's hash. Returns 0 with
 * *out filled (store_agent_done), DT_EPERM for a missing, malformed or unknown token (*out
 * zeroed), DT_EDB. */
int api_auth(struct store *st, struct httpd_req *req, struct store_agent *out);

/* Answers {"error": {"code": code, "message": message}} with status; a 401 also carries
 * WWW-Authenticate: Bearer. */
void api_error(struct httpd_req *req, int status, const char *code, const char *message);

/* Answers the JSON of o with status (o is not freed). */
void api_json(struct httpd_req *req, int status, const struct cJSON *o);

/* Writes ms since the epoch as "2026-01-02T03:04:05.678Z" into out. */
void api_iso_time(int64_t ms, char out[32]);

/*
 * The caller ID for a leg the daemon makes for call sid: the first of [twilio] numbers, else
 * the Twilio number the call came in on (its To), else "" (Twilio then refuses the leg with
 * its own error). Writes into out (NUL-terminated, cut to outsz).
 */
void api_caller_id(struct api *api, const char *sid, char *out, size_t outsz);

/* Adds the caller's "from" and "caller_name" of call sid to o (nothing when unknown). */
void api_add_caller(struct api *api, const char *sid, struct cJSON *o);

/* {"name", "role", "endpoint", "state", "reason", "since", "since_ms", "queues": [...]}: new,
 * for the caller to cJSON_Delete. */
struct cJSON *api_agent_json(struct store *st, const struct store_agent *a);

/* The calls waiting in a's queues (every queue for a supervisor), oldest first, as an array
 * of calljson objects; new. */
struct cJSON *api_pending_json(struct store *st, const struct store_agent *a);

/* [{"name", "routing", "waiting", "longest_wait_s", "agents_available"}] for every configured
 * queue; new. */
struct cJSON *api_queues_json(struct store *st, const struct config *cfg, int64_t now_ms);

/* ---- the agent API's own (api*.c) ---------------------------------------------------------- */

struct server;

struct routing;
struct netloop_timer;
struct api_op;

/* A call routing has seen, while it waits or is being connected. */
struct api_call {
    char sid[72], queue[40], room[80];
    int64_t enqueued_ms;
    int in_room;     /* the caller left Twilio's queue for its room (an agent leg failed after) */
    char agent[136]; /* the agent who accepted it; "" while it waits */
    char leg[72];    /* the agent's leg (its call sid) once Twilio made it, else "" */
    int outbound;    /* an agent's outbound call: sid is the room until the customer's leg */
    struct api_xfer *xfer; /* a transfer to an agent or a warm one under way (api_xfer.c) */
    struct api_call *next;
};

struct api {
    struct server *srv;
    struct routing *rt;
    struct netloop_timer *timer;
    void (*prev_sink)(void *user, const struct store_event *ev); /* the push */
    void *prev_user;
    struct api_call *calls;
    struct api_restore *restore;  /* api_restore.c */
    struct api_op *ops;           /* Twilio requests in flight */
    unsigned xfer_serial;         /* numbers transfers, so late answers find theirs or none */
    struct api_kpi *kpi;          /* offers and agents' calls being followed (api_kpi.c) */
    struct api_monitor *monitors; /* supervisors' legs in calls (api_monitor.c) */
    struct api_alerts *alerts;    /* the alert rules at work (api_alerts.c) */
    struct api_cost *cost;        /* prices being fetched, the monthly budget (api_cost.c) */
    struct api_retry *retry;      /* outbound calls being retried (api_retry.c) */
    struct readq *readq;          /* the long read-only queries' worker (readq.c), or NULL: */
    char readq_err[160];          /* why not (an in-memory database), for their 503 */
};

/* The day's facts (api_kpi.c): each routing action as it is carried out; the events
 * (call.connected); an agent's leg reaching caller sid; the caller going on hold (on 1) or
 * off it; forgetting what is followed. Failures are logged: a fact lost costs a figure. */
struct routing_action;
void api_kpi_action(struct api *api, const struct routing_action *x);
void api_kpi_event(struct api *api, const struct store_event *ev);
void api_kpi_connected(struct api *api, const char *sid, const char *agent, int64_t ts_ms);
void api_kpi_hold(struct store *st, const char *sid, int on);
/* Agent's call attempt ended with nothing to wrap up: its wrap-up is not a fact. */
void api_kpi_no_wrapup(struct api *api, const char *agent);
/* When agent's leg reached its call sid (busy or wrap-up), 0 when not known. */
int64_t api_kpi_connected_at(struct api *api, const char *agent, const char *sid);
void api_kpi_done(struct api *api);

/* The wallboard's JSON at now (api_board.c): new, or NULL with err when the day's facts cannot
 * be read. GET /api/v1/wallboard answers it to supervisors. */
struct cJSON *api_board_json(struct api *api, int64_t now, char *err, size_t errlen);
void api_on_wallboard(struct httpd_req *req, void *user);

/* Why calls fail (api_errors.c): the JSON of GET /api/v1/errors over the wallboard's day
 * (days 1) or the seven days ending with it (days 7) at now; new, or NULL with err when the
 * database cannot be read. api_on_errors answers it to any agent. */
struct cJSON *api_errors_json(struct api *api, int days, int64_t now, char *err, size_t errlen);
void api_on_errors(struct httpd_req *req, void *user);

/* Supervisors (api_monitor.c): POST /api/v1/calls/{sid}/monitor (step "") and
 * .../monitor/leave (step "/leave") by a, answered; call sid ended (its supervisors' legs hung
 * up and forgotten); everything forgotten (api_route_done); a supervisor.action event with
 * action ("monitor", "leave", "state"), call, agent and mode (each may be NULL). */
struct api_monitor;
void api_monitor(struct api *api, struct httpd_req *req, const struct store_agent *a,
                 const char *sid, const char *step);
void api_monitor_call_over(struct api *api, const char *sid);
void api_monitor_done(struct api *api);
void api_supervisor_action(struct api *api, const char *supervisor, const char *action,
                           const char *call, const char *agent, const char *mode);

/* Sets up routing from the configuration and the store, and hooks the event sink
 * (api_route.c). Returns 0 or DT_EINVAL with err. */
int api_route_init(struct api *api, char *err, size_t errlen);
void api_route_done(struct api *api);

/* After a restart: stale offers withdrawn, busy and wrap-up agents reconciled with their
 * calls, waiting calls checked with Twilio; then agents removed or changed by another process
 * followed (api_restore.c). init at the end of api_route_init, done first in api_route_done. */
void api_restore_init(struct api *api);
void api_restore_done(struct api *api);

/* POST /api/v1/calls/{sid}/accept, /decline (api_route.c), /hangup, /hold, /unhold, /mute,
 * /unmute (api_incall.c). */
void api_on_call_action(struct httpd_req *req, void *user);
/* 1 when sid/action was handled (answered) by api_incall.c. */
int api_incall_action(struct api *api, struct httpd_req *req, const struct store_agent *a,
                      const char *sid, const char *action);

/* POST /api/v1/calls/{sid}/transfer {"queue": Q}, {"to": ENDPOINT} or {"agent": NAME}, with
 * "warm": true for a consultation first; step "" (start), "/complete" or "/cancel" (a warm
 * one's end). By agent a, answered (api_transfer.c). */
void api_transfer(struct api *api, struct httpd_req *req, const struct store_agent *a,
                  const char *sid, const char *step);

/* Transfers with a new party in the call's conference (api_xfer.c): start one to agent (a
 * name) or to (an endpoint), warm or cold, for agent a who has call c; complete or cancel a
 * warm one. Each answers req. */
struct api_xfer;
void api_xfer_start(struct api *api, struct httpd_req *req, const struct store_agent *a,
                    struct api_call *c, const char *agent, const char *to, int warm);
void api_xfer_complete(struct api *api, struct httpd_req *req, struct api_call *c);
void api_xfer_cancel(struct api *api, struct httpd_req *req, struct api_call *c);
/* An event (type, its parsed data) as the transfers see it: a party joining or its leg ending.
 * 1 when it was a transfer party's own leg (nothing else to do with it). */
int api_xfer_event(struct api *api, const char *type, const struct cJSON *data);
/* Call c ended: its transfer, if any, is over (the target agent freed); c->xfer is freed. */
void api_xfer_call_over(struct api *api, struct api_call *c);
/* Frees a transfer's memory (NULL does nothing). */
void api_xfer_free(struct api_xfer *x);

/* An agent's call attempt ended with nothing to wrap up (busy -> available, stored and
 * announced), api_route.c. */
void api_agent_release(struct api *api, const char *agent);

/* POST /api/v1/me/wrapup {"disposition", "notes"} (api_incall.c). */
void api_on_wrapup(struct httpd_req *req, void *user);

/* POST /api/v1/calls (api_dial.c). */
void api_on_dial(struct httpd_req *req, void *user);

/* Places an outbound call from agent a to to (api_dial.c), as POST /api/v1/calls does: 202
 * with the call's conference in room, or the HTTP status it refuses with, *code (static) and
 * msg saying why (a do-not-call number: 409 do_not_call). */
int api_dial_place(struct api *api, const struct store_agent *a, const char *to, char *room,
                   size_t roomlen, const char **code, char *msg, size_t msglen);

/* Retries (api_retry.c): set up (its event sink, its timer, the numbers' routes), 0 or
 * DT_EINVAL; done; follow the call just placed under room (adds "retry" to the answer o); the
 * [retry] policy and the failures in a row that flag a number. */
struct api_retry;
struct retry_config;
int api_retry_init(struct api *api, char *err, size_t errlen);
void api_retry_done(struct api *api);
void api_retry_follow(struct api *api, const char *room, const char *to, const char *agent,
                      struct cJSON *o);
void api_retry_policy(const struct api *api, struct retry_config *out);
int api_numbers_flag_after(const struct api *api);

/* Numbers under review (api_numbers.c): an ended call counted for its number; a "warning" added
 * to o when to is flagged or was replaced; the routes; the dictionary's entry for a call's
 * failure (its error code, else its SIP code, else its status), never NULL. */
struct store_call;
struct errors_entry;
void api_numbers_call_ended(struct api *api, const struct store_call *c);
void api_numbers_warn(struct api *api, const char *to, struct cJSON *o);
int api_numbers_routes(struct api *api, char *err, size_t errlen);
const struct errors_entry *api_call_failure(const struct store_call *c);

/* Outbound calls' bookkeeping (api_route.c): a new call of agent under room; its agent leg;
 * its sid once the customer's leg exists; forgetting it; hanging up its agent leg. */
void api_call_outbound(struct api *api, const char *room, const char *agent);
void api_call_set_leg(struct api *api, const char *sid, const char *leg);
void api_call_rename(struct api *api, const char *sid, const char *new_sid);
void api_call_forget(struct api *api, const char *sid);
void api_hangup_leg(struct api *api, const char *sid);

/* Makes sure routing knows agent a; 0 or the routing error. */
int api_route_ensure(struct api *api, const struct store_agent *a);

/* Adds (or updates) the call sid waiting in queue since enqueued_ms; never NULL. */
struct api_call *api_call_add(struct api *api, const char *sid, const char *queue,
                              int64_t enqueued_ms);

/* The call api knows by sid, or NULL. */
struct api_call *api_call_find(struct api *api, const char *sid);

/* Runs routing's actions (stores states, emits events, starts Twilio work) and clears them. */
struct routing_actions;
void api_carry_out(struct api *api, struct routing_actions *acts);

/* ---- api_connect.c: Twilio's part of a won accept ------------------------------------------ */

/* Takes call sid out of Twilio's queue into its conference, then adds agent's endpoint. Every
 * failure ends in api_connect_failed. */
void api_connect_start(struct api *api, const char *sid, const char *agent);

/* The agent's leg failed (why, in words): the caller goes back to the front of its queue,
 * still in its conference, the agent is freed, and call.connect_failed is emitted. */
void api_connect_failed(struct api *api, const char *sid, const char *agent, const char *why);

/* Detaches the Twilio requests in flight (their answers then do nothing). */
void api_connect_done(struct api *api);

/* Emits an event of type with data (taken). */
void api_emit(struct api *api, const char *type, struct cJSON *data);

/* Authenticates req: 1 with *a filled (store_agent_done), 0 when it was answered (401, 503). */
int api_begin(struct api *api, struct httpd_req *req, struct store_agent *a);

/* The body as a JSON object (cJSON_Delete), or NULL when it was answered 400. */
struct cJSON *api_body(struct httpd_req *req);

/* GET /api/v1/calls and GET /api/v1/calls/{sid} (api_calls.c). */
void api_on_calls(struct httpd_req *req, void *user);
void api_on_call(struct httpd_req *req, void *user);

/* Routing (api_route.c): agent a asks for state (available, break, offline) with reason;
 * 0, or DT_ESTATE with err when routing refuses (busy). */
int api_route_state(struct api *api, const struct store_agent *a, const char *state,
                    const char *reason, char *err, size_t errlen);

/* Agent name's live offers as a JSON array; new. */
struct cJSON *api_offers_json(struct api *api, const char *name);

#endif

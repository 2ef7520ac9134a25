/*
 * sim_rest: the Twilio REST API (version 2010-04-01) that `dialtone sim` serves, on top of the
 * voice engine. Pure: it takes one parsed HTTP request and gives back a status and a JSON body,
 * so the whole API is testable without a network. It checks HTTP Basic auth (Account SID and
 * auth token, or API key and secret), routes the paths under /2010-04-01/Accounts/{AccountSid}/,
 * parses form bodies and query strings, pages lists as Twilio does, and renders Twilio's field
 * names and formats and Twilio's error JSON.
 *
 * Served: Calls (create, fetch, list with filters, update), Calls/{CallSid}/Recordings (list,
 * fetch), Queues (create, fetch, list, update, delete), Queues/{QueueSid}/Members (list, fetch
 * by CallSid or Front, update = dequeue), Conferences (list, fetch, update),
 * Conferences/{ConferenceSid}/Participants (create, list, fetch, update, delete),
 * Conferences/{ConferenceSid}/Recordings (list, fetch), Recordings (list, fetch) and the
 * account itself ({AccountSid}.json). Paths end in ".json".
 *
 * Errors are always Twilio's JSON {"code", "message", "more_info", "status"}: missing or wrong
 * credentials 401/20003; an Account SID in the path other than the authenticated one 403/20003;
 * unknown path or sid 404/20404; a method the resource does not have 405/20004; a malformed form
 * body or query 400/20422; a body over DT_SIM_REST_MAX_BODY 413/20413; PageSize over 1000
 * 400/20007; and the engine's own Twilio errors (21201, 21210, 21217...) as it reports them.
 */
#ifndef DIALTONE_SIM_REST_H
#define DIALTONE_SIM_REST_H

#include <stddef.h>

#include "dialtone/sim.h"
#include "dialtone/sim_scenario.h"

/* Largest request body accepted, in bytes (the form codec's cap). */
#define DT_SIM_REST_MAX_BODY 65536
/* Twilio's paging: the default and largest PageSize. */
#define DT_SIM_REST_PAGE_SIZE     50
#define DT_SIM_REST_PAGE_SIZE_MAX 1000
/* What every REST and control answer carries. */
#define DT_SIM_REST_CONTENT_TYPE "application/json"

/* One request, as the HTTP server received it. Every pointer is borrowed. */
struct sim_rest_req {
    const char *method; /* "GET", "POST", "DELETE"... */
    const char *path;   /* percent-encoded path without the query: "/2010-04-01/..." */
    const char *query;  /* the raw query string without '?'; NULL or "" when none */
    const char *body;   /* body_len bytes, need not be NUL-terminated; NULL when none */
    size_t body_len;
    const char *content_type;  /* the Content-Type header, NULL when absent */
    const char *authorization; /* the Authorization header, NULL when absent */
    int body_truncated;        /* 1: the server cut an over-long body: the answer is 413 */
};

/* The answer: an HTTP status and a JSON body (NULL for 204 No Content). Held by value:
 * sim_rest_resp_done frees the body. */
struct sim_rest_resp {
    int status;
    char *body;
};

/*
 * Serves one REST request against engine s. Credentials are sc's account_sid and auth_token,
 * or api_key_sid and api_key_secret when both are set (sc is borrowed; a scenario without an
 * auth token refuses every request). resp is overwritten: status and body are always set
 * (body NULL only for 204), and the caller frees them with sim_rest_resp_done. Never fails
 * otherwise: every error is an HTTP error answer; aborts only on out-of-memory.
 */
void sim_rest_handle(struct sim *s, const struct sim_scenario *sc, const struct sim_rest_req *req,
                     struct sim_rest_resp *resp);

/* Fills resp with Twilio's error JSON for an HTTP status, Twilio code and message (for a host
 * that refuses a request before it reaches sim_rest_handle, e.g. an over-long body). */
void sim_rest_error(struct sim_rest_resp *resp, int status, int code, const char *message);

/* Frees resp's body and leaves it empty. resp may be NULL. */
void sim_rest_resp_done(struct sim_rest_resp *resp);

/*
 * Twilio's date format (RFC 2822, always UTC): "Tue, 01 Dec 2026 10:00:00 +0000" for a time in
 * milliseconds since the Unix epoch, into out (at least 32 bytes). Returns out.
 */
char *sim_rest_date(long long ms, char out[32]);

#endif

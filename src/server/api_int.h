/*
 * api_int: what the agent API (api*.c) and the websocket push (push.c) share: the bearer
 * token check, JSON errors, and the JSON of an agent, of the calls waiting for it and of the
 * queues' live figures.
 */
#ifndef DIALTONE_API_INT_H
#define DIALTONE_API_INT_H

#include <stddef.h>
#include <stdint.h>

struct cJSON;
struct config;
struct httpd_req;
struct store;
struct store_agent;

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

/* {"name", "role", "endpoint", "state", "reason", "since", "since_ms", "queues": [...]}: new,
 * for the caller to cJSON_Delete. */
struct cJSON *api_agent_json(struct store *st, const struct store_agent *a);

/* The calls waiting in a's queues (every queue for a supervisor), oldest first, as an array
 * of calljson objects; new. */
struct cJSON *api_pending_json(struct store *st, const struct store_agent *a);

/* [{"name", "routing", "waiting", "longest_wait_s", "agents_available"}] for every configured
 * queue; new. */
struct cJSON *api_queues_json(struct store *st, const struct config *cfg, int64_t now_ms);

#endif

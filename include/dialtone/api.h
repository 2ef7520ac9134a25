/*
 * api: the daemon's agent API, JSON over HTTP under /api/v1/ with an agent's token
 * (Authorization: Bearer TOKEN). Who am I and my state, the calls waiting and my offers, the
 * queues' live figures, the call history and one call's detail, accepting and declining
 * offers (routing, and for a won accept Twilio's queue member and participant). Errors are
 * {"error": {"code", "message"}} with 400, 401, 403, 404, 409 or 503.
 *
 * Threads: loop thread only.
 */
#ifndef DIALTONE_API_H
#define DIALTONE_API_H

#include <stddef.h>

struct server;
struct api;

/* Adds the routes to srv's listener. Returns NULL with err filled when they cannot be added. */
struct api *api_new(struct server *srv, char *err, size_t errlen);

/* Frees the API; Twilio requests still in flight are let go (their answers are ignored).
 * Free it before the server and the Twilio client, and do not run the loop between this and
 * server_free (the routes stay on the listener until then). NULL is ignored. */
void api_free(struct api *a);

#endif

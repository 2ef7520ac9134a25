/*
 * api: the daemon's agent API, JSON over HTTP under /api/v1/ with an agent's token
 * (Authorization: Bearer TOKEN). Who am I and my state, the calls waiting and my offers, the
 * queues' live figures, the call history and one call's detail. Errors are
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

/* Frees the API (its routes stay on the listener: free it with or after the server). NULL is
 * ignored. */
void api_free(struct api *a);

#endif

/*
 * sim_webhook: carries the voice engine's HTTP requests (TwiML fetches and callbacks) as
 * Twilio sends them: form-encoded, with X-Twilio-Signature, I-Twilio-Idempotency-Token and
 * User-Agent TwilioProxy/1.1, on the asynchronous HTTP client. Each answer (or failure) comes
 * back on the loop thread through the done callback, never from inside sim_webhooks_send.
 */
#ifndef DIALTONE_CMD_SIM_WEBHOOK_H
#define DIALTONE_CMD_SIM_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/sim.h"

struct netloop;
struct sim_webhooks;

/* An answer: HTTP status (0 when none came), its Content-Type (may be NULL) and body
 * (borrowed for the call), or neterr saying what failed ("timeout", "connection refused"). */
typedef void (*sim_webhook_done_fn)(void *user, uint64_t id, int status, const char *content_type,
                                    const char *body, size_t len, const char *neterr);

/* The client. NULL with err filled when it cannot start. */
struct sim_webhooks *sim_webhooks_new(struct netloop *loop, sim_webhook_done_fn done, void *user,
                                      char *err, size_t errlen);

/* Cancels what is in flight (no done callback runs after this) and frees. NULL is ignored. */
void sim_webhooks_free(struct sim_webhooks *w);

/* Sends req (copied). Its answer comes through done, later, on the loop thread. */
void sim_webhooks_send(struct sim_webhooks *w, const struct sim_http_req *req);

/* Requests sent and not answered yet. */
size_t sim_webhooks_pending(const struct sim_webhooks *w);

#endif

/*
 * api_alerts_int: the daemon's alerts (api_alerts.c: facts, rules, transitions, /metrics and
 * GET /api/v1/alerts) and what it does when a rule fires or clears (api_alerts_run.c: the
 * configured command, run without a shell, and the POST to the configured URL).
 */
#ifndef DIALTONE_API_ALERTS_INT_H
#define DIALTONE_API_ALERTS_INT_H

#include <stddef.h>

struct alert_transition;
struct api;
struct config_alerts;
struct httpd_req;
struct netloop;

/* Sets the rules of [alerts] up, primed with the calls that ended lately, and hooks the event
 * sink and /metrics; api->alerts is set even on failure (api_alerts_done frees it). Returns 0,
 * DT_EINVAL (unsound rules) or DT_EIO (no HTTP client) with err. */
int api_alerts_init(struct api *api, char *err, size_t errlen);
void api_alerts_done(struct api *api);

/* A price fetched after its call ended (api_cost.c): cost_micros counts for today's cost
 * from now on. Nothing when the alerts are not running. */
void api_alerts_price(struct api *api, int64_t cost_micros);

/* GET /api/v1/alerts: {"firing": [...], "recent": [the latest 50 transitions]}, supervisors. */
void api_on_alerts(struct httpd_req *req, void *user);

/* What is done on a transition. new: NULL with err when the HTTP client cannot start. notify:
 * starts the command (if any) with the alert in its environment and POSTs json (if a URL);
 * failures are logged. tick (every second): reaps finished commands, kills those past their
 * time. free: kills what still runs, cancels the POSTs; NULL is fine. */
struct api_alerts_run;
struct api_alerts_run *api_alerts_run_new(struct netloop *loop, const struct config_alerts *cfg,
                                          char *err, size_t errlen);
void api_alerts_run_notify(struct api_alerts_run *r, const struct alert_transition *t,
                           const char *kind, const char *json);
void api_alerts_run_tick(struct api_alerts_run *r);
void api_alerts_run_free(struct api_alerts_run *r);

/* For tests: commands still running. */
size_t api_alerts_run_children(const struct api_alerts_run *r);

#endif

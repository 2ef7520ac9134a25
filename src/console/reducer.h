/*
 * reducer: what the model's files (model.c, reducer_*.c) share and nobody else uses: reading JSON
 * fields into sanitized fixed-size strings, building commands, the layer that has the keyboard, and
 * the steps one reducer file asks of another.
 */
#ifndef DIALTONE_CONSOLE_REDUCER_H
#define DIALTONE_CONSOLE_REDUCER_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "console/model.h"

/* The commands a key produced so far. */
struct rd_out {
    struct model_cmd *cmds;
    size_t max, n;
};

/* Which part of the screen has the keyboard, topmost first. */
enum rd_layer {
    RD_HELP,
    RD_PROMPT,
    RD_MENU,
    RD_TRANSFER,
    RD_POPUP,
    RD_FILTER,
    RD_WRAPUP,
    RD_SCREEN,
};
enum rd_layer rd_layer(const struct model *st);

/* ---- strings and JSON (model.c) -------------------------------------------------------------- */

/* Copies src (NULL: "") into dst of n bytes through tx_sanitize. */
void rd_copy(char *dst, size_t n, const char *src);
/* The string member key of o, or NULL (not an object, absent, not a string). */
const char *rd_str(const cJSON *o, const char *key);
/* rd_copy of rd_str(o, key). */
void rd_set(char *dst, size_t n, const cJSON *o, const char *key);
/* The number member key of o as a whole number within [lo, hi], else dflt. */
int64_t rd_int(const cJSON *o, const char *key, int64_t lo, int64_t hi, int64_t dflt);
/* "2026-01-02T03:04:05.678Z" as ms since the epoch, or 0 when malformed. */
int64_t rd_iso_ms(const char *s);
/* 1 when name is one of the agent's queues (or the agent is a supervisor, or its queues are not
 * known yet). */
int rd_my_queue(const struct model *st, const char *queue);
/* 1 when agent names this console's agent. */
int rd_is_me(const struct model *st, const char *agent);
/* Appends the UTF-8 of code point cp to the field buf (size n) if it is printable text and fits; 1
 * when added. */
int rd_text_add(char *buf, size_t n, int cp);
/* Removes the last UTF-8 character of buf. */
void rd_text_backspace(char *buf);

/* ---- commands (model.c) ---------------------------------------------------------------------- */

/* Adds a request: method, path (printf format; use rd_esc for parts from outside), body JSON
 * (borrowed, may be NULL) and tag. 0, or DT_ETOOBIG when out is full or the texts too long (a toast
 * says so). */
int rd_request(struct model *st, struct rd_out *o, const char *method, int tag, const cJSON *body,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* Adds a command without a request (quit, theme, refresh). */
int rd_simple(struct rd_out *o, enum model_cmd_kind kind, const char *arg);
/* Percent-escapes s for a path segment or query value into out (n bytes); cut when short. */
char *rd_esc(const char *s, char *out, size_t n);

/* ---- the waiting list and the offers (reducer_waiting.c) ------------------------------------- */

/* The index of the waiting caller of call sid, or -1. */
int rd_caller_find(const struct model *st, const char *sid);
/* Moves the queue selection onto a caller the filter shows, if it is on one it hides. */
void rd_queue_sel_fix(struct model *st);
/* Removes the waiting caller of call sid, if any. */
void rd_caller_remove(struct model *st, const char *sid);
/* Adds or updates the caller of call (calljson) when it waits in one of the agent's queues. */
void rd_caller_put(struct model *st, const cJSON *call);
/* Replaces the waiting list with the array calls (calljson objects). */
void rd_waiting_replace(struct model *st, const cJSON *calls);
/* Adds or updates the offer {"call_sid", "queue", "mode", "expires_ms"}; popup: show it. */
void rd_offer_put(struct model *st, const cJSON *offer, int popup);
/* Replaces the offers with the poll's array; the popup shows a new one. */
void rd_offers_replace(struct model *st, const cJSON *offers);

/* Applies an agent object (api_agent_json, GET /api/v1/me) to the agent; whole: also its name
 * and role (the snapshot). The state opens or closes the wrap-up form (reducer_events.c). */
void rd_agent_from_json(struct model *st, const cJSON *a, int whole);
/* A call.transferred event, as the transferring agent or the target agent sees it; ts is the
 * event's time (reducer_transfer.c). */
void rd_on_transferred(struct model *st, const cJSON *d, int64_t ts);
/* The answer to GET /api/v1/agents: the transfer targets (reducer_transfer.c). */
void rd_agents_result(struct model *st, const cJSON *body);
/* Asks for the agents, for the transfer dialog's Tab (reducer_transfer.c). */
int rd_agents_ask(struct model *st, struct rd_out *o);
/* `t` during a transfer: completes a warm one whose party answered (reducer_transfer.c). */
void rd_xfer_key(struct model *st, struct rd_out *o);
/* :complete and :cancel of a warm transfer (reducer_transfer.c). */
void rd_xfer_end(struct model *st, struct rd_out *o, int complete);

/* After a snapshot: when the agent is busy or in wrap-up and no call is known, the search for
 * it becomes due (reducer_restore.c). */
void rd_restore_check(struct model *st);
/* Hands out the search's due request, if any. */
int rd_restore_take(struct model *st, struct rd_out *o);
/* The answers of the search (ok: a 2xx with a body). */
void rd_restore_result(struct model *st, int ok, const cJSON *body);

/* The wallboard (reducer_board.c): 1 when this console's agent is a supervisor; F7 opens the
 * screen (a toast for agents); an event marks the figures due; the due fetch (at most one a
 * second, one every five seconds while the screen is open); the screen's keys (1 when
 * consumed); the answers of its requests (1 when the tag was one of them). */
int rd_is_supervisor(const struct model *st);
int rd_board_open(struct model *st, struct rd_out *o);
void rd_board_event(struct model *st, const char *type, const cJSON *d);
int rd_board_take(struct model *st, struct rd_out *o);
int rd_board_key(struct model *st, int key, enum km_action a, struct rd_out *o);
int rd_board_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                    const char *err);

/* The errors screen (reducer_errors.c): F8 opens it and fetches; the due fetch (every 30 s
 * while open); the screen's keys (1 when consumed); the answer (1 when the tag was its). */
int rd_errors_open(struct model *st, struct rd_out *o);
int rd_errors_take(struct model *st, struct rd_out *o);
int rd_errors_key(struct model *st, int key, enum km_action a, struct rd_out *o);
int rd_errors_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                     const char *err);

/* The alerts (reducer_alerts.c) and the bad numbers (reducer_numbers.c), for supervisors: F9
 * opens the alerts, Tab the numbers (a toast for agents); a snapshot makes the alerts due (and
 * the numbers, once loaded); the alert and number events (others ignored); the due fetches
 * (after GET /api/v1/me answered, while live); the two screens' keys (1 when consumed); the
 * answers of their requests (1 when the tag was one of them). rd_alerts_why: 1 for a 2xx with
 * a JSON object, else 0 with why it failed in words; rd_alerts_refresh: `r`, the shown list
 * fetched again. */
int rd_alerts_open(struct model *st, struct rd_out *o);
int rd_numbers_open(struct model *st, struct rd_out *o);
void rd_alerts_snapshot(struct model *st);
void rd_alerts_event(struct model *st, const char *type, const cJSON *d);
void rd_numbers_event(struct model *st, const char *type, const cJSON *d);
int rd_alerts_take(struct model *st, struct rd_out *o);
int rd_alerts_key(struct model *st, int key, enum km_action a, struct rd_out *o);
int rd_numbers_key(struct model *st, int key, enum km_action a, struct rd_out *o);
int rd_alerts_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                     const char *err);
int rd_numbers_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                      const char *err);
int rd_alerts_why(int status, const cJSON *body, const char *err, char *why, size_t n);
int rd_alerts_refresh(struct model *st, struct rd_out *o);

/* The reports screen (reducer_reports.c), supervisors only: F11 opens it (a toast for agents)
 * and fetches when nothing is shown; the screen's keys (1 when consumed); `:reports` and
 * `:report NAME [FROM [TO]]` (arg after the word); the answer (1 when the tag was its). */
int rd_reports_open(struct model *st, struct rd_out *o);
int rd_reports_key(struct model *st, int key, enum km_action a, struct rd_out *o);
void rd_reports_command(struct model *st, const char *arg, struct rd_out *o);
int rd_reports_result(struct model *st, int tag, int status, const cJSON *body, const char *err);

/* ---- steps shared between the reducer files -------------------------------------------------- */

/* Moves *sel within count rows for a movement action (up, down, a page, home, end): 1 when a
 * was one (reducer_keys.c). */
int rd_move(size_t *sel, size_t count, enum km_action a, size_t page);

/* The waiting list and queue figures after a change: sorted, positions, offered flags, per-queue
 * counts, selection in range (reducer_events.c). */
void rd_waiting_fixup(struct model *st);
/* Notes when the popup shows a new offer (the clock of the last model_tick), for the guard
 * against an Enter typed just before it appeared (reducer_waiting.c). */
void rd_popup_note(struct model *st);
/* Recounts the agent's queues from the waiting list: callers and the longest wait so far. */
void rd_queue_figures(struct model *st);
/* Removes offer i, and moves the popup to the newest remaining offer if it showed it. */
void rd_offer_remove(struct model *st, size_t i);
/* The offer of call sid, or -1. */
int rd_offer_find(const struct model *st, const char *sid);
/* Opens the wrap-up form for the current call (idempotent). */
void rd_wrapup_open(struct model *st);
/* Closes the wrap-up form and forgets the call. */
void rd_wrapup_close(struct model *st);
/* Forgets the current call without a wrap-up (failed to connect, failed to dial). */
void rd_call_clear(struct model *st);
/* Dials e164: the request, the call in DIALING, the number among the recent ones. */
int rd_dial(struct model *st, struct rd_out *o, const char *e164);
/* Normalises what was typed into E.164 (or a checked sip:/client: endpoint) with the default
 * country: 0, or DT_EINVAL with why in words (reducer_text.c). */
int rd_dialnum(const struct model *st, const char *typed, char *out, size_t n, char *why,
               size_t whylen);
/* Starts a new history query (first page) with the filter now in st (reducer_results.c). */
int rd_history_query(struct model *st, struct rd_out *o);
/* Asks for the next history page when the selection is near the end and there is one. */
int rd_history_more(struct model *st, struct rd_out *o);
/* Asks for the next page the last answer made due (follow_due), if any. */
int rd_history_follow(struct model *st, struct rd_out *o);
/* Asks for the call detail of sid and opens the detail screen. */
int rd_detail_open(struct model *st, struct rd_out *o, const char *sid);
/* Handles a key while a text field has the keyboard: 1 when consumed (reducer_text.c). */
int rd_text_key(struct model *st, int key, struct rd_out *o);
/* Runs a command line (without the ':'); reducer_text.c. */
void rd_command(struct model *st, const char *line, struct rd_out *o);
/* Asks for an agent state change. */
int rd_state(struct model *st, struct rd_out *o, const char *state, const char *reason);

#endif

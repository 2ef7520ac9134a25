/*
 * rest_int: what the files of the REST layer (rest.c and rest_*.c) share: the request context
 * a handler works on, replies, Twilio's JSON formats and the pager. Not a public API.
 */
#ifndef DIALTONE_SIM_REST_INT_H
#define DIALTONE_SIM_REST_INT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "dialtone/form.h"
#include "dialtone/sim.h"
#include "dialtone/sim_rest.h"

#define REST_API_VERSION "2010-04-01"
#define REST_MAX_ARGS    3
#define REST_MAX_SEGMENT 256 /* longest path segment, decoded, with its NUL */

/* One request being served. */
struct rest_ctx {
    struct sim *s;
    const struct sim_scenario *sc;
    const char *account;             /* the account SID (the path's, checked against auth) */
    const char *path;                /* the request path, for "not found" messages */
    struct form params;              /* POST: the body's parameters; GET: the query's */
    const char *args[REST_MAX_ARGS]; /* the path's variable segments, decoded */
    char argbuf[REST_MAX_ARGS][REST_MAX_SEGMENT];
    struct sim_rest_resp *resp;
};

typedef void (*rest_handler)(struct rest_ctx *c);

/* ---- replies (rest.c) ---------------------------------------------------------------------- */

/* Answers status with obj printed (takes ownership of obj). */
void rest_reply(struct rest_ctx *c, int status, cJSON *obj);
/* 204, no body. */
void rest_reply_empty(struct rest_ctx *c);
/* Twilio's error JSON. */
void rest_reply_error(struct rest_ctx *c, int status, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The engine's error, or 400/20422 when it left e unset. */
void rest_reply_sim_err(struct rest_ctx *c, const struct sim_err *e);
/* 404/20404 naming the request path, as Twilio words it. */
void rest_not_found(struct rest_ctx *c);

/* ---- formats (rest_json.c) ----------------------------------------------------------------- */

/* An RFC 2822 date, or null when ms is 0. */
void rest_add_date(cJSON *o, const char *key, int64_t ms);
/* s, or null when s is NULL or "". */
void rest_add_str(cJSON *o, const char *key, const char *s);
void rest_add_int(cJSON *o, const char *key, long long v);
void rest_add_bool(cJSON *o, const char *key, int v);
/* A Twilio price: "-0.01700" for a cost of 0.017, null when price < 0. */
void rest_add_price(cJSON *o, const char *key, double price);
/* "/2010-04-01/Accounts/{account}" followed by the formatted rest; the caller frees. */
char *rest_uri(const struct rest_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds key = rest_uri(...). */
void rest_add_uri(cJSON *o, const char *key, const struct rest_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Twilio's display form of a number: "(415) 555-0100" for +1 NANP numbers, else as given. */
void rest_add_formatted(cJSON *o, const char *key, const char *number);

/* Twilio's REST status of a call ("initiated" shows as "queued", as Twilio's API has it). */
const char *rest_call_status(enum callstate_status st);
const char *rest_direction(enum sim_direction d);

cJSON *rest_call_json(const struct rest_ctx *c, const struct sim_call *call);
cJSON *rest_queue_json(const struct rest_ctx *c, const struct sim_queue *q);
cJSON *rest_member_json(const struct rest_ctx *c, const struct sim_member *m);
cJSON *rest_conference_json(const struct rest_ctx *c, const struct sim_conference *cf);
cJSON *rest_participant_json(const struct rest_ctx *c, const struct sim_participant *p);
/* Where the recording is listed: per account, per call or per conference (field sets and
 * uri differ as Twilio's do). */
enum rest_rec_view { REST_REC_ACCOUNT, REST_REC_CALL, REST_REC_CONFERENCE };
cJSON *rest_recording_json(const struct rest_ctx *c, const struct sim_recording *r,
                           enum rest_rec_view view);
cJSON *rest_account_json(const struct rest_ctx *c);

/* ---- query parameters (rest_list.c) --------------------------------------------------------- */

/* A date filter: Key (that day, or that second), Key< (on or before), Key> (on or after). */
struct rest_time_filter {
    int set;
    int64_t lo_ms, hi_ms; /* matches lo_ms <= t <= hi_ms */
};

/*
 * Reads the filters KEY, KEY< and KEY> of c's parameters into f. Values are YYYY-MM-DD (a
 * whole UTC day) or YYYY-MM-DDTHH:MM:SS with Z or an offset. Returns 0, or replies 400 and
 * returns -1 for a value that does not parse.
 */
int rest_time_filter_parse(struct rest_ctx *c, const char *key, struct rest_time_filter *f);
/* 1 when f is unset, or t is set (non-zero) and inside f. */
int rest_time_filter_match(const struct rest_time_filter *f, int64_t t);

/* A boolean filter: -1 unset, 0 or 1. Replies 400 and returns -1 for a bad value. */
int rest_bool_param(struct rest_ctx *c, const char *key, int *out);

/* ---- the pager (rest_list.c) ----------------------------------------------------------------- */

/* A filtered list: n elements of elem_size bytes at items; sid gives an element's key for
 * page tokens, render its JSON. */
struct rest_list {
    const char *key; /* "calls", "queues", "queue_members"... */
    const void *items;
    size_t n, elem_size;
    const char *(*sid)(const void *elem);
    cJSON *(*render)(const struct rest_ctx *c, const void *elem);
};

/* Replies 200 with Twilio's list envelope for the page that c's Page, PageSize and PageToken
 * ask for, or 400 for bad paging parameters. list_path is the list's path relative to the
 * account ("/Calls.json"). */
void rest_reply_page(struct rest_ctx *c, const char *list_path, const struct rest_list *l);

/* ---- handlers (rest_calls.c, rest_queues.c, rest_conf.c) --------------------------------------
 */

void rest_account_fetch(struct rest_ctx *c);
void rest_calls_list(struct rest_ctx *c);
void rest_calls_create(struct rest_ctx *c);
void rest_call_fetch(struct rest_ctx *c);
void rest_call_update(struct rest_ctx *c);
void rest_recordings_list(struct rest_ctx *c);
void rest_recording_fetch(struct rest_ctx *c);
void rest_call_recordings_list(struct rest_ctx *c);
void rest_call_recording_fetch(struct rest_ctx *c);

void rest_queues_list(struct rest_ctx *c);
void rest_queues_create(struct rest_ctx *c);
void rest_queue_fetch(struct rest_ctx *c);
void rest_queue_update(struct rest_ctx *c);
void rest_queue_delete(struct rest_ctx *c);
void rest_members_list(struct rest_ctx *c);
void rest_member_fetch(struct rest_ctx *c);
void rest_member_update(struct rest_ctx *c);

void rest_conferences_list(struct rest_ctx *c);
void rest_conference_fetch(struct rest_ctx *c);
void rest_conference_update(struct rest_ctx *c);
void rest_participants_list(struct rest_ctx *c);
void rest_participants_create(struct rest_ctx *c);
void rest_participant_fetch(struct rest_ctx *c);
void rest_participant_update(struct rest_ctx *c);
void rest_participant_delete(struct rest_ctx *c);
void rest_conf_recordings_list(struct rest_ctx *c);
void rest_conf_recording_fetch(struct rest_ctx *c);

#endif

/*
 * store: dialtone's record in SQLite. Calls (one row per leg) and every callback about them,
 * the raw webhook audit log, agents and queues. The schema comes from the migrations embedded
 * in the binary (dialtone/migrations.h), applied at open. Every query is a prepared statement,
 * cached in the store; history is read with keyset pagination, one index seek per page.
 *
 * Durability: the database runs in WAL mode with synchronous=NORMAL. A transaction is written
 * to the WAL file (the operating system's page cache) before its COMMIT returns, and the WAL
 * is synced only at checkpoints, which a store on a file runs on a thread of its own with a
 * second connection, so that no commit waits for one. So once a store_* call that writes has
 * returned 0, the change survives the process being killed at any moment (kill -9, a crash): the
 * next open replays the WAL. It may be lost, without corruption, if the machine loses power or the
 * kernel crashes. Inside a transaction of store_tx_begin the same holds once store_tx_commit has
 * returned 0. The daemon answers a webhook 200 only after the transaction that logged and
 * applied it committed, which is what its promise "a webhook answered 200 survives kill -9"
 * rests on.
 *
 * Threads: a struct store is used by one thread at a time (its cached statements are shared
 * state). Threads that need the database at once open a store each; WAL lets readers run
 * beside one writer, and busy_timeout makes a writer wait for another rather than fail.
 *
 * Times are integer milliseconds since the Unix epoch (UTC); durations are whole seconds.
 * Optional integers are STORE_ABSENT (-1) when unknown; optional strings are NULL.
 * Errors: 0 on success or a negative DT_E* code with detail in the optional err buffer.
 */
#ifndef DIALTONE_STORE_H
#define DIALTONE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/callstate.h"

struct store;
struct sqlite3;

#define STORE_ABSENT            (-1)
#define STORE_SID_MAX           64        /* longest call sid accepted (Twilio's are 34) */
#define STORE_TEXT_MAX          4096      /* longest text field accepted */
#define STORE_PAYLOAD_MAX       (1 << 20) /* longest raw payload or webhook body accepted */
#define STORE_HISTORY_MAX_LIMIT 1000      /* largest history page */
#define STORE_BUSY_TIMEOUT_MS   5000      /* how long a writer waits for another */

/*
 * Opens (creating if need be) the database at path, turns on WAL, synchronous=NORMAL,
 * foreign keys and the busy timeout, and applies each pending migration in its own
 * transaction. ":memory:" opens a private in-memory database (no WAL, nothing durable).
 * On success *out is a new store for store_close(). Errors: DT_EDB when SQLite cannot open
 * or configure the file or a migration fails (the failed migration is rolled back), DT_ESTATE
 * when the database's schema is newer than this binary knows (it is left untouched).
 */
int store_open(const char *path, struct store **out, char *err, size_t errlen);

/* Finalizes the cached statements and closes the database. NULL does nothing. */
void store_close(struct store *st);

/* The schema version of the open database (the highest migration applied). */
int store_schema_version(const struct store *st);

/*
 * One transaction around several writes, so that they are durable together or not at all (the
 * daemon logs a webhook, applies it and appends its events in one). store_tx_begin starts it
 * (BEGIN IMMEDIATE: it waits for another writer as a write does); each store_* write made
 * until store_tx_commit belongs to it, and a write that fails is undone alone, leaving the
 * earlier ones in place for the caller to commit or roll back. store_tx_commit makes them
 * durable as one (on failure everything is rolled back and the transaction is over);
 * store_tx_rollback undoes them (nothing when none is open). Errors: DT_ESTATE (begin with
 * one open, commit with none), DT_EDB. Transactions do not nest.
 */
int store_tx_begin(struct store *st, char *err, size_t errlen);
int store_tx_commit(struct store *st, char *err, size_t errlen);
void store_tx_rollback(struct store *st);

/*
 * Parts of a transaction of store_tx_begin, so that one failing part is undone alone (the
 * daemon logs and applies several webhooks in one transaction, each in a part): after
 * store_tx_savepoint, store_tx_release keeps the part's writes in the transaction and
 * store_tx_undo undoes them alone. Parts do not nest. Errors: DT_ESTATE with no transaction
 * open, DT_EDB (also when SQLite itself rolled the whole transaction back, after an I/O error
 * or a full disk: the caller must then give it up with store_tx_rollback).
 */
int store_tx_savepoint(struct store *st, char *err, size_t errlen);
int store_tx_release(struct store *st, char *err, size_t errlen);
int store_tx_undo(struct store *st, char *err, size_t errlen);

/* 1 while a transaction of store_tx_begin is open. */
int store_tx_open(const struct store *st);

/* The SQLite handle, borrowed, for diagnostics and tests (PRAGMA queries, EXPLAIN). Statements
 * run on it must not change the schema or leave a transaction open. */
struct sqlite3 *store_db(struct store *st);

/* ---- webhook audit log ---------------------------------------------------------------------
 * Every webhook request as received, whether its signature was good or not. */
struct store_webhook {
    int64_t received_ms;
    const char *path;        /* request path, required */
    int signature_ok;        /* 1 good, 0 bad */
    const char *remote_addr; /* may be NULL */
    const char *body;        /* raw body, body_len bytes, no NUL inside; NULL when empty */
    size_t body_len;
};

/* Appends one entry; *id (may be NULL) gets its row id. Errors: DT_EINVAL (missing path, a NUL
 * in the body), DT_ETOOBIG (over the caps), DT_EDB. */
int store_webhook_log(struct store *st, const struct store_webhook *w, int64_t *id, char *err,
                      size_t errlen);

/* ---- calls --------------------------------------------------------------------------------- */

/* One callback about a call, as store_call_apply() takes it. All strings are borrowed. Fields
 * the callback did not carry are NULL or STORE_ABSENT: set them with store_call_update_init(). */
struct store_call_update {
    const char *sid;     /* CallSid, required, at most STORE_SID_MAX bytes */
    const char *type;    /* the callback's kind, 1-64 bytes: "status", "voice", "enqueue"... */
    const char *status;  /* CallStatus as Twilio spells it, or NULL */
    int64_t seq;         /* SequenceNumber, or STORE_ABSENT */
    int64_t ts_ms;       /* when it happened (Timestamp) or was received, required */
    const char *payload; /* the raw body, payload_len bytes, no NUL inside */
    size_t payload_len;
    const char *parent_sid;  /* ParentCallSid */
    const char *account_sid; /* AccountSid */
    const char *direction;   /* Direction: "inbound", "outbound-api", "outbound-dial" */
    const char *from;        /* From */
    const char *to;          /* To */
    const char *caller_name; /* CallerName */
    const char *queue;       /* the dialtone queue the call is in */
    const char *agent;       /* the agent handling it */
    int64_t error_code;      /* ErrorCode */
    const char *error_message;
    int64_t sip_code;        /* SipResponseCode */
    const char *answered_by; /* AnsweredBy */
    const char *queue_result;
    int64_t queue_time_s; /* QueueTime */
    int64_t duration_s;   /* CallDuration */
    const char *price;    /* Price, a decimal string */
    const char *price_unit;
    const char *recording_sid;
    const char *recording_url;
    int64_t recording_duration_s;
    const char *recording_status; /* RecordingStatus: in-progress, completed, absent, failed */
    int64_t recording_channels;   /* RecordingChannels */
    const char *recording_source; /* RecordingSource: RecordVerb, Conference, OutboundAPI... */
    const char *conference;       /* the conference's name (the daemon's room) */
    const char *conference_sid;   /* ConferenceSid (CF...) */
};

/* Sets every pointer to NULL and every optional integer to STORE_ABSENT. */
void store_call_update_init(struct store_call_update *u);

/* What store_call_apply() did. */
struct store_apply_result {
    int duplicate;              /* 1: this callback was stored before; nothing changed */
    int has_status;             /* 1: it carried a CallStatus and `merge` says what it did */
    enum callstate_merge merge; /* the merge rule's decision (dialtone/callstate.h) */
};

/*
 * Records one callback, in one transaction: the event (type, status, sequence, time, raw
 * payload) goes into call_events and the call's row is inserted or updated.
 *  - Idempotent: an event with the same (sid, type, SequenceNumber, status) is stored once.
 *    For a redelivery nothing changes at all and res->duplicate is 1. The event's status is
 *    the CallStatus, else the RecordingStatus, else ''; its sequence -1 when absent.
 *  - The call's status and sequence move only as callstate_merge() decides.
 *  - Other fields merge in: a callback the rule applies (or a duplicate status, or one with no
 *    CallStatus) overwrites the fields it carries; a stale one, or a second final status, only
 *    fills in fields still unknown. Identity fields (parent, account, direction, from, to,
 *    caller name) keep their first value. A recording status never goes back to in-progress.
 *  - created_ms is the earliest event's time, answered_ms the earliest in-progress event's,
 *    ended_ms the time of the event that made the status final, updated_ms the latest event's.
 * res may be NULL. Errors: DT_EINVAL (missing sid/type/payload, unknown status, a NUL in the
 * payload), DT_ETOOBIG (over the caps), DT_EDB; on error nothing is stored.
 */
int store_call_apply(struct store *st, const struct store_call_update *u,
                     struct store_apply_result *res, char *err, size_t errlen);

/* A call as stored. Strings are owned by the struct (NULL when unknown): store_call_done(). */
struct store_call {
    char *sid, *parent_sid, *account_sid, *direction, *from, *to, *caller_name, *queue, *agent;
    int has_status; /* 0 until a callback carried a CallStatus */
    enum callstate_status status;
    int64_t status_seq;
    int64_t error_code;
    char *error_message;
    int64_t sip_code;
    char *answered_by, *queue_result;
    int64_t queue_time_s, duration_s;
    char *price, *price_unit;
    char *recording_sid, *recording_url;
    int64_t recording_duration_s;
    char *recording_status;
    int64_t recording_channels;
    char *recording_source, *conference, *conference_sid;
    int64_t created_ms, answered_ms, ended_ms, updated_ms;
};

/* Frees the strings of c and zeroes it. NULL does nothing. */
void store_call_done(struct store_call *c);

/* Reads the call sid into *out (which the caller then passes to store_call_done()).
 * Errors: DT_ENOTFOUND (then *out is zeroed), DT_EINVAL, DT_EDB. */
int store_call_get(struct store *st, const char *sid, struct store_call *out, char *err,
                   size_t errlen);

/* One stored callback; the strings are borrowed and valid only during the callback. */
struct store_call_event {
    int64_t id;
    const char *call_sid, *type, *status; /* status "" when the callback carried none */
    int64_t seq;                          /* -1 when absent */
    int64_t ts_ms;
    const char *payload; /* exactly as received, payload_len bytes plus a NUL */
    size_t payload_len;
};

/* Called once per event in the order they were stored; return 0 to go on, anything else stops
 * the walk and is returned by store_call_events(). */
typedef int (*store_event_fn)(const struct store_call_event *ev, void *ctx);

/* Walks the events of call sid (none for an unknown call). Returns 0, the callback's non-zero
 * value, or DT_EINVAL / DT_EDB. */
int store_call_events(struct store *st, const char *sid, store_event_fn fn, void *ctx, char *err,
                      size_t errlen);

/* ---- history ------------------------------------------------------------------------------ */

/* Filters for store_history(); a zeroed struct means "every call". Strings are borrowed. */
struct store_history_filter {
    const char *status;    /* CallStatus, exact ("failed") */
    const char *direction; /* exact ("inbound") */
    const char *number;    /* exact, matches From or To */
    const char *agent;     /* exact */
    const char *queue;     /* exact */
    int64_t since_ms;      /* created at or after, when > 0 */
    int64_t until_ms;      /* created before, when > 0 */
    const char *text;      /* substring (ASCII case-insensitive) of sid, numbers, caller name,
                              agent or queue; NULL or "" for none */
    int no_legs;           /* 1: leave out legs of other calls (a parent_sid set): agents' and
                              transfer parties' legs (dialtone/store_legs.h) */
};

/* Where a page ended: the (created_ms, sid) of its last call. */
struct store_cursor {
    int64_t created_ms;
    char sid[STORE_SID_MAX + 1];
};

/* An array of calls owned by the list: store_call_list_done(). */
struct store_call_list {
    struct store_call *items;
    size_t count;
};

void store_call_list_done(struct store_call_list *l);

/*
 * One page of history, newest first by (created_ms, sid): at most limit (1 to
 * STORE_HISTORY_MAX_LIMIT) calls matching f (NULL for none) that come after the cursor `after`
 * (NULL for the first page). Each page is one index seek, however deep (store_history_seeks
 * says which filters may read many rows past it). out receives the calls
 * (release with store_call_list_done()); *more is set to 1 when more calls follow, and then
 * *next (both may be NULL) holds the cursor for the next page. Errors: DT_EINVAL (bad limit,
 * unknown status, a filter string over STORE_TEXT_MAX), DT_EDB; out is empty on error.
 */
int store_history(struct store *st, const struct store_history_filter *f,
                  const struct store_cursor *after, int limit, struct store_call_list *out,
                  int *more, struct store_cursor *next, char *err, size_t errlen);

/* What store_history() would refuse for f, after and limit, without reading: DT_OK, or its
 * error (DT_EINVAL, DT_ETOOBIG) with the same words in err. */
int store_history_check(const struct store_history_filter *f, const struct store_cursor *after,
                        int limit, char *err, size_t errlen);

/* 1 when store_history() reads a page of f by seeking one index: no text and at most one of
 * status, direction, number, agent and queue (with or without dates and cursor). Else 0: the
 * rows of the one index it seeks are tested against the rest, which may read most calls to
 * fill a page of rare matches. NULL is every call: 1. */
int store_history_seeks(const struct store_history_filter *f);

/* The query plan (EXPLAIN QUERY PLAN, one step a line) of the statement store_history() would
 * run for f and after. *plan is the caller's to free. Errors as store_history(). */
int store_history_explain(struct store *st, const struct store_history_filter *f,
                          const struct store_cursor *after, char **plan, char *err, size_t errlen);

/* ---- figures for /metrics ------------------------------------------------------------------ */

/* Calls by status: counts[i] for enum callstate_status i, and *no_status (may be NULL) for
 * calls no callback has given a status yet. Errors: DT_EDB (counts are then zero). */
int store_call_counts(struct store *st, int64_t counts[DT_CALL_STATUS_COUNT], int64_t *no_status,
                      char *err, size_t errlen);

/* The callers waiting in one queue: calls with that queue, no QueueResult yet and no final
 * status. queue is borrowed for the callback only. */
struct store_queue_wait {
    const char *queue;
    int64_t waiting;
    int64_t oldest_ms; /* created_ms of the longest waiting call */
};

typedef int (*store_queue_wait_fn)(const struct store_queue_wait *w, void *ctx);

/* Calls fn once per queue that has waiting callers, by queue name. Returns 0, the callback's
 * non-zero value, or DT_EDB. */
int store_queue_waiting(struct store *st, store_queue_wait_fn fn, void *ctx, char *err,
                        size_t errlen);

/* Sids of calls, owned by the list: store_sid_list_done(). */
struct store_sid_list {
    char **items;
    size_t count;
};

void store_sid_list_done(struct store_sid_list *l);

/* The calls known to be in conference conference_sid (CF...), by sid, at most
 * STORE_HISTORY_MAX_LIMIT. Errors: DT_EINVAL (empty or over-long sid), DT_EDB; out empty. */
int store_calls_in_conference(struct store *st, const char *conference_sid,
                              struct store_sid_list *out, char *err, size_t errlen);

/* ---- the event log -------------------------------------------------------------------------
 * Every change the daemon pushes to consoles ("call.queued", "call.updated"...), numbered by a
 * daemon-wide seq: 1 for the first event of a database, then one more for each event appended
 * (a seq is never reused, even after the newest events were lost to a failed write). */

#define STORE_EVENT_TYPE_MAX   64    /* longest event type */
#define STORE_EVENTS_MAX_LIMIT 10000 /* most events one store_events_after() call reads */

/* One logged event; the strings are borrowed and valid only during the callback. */
struct cJSON;
struct store_event {
    int64_t seq;
    const char *type;
    int64_t ts_ms;
    const char *data; /* one JSON value, data_len bytes plus a NUL */
    size_t data_len;
    /* data as a cJSON tree when whoever hands the event on still had it (borrowed, valid
     * during the callback only, never to be changed), else NULL: parse data. The store's
     * own readers leave it NULL. */
    const struct cJSON *json;
    /* The call the event is about as it stood when the event was made (borrowed, valid
     * during the callback only), when whoever made the event had it read, else NULL: read the
     * call from the store. */
    const struct store_call *call;
};

/* Called once per event, in seq order; non-zero stops the walk (and is returned). */
typedef int (*store_event_log_fn)(const struct store_event *ev, void *ctx);

/*
 * Appends one event at time ts_ms; *seq (may be NULL) gets its number. type is 1 to
 * STORE_EVENT_TYPE_MAX printable ASCII bytes; data is a JSON value (NUL-terminated, at most
 * STORE_PAYLOAD_MAX bytes). Errors: DT_EINVAL (bad type, data that is not JSON), DT_ETOOBIG,
 * DT_EDB; nothing is stored then.
 */
int store_event_append(struct store *st, const char *type, int64_t ts_ms, const char *data,
                       int64_t *seq, char *err, size_t errlen);

/*
 * The same for data printed from a JSON tree (cJSON_Print*), which is JSON by construction and
 * is not parsed again to check it: checking cost as much as storing. Errors as
 * store_event_append, but for data that is not JSON, which this does not see.
 */
int store_event_append_printed(struct store *st, const char *type, int64_t ts_ms, const char *data,
                               int64_t *seq, char *err, size_t errlen);

/*
 * Walks the events whose seq is above after, oldest first, at most limit of them (1 to
 * STORE_EVENTS_MAX_LIMIT). Returns 0, the callback's non-zero value, or DT_EINVAL (bad limit)
 * / DT_EDB.
 */
int store_events_after(struct store *st, int64_t after, int limit, store_event_log_fn fn, void *ctx,
                       char *err, size_t errlen);

/* The highest seq handed out so far, 0 for none, into *seq. Errors: DT_EDB. */
int store_event_last_seq(struct store *st, int64_t *seq, char *err, size_t errlen);

/* ---- retention (store_retention.c) -------------------------------------------------------- */

/*
 * The logs that are pruned once old: the event log (events, by ts_ms) and the webhook audit
 * log (webhook_log, by received_ms). Nothing else is ever deleted by age: calls, their
 * callbacks, agents, offers and the figures are the history.
 */
enum store_prune_table { STORE_PRUNE_EVENTS, STORE_PRUNE_WEBHOOK_LOG, STORE_PRUNE_TABLES };

#define STORE_PRUNE_MAX_BATCH 10000 /* most rows one store_prune() call deletes */

/* The table's name ("events", "webhook_log"); "?" for a value out of range. Static storage. */
const char *store_prune_table_name(enum store_prune_table t);

/* The cutoff of store_prune for rows kept days whole days (0: for ever) at now_ms: now_ms less
 * the days, or INT64_MIN (no row is older) for 0 or fewer days. Cannot fail. */
int64_t store_prune_before(int64_t now_ms, int days);

/*
 * Deletes the oldest rows of table t made before before_ms, at most limit of them (1 to
 * STORE_PRUNE_MAX_BATCH), in one statement: it reads the table's oldest rows in id (seq)
 * order, which is arrival order, and stops at the first one made at or after before_ms, so a
 * call reads at most limit rows whatever the table's size and needs no index on the time.
 * The newest row of a table is never deleted, however old, so that its id stays the highest
 * (events' seq is AUTOINCREMENT as well). *deleted gets the number of rows deleted: fewer than
 * limit when no more are due. Inside a transaction of store_tx_begin the deletion is part of
 * it. Errors: DT_EINVAL (bad table or limit), DT_EDB; *deleted is 0 then.
 */
int store_prune(struct store *st, enum store_prune_table t, int64_t before_ms, int limit,
                int *deleted, char *err, size_t errlen);

/* ---- agents ------------------------------------------------------------------------------- */

enum store_role {
    DT_ROLE_AGENT,
    DT_ROLE_SUPERVISOR,
};

/* "agent" / "supervisor"; "unknown" outside the enum. */
const char *store_role_name(enum store_role r);
/* Parses "agent" or "supervisor"; DT_EINVAL otherwise. */
int store_role_parse(const char *s, enum store_role *out);

/* An agent as stored; strings owned by the struct (NULL when unset): store_agent_done(). */
struct store_agent {
    int64_t id;
    char *name;
    enum store_role role;
    char *endpoint; /* phone number, sip: URI or client: identity */
    char *state;    /* "offline" for a new agent; other values belong to the caller */
    char *state_reason;
    int64_t state_since_ms;
    char *token_hash; /* hash of the agent's API token, never the token */
    int64_t created_ms;
};

void store_agent_done(struct store_agent *a);

struct store_agent_list {
    struct store_agent *items;
    size_t count;
};

void store_agent_list_done(struct store_agent_list *l);

/* Adds an agent in state "offline" since now_ms; *id (may be NULL) gets its id. Names are 1 to
 * 128 bytes; endpoint and token_hash may be NULL. Errors: DT_EEXIST (name or token hash taken),
 * DT_EINVAL (empty name, bad role), DT_ETOOBIG, DT_EDB. */
int store_agent_add(struct store *st, const char *name, enum store_role role, const char *endpoint,
                    const char *token_hash, int64_t now_ms, int64_t *id, char *err, size_t errlen);

/* Reads an agent by name, or by token hash. Errors: DT_ENOTFOUND (*out zeroed), DT_EINVAL,
 * DT_EDB. */
int store_agent_get(struct store *st, const char *name, struct store_agent *out, char *err,
                    size_t errlen);
int store_agent_get_by_token(struct store *st, const char *token_hash, struct store_agent *out,
                             char *err, size_t errlen);

/* Every agent, ordered by name. Errors: DT_EDB (out empty). */
int store_agent_list(struct store *st, struct store_agent_list *out, char *err, size_t errlen);

/* Sets an agent's state and reason (may be NULL). state_since_ms becomes now_ms only when the
 * state changes. Errors: DT_ENOTFOUND, DT_EINVAL (empty state), DT_ETOOBIG, DT_EDB. */
int store_agent_set_state(struct store *st, const char *name, const char *state, const char *reason,
                          int64_t now_ms, char *err, size_t errlen);

/* ---- queues ------------------------------------------------------------------------------- */

enum store_routing {
    DT_STORE_ROUTING_RINGALL,
    DT_STORE_ROUTING_LONGEST_IDLE,
};

/* "ringall" / "longest-idle"; "unknown" outside the enum. */
const char *store_routing_name(enum store_routing r);
/* Parses "ringall" or "longest-idle"; DT_EINVAL otherwise. */
int store_routing_parse(const char *s, enum store_routing *out);

/* A queue; strings owned by the struct when it comes from the store (store_queue_done()),
 * borrowed when the caller fills it in for store_queue_upsert(). */
struct store_queue {
    int64_t id;
    char *name;
    char *twilio_sid; /* NULL until Twilio's queue exists */
    enum store_routing routing;
    int max_wait_s;
    int wrapup_s;
    int reservation_timeout_s;
    int64_t created_ms, updated_ms;
};

void store_queue_done(struct store_queue *q);

struct store_queue_list {
    struct store_queue *items;
    size_t count;
};

void store_queue_list_done(struct store_queue_list *l);

/* Creates the queue q->name or updates its settings (id and times in q are ignored; created_ms
 * is kept on update, and so is a known twilio_sid when q->twilio_sid is NULL). Errors: DT_EINVAL
 * (empty name, bad routing, negative wait or wrap-up, reservation timeout < 1), DT_ETOOBIG, DT_EDB.
 */
int store_queue_upsert(struct store *st, const struct store_queue *q, int64_t now_ms, char *err,
                       size_t errlen);

/* Reads a queue by name. Errors: DT_ENOTFOUND (*out zeroed), DT_EINVAL, DT_EDB. */
int store_queue_get(struct store *st, const char *name, struct store_queue *out, char *err,
                    size_t errlen);

/* Every queue, ordered by name. Errors: DT_EDB (out empty). */
int store_queue_list(struct store *st, struct store_queue_list *out, char *err, size_t errlen);

#endif

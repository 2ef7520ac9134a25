/*
 * twilio: the daemon's client for Twilio's REST API (version 2010-04-01), asynchronous on
 * httpc. Requests go to {api_base_url}/2010-04-01/Accounts/{AccountSid}/... with HTTP Basic
 * auth (the Account SID and auth token, or an API key and its secret) and form-encoded bodies;
 * answers are parsed as JSON, and Twilio's error JSON ({code, message, more_info, status}) is
 * read and explained with the error dictionary. 429, 5xx and network failures are retried
 * with exponential backoff and jitter (Retry-After honoured, capped), up to a bounded number
 * of attempts; other 4xx answers are never retried. Results come back on the loop thread.
 *
 * A create (a call, a participant, a queue) that timed out may have been done by Twilio
 * before the answer was lost: the retry may then do it twice. Twilio's REST API offers no
 * idempotency key to prevent that; the attempts are few and the delays short.
 *
 * Threads: loop thread only; callbacks run there too.
 */
#ifndef DIALTONE_TWILIO_H
#define DIALTONE_TWILIO_H

#include <stddef.h>
#include <stdint.h>

struct netloop;
struct httpc;
struct form;
struct cJSON;
struct errors_entry;
struct twilio;

#define TWILIO_API_VERSION      "2010-04-01"
#define TWILIO_ATTEMPTS_DEFAULT 4
#define TWILIO_ATTEMPTS_MAX     10
#define TWILIO_BACKOFF_DEFAULT  500   /* ms before the first retry, doubling after */
#define TWILIO_BACKOFF_MAX      10000 /* ms, the longest wait between attempts */
#define TWILIO_TIMEOUT_DEFAULT  15000 /* ms per attempt */
#define TWILIO_SEGMENT_MAX      128   /* longest sid or name in a path */
#define TWILIO_MESSAGE_MAX      512   /* longest error message kept */

struct twilio_options {
    const char *base_url;    /* "https://api.twilio.com" or the emulator's; no trailing '/' */
    const char *account_sid; /* AC... */
    const char *user;        /* the Account SID, or an API key sid (SK...) */
    const char *password;    /* the auth token, or the API key's secret */
    int max_attempts;        /* 1 to TWILIO_ATTEMPTS_MAX; 0 means TWILIO_ATTEMPTS_DEFAULT */
    unsigned backoff_ms;     /* 0 means TWILIO_BACKOFF_DEFAULT */
    unsigned backoff_max_ms; /* 0 means TWILIO_BACKOFF_MAX */
    long timeout_ms;         /* 0 means TWILIO_TIMEOUT_DEFAULT */
    uint64_t seed;           /* of the jitter; 0 picks one from the clock */
};

/* Twilio's error, read from its error JSON (or made up for a network failure). */
struct twilio_error {
    int code;   /* Twilio's error code; 0 when the answer had none (network, bad JSON) */
    int status; /* HTTP status; 0 for a network failure */
    char message[TWILIO_MESSAGE_MAX];
    char more_info[256];
    const struct errors_entry *explain; /* errors_explain(code) when code != 0, else NULL */
};

/* What came back. Valid during the callback only. */
struct twilio_result {
    int rc;     /* 0: a 2xx answer. Else DT_EPERM (401, 403), DT_ENOTFOUND (404), DT_EINVAL
                   (another 4xx but 429), DT_EIO (429, 5xx or a network failure, after the
                   retries), DT_ETOOBIG (an answer over httpc's cap), DT_ESTATE (the client
                   was freed first) */
    int status; /* the last HTTP status, 0 if none */
    const struct cJSON *json; /* the answer's JSON, NULL if none or not JSON */
    const char *body;         /* the raw answer, "" if none */
    size_t body_len;
    int attempts;              /* how many were made */
    struct twilio_error error; /* when rc != 0 */
};

typedef void (*twilio_done_fn)(const struct twilio_result *res, void *arg);

/* Counters since twilio_new, for /metrics. */
struct twilio_stats {
    uint64_t requests;      /* operations asked for */
    uint64_t ok;            /* ended with a 2xx */
    uint64_t client_errors; /* ended with a 4xx (429 after the retries included) */
    uint64_t server_errors; /* ended with a 5xx after the retries */
    uint64_t network_errors;
    uint64_t retries; /* attempts after the first */
};

/*
 * Creates a client on http (borrowed: free the client before http). base_url, account_sid,
 * user and password are copied and required. Returns NULL with err filled for a missing or
 * malformed option (a base URL that is not http(s), an attempt count out of range).
 */
struct twilio *twilio_new(struct netloop *loop, struct httpc *http, const struct twilio_options *o,
                          char *err, size_t errlen);

/* Cancels what is in flight or waiting to retry: each callback runs once, from inside this
 * call, with rc DT_ESTATE (so owners can free their arguments). NULL is ignored. */
void twilio_free(struct twilio *tw);

/*
 * Sends one request. path is relative to the account ("Queues.json", "Calls/CA.../...json")
 * or, beginning with '/', absolute on the API host (a next_page_uri). params (may be NULL) go
 * form-encoded in the body of a POST, or in the query of a GET or DELETE. fn(res, arg) runs
 * once, later, on the loop thread. Returns 0, or DT_EINVAL (bad method or path) and DT_ESTATE
 * (not on the loop thread) with fn never called.
 */
int twilio_request(struct twilio *tw, const char *method, const char *path,
                   const struct form *params, twilio_done_fn fn, void *arg);

/* Requests sent and not yet completed (retries waiting included). */
size_t twilio_pending(const struct twilio *tw);

void twilio_get_stats(const struct twilio *tw, struct twilio_stats *out);

/* The operations the daemon uses. Sids and names are checked (1 to TWILIO_SEGMENT_MAX bytes,
 * no control characters) and percent-encoded into the path; errors as twilio_request. */

/* GET Queues.json?PageSize=1000, or the page next_page_uri (an absolute path) when not NULL. */
int twilio_queues_list(struct twilio *tw, const char *next_page_uri, twilio_done_fn fn, void *arg);
/* POST Queues.json with FriendlyName (and MaxSize when > 0). */
int twilio_queue_create(struct twilio *tw, const char *friendly_name, int max_size,
                        twilio_done_fn fn, void *arg);
/* POST Calls.json with params (To, From, Url or Twiml, StatusCallback...). */
int twilio_call_create(struct twilio *tw, const struct form *params, twilio_done_fn fn, void *arg);
/* POST Calls/{call_sid}.json with params (Url, Twiml, Status=completed...). */
int twilio_call_update(struct twilio *tw, const char *call_sid, const struct form *params,
                       twilio_done_fn fn, void *arg);
/* POST Queues/{queue_sid}/Members/{call_sid}.json with Url and Method (call_sid may be
 * "Front"): takes the caller out of the queue to the TwiML at url. */
int twilio_member_dequeue(struct twilio *tw, const char *queue_sid, const char *call_sid,
                          const char *url, const char *method, twilio_done_fn fn, void *arg);
/* POST Conferences/{conference}/Participants.json (conference: a CF sid or a friendly name). */
int twilio_participant_create(struct twilio *tw, const char *conference, const struct form *params,
                              twilio_done_fn fn, void *arg);
/* POST Conferences/{conference}/Participants/{call_sid}.json (Hold, Muted...). */
int twilio_participant_update(struct twilio *tw, const char *conference, const char *call_sid,
                              const struct form *params, twilio_done_fn fn, void *arg);
/* DELETE Conferences/{conference}/Participants/{call_sid}.json. */
int twilio_participant_delete(struct twilio *tw, const char *conference, const char *call_sid,
                              twilio_done_fn fn, void *arg);
/* POST Conferences/{conference}.json (Status=completed...). */
int twilio_conference_update(struct twilio *tw, const char *conference, const struct form *params,
                             twilio_done_fn fn, void *arg);

/*
 * Reads Twilio's error JSON from an answer of status with body[0..len) into *out: code,
 * message, more_info, status (the answer's status when the JSON lacks it), and the
 * dictionary's explanation. An answer that is not Twilio's error JSON gives code 0 and a
 * message naming the HTTP status. Never fails.
 */
void twilio_parse_error(int status, const char *body, size_t len, struct twilio_error *out);

/* One line for a log or a console: "21211 Invalid 'To' Phone Number (bad number: check the
 * number with the customer)" or "network: Connection refused". Into buf (always
 * NUL-terminated); returns buf. */
char *twilio_error_text(const struct twilio_error *e, char *buf, size_t len);

#endif

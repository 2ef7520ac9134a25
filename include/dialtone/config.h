/*
 * config: the daemon's configuration. One INI file (dialtone.conf, parsed with inih) on top
 * of built-in defaults, then environment variables on top of that, into a typed struct.
 * Parsing is strict: unknown sections and keys, repeated keys, bad or out-of-range values and
 * over-long lines are errors that name the file and line. Error messages never quote values.
 *
 * The file (see data/dialtone.conf.example for every key):
 *
 *   [twilio]
 *   account_sid      "AC" + 32 hex digits
 *   auth_token       secret; or api_key_sid ("SK" + 32 hex) with api_key_secret (secret)
 *   numbers          comma-separated E.164 numbers ('+', then 8-15 digits, the first not 0);
 *                    the key may repeat to list more numbers than fit on one line
 *   public_base_url  the URL Twilio calls, as used for signatures (http or https)
 *   api_base_url     REST API base, default https://api.twilio.com (the emulator's otherwise)
 *   [server]
 *   listen           IP address to listen on, default 127.0.0.1
 *   port             0-65535, default 8080 (0: any free port)
 *   database         SQLite file, default dialtone.db
 *   log_level        error | warn | info | debug, default info
 *   max_body         largest request body in bytes, 1024-16777216, default 65536
 *   [queue "NAME"]   one per queue; NAME is 1-32 letters, digits, '-' or '_', unique
 *                    ignoring case; keys, all optional:
 *   routing          ringall (default) | longest-idle
 *   max_wait         seconds before a caller leaves the queue, 10-86400, default 300
 *   wrapup           seconds of wrap-up before an agent is available again, 0-3600,
 *                    default 30 (0: none)
 *   reservation_timeout  seconds an offer waits for an answer, 5-600, default 30
 *   service_level    answer-time target in seconds, 1-3600, default 20
 *   service_level_target  the share of calls to answer within it, percent, 1-100, default 80
 *   short_abandon    callers hanging up within this many seconds are not counted as
 *                    abandoned (nor in the service level), 0-3600, default 5 (0: all count)
 *   long_wait        the wallboard warns of a caller waiting longer, seconds, 0-86400,
 *                    default 60 (0: never)
 *   missed_offers_limit  missed offers in a row before an agent is set unavailable,
 *                    0-100, default 3 (0: never)
 *   hold_music_url   http(s) URL played while waiting, default none
 *   timezone, mon ... sun, holidays, closed_message
 *                    the queue's own business hours, as in [hours]; each one the queue
 *                    leaves out comes from [hours] (its days all together: a queue that
 *                    lists one day lists all it opens)
 *   [hours]          business hours; without a day key the lines are always open
 *   timezone         IANA zone name, default UTC, read from the system's time zone
 *                    database ($TZDIR, else /usr/share/zoneinfo): an unknown zone is an
 *                    error (UTC and GMT need no database)
 *   mon ... sun      "closed" or up to 4 ranges "HH:MM-HH:MM, ..." in ascending order,
 *                    within the day (end 24:00 at the latest); once any day is given,
 *                    days not given are closed
 *   holidays         days closed all day, comma-separated: YYYY-MM-DD once, MM-DD every
 *                    year; the key may repeat; at most DT_CONFIG_MAX_HOLIDAYS
 *   closed_message   what callers hear after hours before the voicemail tone (<Say>),
 *                    default a built-in message
 *   [ivr]            an optional menu callers hear before a queue ("press 1 for sales"),
 *                    answered with <Gather>; without it calls go to the first queue:
 *   prompt           what callers hear (read with <Say>), required with the section
 *   timeout          seconds to wait for a key, 1-60, default 5
 *   default          the queue of callers who press nothing or a key not listed
 *                    (default: the first queue)
 *   0 ... 9, *       KEY = QUEUE, the queue a key leads to; at least one. Every queue named
 *                    in [ivr] must have its [queue "NAME"] section in the same file
 *   [wallboard]      the day of the supervisors' figures (wallboard, reports):
 *   day_reset        HH:MM local time at which the day's figures start again, default 00:00
 *   timezone         IANA zone name of day_reset, default [hours]' timezone
 *   [alerts]         the alert rules (dialtone/alerts.h), each kind's keys named after it:
 *                    answer_rate, error_code, duration_drop, recording, daily_cost. The bare
 *                    key is the threshold ("80%", a count, a drop, a budget) or "off";
 *                    KIND_clear, KIND_window and KIND_baseline (seconds), KIND_min_calls and
 *                    error_code_code (the one code watched, 0 any) as in alerts.h. All but
 *                    daily_cost apply with their defaults unless turned off; daily_cost
 *                    applies once given a budget.
 *   command          absolute path of a program run (no shell) when a rule fires or clears,
 *                    the alert in its environment (DIALTONE_ALERT_*), default none
 *   command_timeout  seconds before it is killed, 1-3600, default 30
 *   webhook_url      http(s) URL the alert is POSTed to as JSON, default none
 *   monthly_budget   the calls' cost allowed in a calendar month (wallboard zone), in the
 *                    price unit, e.g. 250.00; default none
 *   stop_outbound_over_budget  yes: once the month's cost reaches monthly_budget, new
 *                    outbound calls are refused (409 over_budget); default no
 *   price_delay      seconds after a call ends before its price is fetched from Twilio
 *                    (retried while Twilio has none yet), 0-3600, decimals allowed, default 60
 *   [retry]          outbound calls placed with "retry" (dialtone/retry.h) and bad numbers:
 *   delay            seconds before a retryable failure is dialed again, 0-86400, default 60
 *   max_attempts     attempts in all, the first included, 1-20, default 3
 *   busy_callback    seconds before a busy callee is called back, 0 (never)-86400, default 600
 *   flag_after       failures in a row that flag a number for review, 0 (never)-100, default 3
 *   [retention]      how long the daemon keeps its logs, in whole days, 1-3650, or 0 to keep
 *                    them for ever (calls, their timelines, agents, offers and the figures
 *                    are history and are never pruned):
 *   events_days      the push log (events), which reconnecting consoles catch up from,
 *                    default 7
 *   webhook_log_days the raw audit log of every webhook request, default 90
 *   [dispositions]   wrap-up codes in order, one per line: CODE = label. CODE is 1-32
 *                    letters, digits, '-' or '_'; label up to 64 bytes (default: CODE).
 *                    The section replaces the default list (resolved, follow-up,
 *                    escalated, wrong-number).
 *
 * Syntax: '#' or ';' starts a comment line; " ;" starts a comment after a value; leading
 * whitespace is ignored (no continuation lines); a value may be wrapped in double quotes;
 * a line is at most DT_CONFIG_LINE_MAX bytes; control characters are refused.
 *
 * Environment variables, applied by config_apply_env after the file (an empty value counts
 * as unset): TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_API_KEY (api_key_sid),
 * TWILIO_API_SECRET (api_key_secret), DIALTONE_PUBLIC_URL (public_base_url),
 * DIALTONE_TWILIO_API_URL (api_base_url), DIALTONE_DB (database), DIALTONE_PORT (port),
 * DIALTONE_LOG_LEVEL (log_level).
 */
#ifndef DIALTONE_CONFIG_H
#define DIALTONE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/alerts.h"
#include "dialtone/log.h"
#include "dialtone/retry.h"

/* Buffer sizes, terminating NUL included; values must be shorter. */
#define DT_CONFIG_SID_SIZE     35 /* "AC"/"SK" + 32 hex */
#define DT_CONFIG_SECRET_SIZE  128
#define DT_CONFIG_E164_SIZE    17
#define DT_CONFIG_URL_SIZE     192
#define DT_CONFIG_PATH_SIZE    256
#define DT_CONFIG_LISTEN_SIZE  64
#define DT_CONFIG_NAME_SIZE    33 /* queue names and disposition codes */
#define DT_CONFIG_LABEL_SIZE   65
#define DT_CONFIG_TZ_SIZE      64
#define DT_CONFIG_PROMPT_SIZE  191
#define DT_CONFIG_IVR_KEYS     11 /* the keys 0-9 and '*' */
#define DT_CONFIG_MAX_NUMBERS  32
#define DT_CONFIG_MAX_QUEUES   64
#define DT_CONFIG_MAX_DISPOS   32
#define DT_CONFIG_MAX_RANGES   4
#define DT_CONFIG_MAX_HOLIDAYS 32
#define DT_CONFIG_LINE_MAX     199     /* bytes per line, newline excluded */
#define DT_CONFIG_FILE_MAX     1048576 /* bytes per file */
#define DT_CONFIG_DEFAULT_API  "https://api.twilio.com"

enum config_routing {
    DT_ROUTING_RINGALL = 0,
    DT_ROUTING_LONGEST_IDLE = 1,
};

struct config_twilio {
    char account_sid[DT_CONFIG_SID_SIZE]; /* "" when unset, as for every string */
    char auth_token[DT_CONFIG_SECRET_SIZE];
    char api_key_sid[DT_CONFIG_SID_SIZE];
    char api_key_secret[DT_CONFIG_SECRET_SIZE];
    char numbers[DT_CONFIG_MAX_NUMBERS][DT_CONFIG_E164_SIZE];
    size_t n_numbers;
    char public_base_url[DT_CONFIG_URL_SIZE]; /* trailing '/' removed */
    char api_base_url[DT_CONFIG_URL_SIZE];    /* trailing '/' removed */
};

struct config_server {
    char listen[DT_CONFIG_LISTEN_SIZE];
    int port;
    char database[DT_CONFIG_PATH_SIZE];
    enum log_level log_level;
    size_t max_body;
};

/* Minutes after midnight, 0 <= start < end <= 1440. */
struct config_range {
    int start;
    int end;
};

struct config_day {
    int n_ranges; /* 0: closed */
    struct config_range ranges[DT_CONFIG_MAX_RANGES];
};

/* A time zone read from the system's database (see config_zone_load). */
struct config_zone;

/*
 * Business hours: [hours], or a queue's own. In a queue, each part left out (configured 0,
 * timezone "", n_holidays 0, closed_message "") comes from [hours].
 */
struct config_hours {
    int configured; /* a day key was given; 0 in [hours]: always open */
    char timezone[DT_CONFIG_TZ_SIZE];
    struct config_zone *zone;  /* owned: timezone read from the database; NULL for UTC */
    struct config_day days[7]; /* indexed like struct tm's tm_wday: 0 is Sunday */
    int n_holidays;
    int holidays[DT_CONFIG_MAX_HOLIDAYS]; /* YYYYMMDD, or MMDD for every year */
    char closed_message[DT_CONFIG_PROMPT_SIZE];
};

struct config_queue {
    char name[DT_CONFIG_NAME_SIZE];
    enum config_routing routing;
    int max_wait;             /* seconds */
    int wrapup;               /* seconds; 0 = no wrap-up */
    int reservation_timeout;  /* seconds */
    int service_level;        /* seconds */
    int service_level_target; /* percent */
    int short_abandon;        /* seconds; 0: every abandon counts */
    int long_wait;            /* seconds; 0: no warning */
    int missed_offers_limit;  /* 0 = never set unavailable */
    char hold_music_url[DT_CONFIG_URL_SIZE];
    struct config_hours hours; /* the queue's own; timezone "" when it sets none */
};

struct config_disposition {
    char code[DT_CONFIG_NAME_SIZE];
    char label[DT_CONFIG_LABEL_SIZE];
};

/* The IVR menu. keys[d] is the queue of key d (0-9; 10 is '*'), "" when the key leads
 * nowhere. */
struct config_ivr {
    int configured; /* 0: no menu */
    char prompt[DT_CONFIG_PROMPT_SIZE];
    int timeout; /* seconds */
    char keys[DT_CONFIG_IVR_KEYS][DT_CONFIG_NAME_SIZE];
    char fallback[DT_CONFIG_NAME_SIZE]; /* "" means the first queue */
};

/* The day of the wallboard's figures. */
struct config_wallboard {
    int day_reset;                    /* minute of the day, 0-1439 */
    char timezone[DT_CONFIG_TZ_SIZE]; /* "" for [hours]' */
    struct config_zone *zone;         /* owned; NULL with timezone "" or UTC */
};

/* The alert rules, by kind (name: the kind's name), and what is done when one changes. */
struct config_alerts {
    struct alert_rule rules[ALERT_KIND_COUNT];
    int enabled[ALERT_KIND_COUNT];
    char command[DT_CONFIG_PATH_SIZE];    /* "" for none */
    char webhook_url[DT_CONFIG_URL_SIZE]; /* "" for none */
    int command_timeout;                  /* seconds */
    int64_t monthly_budget_micros;        /* millionths of the price unit; 0 for none */
    int stop_outbound_over_budget;        /* 1: refuse outbound calls over the budget */
    int64_t price_delay_ms;               /* before a call's price is fetched */
};

/* Retries and bad numbers ([retry]). */
struct config_retry {
    struct retry_config policy;
    int flag_after; /* failures in a row that flag a number; 0 never */
};

/* How long the logs are kept ([retention]): whole days, 0 for ever. */
#define DT_CONFIG_RETENTION_MAX_DAYS 3650
struct config_retention {
    int events_days;      /* the push log (events), default 7 */
    int webhook_log_days; /* the webhook audit log (webhook_log), default 90 */
};

/* Held by value: config_init / config_done. */
struct config {
    struct config_twilio twilio;
    struct config_server server;
    struct config_queue *queues; /* owned; in file order */
    size_t n_queues;
    struct config_hours hours;
    struct config_ivr ivr;
    struct config_wallboard wallboard;
    struct config_alerts alerts;
    struct config_retry retry;
    struct config_retention retention;
    struct config_disposition dispositions[DT_CONFIG_MAX_DISPOS];
    size_t n_dispositions;
};

/* Fills cfg with the defaults. Cannot fail. */
void config_init(struct config *cfg);

/* Frees what cfg owns and wipes the secrets; cfg may be initialised again. */
void config_done(struct config *cfg);

/*
 * Reads the INI file at path on top of cfg. Errors: DT_EIO (cannot open or read: "PATH: ...
 * reason"), DT_ETOOBIG (over DT_CONFIG_FILE_MAX), DT_EINVAL (not a regular file, or a parse
 * error "PATH:LINE: message"), DT_EPERM (the file sets auth_token or api_key_secret and its
 * mode gives group or others any access; the message says to run chmod 600 PATH). On error cfg
 * is left as it was; on success the file's values replace cfg's.
 */
int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);

/*
 * As config_load_file for the NUL-terminated text, with name (NULL: "<string>") standing for
 * the file name in messages; no permission check. DT_EINVAL on any parse error.
 */
int config_load_string(struct config *cfg, const char *name, const char *text, char *err,
                       size_t errlen);

/*
 * Looks a variable up: returns its value (borrowed, valid until the next call) or NULL.
 * config_getenv is one that reads the process environment and ignores ctx.
 */
typedef const char *(*config_lookup_fn)(const char *name, void *ctx);
const char *config_getenv(const char *name, void *ctx);

/*
 * Applies the environment variables listed at the top of this header through lookup(name,
 * ctx). DT_EINVAL with "VARIABLE: message" for a bad value; cfg is then left as it was.
 */
int config_apply_env(struct config *cfg, config_lookup_fn lookup, void *ctx, char *err,
                     size_t errlen);

/*
 * Checks what the daemon needs: account_sid set and well-formed; auth_token, or api_key_sid
 * with api_key_secret (both or neither); public_base_url set. DT_EINVAL with a message that
 * says where to set the missing value.
 */
int config_validate(const struct config *cfg, char *err, size_t errlen);

/* The zone of the wallboard's day: [wallboard]'s timezone, else [hours]'; borrowed, NULL for
 * UTC. Cannot fail. */
const struct config_zone *config_wallboard_zone(const struct config *cfg);

/* The enabled alert rules into out (names borrowed from static storage); their number. */
size_t config_alerts_rules(const struct config *cfg, struct alert_rule out[ALERT_KIND_COUNT]);

/* The queue with this name, ignoring case (borrowed from cfg), or NULL. */
const struct config_queue *config_queue_find(const struct config *cfg, const char *name);

/*
 * The queue a caller goes to after the menu, given the keys pressed (the Gather's Digits; NULL
 * or "" when none): the queue of the first key when it leads somewhere, else the menu's
 * default, else the first queue. Without [ivr], the first queue. NULL when there is no queue.
 * Borrowed from cfg (the queue's own spelling of its name).
 */
const char *config_ivr_route(const struct config *cfg, const char *digits);

/* 1 if the lines are open on day wday (0 Sunday .. 6) at minute (0-1439) of that day in the
 * configured time zone, else 0 (also for arguments out of range). */
int config_hours_open(const struct config_hours *hours, int wday, int minute);

/* A local date and time. */
struct config_local {
    int year, month, mday; /* month 1-12, mday 1-31 */
    int wday;              /* 0 Sunday .. 6 */
    int minute;            /* of the day, 0-1439 */
};

/*
 * Reads zone name (an IANA name such as Europe/London) from the TZif file under $TZDIR, else
 * /usr/share/zoneinfo, into *out (the caller's: config_zone_free). "UTC", "GMT", "Etc/UTC"
 * and "Etc/GMT" give *out NULL when the file is missing, which stands for UTC. Errors:
 * DT_EINVAL (a bad name, or not a TZif file), DT_ENOTFOUND (no such zone), DT_EIO, with
 * the reason in err; *out NULL.
 */
int config_zone_load(const char *name, struct config_zone **out, char *err, size_t errlen);

/* Frees z; NULL does nothing. */
void config_zone_free(struct config_zone *z);

/* The local date and time in zone z (NULL: UTC) at unix_s seconds since the epoch; after the
 * zone's last listed change, its rule (the file's POSIX TZ footer) applies. Cannot fail. */
void config_zone_local(const struct config_zone *z, int64_t unix_s, struct config_local *out);

/*
 * 1 if queue q (NULL: none, [hours] alone) is open at unix_s: not a holiday and within the
 * day's hours, read in the queue's zone, with whatever the queue leaves out taken from
 * [hours]. Else 0.
 */
int config_open_at(const struct config *cfg, const struct config_queue *q, int64_t unix_s);

/* The after-hours message of queue q (NULL: [hours]'), or NULL when neither sets one.
 * Borrowed from cfg. */
const char *config_closed_message(const struct config *cfg, const struct config_queue *q);

/* Registers cfg's secrets (auth_token, api_key_secret) with log_add_secret. Returns 0 or the
 * first error log_add_secret gave. */
int config_register_secrets(const struct config *cfg);

#endif

/*
 * board: the supervisors' wallboard as plain data. board_parse reads the daemon's answer to
 * GET /api/v1/wallboard (README, "Supervisors") into fixed-size tables, every string through
 * tx_sanitize; the pure helpers say how a figure reads on screen (ticking times, the state
 * with its reason, the warnings). No curses, no network. struct board is what the console's
 * model keeps of it: the figures, the selection, the agent-state menu, the monitored call and
 * the timing of the next fetch.
 */
#ifndef DIALTONE_CONSOLE_BOARD_H
#define DIALTONE_CONSOLE_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#define BOARD_QUEUES_MAX   32
#define BOARD_AGENTS_MAX   128
#define BOARD_WARNINGS_MAX 16
#define BOARD_NAME_SIZE    136 /* agent and caller names, parties */
#define BOARD_QUEUE_SIZE   64
#define BOARD_SID_SIZE     72
#define BOARD_WORD_SIZE    32    /* states, roles, warning kinds, modes */
#define BOARD_TEXT_SIZE    256   /* reasons, messages */
#define BOARD_REASON_SIZE  64    /* a break's reason typed in the menu */
#define BOARD_FETCH_MIN_MS 1000  /* fetches after events: at most one a second */
#define BOARD_FETCH_MAX_MS 5000  /* and one at least this often while the screen is open */
#define BOARD_STUCK_MS     30000 /* a fetch unanswered this long no longer holds the next */

/* A queue's warnings, as bits. */
enum board_warn { BOARD_WARN_SL = 1, BOARD_WARN_LONG_WAIT = 2 };

struct board_queue {
    char name[BOARD_QUEUE_SIZE];
    int64_t waiting, longest_wait_s; /* now */
    int64_t handled, abandoned, short_abandoned, left, offered;
    double service_level;                 /* percent, -1 when nothing was offered */
    int64_t service_level_target;         /* percent */
    int64_t service_level_s, long_wait_s; /* seconds; long_wait_s 0: never */
    double asa_s, aht_s;                  /* -1 without calls */
    int warn;                             /* enum board_warn bits, as the daemon says */
};

struct board_agent {
    char name[BOARD_NAME_SIZE];
    char role[BOARD_WORD_SIZE];
    char state[BOARD_WORD_SIZE];  /* "available", "busy", "wrap-up", "break", "offline" */
    char reason[BOARD_TEXT_SIZE]; /* "" none */
    int64_t in_state_s;
    int has_call;
    char call_sid[BOARD_SID_SIZE];
    char party[BOARD_NAME_SIZE];       /* the other party's number, "" unknown */
    char caller_name[BOARD_NAME_SIZE]; /* "" unknown */
    int64_t call_duration_s;           /* -1 until the agent's leg connected */
    int call_ended;                    /* the call is over: wrap-up */
    int wrapup_timed;                  /* in a wrap-up with the queue's timer */
    int64_t wrapup_left_s;             /* then its seconds left, else 0 */
    int64_t handled, missed_offers, declined_offers;
    double aht_s; /* -1 none */
};

struct board_warning {
    char queue[BOARD_QUEUE_SIZE];
    char kind[BOARD_WORD_SIZE];
    char message[BOARD_TEXT_SIZE];
};

/* One answer of GET /api/v1/wallboard. Lists longer than their maximum are cut. */
struct board_data {
    int64_t now_ms;                  /* the daemon's clock when it answered */
    char day_start[BOARD_WORD_SIZE]; /* ISO time the day began */
    char timezone[BOARD_QUEUE_SIZE];
    char reset[BOARD_WORD_SIZE]; /* "HH:MM" */
    struct board_queue queues[BOARD_QUEUES_MAX];
    size_t n_queues;
    struct board_agent agents[BOARD_AGENTS_MAX];
    size_t n_agents;
    struct board_warning warnings[BOARD_WARNINGS_MAX];
    size_t n_warnings;
};

/* What the console keeps: the figures and the screen's own state. */
struct board {
    struct board_data data;
    int loaded;                    /* one answer came */
    int64_t got_wall_ms;           /* the console's wall clock when it came: times tick from it */
    char message[BOARD_TEXT_SIZE]; /* why the last fetch failed, "" none */
    size_t sel;                    /* the selected agent */
    int due;                       /* an event moved the figures: fetch again (throttled) */
    int asking;                    /* a fetch is in flight */
    uint64_t asked_mono_ms;        /* when the last fetch was sent (monotonic), 0 never */
    /* The selected agent's state menu (`s`): available, break (then a reason is typed),
     * offline. */
    int menu_open;
    size_t menu_sel;
    int reason_editing;
    char reason[BOARD_REASON_SIZE];
    char menu_agent[BOARD_NAME_SIZE];
    /* The call this supervisor monitors, as the daemon last accepted it ("" none). */
    char mon_sid[BOARD_SID_SIZE];
    char mon_agent[BOARD_NAME_SIZE];
    char mon_mode[BOARD_WORD_SIZE];
    /* What the last monitor or state request asked, for its answer's toast. */
    char ask_sid[BOARD_SID_SIZE];
    char ask_agent[BOARD_NAME_SIZE];
    char ask_what[BOARD_WORD_SIZE]; /* a mode, "leave", or the state asked */
};

#define BOARD_MENU_ITEMS 3
/* The menu's states, in order: "available", "break", "offline"; NULL out of range. */
const char *board_menu_state(size_t i);

/*
 * Reads a wallboard answer (borrowed) into *out (overwritten). Missing or malformed figures
 * read as 0 (counts) or -1 (service level, ASA, AHT, a call's duration); strings are
 * sanitized and cut; queues and agents without a name are skipped. 0, or DT_EINVAL when body
 * is not an object with arrays "queues" and "agents" (err says which; *out is then empty).
 */
int board_parse(const cJSON *body, struct board_data *out, char *err, size_t errlen);
/* board_parse of JSON text (len bytes, NUL not needed): DT_EINVAL also for text that is not
 * JSON or holds a NUL. */
int board_parse_text(const char *text, size_t len, struct board_data *out, char *err,
                     size_t errlen);

/* A time the daemon gave as base_s when the console got it at got_ms, ticked to now_ms:
 * base_s plus the whole seconds since; base_s when negative (no figure) or now is earlier. */
int64_t board_tick(int64_t base_s, int64_t got_ms, int64_t now_ms);

/* The queue's warnings given its longest wait ticked to now: the daemon's bits, plus
 * BOARD_WARN_LONG_WAIT once a caller's wait passes long_wait_s (when it is over 0) between
 * answers. */
int board_queue_warn(const struct board_queue *q, int64_t longest_now_s);

/* The agent's state as the table shows it: "break: lunch", "wrap-up", "wrap-up: 25 s left"
 * (a timed wrap-up, as the answer gave it), "busy"... A break or wrap-up reads as such even if
 * the state string were "available" with a call just ended. Writes into buf (always
 * NUL-terminated) and returns it. */
char *board_state_text(const struct board_agent *a, char *buf, size_t n);
/* The same with a timed wrap-up's time left ticked down to now_ms from got_ms, when the
 * answer came (board_wrapup_left): "wrap-up: 25 s left", "wrap-up: 2:05 left". */
char *board_state_text_at(const struct board_agent *a, int64_t got_ms, int64_t now_ms, char *buf,
                          size_t n);
/* 1 when the agent is in wrap-up (or has a call just ended while "available"). */
int board_in_wrapup(const struct board_agent *a);
/* The seconds left of the agent's timed wrap-up at now_ms: what the answer said less the whole
 * seconds since got_ms, never below 0; -1 when the agent is not in a wrap-up with a timer. */
int64_t board_wrapup_left(const struct board_agent *a, int64_t got_ms, int64_t now_ms);

/* 1 when the agent has a call that is not over (listen, whisper and barge apply). */
int board_live_call(const struct board_agent *a);

/* The index of the agent named name, or -1. */
int board_agent_find(const struct board_data *b, const char *name);

/* A percent figure as text: "83.3%", or "-" when negative (none). Writes into buf (always
 * NUL-terminated) and returns it. */
char *board_pct(double v, char *buf, size_t n);

/* Checks the invariants (counts within caps, every string NUL-terminated and clean). 0, or
 * DT_EINVAL with the first broken one in err. For tests and the fuzz target. */
int board_check(const struct board *b, char *err, size_t errlen);

#endif

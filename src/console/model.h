/*
 * model: the console's state as plain data, and the reducer that changes it. Events from the
 * daemon's websocket, the pending poll, keys (already looked up in the keymap) and the answers
 * of REST requests go in; the state changes and, for keys, commands come out (REST requests,
 * quit, theme switch, refresh) for the app to carry out. No curses, no network: everything
 * here is testable with JSON and key codes. Every string from outside is sanitized
 * (tx_sanitize) when it enters the state, so views may draw any string of it as it is.
 */
#ifndef DIALTONE_CONSOLE_MODEL_H
#define DIALTONE_CONSOLE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "console/alertlist.h"
#include "console/board.h"
#include "console/errstats.h"
#include "console/client.h"
#include "console/keymap.h"
#include "console/numlist.h"
#include "console/reports.h"

/* ---- sizes: bytes with the NUL, or counts; input longer than these is cut (whole UTF-8
 * characters only) or, for lists, the rest is dropped ----------------------------------------- */
#define MODEL_NAME_SIZE      136  /* agent and caller names */
#define MODEL_SID_SIZE       72   /* call sids, conference names */
#define MODEL_NUMBER_SIZE    136  /* E.164 numbers, sip: and client: endpoints */
#define MODEL_QUEUE_SIZE     64   /* queue names */
#define MODEL_WORD_SIZE      32   /* states, statuses, outcomes, modes, directions */
#define MODEL_TEXT_SIZE      256  /* reasons, messages, actions */
#define MODEL_TOAST_SIZE     512  /* one toast */
#define MODEL_INPUT_SIZE     256  /* the command line, the filter, the transfer target */
#define MODEL_DIAL_SIZE      64   /* the dialpad's buffer */
#define MODEL_NOTES_SIZE     2001 /* wrap-up notes (the daemon takes 2000 bytes) */
#define MODEL_THEME_SIZE     64
#define MODEL_CURSOR_SIZE    112  /* history's next_cursor */
#define MODEL_QUEUES_MAX     32   /* queues: the agent's and the figures */
#define MODEL_WAITING_MAX    200  /* waiting callers (the daemon sends at most 200) */
#define MODEL_OFFERS_MAX     8    /* offers to this agent at once */
#define MODEL_TOASTS_MAX     4    /* toasts shown at once; a new one pushes the oldest out */
#define MODEL_RECENT_MAX     10   /* the dialpad's recent numbers */
#define MODEL_DISPOS_MAX     32   /* wrap-up dispositions */
#define MODEL_HISTORY_MAX    5000 /* history rows kept; older pages are dropped at the top */
#define MODEL_HISTORY_PAGE   50   /* rows asked per history page */
#define MODEL_HISTORY_FOLLOW 20   /* pages followed in a row to fill the screen */
#define MODEL_DETAIL_EVENTS  64   /* timeline entries of the call detail */
#define MODEL_TOAST_MS       6000 /* how long a toast stays */
#define MODEL_PATH_SIZE      1024 /* a command's path and query */
#define MODEL_BODY_SIZE      4608 /* a command's JSON body */
#define MODEL_CMDS_MAX       4    /* commands one key can produce: size of the out-array */
#define MODEL_AGENTS_MAX     64   /* agents offered as transfer targets */
#define MODEL_POPUP_GUARD_MS 400  /* accept keys ignored this long after an offer pops up */

/* ---- the state ------------------------------------------------------------------------------ */

/* Severity of a toast or message; the views map it to a theme role. */
enum model_level { MODEL_INFO, MODEL_OK, MODEL_WARN, MODEL_ERROR };

/* The main screens (F2 queue, call, F3 dialpad, F4 history, the detail of one call). */
enum model_screen {
    MODEL_SCR_QUEUE,
    MODEL_SCR_CALL,
    MODEL_SCR_DIALPAD,
    MODEL_SCR_HISTORY,
    MODEL_SCR_DETAIL,
    MODEL_SCR_BOARD,   /* supervisors: the wallboard (board.h, reducer_board.c) */
    MODEL_SCR_ERRORS,  /* why calls fail (errstats.h, reducer_errors.c) */
    MODEL_SCR_ALERTS,  /* supervisors: the alerts (alertlist.h, reducer_alerts.c) */
    MODEL_SCR_NUMBERS, /* supervisors: bad numbers (numlist.h, reducer_numbers.c) */
    MODEL_SCR_REPORTS, /* supervisors: the reports (reports.h, reducer_reports.c) */
};

struct model_agent {
    int known;                        /* 0 until the first snapshot */
    char name[MODEL_NAME_SIZE];       /* events for other agents are ignored */
    char role[MODEL_WORD_SIZE];       /* "agent", "supervisor" */
    char state[MODEL_WORD_SIZE];      /* "available", "busy", "wrap-up", "break", "offline" */
    char endpoint[MODEL_NUMBER_SIZE]; /* the agent's phone ("client:ann"), "" unknown */
    char reason[MODEL_TEXT_SIZE];     /* the break's reason, "" when none */
    int64_t since_ms;                 /* wall clock ms of the last state change, 0 unknown */
    char queues[MODEL_QUEUES_MAX][MODEL_QUEUE_SIZE]; /* the agent's queues */
    size_t n_queues;
};

struct model_conn {
    enum client_conn state;
    uint64_t retry_at_ms; /* monotonic (netloop_now_ms) time of the next attempt, 0 none */
    char why[MODEL_TEXT_SIZE];
};

/* The two clocks, as last given to model_tick: the monotonic one for the model's own timers
 * (toasts, the reconnect countdown) and the wall clock for times the daemon sends (waits,
 * offer countdowns, call timers). */
struct model_clock {
    uint64_t mono_ms;
    int64_t wall_ms;
};

/* A queue's live figures from the snapshot (waiting is recounted from the waiting list). */
struct model_queue {
    char name[MODEL_QUEUE_SIZE];
    char routing[MODEL_WORD_SIZE];
    int waiting;
    int64_t longest_wait_s;
    int agents_available;
};

/* A caller waiting in one of the agent's queues. The list is kept sorted by queue, then by
 * since_ms; position is 1 for the first caller of its queue. */
struct model_caller {
    char sid[MODEL_SID_SIZE];
    char name[MODEL_NAME_SIZE];     /* caller name, "" unknown */
    char number[MODEL_NUMBER_SIZE]; /* the caller's number (from) */
    char queue[MODEL_QUEUE_SIZE];
    int64_t since_ms; /* wall clock ms it arrived, 0 unknown */
    int position;
    int offered; /* 1: one of this agent's offers (highlighted) */
};

/* An offer of a call to this agent. */
struct model_offer {
    char sid[MODEL_SID_SIZE];
    char name[MODEL_NAME_SIZE];
    char number[MODEL_NUMBER_SIZE];
    char queue[MODEL_QUEUE_SIZE];
    char mode[MODEL_WORD_SIZE]; /* "ringall", "longest-idle" */
    int64_t since_ms;           /* when the caller arrived (wall ms), 0 unknown */
    int64_t expires_ms;         /* wall ms the reservation ends, 0 none */
};

enum model_call_phase {
    MODEL_CALL_NONE,       /* no call */
    MODEL_CALL_DIALING,    /* outbound: asked, waiting for the daemon and Twilio */
    MODEL_CALL_CONNECTING, /* inbound: accepted, the agent's leg is being added */
    MODEL_CALL_CONNECTED,  /* talking (inbound) or answered (outbound) */
    MODEL_CALL_ENDED,      /* ended: the wrap-up form is open */
};

enum model_xfer_phase { MODEL_XFER_NONE, MODEL_XFER_STARTED, MODEL_XFER_CONNECTED };

struct model_call {
    enum model_call_phase phase;
    int outbound;
    char sid[MODEL_SID_SIZE];   /* the caller's (customer's) leg; "" while dialling */
    char room[MODEL_SID_SIZE];  /* the conference, "" unknown */
    char name[MODEL_NAME_SIZE]; /* the other party's name, "" unknown */
    char number[MODEL_NUMBER_SIZE];
    char queue[MODEL_QUEUE_SIZE];   /* "" for outbound */
    int64_t started_ms;             /* wall ms connected (or dial asked), for the timer */
    int on_hold, muted;             /* as the daemon's events say */
    char status[MODEL_WORD_SIZE];   /* the daemon's call status ("ringing", "in-progress") */
    char progress[MODEL_TEXT_SIZE]; /* in words: "dialling", "ringing", "answered", "on hold" */
    /* A transfer of this call under way (call.transferred): STARTED while the party is being
     * dialled, CONNECTED when a warm party answered (`t` completes it, `:cancel` takes the
     * caller back). */
    enum model_xfer_phase xfer_phase;
    int xfer_warm;
    char xfer_to[MODEL_NUMBER_SIZE];  /* the party: an agent, a number or a queue */
    char from_agent[MODEL_NAME_SIZE]; /* the agent who transferred the call here, "" none */
};

struct model_disposition {
    char code[MODEL_WORD_SIZE + 1];
    char label[MODEL_TEXT_SIZE / 2];
};

/* The wrap-up form after a call: pick a disposition (Up/Down), Tab moves between the list and
 * the notes, Enter submits. */
struct model_wrapup {
    int open;
    char call_sid[MODEL_SID_SIZE];
    char party[MODEL_NAME_SIZE]; /* who the call was with, for the title */
    struct model_disposition dispos[MODEL_DISPOS_MAX];
    size_t n_dispos;
    size_t selected;
    int notes_focus; /* 1: keys type into the notes */
    char notes[MODEL_NOTES_SIZE];
    int submitting;                /* a POST /api/v1/me/wrapup is in flight */
    char message[MODEL_TEXT_SIZE]; /* the daemon's refusal, "" none */
};

struct model_dialpad {
    char buf[MODEL_DIAL_SIZE];     /* as typed */
    char message[MODEL_TEXT_SIZE]; /* validation or progress, "" none */
    enum model_level message_level;
    char recent[MODEL_RECENT_MAX][MODEL_NUMBER_SIZE]; /* newest first, E.164 */
    size_t n_recent;
    int recent_sel; /* -1: none; Up/Down walk the recent numbers into buf */
};

struct model_hist_row {
    char sid[MODEL_SID_SIZE];
    int64_t created_ms;
    char direction[MODEL_WORD_SIZE]; /* "inbound", "outbound-api"... */
    int outbound;
    char number[MODEL_NUMBER_SIZE]; /* the other party: from for inbound, to for outbound */
    char name[MODEL_NAME_SIZE];
    int64_t duration_s; /* -1 unknown */
    char status[MODEL_WORD_SIZE];
    char outcome[MODEL_WORD_SIZE];
    int has_error;
    int error_code;                   /* 0 none */
    int sip_code;                     /* 0 none */
    int category;                     /* enum errors_category (dialtone/errors.h) */
    char badge[MODEL_WORD_SIZE + 16]; /* "31486 busy", "" when no error */
};

/* History: keyset pages appended as the selection nears the end. rows is owned (model_free). */
struct model_history {
    struct model_hist_row *rows;
    size_t count, cap;
    size_t selected, top; /* the selected row and the first row shown (views may move top) */
    size_t dropped;       /* rows dropped at the top to stay under MODEL_HISTORY_MAX */
    char next_cursor[MODEL_CURSOR_SIZE]; /* "" with has_more 0: the last page is in */
    int has_more;
    int loaded;   /* the first page came */
    int loading;  /* a page is being fetched */
    int stale;    /* a call ended since the first page came: F4 asks again */
    unsigned gen; /* bumped by every new query: answers of older ones are dropped */
    char filter[MODEL_INPUT_SIZE]; /* the applied filter */
    int filter_editing;            /* `/` pressed: keys edit filter_edit */
    char filter_edit[MODEL_INPUT_SIZE];
    int filter_code; /* a bare error code in the filter, matched here: 0 none */
    /* A filter that matches within each page (outcome, error code) may leave a page short or
     * empty while older calls match: the next page is asked at once (follow_due, handed out
     * by model_take_cmds) until the screen is full or MODEL_HISTORY_FOLLOW pages were read
     * in a row; then moving down goes on searching. */
    int follow_due;
    int searched;                  /* pages read in this run of following */
    char message[MODEL_TEXT_SIZE]; /* why the last page failed, "" none */
};

struct model_detail_event {
    char ts[MODEL_WORD_SIZE];
    char type[MODEL_WORD_SIZE];
    char status[MODEL_WORD_SIZE];
};

/* One call opened from the history (GET /api/v1/calls/SID). */
struct model_detail {
    int loaded, loading;
    unsigned gen;
    char sid[MODEL_SID_SIZE];
    char direction[MODEL_WORD_SIZE];
    char from[MODEL_NUMBER_SIZE], to[MODEL_NUMBER_SIZE];
    char name[MODEL_NAME_SIZE];
    char queue[MODEL_QUEUE_SIZE], agent[MODEL_NAME_SIZE];
    char status[MODEL_WORD_SIZE], outcome[MODEL_WORD_SIZE];
    int64_t created_ms, answered_ms, ended_ms; /* 0 unknown */
    int64_t duration_s, queue_time_s;          /* -1 unknown */
    char price[MODEL_WORD_SIZE], price_unit[MODEL_WORD_SIZE];
    int has_error;
    int error_code, sip_code;
    int category; /* enum errors_category */
    char error_message[MODEL_TEXT_SIZE];
    char category_label[MODEL_WORD_SIZE];
    char action[MODEL_TEXT_SIZE];
    int retryable, bad_number;
    int has_recording;
    char rec_sid[MODEL_SID_SIZE], rec_status[MODEL_WORD_SIZE], rec_url[MODEL_TEXT_SIZE];
    int64_t rec_duration_s; /* -1 unknown */
    struct model_detail_event events[MODEL_DETAIL_EVENTS];
    size_t n_events;
    size_t scroll;
    char message[MODEL_TEXT_SIZE]; /* why it could not be loaded, "" none */
};

/* Finding the call in hand that a snapshot (busy or wrap-up, no call) does not carry: step 1
 * due (GET /api/v1/calls?agent=NAME), 2 asked, 0 idle. */
struct model_restore {
    int step;
};

struct model_toast {
    char text[MODEL_TOAST_SIZE];
    enum model_level level;
    uint64_t expires_ms; /* monotonic */
};

/* The agent state menu (F5): available, break (asks for the reason on the command line),
 * offline. */
#define MODEL_MENU_ITEMS 3
struct model_menu {
    int open;
    size_t selected;
};

/* The transfer dialog (`t`): a number, sip:/client: endpoint, an agent's or a queue's name;
 * Tab puts the next queue's or available agent's name in, C-w switches cold and warm. The
 * agents come from GET /api/v1/agents, asked when the dialog opens. */
struct model_transfer {
    int open;
    int warm;
    char target[MODEL_INPUT_SIZE];
    char message[MODEL_TEXT_SIZE];
    size_t queue_pick;
    char agents[MODEL_AGENTS_MAX][MODEL_NAME_SIZE]; /* the other agents, available ones first */
    char agent_states[MODEL_AGENTS_MAX][MODEL_WORD_SIZE];
    size_t n_agents;
};

/* The `:` command line. message is what the last command said ("unknown command: foo"),
 * shown on the command line's row until the next key. */
struct model_prompt {
    int open;
    char text[MODEL_INPUT_SIZE];
    char message[MODEL_TEXT_SIZE];
    enum model_level message_level;
};

struct model {
    struct model_agent agent;
    struct model_conn conn;
    struct model_clock clock;
    int64_t last_seq; /* the newest event applied; older or equal seqs are ignored */
    char country[4];  /* default country for dialling ("US"); set by the app */

    enum model_screen screen;
    int help_open;
    size_t help_scroll;
    struct model_menu menu;
    struct model_transfer transfer;
    struct model_prompt prompt;

    struct model_queue queues[MODEL_QUEUES_MAX];
    size_t n_queues;
    struct model_caller waiting[MODEL_WAITING_MAX];
    size_t n_waiting;
    size_t queue_sel; /* selected row of the waiting list (a shown one) */
    /* `/` on the queue screen: only callers whose name, number or queue hold this text (any
     * case) are shown, as it is typed; Enter keeps it, Esc clears it. "" shows all. */
    char queue_filter[MODEL_INPUT_SIZE];
    int queue_filter_editing;

    struct model_offer offers[MODEL_OFFERS_MAX];
    size_t n_offers;
    char popup_sid[MODEL_SID_SIZE]; /* the offer shown in the popup (the newest), "" none */
    /* The popup as last seen by the reducer and since when (monotonic ms): accept keys are
     * ignored for MODEL_POPUP_GUARD_MS after a popup first shows, so an Enter typed for
     * something else just as it appears does not take the call. */
    char popup_seen[MODEL_SID_SIZE];
    uint64_t popup_since_ms;
    char accepting_sid[MODEL_SID_SIZE];

    struct model_call call;
    struct model_wrapup wrapup;
    struct model_dialpad dialpad;
    struct model_history history;
    struct model_detail detail;
    struct model_restore restore;
    struct board board;      /* the wallboard, for supervisors */
    struct errstats errors;  /* the errors screen */
    struct alertlist alerts; /* supervisors: the alerts, kept live on every screen */
    struct numlist numbers;  /* supervisors: the bad numbers to review */
    struct reports reports;  /* supervisors: the reports screen */

    struct model_toast toasts[MODEL_TOASTS_MAX]; /* oldest first */
    size_t n_toasts;

    int me_asked;  /* GET /api/v1/me: 1 due (model_take_cmds), 2 asked */
    int me_loaded; /* it answered: the dispositions are the daemon's */

    char theme[MODEL_THEME_SIZE];
    int rows, cols; /* the terminal */
    int dirty;      /* set by every change; the app clears it after drawing */
};

/* ---- commands: what a key asks the app to do ------------------------------------------------ */

enum model_cmd_kind {
    MODEL_CMD_REQUEST, /* a REST request: method, path, body; answer to model_apply_result */
    MODEL_CMD_QUIT,
    MODEL_CMD_THEME,   /* load and apply theme arg; then model_set_theme or a toast */
    MODEL_CMD_REFRESH, /* poll the pending calls now, reconnect now if not live */
};

/* What a request was for; its answer comes back to model_apply_result with the tag. */
enum model_tag {
    MODEL_TAG_NONE,
    MODEL_TAG_ACCEPT,
    MODEL_TAG_DECLINE,
    MODEL_TAG_HOLD,
    MODEL_TAG_UNHOLD,
    MODEL_TAG_MUTE,
    MODEL_TAG_UNMUTE,
    MODEL_TAG_HANGUP,
    MODEL_TAG_TRANSFER,
    MODEL_TAG_WRAPUP,
    MODEL_TAG_STATE,
    MODEL_TAG_DIAL,
    MODEL_TAG_HISTORY,
    MODEL_TAG_DETAIL,
    MODEL_TAG_ME,            /* GET /api/v1/me: the dispositions */
    MODEL_TAG_AGENTS,        /* GET /api/v1/agents: transfer targets */
    MODEL_TAG_XFER_COMPLETE, /* POST .../transfer/complete */
    MODEL_TAG_XFER_CANCEL,   /* POST .../transfer/cancel */
    MODEL_TAG_RESTORE,       /* GET /api/v1/calls?agent=NAME: the call in hand */
    MODEL_TAG_BOARD,         /* GET /api/v1/wallboard */
    MODEL_TAG_MONITOR,       /* POST /api/v1/calls/SID/monitor */
    MODEL_TAG_MON_LEAVE,     /* POST /api/v1/calls/SID/monitor/leave */
    MODEL_TAG_AGENT_STATE,   /* POST /api/v1/agents/NAME/state */
    MODEL_TAG_ERRORS,        /* GET /api/v1/errors?range=today|7d */
    MODEL_TAG_ALERTS,        /* GET /api/v1/alerts */
    MODEL_TAG_NUMBERS,       /* GET /api/v1/numbers/flagged */
    MODEL_TAG_NUM_REVIEW,    /* POST /api/v1/numbers/{number}/review */
    MODEL_TAG_REPORTS,       /* GET /api/v1/reports/NAME (a generation above) */
    MODEL_TAG_COUNT
};
/* A tag carries its kind in the low 8 bits and a generation above (history and detail), so an
 * answer to a superseded query is recognised. */
#define MODEL_TAG_KIND(tag) ((enum model_tag)((tag)&0xff))

struct model_cmd {
    enum model_cmd_kind kind;
    char method[8];             /* "GET", "POST" */
    char path[MODEL_PATH_SIZE]; /* "/api/v1/calls/CA.../accept", query escaped */
    char body[MODEL_BODY_SIZE]; /* JSON text, "" for none */
    int tag;
    char arg[MODEL_THEME_SIZE]; /* MODEL_CMD_THEME: the theme's name */
};

/* ---- lifecycle and inputs ------------------------------------------------------------------- */

/* A new, empty state: connecting, queue screen, default dispositions, theme "default",
 * country "US". The caller frees it with model_free. Never NULL (aborts on out-of-memory). */
struct model *model_new(void);
/* Frees st and what it owns; NULL is ignored. */
void model_free(struct model *st);

/*
 * Applies one websocket message (borrowed): the snapshot (replaces the agent, the waiting
 * list, the queues; keeps the call, the dialpad and the history) or an event. Events with a
 * seq at or below the last one applied are ignored, and so are events about other agents.
 * Returns 0 (applied or ignored), or DT_EINVAL for a message that is not an object with a
 * string type; the state is then unchanged.
 */
int model_apply_event(struct model *st, const cJSON *ev);

/* Applies the pending poll's answer {"calls": [...], "offers": [...]} (borrowed): the waiting
 * list and the offers are replaced, so a lost event never hides a caller. 0, or DT_EINVAL for
 * a body without those arrays (state unchanged). */
int model_apply_pending(struct model *st, const cJSON *body);

/*
 * Applies a key: key is what the terminal sent (a code point or KM_KEY_*), action what the
 * keymap says for it in model_key_context(st). An open text field (the command line, the
 * dialpad, the history filter, the wrap-up notes, the transfer target) takes printable keys,
 * Backspace, C-u (clear), Enter and Esc first; everything else is an action. Writes at most
 * max commands into out and returns how many (0 when none).
 */
int model_apply_key(struct model *st, int key, enum km_action action, struct model_cmd *out,
                    size_t max);

/*
 * Writes the requests that events and answers made due (GET /api/v1/me after the first
 * snapshot, for the wrap-up dispositions; the call in hand when a snapshot says busy or
 * wrap-up without one; the next history page while a filter leaves the
 * screen empty) into out, at most max; returns how many. The app
 * calls it after model_apply_event; model_apply_key also hands them out first, so none waits
 * longer than the next key.
 */
int model_take_cmds(struct model *st, struct model_cmd *out, size_t max);

/* The keymap context for the next key: the help, the state menu, the offer popup, the
 * wrap-up form, or the screen's own. */
enum km_context model_key_context(const struct model *st);

/* 1 when waiting caller i passes the queue screen's filter. */
int model_caller_shown(const struct model *st, size_t i);

/* 1 when a text field has the keyboard (printable keys are text, not actions). */
int model_text_focus(const struct model *st);

/*
 * The answer to a request made for tag: status the HTTP status (0: no answer), body the JSON
 * (borrowed, may be NULL), err the failure in words (NULL on success). Answers to superseded
 * history or detail queries are ignored.
 */
void model_apply_result(struct model *st, int tag, int status, const cJSON *body, const char *err);

/* The clocks moved: expires toasts, and offers 2 s past their expiry (the daemon withdraws
 * them too). mono_ms is netloop_now_ms(), wall_ms the real time in ms since the epoch. Returns
 * 1 when something visible changed besides the clocks. */
int model_tick(struct model *st, uint64_t mono_ms, int64_t wall_ms);

/* The connection state, as client.h's on_conn gives it (why may be NULL). */
void model_set_conn(struct model *st, enum client_conn state, uint64_t retry_at_ms,
                    const char *why);

/* The terminal's size. */
void model_resize(struct model *st, int rows, int cols);

/* The theme in use (after MODEL_CMD_THEME succeeded, or at start). name is sanitized. */
void model_set_theme(struct model *st, const char *name);

/* The default country for national numbers (ISO 3166 alpha-2, "GB"); ignored unless two
 * letters. */
void model_set_country(struct model *st, const char *cc);

/* Adds a toast (text sanitized, cut to MODEL_TOAST_SIZE); the oldest goes when full. */
void model_toast(struct model *st, enum model_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Checks the state's invariants (counts within caps, selections in range, every string
 * NUL-terminated and clean, the popup naming an offer). 0, or DT_EINVAL with the first broken
 * one in err. For tests and the fuzz target. */
int model_check(const struct model *st, char *err, size_t errlen);

#endif

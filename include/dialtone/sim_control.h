/*
 * sim_control: the control API of `dialtone sim`, its own (not Twilio's), for tests and demos.
 * JSON in and out under /sim/, no auth: the emulator's host answers loopback clients only.
 * Pure like sim_rest: one parsed request in (struct sim_rest_req), a status and JSON out.
 *
 *   POST /sim/calls                  place an inbound call now. Body {"from": "+1...",
 *                                    "to": "+1..." (default: the scenario's arrivals number),
 *                                    "caller_name": "...", "patience": seconds (default: the
 *                                    scenario's), "digits": "12#"}. 201 {"call": CALL}.
 *   GET  /sim/calls[?all=1]          {"calls": [CALL...]}: live calls, newest first (all=1:
 *                                    ended ones too).
 *   GET  /sim/calls/{sid}            {"call": CALL}
 *   POST /sim/calls/{sid}/hangup     the far party hangs up now. {"call": CALL}
 *   POST /sim/calls/{sid}/digits     body {"digits": "1234#"}: the far party presses them.
 *                                    {"call": CALL}
 *   GET  /sim/queues                 {"queues": [{"sid", "friendly_name", "size", "max_size",
 *                                    "average_wait_time", "members": [{"call_sid", "position",
 *                                    "wait_time", "from", "caller_name"}]}]}
 *   GET  /sim/conferences[?all=1]    {"conferences": [{"sid", "friendly_name", "status",
 *                                    "reason_ended", "participants": [{"call_sid", "label",
 *                                    "status", "muted", "hold", "coaching", "call_sid_to_coach",
 *                                    "start_conference_on_enter", "end_conference_on_exit",
 *                                    "from", "to"}]}]}: live ones (all=1: completed too).
 *   POST /sim/scenario               body {"path": "FILE"} or {"text": "INI text"}: loads it
 *                                    and makes it current; calls in progress go on. 200
 *                                    {"scenario": {"file", "account_sid", "numbers",
 *                                    "endpoints", "callers"}}.
 *   GET  /sim/stats                  {"live_calls", "calls", "queues", "conferences",
 *                                    "recordings", "memory_bytes" (the engine's own count),
 *                                    "rss_bytes" (the process), "emulated_ms", "emulated_time",
 *                                    "speed", "uptime_s", "rest_requests", "control_requests",
 *                                    "webhooks_sent", "webhooks_failed", "webhooks_pending",
 *                                    "arrivals"}
 *
 * CALL is {"sid", "parent_call_sid", "direction", "from", "to", "caller_name", "status",
 * "queue_sid", "queue", "conference_sid", "conference", "answered_by", "duration",
 * "queue_time", "error_code", "sip_code", "date_created", "start_time", "end_time"} (statuses as
 * Twilio's callbacks name them, "initiated" included). Errors: {"error": {"code": "not_found" |
 * "bad_request" | "method_not_allowed" | "too_big" | "scenario" | "twilio", "message": "...",
 * "twilio_code": N (when the engine gave one)}} with 400, 404, 405 or 413.
 */
#ifndef DIALTONE_SIM_CONTROL_H
#define DIALTONE_SIM_CONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/sim.h"
#include "dialtone/sim_rest.h"
#include "dialtone/sim_scenario.h"

/* The host's counters, for GET /sim/stats. */
struct sim_control_stats {
    int64_t now_ms; /* emulated time, ms since the epoch */
    double speed;
    double uptime_s; /* real seconds since start */
    uint64_t rest_requests, control_requests;
    uint64_t webhooks_sent, webhooks_failed, webhooks_pending;
    uint64_t arrivals; /* inbound calls placed by the traffic generator */
};

/* What the control API works on. The host fills it and keeps sc current. */
struct sim_control {
    struct sim *sim;
    const struct sim_scenario *sc; /* the current scenario (borrowed) */
    void *ctx;
    /* Loads a scenario from path (text NULL) or from text (path NULL), makes it the engine's
     * and updates sc. Returns 0, or a DT_E code with "FILE:LINE: reason" in err. NULL: the
     * API answers 405 to POST /sim/scenario. */
    int (*load_scenario)(void *ctx, const char *path, const char *text, char *err, size_t errlen);
    /* Fills the host's counters; NULL leaves them zero. */
    void (*stats)(void *ctx, struct sim_control_stats *out);
};

/*
 * Serves one control request (path under /sim/). resp is overwritten and always gets a status
 * and a JSON body, which the caller frees with sim_rest_resp_done. Never fails otherwise;
 * aborts only on out-of-memory.
 */
void sim_control_handle(struct sim_control *c, const struct sim_rest_req *req,
                        struct sim_rest_resp *resp);

/* The resident set size of this process in bytes (from /proc/self/statm), 0 if unknown. */
size_t sim_control_rss_bytes(void);

#endif

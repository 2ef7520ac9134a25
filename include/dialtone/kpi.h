/*
 * kpi: the day's queue and agent figures of the wallboard and the agent report, computed from
 * plain facts about calls and offers (no database, no clock): handled, abandoned, service
 * level, average speed of answer, average handle time, waiting now, missed offers, cost. "The
 * day" starts at a configured minute in a configured time zone (kpi_day_bounds), so a day is
 * 23 or 25 hours long when the clocks change.
 *
 * Definitions (every time below is a call's own; T is the queue's service-level threshold, S
 * its short-abandon threshold, both in seconds; a call belongs to the day in which its queue
 * outcome happened, that is, when it left the queue):
 *  - wait: from joining the queue to leaving it (dequeued_ms - enqueued_ms).
 *  - handled: calls an agent answered from the queue (KPI_Q_ANSWERED).
 *  - short abandon: the caller hung up in the queue after waiting less than S. Short abandons
 *    are counted apart (short_abandoned) and nowhere else: not offered, not abandoned, not in
 *    the service level.
 *  - abandoned: the caller hung up in the queue after waiting S or more.
 *  - left: the caller left the queue without an agent for another reason (maximum wait
 *    reached, queue full, error).
 *  - offered = handled + abandoned + left.
 *  - service level = (handled with wait <= T) / offered: every caller who did not reach an
 *    agent counts against it, even one who hung up before T, short abandons excepted. No figure
 *    (-1) when offered is 0.
 *  - average speed of answer (ASA) = the mean wait of the handled calls.
 *  - handle time of a call = talk + hold + wrap-up, where talk is the time with an agent not
 *    on hold and the wrap-up is the sum of every agent's wrap-up of the call (a transferred
 *    call is wrapped up by each agent who had it: all of it is work on the call); average
 *    handle time (AHT) = its mean over the day's handled calls whose handling is over (talk,
 *    hold and wrap-up all known: the wrap-up once the agent who had the call at its end is
 *    done), aht_calls of them.
 *  - waiting now / longest wait: callers in the queue at `now` (joined, not yet left), and the
 *    longest of their waits so far.
 *  - per agent, from the call's parts (struct kpi_part): handled = calls that the agent's leg
 *    reached during the day (by the time it first did): a call transferred from one agent to
 *    another is handled by both, while its queue counts it once. The agent's handle time of a
 *    call = their leg's time with the caller (hold included) + their own wrap-up of it (an
 *    agent who hands a call on wraps it up too); AHT = its mean over the day's handled calls
 *    whose part is over (aht_calls): an agent still in wrap-up, or who never ends it, has no
 *    handle time for that call yet. The call's agent, when none of its parts is theirs (no
 *    leg of theirs known), counts by the whole call: handled by answered_ms, handle time as
 *    for the queue.
 *    Missed offers = offers made to the agent during the day that timed out; declined ones are
 *    counted apart.
 */
#ifndef DIALTONE_KPI_H
#define DIALTONE_KPI_H

#include <stddef.h>
#include <stdint.h>

struct config_zone;

#define KPI_NAME_MAX           64   /* longest queue or agent name taken */
#define KPI_SHORT_ABANDON_DFLT 5    /* seconds */
#define KPI_SERVICE_LEVEL_DFLT 20   /* seconds */
#define KPI_MAX_QUEUES         256  /* distinct queues in one report */
#define KPI_MAX_AGENTS         4096 /* distinct agents in one report */

enum kpi_dir {
    KPI_INBOUND,
    KPI_OUTBOUND,
};

/* How a call left its queue. */
enum kpi_qresult {
    KPI_Q_NONE,      /* never queued, or still waiting (dequeued_ms -1) */
    KPI_Q_ANSWERED,  /* an agent took it (bridged; redirected: the daemon's dequeue) */
    KPI_Q_ABANDONED, /* the caller hung up while waiting (hangup) */
    KPI_Q_LEFT,      /* left without an agent: leave (maximum wait), queue-full, error... */
};

/* One agent's part in a call: what their leg (or legs, summed) had of the caller. Strings are
 * borrowed. */
struct kpi_part {
    const char *agent;
    int64_t reached_ms; /* their leg first reached the caller; -1: never (not handled) */
    int64_t with_s;     /* time with the caller, hold included; -1 while still with them */
    int64_t wrapup_s;   /* their own wrap-up of the call (0: none); -1 while one is going on */
};

/* One call, as facts. Times are ms since the epoch, -1 when it has not happened or is unknown;
 * durations are seconds, -1 when unknown. Strings are borrowed. */
struct kpi_call {
    const char *queue;            /* NULL or "": not through a queue */
    const char *agent;            /* who has it (the last agent); NULL or "": nobody */
    const struct kpi_part *parts; /* the agents' parts (borrowed), n_parts of them; an agent
                                     named by none (the call's own agent when the store has
                                     no leg of theirs) counts by the whole call */
    size_t n_parts;
    enum kpi_dir dir;
    enum kpi_qresult result;
    int64_t enqueued_ms; /* joined the queue */
    int64_t dequeued_ms; /* left the queue (answered, hung up or left) */
    int64_t answered_ms; /* an agent (or, outbound, the called party) answered */
    int64_t ended_ms;
    int64_t talk_s; /* with an agent, not on hold */
    int64_t hold_s;
    int64_t wrapup_s;    /* the agents' wrap-ups summed; -1 while the last agent is in wrap-up */
    int64_t cost_micros; /* price in millionths of the currency unit, -1 unknown */
};

/* One offer of a call to an agent, and how it ended. */
enum kpi_offer_end {
    KPI_OFFER_ACCEPTED,
    KPI_OFFER_TIMEOUT, /* missed: the agent let it ring out */
    KPI_OFFER_DECLINED,
    KPI_OFFER_OTHER, /* withdrawn: taken by another agent, the caller left... */
};

struct kpi_offer {
    const char *agent; /* borrowed */
    int64_t offered_ms;
    enum kpi_offer_end end;
};

/* A queue's thresholds; name borrowed. Queues seen in calls but not listed get the defaults
 * of struct kpi_params. */
struct kpi_queue_conf {
    const char *name;
    int service_level_s; /* T */
    int short_abandon_s; /* S; 0: every abandon counts */
};

struct kpi_params {
    const struct config_zone *zone; /* borrowed; NULL: UTC */
    int reset_minute;               /* the day starts at this minute of local time, 0-1439 */
    const struct kpi_queue_conf *queues;
    size_t n_queues;
    int service_level_s; /* for queues not listed */
    int short_abandon_s;
};

struct kpi_queue_stats {
    char name[KPI_NAME_MAX + 1];
    int service_level_s, short_abandon_s;
    int64_t handled, abandoned, short_abandoned, left, offered;
    int64_t answered_in_sl;
    double service_level; /* 0..1, -1 when offered is 0 */
    double asa_s;         /* -1 when nothing was handled */
    int64_t aht_calls;
    double aht_s; /* -1 when aht_calls is 0 */
    int64_t waiting, longest_wait_s;
    int64_t cost_micros; /* the priced calls of the queue that ended during the day */
};

struct kpi_agent_stats {
    char name[KPI_NAME_MAX + 1];
    int64_t handled, aht_calls, missed_offers, declined_offers;
    double aht_s; /* -1 when aht_calls is 0 */
};

/* The day's figures: queues in the order of params->queues then by name, agents by name.
 * Held by value: kpi_report_done. */
struct kpi_report {
    int64_t day_start_ms, day_end_ms;
    struct kpi_queue_stats *queues;
    size_t n_queues;
    struct kpi_agent_stats *agents;
    size_t n_agents;
    int64_t cost_micros; /* every priced call that ended during the day */
};

/*
 * The day that contains now_ms: [*start_ms, *end_ms), where the start is the first instant
 * whose local time in zone (NULL: UTC) is reset_minute past midnight, the latest one at or
 * before now_ms. A reset time that the clocks skip that day (spring forward) starts the day
 * when the clocks jump; one they repeat (fall back) starts it the first time round. Offsets
 * are taken in whole minutes. DT_EINVAL when reset_minute is outside 0-1439.
 */
int kpi_day_bounds(const struct config_zone *zone, int reset_minute, int64_t now_ms,
                   int64_t *start_ms, int64_t *end_ms);

/*
 * Computes the figures of the day containing now_ms from n calls and n_offers offers (either
 * array may be NULL when its count is 0) into *out (release with kpi_report_done). Facts
 * outside the day are ignored. Errors: DT_EINVAL (bad reset minute or thresholds, a name
 * over KPI_NAME_MAX), DT_ETOOBIG (more than KPI_MAX_QUEUES queues or KPI_MAX_AGENTS agents),
 * with detail in err; *out is then empty.
 */
int kpi_compute(const struct kpi_params *p, const struct kpi_call *calls, size_t n,
                const struct kpi_offer *offers, size_t n_offers, int64_t now_ms,
                struct kpi_report *out, char *err, size_t errlen);

/* Frees what r owns and empties it; an empty or zeroed report is fine. */
void kpi_report_done(struct kpi_report *r);

/* The queue named name in r (borrowed), or NULL. kpi_report_agent likewise. */
const struct kpi_queue_stats *kpi_report_queue(const struct kpi_report *r, const char *name);
const struct kpi_agent_stats *kpi_report_agent(const struct kpi_report *r, const char *name);

/* What a wallboard should colour in a queue's row. */
enum {
    KPI_WARN_SERVICE_LEVEL = 1, /* service level under target */
    KPI_WARN_LONG_WAIT = 2,     /* a caller waiting longer than max_wait_s */
};

/* The KPI_WARN_* bits of q against a target service level (0..1) and a wait limit in
 * seconds (0: none). Cannot fail. */
int kpi_queue_warnings(const struct kpi_queue_stats *q, double sl_target, int64_t max_wait_s);

/* Twilio's QueueResult ("bridged", "hangup", "leave"...) as a kpi_qresult; NULL or unknown
 * gives KPI_Q_NONE. */
enum kpi_qresult kpi_qresult_parse(const char *s);

/* A price as Twilio writes it ("-0.01300", "0.0075") into millionths of the unit, as a
 * positive cost (Twilio's prices are negative). Digits past the sixth decimal are rounded
 * half up. DT_EINVAL for anything but [-+]digits[.digits], or over a billion. */
int kpi_price_parse(const char *s, int64_t *micros);

#endif

/* callstate: Twilio call statuses, the merge rule, outcomes. See dialtone/callstate.h. */
#include "dialtone/callstate.h"

#include <stdio.h>
#include <string.h>

#include "dialtone/util.h"

struct status_info {
    const char *name;
    int rank;
    int final;
};

static const struct status_info statuses[DT_CALL_STATUS_COUNT] = {
    [DT_CALL_QUEUED] = {.name = "queued", .rank = 0},
    [DT_CALL_INITIATED] = {.name = "initiated", .rank = 1},
    [DT_CALL_RINGING] = {.name = "ringing", .rank = 2},
    [DT_CALL_IN_PROGRESS] = {.name = "in-progress", .rank = 3},
    [DT_CALL_COMPLETED] = {.name = "completed", .rank = 4, .final = 1},
    [DT_CALL_BUSY] = {.name = "busy", .rank = 4, .final = 1},
    [DT_CALL_FAILED] = {.name = "failed", .rank = 4, .final = 1},
    [DT_CALL_NO_ANSWER] = {.name = "no-answer", .rank = 4, .final = 1},
    [DT_CALL_CANCELED] = {.name = "canceled", .rank = 4, .final = 1},
};

_Static_assert(DT_CALL_CANCELED + 1 == DT_CALL_STATUS_COUNT, "status table out of date");
_Static_assert(DT_OUTCOME_FAILED + 1 == DT_OUTCOME_COUNT, "outcome table out of date");

static int status_valid(enum callstate_status st)
{
    return (int)st >= 0 && (int)st < DT_CALL_STATUS_COUNT;
}

int callstate_parse(const char *s, enum callstate_status *out)
{
    if (!s)
        return DT_EINVAL;
    for (int i = 0; i < DT_CALL_STATUS_COUNT; i++) {
        if (strcmp(s, statuses[i].name) == 0) {
            *out = (enum callstate_status)i;
            return DT_OK;
        }
    }
    return DT_EINVAL;
}

const char *callstate_name(enum callstate_status st)
{
    return status_valid(st) ? statuses[st].name : "unknown";
}

int callstate_is_final(enum callstate_status st)
{
    return status_valid(st) && statuses[st].final;
}

int callstate_rank(enum callstate_status st)
{
    return status_valid(st) ? statuses[st].rank : -1;
}

static int64_t seq_norm(int64_t seq)
{
    return seq < -1 ? -1 : seq;
}

enum callstate_merge callstate_merge(const struct callstate_pos *cur,
                                     const struct callstate_pos *in, struct callstate_pos *out)
{
    struct callstate_pos c = {cur->status, seq_norm(cur->seq)};
    int64_t iseq = seq_norm(in->seq);
    int64_t maxseq = iseq > c.seq ? iseq : c.seq;
    enum callstate_merge m;

    if (!status_valid(in->status)) {
        m = DT_MERGE_INVALID;
    } else if (in->status == c.status) {
        m = DT_MERGE_DUPLICATE;
        c.seq = maxseq;
    } else if (callstate_is_final(c.status) && callstate_is_final(in->status)) {
        m = DT_MERGE_FINAL_KEPT;
    } else if (callstate_rank(in->status) > callstate_rank(c.status)) {
        m = DT_MERGE_APPLY;
        c.status = in->status;
        c.seq = maxseq;
    } else {
        m = DT_MERGE_STALE;
    }
    *out = c;
    return m;
}

const char *callstate_merge_name(enum callstate_merge m)
{
    static const char *const names[] = {
        [DT_MERGE_APPLY] = "apply",     [DT_MERGE_DUPLICATE] = "duplicate",
        [DT_MERGE_STALE] = "stale",     [DT_MERGE_FINAL_KEPT] = "final kept",
        [DT_MERGE_INVALID] = "invalid",
    };
    if ((int)m < 0 || (size_t)m >= sizeof names / sizeof names[0])
        return "unknown";
    return names[m];
}

/* SIP response codes that decide the outcome of a call that did not complete. */
static const struct {
    int sip;
    enum callstate_outcome outcome;
} sip_outcomes[] = {
    {.sip = 603, .outcome = DT_OUTCOME_DECLINED},  {.sip = 607, .outcome = DT_OUTCOME_DECLINED},
    {.sip = 608, .outcome = DT_OUTCOME_DECLINED},  {.sip = 486, .outcome = DT_OUTCOME_BUSY},
    {.sip = 600, .outcome = DT_OUTCOME_BUSY},      {.sip = 408, .outcome = DT_OUTCOME_NO_ANSWER},
    {.sip = 480, .outcome = DT_OUTCOME_NO_ANSWER}, {.sip = 487, .outcome = DT_OUTCOME_CANCELED},
};

static int is_machine(const char *answered_by)
{
    return answered_by &&
           (strncmp(answered_by, "machine_", 8) == 0 || strcmp(answered_by, "fax") == 0);
}

static int streq(const char *a, const char *b)
{
    return a && strcmp(a, b) == 0;
}

static enum callstate_outcome completed_outcome(const struct callstate_facts *f)
{
    if (is_machine(f->answered_by) || streq(f->queue_result, "leave"))
        return DT_OUTCOME_VOICEMAIL;
    if (streq(f->queue_result, "queue-full") || streq(f->queue_result, "error") ||
        streq(f->queue_result, "system-shutdown"))
        return DT_OUTCOME_FAILED;
    return DT_OUTCOME_ANSWERED;
}

enum callstate_outcome callstate_outcome(const struct callstate_facts *f)
{
    if (streq(f->queue_result, "hangup"))
        return DT_OUTCOME_ABANDONED;
    if (!callstate_is_final(f->status))
        return DT_OUTCOME_IN_PROGRESS;
    if (f->status == DT_CALL_COMPLETED)
        return completed_outcome(f);
    for (size_t i = 0; i < sizeof sip_outcomes / sizeof sip_outcomes[0]; i++) {
        if (sip_outcomes[i].sip != f->sip_code)
            continue;
        /* Declined overrides any status; the others only explain a bare "failed". */
        if (sip_outcomes[i].outcome == DT_OUTCOME_DECLINED || f->status == DT_CALL_FAILED)
            return sip_outcomes[i].outcome;
    }
    switch (f->status) {
    case DT_CALL_BUSY:
        return DT_OUTCOME_BUSY;
    case DT_CALL_NO_ANSWER:
        return DT_OUTCOME_NO_ANSWER;
    case DT_CALL_CANCELED:
        return DT_OUTCOME_CANCELED;
    default:
        return DT_OUTCOME_FAILED;
    }
}

const char *callstate_outcome_label(enum callstate_outcome o)
{
    static const char *const labels[DT_OUTCOME_COUNT] = {
        [DT_OUTCOME_IN_PROGRESS] = "in progress",
        [DT_OUTCOME_ANSWERED] = "answered",
        [DT_OUTCOME_BUSY] = "busy",
        [DT_OUTCOME_NO_ANSWER] = "no answer",
        [DT_OUTCOME_DECLINED] = "declined",
        [DT_OUTCOME_CANCELED] = "canceled",
        [DT_OUTCOME_ABANDONED] = "abandoned",
        [DT_OUTCOME_VOICEMAIL] = "voicemail",
        [DT_OUTCOME_FAILED] = "failed",
    };
    if ((int)o < 0 || (int)o >= DT_OUTCOME_COUNT)
        return "unknown";
    return labels[o];
}

char *callstate_outcome_text(enum callstate_outcome o, const char *reason, char *buf, size_t len)
{
    if (o == DT_OUTCOME_FAILED && reason && *reason)
        snprintf(buf, len, "failed: %s", reason);
    else
        dt_strlcpy(buf, callstate_outcome_label(o), len);
    return buf;
}

/*
 * callstate: the life of one Twilio call leg. Twilio's call statuses as an enum (parsed from
 * and named back to Twilio's strings), the merge rule that decides whether a status callback
 * (which Twilio may deliver twice, late or out of order) moves the call, and the outcome shown
 * to people once the call is over ("answered", "busy", "abandoned"...). Pure functions.
 */
#ifndef DIALTONE_CALLSTATE_H
#define DIALTONE_CALLSTATE_H

#include <stddef.h>
#include <stdint.h>

/* Twilio's CallStatus values, in the order a call moves through them; the last five are final. */
enum callstate_status {
    DT_CALL_QUEUED,      /* "queued": created, waiting to be dialled */
    DT_CALL_INITIATED,   /* "initiated": dialling */
    DT_CALL_RINGING,     /* "ringing" */
    DT_CALL_IN_PROGRESS, /* "in-progress": answered */
    DT_CALL_COMPLETED,   /* "completed": answered, then ended normally (final) */
    DT_CALL_BUSY,        /* "busy" (final) */
    DT_CALL_FAILED,      /* "failed": could not be placed (final) */
    DT_CALL_NO_ANSWER,   /* "no-answer" (final) */
    DT_CALL_CANCELED,    /* "canceled": hung up by the API while queued or ringing (final) */
};
#define DT_CALL_STATUS_COUNT 9

/* Parses Twilio's exact lower-case string into *out. NULL, unknown or differently-cased
 * strings: DT_EINVAL and *out untouched. */
int callstate_parse(const char *s, enum callstate_status *out);

/* Twilio's string for st ("in-progress"); "unknown" for a value outside the enum. Static. */
const char *callstate_name(enum callstate_status st);

/* 1 if st is a final status (completed, busy, failed, no-answer, canceled), else 0. */
int callstate_is_final(enum callstate_status st);

/* The status's rank: queued 0, initiated 1, ringing 2, in-progress 3, every final status 4;
 * -1 for a value outside the enum. */
int callstate_rank(enum callstate_status st);

/*
 * The merge rule. A call's position is its status and the highest SequenceNumber seen
 * (-1 when none). A callback brings a status and its SequenceNumber (-1 when absent; any value
 * below -1 counts as absent). callstate_merge() decides, in this order:
 *
 *   1. invalid: the incoming status is outside the enum. Nothing changes.
 *   2. same status as the current one: a duplicate. The status stays; the sequence becomes
 *      the larger of the two (so equal rank is settled by SequenceNumber, and a redelivery
 *      with the same or a lower number changes nothing at all).
 *   3. the current status is final and the incoming one is another final status: FINAL_KEPT.
 *      The first final status wins, whatever the sequence numbers say. Why: Twilio reports one
 *      final status per call leg, so a second, different one can only come from a replay, a
 *      different callback source (a <Dial> action, a conference event) whose sequence numbers
 *      are not comparable with the status callback's, or an emulator; and by the time it
 *      arrives the daemon has already acted on the first (the agent's screen closed the call,
 *      wrap-up started, KPIs counted it, a campaign scheduled or skipped a retry). Rewriting
 *      the outcome afterwards would make the record disagree with what people saw.
 *   4. the incoming rank is higher: APPLY, even when its sequence is lower or absent (the
 *      status order is a fact; sequence numbers can be missing or come from another source).
 *      The sequence becomes the larger of the two.
 *   5. the incoming rank is lower (a late `ringing` after `in-progress` or after `completed`,
 *      any non-final status after a final one): STALE. Nothing changes, whatever its sequence.
 *
 * Ranks of different non-final statuses always differ, so "equal rank" means either the same
 * status (rule 2) or two finals (rule 3). Consequences: the rank never decreases, a final status
 * is never replaced, the sequence never decreases, and applying the same callback twice gives
 * the same position as applying it once. A call with no status yet takes any valid callback.
 */
enum callstate_merge {
    DT_MERGE_APPLY,      /* the status moves to the incoming one */
    DT_MERGE_DUPLICATE,  /* same status: the status stays, only the sequence may advance */
    DT_MERGE_STALE,      /* older than the current status: ignored */
    DT_MERGE_FINAL_KEPT, /* another final status after a final one: ignored */
    DT_MERGE_INVALID,    /* incoming status outside the enum: ignored */
};

struct callstate_pos {
    enum callstate_status status;
    int64_t seq; /* highest SequenceNumber seen, -1 when none */
};

/* Applies the rule above to the current position cur and an incoming callback in, writes the
 * resulting position into *out (which may alias cur) and returns the decision. Never fails. */
enum callstate_merge callstate_merge(const struct callstate_pos *cur,
                                     const struct callstate_pos *in, struct callstate_pos *out);

/* Short name of a merge decision ("apply", "duplicate"...); static, never NULL. */
const char *callstate_merge_name(enum callstate_merge m);

/*
 * The outcome shown to people, computed by callstate_outcome() from what is known about a
 * call, first match wins:
 *
 *   QueueResult "hangup"                              -> abandoned (caller hung up in queue)
 *   status not final                                  -> in progress
 *   completed, AnsweredBy machine_* or fax            -> voicemail (reached a machine)
 *   completed, QueueResult "leave"                    -> voicemail (left the queue after the
 *                                                        maximum wait: voicemail or callback)
 *   completed, QueueResult queue-full/error/system-shutdown -> failed
 *   completed                                         -> answered
 *   any other final status with SIP 603, 607 or 608   -> declined (the callee rejected it)
 *   busy, or failed with SIP 486 or 600               -> busy
 *   no-answer, or failed with SIP 408 or 480          -> no answer
 *   canceled, or failed with SIP 487                  -> canceled
 *   failed                                            -> failed
 *
 * The error code is not used to choose the outcome (the error dictionary owns its meaning);
 * it is what a caller typically turns into the reason given to callstate_outcome_text().
 */
enum callstate_outcome {
    DT_OUTCOME_IN_PROGRESS,
    DT_OUTCOME_ANSWERED,
    DT_OUTCOME_BUSY,
    DT_OUTCOME_NO_ANSWER,
    DT_OUTCOME_DECLINED,
    DT_OUTCOME_CANCELED,
    DT_OUTCOME_ABANDONED,
    DT_OUTCOME_VOICEMAIL,
    DT_OUTCOME_FAILED,
};
#define DT_OUTCOME_COUNT 9

/* What is known about a call. Absent numbers are 0 or negative, absent strings NULL. */
struct callstate_facts {
    enum callstate_status status;
    int error_code;           /* Twilio ErrorCode */
    int sip_code;             /* SipResponseCode */
    const char *answered_by;  /* AnsweredBy: "human", "machine_start", "fax", "unknown"... */
    const char *queue_result; /* the <Enqueue> action's QueueResult: "bridged", "hangup"... */
};

/* The outcome of the call described by f, by the table above. Never fails; a status outside
 * the enum counts as not final. */
enum callstate_outcome callstate_outcome(const struct callstate_facts *f);

/* Short label for people ("answered", "no answer", "voicemail"...); static, "unknown" for a
 * value outside the enum. */
const char *callstate_outcome_label(enum callstate_outcome o);

/*
 * Writes the text shown for an outcome into buf (of len > 0 bytes, always NUL-terminated,
 * truncated if need be): the label, and for DT_OUTCOME_FAILED with a non-empty reason
 * (supplied by the caller, e.g. the error dictionary's message) "failed: REASON". Returns buf.
 */
char *callstate_outcome_text(enum callstate_outcome o, const char *reason, char *buf, size_t len);

#endif

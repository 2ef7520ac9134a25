/*
 * store_totals: the stored calls counted for /metrics, a customer's call once: the calls
 * (rows without a parent) by status, and apart from them the legs the daemon adds to calls
 * (agents', supervisors' and transfer parties' legs: rows with a parent) by kind and status, so
 * that an agent's softphone failing stays visible without counting its call twice. Errors as
 * in dialtone/store.h.
 */
#ifndef DIALTONE_STORE_TOTALS_H
#define DIALTONE_STORE_TOTALS_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/callstate.h"
#include "dialtone/store.h"

/* What a leg is: an agent's (the call's agent, or one it passed through), a supervisor's (a
 * supervisor in a call that is not theirs: listen, whisper, barge), or a party's (no agent: a
 * transfer to a number). */
enum store_leg_kind { STORE_LEG_AGENT, STORE_LEG_SUPERVISOR, STORE_LEG_PARTY, STORE_LEG_KINDS };

/* "agent", "supervisor", "party"; "unknown" outside the enum. */
const char *store_leg_kind_name(enum store_leg_kind k);

struct store_totals {
    int64_t calls[DT_CALL_STATUS_COUNT];
    int64_t calls_none; /* calls with no status yet */
    int64_t legs[STORE_LEG_KINDS][DT_CALL_STATUS_COUNT];
    int64_t legs_none[STORE_LEG_KINDS];
};

/* Counts every stored call and leg into *out. Errors: DT_EDB; *out is then zeroed. */
int store_totals_read(struct store *st, struct store_totals *out, char *err, size_t errlen);

#endif

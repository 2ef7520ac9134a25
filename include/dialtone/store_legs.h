/*
 * store_legs: who handles a call and the legs the daemon adds to it. A call's agent is set when
 * an agent's leg joins it (an accept, an outbound dial, a transfer to an agent); each leg an
 * agent or a transfer party has in the call's conference is marked as the call's leg (its
 * parent_sid), so that history can leave legs out and a call's detail can list them. Both are
 * recorded through store_call_apply(), as events of the call and of the leg.
 */
#ifndef DIALTONE_STORE_LEGS_H
#define DIALTONE_STORE_LEGS_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/store.h"

#define STORE_LEGS_MAX 64 /* most legs store_call_legs() lists */

/*
 * Records at now_ms that leg (a call sid, or NULL) is a leg of call sid, with agent (or NULL
 * for a party that is no agent). When own is 1 and agent is given, agent becomes the call's
 * agent (an "assign" event of the call); otherwise the leg is only listed (a "leg" event).
 * The leg's own row gets parent_sid = sid (kept if it had one) and agent (a "leg_of" event),
 * and is created if no callback about it came yet. Every such event is kept, however often
 * the call changes hands. Errors: DT_EINVAL (missing sid, nothing to record, leg == sid),
 * DT_ETOOBIG, DT_EDB; the call's part may be stored when the leg's fails.
 */
int store_call_assign(struct store *st, const char *sid, const char *agent, const char *leg,
                      int own, int64_t now_ms, char *err, size_t errlen);

/* store_call_assign(st, sid, agent, leg, 1, ...) for a call the daemon has just placed to the
 * number to: the call's row knows its number and direction ("outbound-api") at once, before
 * Twilio's first callback (which keeps them: they are identity fields). Errors as
 * store_call_assign, and DT_EINVAL without a number or an agent. */
int store_call_dialed(struct store *st, const char *sid, const char *agent, const char *leg,
                      const char *to, int64_t now_ms, char *err, size_t errlen);

/* The legs recorded for call sid (store_call_assign), oldest first, at most STORE_LEGS_MAX,
 * into out (release with store_call_list_done()); legs whose row is gone are left out.
 * Errors: DT_EINVAL (bad sid), DT_EDB; out is empty on error. */
int store_call_legs(struct store *st, const char *sid, struct store_call_list *out, char *err,
                    size_t errlen);

#endif

/*
 * store_kpi_int: what the day's facts (store_kpi_load.c) and the agents report
 * (store_report_agents.c) share inside the core: the agents' parts in the customers' calls,
 * read from their legs by one rule, so that the wallboard and the report agree.
 */
#ifndef DIALTONE_STORE_KPI_INT_H
#define DIALTONE_STORE_KPI_INT_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "dialtone/kpi.h"
#include "dialtone/store_kpi.h"

/* Column i of s as a string owned by d (NULL for NULL), freed by store_kpi_day_done. */
const char *store_kpi_keep(struct store_kpi_day *d, sqlite3_stmt *s, int i);

/*
 * The agents' parts in the customers' calls (no parent) created in [created_from, created_to)
 * and changed on or after updated_from, one per call and agent, grouped by call sid in
 * ascending order: into d->parts (d->n_parts of them; strings kept in d), with *sids (the
 * caller's to free, NULL when none) the call sid of each part. A part comes from the call's
 * legs (rows with its sid as parent_sid, created in the range or the day after) that have an agent
 * who had the call (an "assign" names them, or it is the call's agent): so a supervisor listening
 * in has none. A leg joined the caller at its first participant-join (else its answer, else its end
 * less its duration) and left at its end; the caller was there from the call's start (inbound) or
 * its answer (outbound) to its end. Its part reached the caller at the first moment both were
 * there, if any, and was with them while both were; the wrap-up is the agent's own
 * (agent_wrapups: -1 while one is going on), else call_kpi's for the call's last agent, else 0.
 * Errors: DT_ETOOBIG, DT_EDB with detail; d's parts empty.
 */
int store_kpi_parts_load(sqlite3 *db, int64_t created_from, int64_t created_to,
                         int64_t updated_from, struct store_kpi_day *d, const char ***sids,
                         char *err, size_t errlen);

#endif

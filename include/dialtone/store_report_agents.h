/*
 * store_report_agents: agent performance over a range, read-only beside store_report, from the
 * calls and the daemon's KPI facts (call_kpi, offers; dialtone/store_kpi.h): calls assigned to
 * each agent, calls handled, average handle time and offers missed or declined.
 */
#ifndef DIALTONE_STORE_REPORT_AGENTS_H
#define DIALTONE_STORE_REPORT_AGENTS_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/store_report.h"

#define STORE_REPORT_AGENTS_MAX 4096 /* most agents a report returns */

/*
 * One agent's figures. calls: calls (not legs) created in the range whose agent is name;
 * handled: calls that the agent's leg reached in the range, by the rule of the wallboard
 * (dialtone/kpi.h, store_kpi_load): every agent who had the call and whose leg reached the
 * caller counts it, so a transferred call counts for both agents; the call's last agent with
 * no leg recorded counts from call_kpi's connected time. aht_s: the mean handle time (the
 * leg's time with the caller, hold included, plus the wrap-up for the last agent, who wraps
 * the call up) of the aht_calls handled calls whose part is over, -1 when none;
 * missed_offers: offers made in the range that timed out; declined_offers: those declined.
 */
struct store_report_agent {
    char name[136];
    int64_t calls, handled, aht_calls, missed_offers, declined_offers;
    double aht_s;
};

/*
 * Every agent with a figure over [from_ms, to_ms), by name. *rows (the caller's to free; NULL
 * when *n is 0) gets *n rows. Errors: DT_EINVAL (to before from), DT_ETOOBIG (over
 * STORE_REPORT_AGENTS_MAX agents), DT_EDB (also a database without the KPI tables); *rows NULL
 * and *n 0.
 */
int store_report_agents(struct store_report *r, int64_t from_ms, int64_t to_ms,
                        struct store_report_agent **rows, size_t *n, char *err, size_t errlen);

#endif

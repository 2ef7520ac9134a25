/*
 * api_cost: what calls cost, in the daemon. Every call or leg that ends has its price, price
 * unit and billable duration fetched from its Call resource on Twilio ([alerts] price_delay
 * after the end, retried with a doubling delay while Twilio has no price yet) and stored; with
 * [alerts] monthly_budget and stop_outbound_over_budget, outbound calls stop once the calendar
 * month's cost (in the wallboard's zone) reaches the budget.
 */
#ifndef DIALTONE_SERVER_API_COST_INT_H
#define DIALTONE_SERVER_API_COST_INT_H

#include <stddef.h>
#include <stdint.h>

struct api;

/* Hooks the event sink; api->cost is set. Returns 0 (it cannot fail but for memory). */
int api_cost_init(struct api *api, char *err, size_t errlen);

/* Unhooks, drops the fetches waiting (those in flight are freed by their callbacks); NULL
 * api->cost is ignored. */
void api_cost_done(struct api *api);

/*
 * 1 when outbound calls are stopped: stop_outbound_over_budget is set and the month's cost
 * (read from the database, again after each price stored or when the month turns) has reached
 * monthly_budget; else 0, also when the cost cannot be read (logged). *micros (may be NULL)
 * gets the month's cost as last read.
 */
int api_cost_over_budget(struct api *api, int64_t *micros);

#endif

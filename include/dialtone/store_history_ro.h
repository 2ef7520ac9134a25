/*
 * store_history_ro: the history of dialtone/store.h (store_history) read on a read-only report
 * connection (dialtone/store_report.h) instead of the store's own: the same statements, composed
 * by the same code, cached per connection. So a thread of its own can read a page that scans
 * many calls (a text filter) while the store's thread goes on writing.
 */
#ifndef DIALTONE_STORE_HISTORY_RO_H
#define DIALTONE_STORE_HISTORY_RO_H

#include <stddef.h>

#include "dialtone/store.h"

struct store_report;
struct store_history_ro;

/*
 * The history statements of r's connection, none prepared yet (each is on first use). r is
 * borrowed and must outlive the result; both are used by one thread at a time. Aborts on
 * out-of-memory, as xmalloc does; the result is the caller's, for store_history_ro_free.
 */
struct store_history_ro *store_history_ro_new(struct store_report *r);

/* Finalizes the statements and frees h; call it before store_report_close. NULL is ignored. */
void store_history_ro_free(struct store_history_ro *h);

/*
 * store_history() on h's connection: the same page, *more and *next for the same calls, the
 * same errors (DT_EINVAL, DT_EDB with err); out is the caller's (store_call_list_done), empty
 * on error.
 */
int store_history_ro_page(struct store_history_ro *h, const struct store_history_filter *f,
                          const struct store_cursor *after, int limit, struct store_call_list *out,
                          int *more, struct store_cursor *next, char *err, size_t errlen);

#endif

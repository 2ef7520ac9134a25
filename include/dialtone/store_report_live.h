/*
 * store_report_live: the report queries of dialtone/store_report.h over the daemon's own
 * database, while the daemon runs: a second connection, read-only, to the file its store has
 * open, so that a report never holds the store's statements or its transaction.
 */
#ifndef DIALTONE_STORE_REPORT_LIVE_H
#define DIALTONE_STORE_REPORT_LIVE_H

#include <stddef.h>

struct store;
struct store_report;

/*
 * Opens a read-only report connection (store_report_open) to the database file st has open.
 * *out is the caller's, for store_report_close. Errors: DT_EINVAL (st's database is in memory
 * or temporary: it has no file), DT_EDB (cannot open it), with the reason in err; *out NULL.
 */
int store_report_open_store(struct store *st, struct store_report **out, char *err, size_t errlen);

#endif

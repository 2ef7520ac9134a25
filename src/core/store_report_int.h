/*
 * store_report_int: what the store_report modules share inside the core: the open database.
 */
#ifndef DIALTONE_STORE_REPORT_INT_H
#define DIALTONE_STORE_REPORT_INT_H

#include <sqlite3.h>

#include "dialtone/store_report.h"

/* r's read-only database handle, borrowed. */
sqlite3 *store_report_sqlite(struct store_report *r);

#endif

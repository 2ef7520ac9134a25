/*
 * store_report_live: a report connection to the file the daemon's store has open. See
 * dialtone/store_report_live.h.
 */
#include <sqlite3.h>

#include "dialtone/store.h"
#include "dialtone/store_report.h"
#include "dialtone/store_report_live.h"
#include "dialtone/util.h"

int store_report_open_store(struct store *st, struct store_report **out, char *err, size_t errlen)
{
    *out = NULL;
    const char *path = sqlite3_db_filename(store_db(st), "main");
    if (!path || !path[0])
        return dt_seterr(err, errlen, DT_EINVAL, "the database is in memory: no reports");
    return store_report_open(path, out, err, errlen);
}

/*
 * store_rows: stepping statements and collecting their rows, as the store's files do it. See
 * store_int.h.
 */
#include "dialtone/util.h"
#include "store_int.h"

int store_step_row(struct store *st, sqlite3_stmt *s, const char *missing, const char *what,
                   char *err, size_t errlen)
{
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        return DT_OK;
    if (step != SQLITE_DONE)
        return store_dberr(st, what, err, errlen);
    if (!missing)
        return DT_ENOTFOUND;
    return dt_seterr(err, errlen, DT_ENOTFOUND, "%s", missing);
}

void *store_list_room(void *items, size_t count, size_t *cap, size_t size, size_t first)
{
    if (count < *cap)
        return items;
    *cap = *cap ? *cap * 2 : first;
    return xrealloc(items, *cap * size);
}

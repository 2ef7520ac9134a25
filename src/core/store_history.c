/*
 * store_history: call history, newest first by (created_ms, sid), with keyset pagination.
 *
 * Each combination of filters has its own statement, composed once from the fixed fragments
 * below (never from values, which are bound) and cached by its bit mask. The upper bound of a
 * page is one row-value comparison, (created_ms, sid) < (:ub_ms, :ub_sid), taken from the
 * cursor or from until_ms, whichever is tighter, so that SQLite seeks straight to it in an
 * index whose tail is (created_ms, sid): every equality filter has one (see the migrations).
 * The number filter matches From or To: it is a UNION ALL of two such seeks (the second
 * leaving out what the first finds), which SQLite merges in order, so it needs no sort either.
 * Every statement also leaves out legs (a parent_sid set) unless :legs is 1: no index holds
 * parent_sid, so that test is made on the rows the seek reads and never changes the plan.
 *
 * The same pages are read on a read-only report connection (dialtone/store_history_ro.h): the
 * code below runs on a struct conn, a connection with its own statement cache, which is the
 * store's handle for store_history and the report connection's for store_history_ro_page.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/store_history_ro.h"
#include "dialtone/util.h"
#include "store_int.h"
#include "store_report_int.h"

enum {
    H_STATUS = 1 << 0,
    H_DIRECTION = 1 << 1,
    H_NUMBER = 1 << 2,
    H_AGENT = 1 << 3,
    H_QUEUE = 1 << 4,
    H_SINCE = 1 << 5,
    H_UPPER = 1 << 6,
    H_TEXT = 1 << 7,
};

static const struct {
    unsigned bit;
    const char *sql;
} conditions[] = {
    {.bit = H_STATUS, .sql = " AND status = :status"},
    {.bit = H_DIRECTION, .sql = " AND direction = :direction"},
    {.bit = H_AGENT, .sql = " AND agent = :agent"},
    {.bit = H_QUEUE, .sql = " AND queue = :queue"},
    {.bit = H_SINCE, .sql = " AND created_ms >= :since"},
    {.bit = H_UPPER, .sql = " AND (created_ms, sid) < (:ub_ms, :ub_sid)"},
    {.bit = H_TEXT,
     .sql = " AND (sid LIKE :text ESCAPE '\\' OR from_number LIKE :text ESCAPE '\\'"
            " OR to_number LIKE :text ESCAPE '\\' OR caller_name LIKE :text ESCAPE '\\'"
            " OR agent LIKE :text ESCAPE '\\' OR queue LIKE :text ESCAPE '\\')"},
};

_Static_assert(H_TEXT * 2 == STORE_HISTORY_VARIANTS, "one cached statement per filter mask");

static void append_select(struct dt_buf *b, const char *head, unsigned mask)
{
    dt_buf_puts(b, "SELECT " STORE_CALL_COLUMNS " FROM calls WHERE ");
    dt_buf_puts(b, head);
    dt_buf_puts(b, " AND (:legs OR parent_sid IS NULL)");
    for (size_t i = 0; i < sizeof conditions / sizeof conditions[0]; i++) {
        if (mask & conditions[i].bit)
            dt_buf_puts(b, conditions[i].sql);
    }
}

/* The statement's text for a filter mask; the caller frees it. */
static char *history_sql(unsigned mask)
{
    struct dt_buf b;
    dt_buf_init(&b);
    if (mask & H_NUMBER) {
        /* UNION ALL with disjoint halves: a plain UNION would sort to find duplicates. */
        append_select(&b, "from_number = :number", mask);
        dt_buf_puts(&b, " UNION ALL ");
        append_select(&b, "to_number = :number AND from_number IS NOT :number", mask);
    } else {
        append_select(&b, "1", mask);
    }
    dt_buf_puts(&b, " ORDER BY created_ms DESC, sid DESC LIMIT :limit");
    return dt_buf_take(&b);
}

/* A filter checked and turned into a mask, with the bound values it needs. */
struct query {
    unsigned mask;
    int64_t ub_ms;
    const char *ub_sid;
    char *pattern; /* the LIKE pattern for the text filter, owned */
};

static char *like_pattern(const char *text)
{
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_putc(&b, '%');
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            dt_buf_putc(&b, '\\');
        dt_buf_putc(&b, *p);
    }
    dt_buf_putc(&b, '%');
    return dt_buf_take(&b);
}

static int check_filter(const struct store_history_filter *f, char *err, size_t errlen)
{
    const char *fields[] = {f->direction, f->number, f->agent, f->queue, f->text};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        int rc = store_check_text(fields[i], STORE_TEXT_MAX, 0, "history filter", err, errlen);
        if (rc != DT_OK)
            return rc;
    }
    enum callstate_status status;
    if (f->status && callstate_parse(f->status, &status) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL, "unknown call status in history filter");
    return DT_OK;
}

static int plan_query(const struct store_history_filter *f, const struct store_cursor *after,
                      struct query *q, char *err, size_t errlen)
{
    static const struct store_history_filter none;
    *q = (struct query){0};
    if (!f)
        f = &none;
    int rc = check_filter(f, err, errlen);
    if (rc != DT_OK)
        return rc;
    if (after && !memchr(after->sid, '\0', sizeof after->sid))
        return dt_seterr(err, errlen, DT_EINVAL, "bad history cursor");
    q->mask = (f->status ? H_STATUS : 0) | (f->direction ? H_DIRECTION : 0) |
              (f->number ? H_NUMBER : 0) | (f->agent ? H_AGENT : 0) | (f->queue ? H_QUEUE : 0) |
              (f->since_ms > 0 ? H_SINCE : 0) | (f->text && *f->text ? H_TEXT : 0);
    /* The tighter of the cursor and until_ms: sids are never empty, so (until, "") excludes
     * every call created at until_ms or later. */
    if (after && (f->until_ms <= 0 || after->created_ms < f->until_ms)) {
        q->mask |= H_UPPER;
        q->ub_ms = after->created_ms;
        q->ub_sid = after->sid;
    } else if (f->until_ms > 0) {
        q->mask |= H_UPPER;
        q->ub_ms = f->until_ms;
        q->ub_sid = "";
    }
    if (q->mask & H_TEXT)
        q->pattern = like_pattern(f->text);
    return DT_OK;
}

/* A connection and its cache of history statements, one per filter mask: the store's own, or
 * a read-only report connection's (struct store_history_ro). */
struct conn {
    sqlite3 *db;
    sqlite3_stmt **cache; /* STORE_HISTORY_VARIANTS of them, NULL until first used */
};

static int conn_err(const struct conn *c, const char *what, char *err, size_t errlen)
{
    return dt_seterr(err, errlen, DT_EDB, "%s: %s", what, sqlite3_errmsg(c->db));
}

static sqlite3_stmt *history_stmt(const struct conn *c, unsigned mask, char *err, size_t errlen)
{
    sqlite3_stmt *s = c->cache[mask];
    if (!s) {
        char *sql = history_sql(mask);
        int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL);
        free(sql);
        if (rc != SQLITE_OK) {
            conn_err(c, "preparing the history query", err, errlen);
            return NULL;
        }
        c->cache[mask] = s;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

static void bind_query(sqlite3_stmt *s, const struct store_history_filter *f, const struct query *q,
                       int limit)
{
    if (q->mask & H_STATUS)
        store_bind_named_text(s, ":status", f->status);
    if (q->mask & H_DIRECTION)
        store_bind_named_text(s, ":direction", f->direction);
    if (q->mask & H_NUMBER)
        store_bind_named_text(s, ":number", f->number);
    if (q->mask & H_AGENT)
        store_bind_named_text(s, ":agent", f->agent);
    if (q->mask & H_QUEUE)
        store_bind_named_text(s, ":queue", f->queue);
    if (q->mask & H_SINCE)
        store_bind_named_int(s, ":since", f->since_ms);
    if (q->mask & H_UPPER) {
        store_bind_named_int(s, ":ub_ms", q->ub_ms);
        store_bind_named_text(s, ":ub_sid", q->ub_sid);
    }
    if (q->mask & H_TEXT)
        store_bind_named_text(s, ":text", q->pattern);
    store_bind_named_int(s, ":legs", f && f->no_legs ? 0 : 1);
    store_bind_named_int(s, ":limit", limit);
}

void store_call_list_done(struct store_call_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        store_call_done(&l->items[i]);
    free(l->items);
    *l = (struct store_call_list){0};
}

static int read_page(const struct conn *c, sqlite3_stmt *s, int limit, struct store_call_list *out,
                     int *more, char *err, size_t errlen)
{
    int step;
    out->items = xcalloc((size_t)limit, sizeof *out->items);
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (out->count == (size_t)limit) {
            *more = 1;
            break;
        }
        store_read_call(s, &out->items[out->count++]);
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return conn_err(c, "reading history", err, errlen);
    return DT_OK;
}

/* The page size and plan_query: what store_history refuses, it refuses here. */
static int plan_page(const struct store_history_filter *f, const struct store_cursor *after,
                     int limit, struct query *q, char *err, size_t errlen)
{
    *q = (struct query){0};
    if (limit < 1 || limit > STORE_HISTORY_MAX_LIMIT)
        return dt_seterr(err, errlen, DT_EINVAL, "history page size must be 1 to %d",
                         STORE_HISTORY_MAX_LIMIT);
    return plan_query(f, after, q, err, errlen);
}

int store_history_check(const struct store_history_filter *f, const struct store_cursor *after,
                        int limit, char *err, size_t errlen)
{
    struct query q;
    int rc = plan_page(f, after, limit, &q, err, errlen);
    free(q.pattern);
    return rc;
}

int store_history_seeks(const struct store_history_filter *f)
{
    if (!f)
        return 1;
    const char *const equal[] = {f->status, f->direction, f->number, f->agent, f->queue};
    int n = 0;
    for (size_t i = 0; i < sizeof equal / sizeof equal[0]; i++)
        n += equal[i] != NULL;
    return n <= 1 && !(f->text && *f->text);
}

/* store_history on connection c. */
static int history_page(const struct conn *c, const struct store_history_filter *f,
                        const struct store_cursor *after, int limit, struct store_call_list *out,
                        int *more, struct store_cursor *next, char *err, size_t errlen)
{
    struct query q;
    int more_rows = 0;
    *out = (struct store_call_list){0};
    if (more)
        *more = 0;
    int rc = plan_page(f, after, limit, &q, err, errlen);
    if (rc != DT_OK)
        return rc;
    sqlite3_stmt *s = history_stmt(c, q.mask, err, errlen);
    if (!s) {
        rc = DT_EDB;
    } else {
        bind_query(s, f, &q, limit + 1); /* one more row tells whether another page follows */
        rc = read_page(c, s, limit, out, &more_rows, err, errlen);
        sqlite3_reset(s);
    }
    free(q.pattern);
    if (rc != DT_OK) {
        store_call_list_done(out);
        return rc;
    }
    if (more)
        *more = more_rows;
    if (next && more_rows) {
        const struct store_call *last = &out->items[out->count - 1];
        next->created_ms = last->created_ms;
        dt_strlcpy(next->sid, last->sid, sizeof next->sid);
    }
    return DT_OK;
}

int store_history(struct store *st, const struct store_history_filter *f,
                  const struct store_cursor *after, int limit, struct store_call_list *out,
                  int *more, struct store_cursor *next, char *err, size_t errlen)
{
    const struct conn c = {.db = st->db, .cache = st->history};
    return history_page(&c, f, after, limit, out, more, next, err, errlen);
}

/* ---- on a read-only report connection ---------------------------------------------------- */

struct store_history_ro {
    struct conn c;
    sqlite3_stmt *cache[STORE_HISTORY_VARIANTS];
};

struct store_history_ro *store_history_ro_new(struct store_report *r)
{
    struct store_history_ro *h = xcalloc(1, sizeof *h);
    h->c.db = store_report_sqlite(r);
    h->c.cache = h->cache;
    return h;
}

void store_history_ro_free(struct store_history_ro *h)
{
    if (!h)
        return;
    for (int i = 0; i < STORE_HISTORY_VARIANTS; i++)
        sqlite3_finalize(h->cache[i]);
    free(h);
}

int store_history_ro_page(struct store_history_ro *h, const struct store_history_filter *f,
                          const struct store_cursor *after, int limit, struct store_call_list *out,
                          int *more, struct store_cursor *next, char *err, size_t errlen)
{
    return history_page(&h->c, f, after, limit, out, more, next, err, errlen);
}

int store_history_explain(struct store *st, const struct store_history_filter *f,
                          const struct store_cursor *after, char **plan, char *err, size_t errlen)
{
    struct query q;
    *plan = NULL;
    int rc = plan_query(f, after, &q, err, errlen);
    if (rc != DT_OK)
        return rc;
    free(q.pattern);
    char *body = history_sql(q.mask);
    char *sql = xasprintf("EXPLAIN QUERY PLAN %s", body);
    free(body);
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
        free(sql);
        return store_dberr(st, "explaining the history query", err, errlen);
    }
    free(sql);
    struct dt_buf b;
    dt_buf_init(&b);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *detail = sqlite3_column_text(s, 3);
        dt_buf_printf(&b, "%s\n", detail ? (const char *)detail : "");
    }
    rc = step == SQLITE_DONE ? DT_OK : store_dberr(st, "explaining the history query", err, errlen);
    sqlite3_finalize(s);
    if (rc == DT_OK)
        *plan = dt_buf_take(&b);
    dt_buf_done(&b);
    return rc;
}

void store_history_finalize(struct store *st)
{
    for (int i = 0; i < STORE_HISTORY_VARIANTS; i++)
        sqlite3_finalize(st->history[i]);
}

/*
 * Tests for the report queries on a temporary database holding a day of calls written by hand
 * (and a call on each side of the day): failure reasons with their codes and categories (a
 * SIP-only busy read as 31486), the answer rate by local hour in New York and in UTC, the top
 * error codes with their hourly trend, the calls for export, CSV fields, local dates, bad
 * arguments, and the database left untouched (opened read-only).
 */
#include "store_fixture.h"

#include "dialtone/config.h"
#include "dialtone/store_report.h"

#define S    1000LL
#define MIN  (60 * S)
#define HOUR (3600 * S)
#define DAY  (20000 * 86400 * S) /* 2024-10-04 00:00 UTC, 2024-10-03 20:00 in New York */

static char err[256];

struct fx_call {
    const char *sid, *status, *queue, *qresult;
    int64_t created_ms, error_code, sip_code; /* codes: 0 for NULL */
};

/* clang-format off */
static const struct fx_call fx_calls[] = {
    {.sid = "CA01", .status = "completed", .created_ms = DAY + 13 * HOUR},
    {.sid = "CA02", .status = "busy", .created_ms = DAY + 13 * HOUR + 30 * MIN, .sip_code = 486},
    {.sid = "CA03", .status = "failed", .created_ms = DAY + 14 * HOUR, .error_code = 13224},
    {.sid = "CA04", .status = "failed", .created_ms = DAY + 14 * HOUR + 10 * MIN,
     .error_code = 13224},
    {.sid = "CA05", .status = "no-answer", .created_ms = DAY + 15 * HOUR},
    {.sid = "CA06", .status = "completed", .queue = "sales", .qresult = "hangup",
     .created_ms = DAY + 15 * HOUR + MIN},
    {.sid = "CA07", .status = "completed", .queue = "sales", .qresult = "bridged",
     .created_ms = DAY + 15 * HOUR + 2 * MIN},
    {.sid = "CA08", .status = "in-progress", .created_ms = DAY + 13 * HOUR + MIN},
    {.sid = "CA09", .status = "failed", .created_ms = DAY - HOUR, .error_code = 13224},
    {.sid = "CA10", .status = "failed", .created_ms = DAY + 24 * HOUR, .error_code = 13224},
    {.sid = "CA11", .status = "failed", .created_ms = DAY + 15 * HOUR + 3 * MIN},
    {.sid = "CA12", .status = "completed", .created_ms = DAY + 13 * HOUR + 5 * MIN,
     .error_code = 13227},
};
/* clang-format on */

#define N_FX (sizeof fx_calls / sizeof fx_calls[0])

/* A database holding fx_calls; its path is the caller's. */
static char *fx_db(void)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    sqlite3_stmt *s;
    CHECK_INT(sqlite3_prepare_v2(store_db(st),
                                 "INSERT INTO calls (sid, status, queue, queue_result, created_ms, "
                                 "error_code, sip_code, caller_name, from_number, updated_ms) "
                                 "VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, 0)",
                                 -1, &s, NULL),
              SQLITE_OK);
    for (size_t i = 0; i < N_FX; i++) {
        const struct fx_call *c = &fx_calls[i];
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, c->sid, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, c->status, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 3, c->queue, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 4, c->qresult, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 5, c->created_ms);
        sqlite3_bind_int64(s, 6, c->error_code);
        sqlite3_bind_int64(s, 7, c->sip_code);
        sqlite3_bind_text(s, 8, i == 0 ? "=HYPERLINK(\"x\"), \"Bob\"" : NULL, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 9, "+15551230000", -1, SQLITE_STATIC);
        CHECK_INT(sqlite3_step(s), SQLITE_DONE);
    }
    sqlite3_finalize(s);
    store_close(st);
    return path;
}

static struct store_report *fx_open(const char *path)
{
    struct store_report *r = NULL;
    int rc = store_report_open(path, &r, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_report_open: %s\n", err);
    CHECK_INT(rc, DT_OK);
    return r;
}

TEST(test_failures)
{
    char *path = fx_db();
    struct store_report *r = fx_open(path);
    struct store_report_failure *f = NULL;
    size_t n = 0;
    CHECK_INT(store_report_failures(r, DAY, DAY + 24 * HOUR, &f, &n, err, sizeof err), DT_OK);
    CHECK_INT(n, 4);
    if (n == 4) {
        CHECK_STR(f[0].status, "failed");
        CHECK_INT(f[0].code, 13224);
        CHECK_INT(f[0].count, 2);
        CHECK_INT(f[0].category, DT_ERRCAT_BAD_NUMBER);
        CHECK_STR(f[1].status, "busy");
        CHECK_INT(f[1].code, 31486);
        CHECK_INT(f[1].sip_code, 0);
        CHECK_INT(f[1].category, DT_ERRCAT_BUSY);
        CHECK_STR(f[2].status, "failed");
        CHECK_INT(f[2].code, 0);
        CHECK_INT(f[2].category, DT_ERRCAT_OTHER);
        CHECK_STR(f[3].status, "no-answer");
        CHECK_INT(f[3].code, 0);
        CHECK_INT(f[3].count, 1);
        CHECK_INT(f[3].category, DT_ERRCAT_NO_ANSWER);
    }
    free(f);
    /* One hour holding only CA03 and CA04; an empty range; a range the wrong way round. */
    CHECK_INT(store_report_failures(r, DAY + 14 * HOUR, DAY + 15 * HOUR, &f, &n, err, sizeof err),
              DT_OK);
    CHECK_INT(n, 1);
    free(f);
    CHECK_INT(store_report_failures(r, DAY, DAY, &f, &n, err, sizeof err), DT_OK);
    CHECK_INT(n, 0);
    CHECK(f == NULL);
    CHECK_INT(store_report_failures(r, DAY, DAY - 1, &f, &n, err, sizeof err), DT_EINVAL);
    store_report_close(r);
    free(path);
}

/* Adds legs of CA03 (a failed customer's call): an agent's leg that failed too, with the same
 * code and another; they are legs, not calls: the calls' figures leave them out (else the
 * one customer's call would count twice), and the legs' own figures hold them alone. */
static void add_failed_legs(const char *path)
{
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *q = sqlite3_mprintf(
        "INSERT INTO calls (sid, parent_sid, status, error_code, created_ms, updated_ms) VALUES "
        "('CL01', 'CA03', 'failed', 13224, %lld, 0), ('CL02', 'CA03', 'failed', 31005, %lld, 0),"
        "('CL03', 'CA01', 'no-answer', NULL, %lld, 0)",
        (long long)(DAY + 14 * HOUR + MIN), (long long)(DAY + 14 * HOUR + 2 * MIN),
        (long long)(DAY + 13 * HOUR + MIN));
    CHECK_INT(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(q);
    sqlite3_close(db);
}

TEST(test_legs_apart)
{
    char *path = fx_db();
    add_failed_legs(path);
    struct store_report *r = fx_open(path);
    struct store_report_failure *f = NULL;
    size_t n = 0;
    /* the calls: exactly as without the legs */
    CHECK_INT(store_report_failures(r, DAY, DAY + 24 * HOUR, &f, &n, err, sizeof err), DT_OK);
    CHECK_INT(n, 4);
    int64_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += f[i].count;
    CHECK_INT(total, 5);
    if (n == 4) {
        CHECK_INT(f[0].code, 13224);
        CHECK_INT(f[0].count, 2);
    }
    free(f);
    /* the legs alone */
    CHECK_INT(store_report_failures_of(r, STORE_REPORT_LEGS, DAY, DAY + 24 * HOUR, &f, &n, err,
                                       sizeof err),
              DT_OK);
    CHECK_INT(n, 3);
    total = 0;
    for (size_t i = 0; i < n; i++)
        total += f[i].count;
    CHECK_INT(total, 3);
    free(f);
    CHECK_INT(store_report_failures_of(r, (enum store_report_scope)7, DAY, DAY + HOUR, &f, &n, err,
                                       sizeof err),
              DT_EINVAL);
    struct store_report_errors e;
    CHECK_INT(store_report_errors(r, DAY, DAY + 24 * HOUR, 10, &e, err, sizeof err), DT_OK);
    for (size_t i = 0; i < e.n; i++) {
        CHECK(e.rows[i].code != 31005); /* a leg's code only */
        if (e.rows[i].code == 13224)
            CHECK_INT(e.rows[i].count, 2);
    }
    store_report_errors_done(&e);
    CHECK_INT(
        store_report_errors_of(r, STORE_REPORT_LEGS, DAY, DAY + 24 * HOUR, 10, &e, err, sizeof err),
        DT_OK);
    CHECK_INT(e.n, 2);
    if (e.n == 2) {
        CHECK_INT(e.rows[0].code, 13224);
        CHECK_INT(e.rows[0].count, 1);
        CHECK_INT(e.rows[0].trend[14], 1);
        CHECK_INT(e.rows[1].code, 31005);
    }
    store_report_errors_done(&e);
    store_report_close(r);
    free(path);
}

TEST(test_answer_rate)
{
    char *path = fx_db();
    /* an agent's leg of CA01, answered: a leg, not a call of its own, so it counts nowhere */
    sqlite3 *db = NULL;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *q = sqlite3_mprintf("INSERT INTO calls (sid, parent_sid, status, created_ms, "
                              "updated_ms) VALUES ('CA13', 'CA01', 'completed', %lld, 0)",
                              (long long)(DAY + 13 * HOUR + 2 * MIN));
    CHECK_INT(sqlite3_exec(db, q, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_free(q);
    sqlite3_close(db);
    struct store_report *r = fx_open(path);
    struct config_zone *ny = NULL;
    CHECK_INT(config_zone_load("America/New_York", &ny, err, sizeof err), DT_OK);
    struct store_report_hour h[24];
    CHECK_INT(store_report_answer_rate(r, ny, DAY, DAY + 24 * HOUR, h, err, sizeof err), DT_OK);
    /* EDT is UTC-4: 13:xx UTC is 9 o'clock (CA01, CA02, CA12; CA08 has not ended). */
    CHECK_INT(h[9].calls, 3);
    CHECK_INT(h[9].answered, 2);
    CHECK_INT(h[10].calls, 2);
    CHECK_INT(h[10].answered, 0);
    CHECK_INT(h[11].calls, 4); /* CA05, CA06 abandoned, CA07 bridged, CA11 */
    CHECK_INT(h[11].answered, 1);
    int64_t total = 0;
    for (int i = 0; i < 24; i++)
        total += h[i].calls;
    CHECK_INT(total, 9);
    CHECK_INT(store_report_answer_rate(r, NULL, DAY, DAY + 24 * HOUR, h, err, sizeof err), DT_OK);
    CHECK_INT(h[13].calls, 3);
    CHECK_INT(h[13].answered, 2);
    CHECK_INT(h[9].calls, 0);
    CHECK_INT(store_report_answer_rate(r, NULL, DAY, DAY - 1, h, err, sizeof err), DT_EINVAL);
    config_zone_free(ny);
    store_report_close(r);
    free(path);
}

TEST(test_errors)
{
    char *path = fx_db();
    struct store_report *r = fx_open(path);
    struct store_report_errors e;
    CHECK_INT(store_report_errors(r, DAY, DAY + 24 * HOUR, 10, &e, err, sizeof err), DT_OK);
    CHECK_INT(e.n_buckets, 24);
    CHECK_INT(e.n, 3);
    if (e.n == 3) {
        CHECK_INT(e.rows[0].code, 13224);
        CHECK_INT(e.rows[0].count, 2);
        CHECK_INT(e.rows[0].trend[14], 2);
        CHECK_INT(e.rows[0].trend[13], 0);
        CHECK_INT(e.rows[1].code, 13227);
        CHECK_INT(e.rows[1].category, DT_ERRCAT_BLOCKED);
        CHECK_INT(e.rows[1].trend[13], 1);
        CHECK_INT(e.rows[2].code, 31486);
        CHECK_INT(e.rows[2].trend[13], 1);
    }
    store_report_errors_done(&e);
    CHECK_INT(store_report_errors(r, DAY, DAY + 24 * HOUR, 1, &e, err, sizeof err), DT_OK);
    CHECK_INT(e.n, 1);
    store_report_errors_done(&e);
    /* Seven days: 168 buckets; a partial hour rounds up. */
    CHECK_INT(store_report_errors(r, DAY - 6 * 24 * HOUR, DAY + 24 * HOUR, 5, &e, err, sizeof err),
              DT_OK);
    CHECK_INT(e.n_buckets, 168);
    CHECK_INT(e.n, 3);
    if (e.n)
        CHECK_INT(e.rows[0].count, 3); /* CA09, the day before, counts now */
    store_report_errors_done(&e);
    CHECK_INT(store_report_errors(r, DAY, DAY + 1, 5, &e, err, sizeof err), DT_OK);
    CHECK_INT(e.n_buckets, 1);
    store_report_errors_done(&e);
    CHECK_INT(store_report_errors(r, DAY, DAY + HOUR, 0, &e, err, sizeof err), DT_EINVAL);
    CHECK_INT(
        store_report_errors(r, DAY, DAY + HOUR, STORE_REPORT_TOP_MAX + 1, &e, err, sizeof err),
        DT_EINVAL);
    CHECK_INT(store_report_errors(r, DAY, DAY + 63 * 24 * HOUR, 5, &e, err, sizeof err),
              DT_ETOOBIG);
    CHECK_INT(e.n, 0);
    store_report_close(r);
    free(path);
}

struct walk {
    struct dt_buf sids;
    int n, stop_at;
};

static int walk_fn(const struct store_report_call *c, void *ctx)
{
    struct walk *w = ctx;
    dt_buf_puts(&w->sids, c->sid);
    dt_buf_putc(&w->sids, ' ');
    if (strcmp(c->sid, "CA01") == 0) {
        CHECK_STR(c->status, "completed");
        CHECK_STR(c->from, "+15551230000");
        CHECK(c->caller_name != NULL);
        CHECK(c->queue == NULL);
        CHECK_INT(c->error_code, STORE_REPORT_NONE);
        CHECK_INT(c->created_ms, DAY + 13 * HOUR);
    }
    if (strcmp(c->sid, "CA02") == 0)
        CHECK_INT(c->sip_code, 486);
    return ++w->n == w->stop_at ? 7 : 0;
}

TEST(test_calls)
{
    char *path = fx_db();
    struct store_report *r = fx_open(path);
    struct walk w = {.stop_at = -1};
    dt_buf_init(&w.sids);
    CHECK_INT(store_report_calls(r, DAY + 13 * HOUR, DAY + 14 * HOUR, walk_fn, &w, err, sizeof err),
              DT_OK);
    dt_buf_putc(&w.sids, '\0');
    CHECK_STR(w.sids.data, "CA01 CA08 CA12 CA02 ");
    dt_buf_reset(&w.sids);
    w.n = 0;
    w.stop_at = 2;
    CHECK_INT(store_report_calls(r, DAY, DAY + 24 * HOUR, walk_fn, &w, err, sizeof err), 7);
    CHECK_INT(w.n, 2);
    CHECK_INT(store_report_calls(r, DAY, DAY - 1, walk_fn, &w, err, sizeof err), DT_EINVAL);
    dt_buf_done(&w.sids);
    store_report_close(r);
    /* Opened read-only: nothing was written, the file still opens for the store. */
    struct store *st = NULL;
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    CHECK_QUERY(store_db(st), "SELECT COUNT(*) FROM calls", "12");
    store_close(st);
    free(path);
}

TEST(test_open_bad)
{
    struct store_report *r = (struct store_report *)1;
    char *path = fixture_path();
    CHECK_INT(store_report_open(path, &r, err, sizeof err), DT_EDB); /* no such file */
    CHECK(r == NULL);
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    CHECK_INT(sqlite3_exec(db, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    CHECK_INT(store_report_open(path, &r, err, sizeof err), DT_EDB); /* no calls table */
    CHECK(strstr(err, "not a dialtone database") != NULL);
    free(path);
    store_report_close(NULL);
}

static void csv_is(const char *in, const char *want)
{
    struct dt_buf b;
    dt_buf_init(&b);
    store_report_csv_field(&b, in);
    dt_buf_putc(&b, '\0');
    CHECK_STR(b.data, want);
    dt_buf_done(&b);
}

TEST(test_csv_field)
{
    csv_is(NULL, "");
    csv_is("", "");
    csv_is("plain", "plain");
    csv_is("a,b", "\"a,b\"");
    csv_is("say \"hi\"", "\"say \"\"hi\"\"\"");
    csv_is("two\nlines", "\"two\nlines\"");
    csv_is("tab\there\x01", "tab here ");
    csv_is("=1+2", "'=1+2");
    csv_is("@SUM(A1)", "'@SUM(A1)");
    csv_is("-2+3", "'-2+3");
    csv_is("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0");
    csv_is("=HYPERLINK(\"x\"), \"Bob\"", "\"'=HYPERLINK(\"\"x\"\"), \"\"Bob\"\"\"");
    csv_is("\tx", "' x");
    csv_is("+15551230000", "+15551230000");
    csv_is("-0.01300", "-0.01300");
    csv_is("-", "'-");
}

TEST(test_day_start)
{
    int64_t ms = 0;
    CHECK_INT(store_report_day_start(NULL, "2024-10-04", &ms), DT_OK);
    CHECK_INT(ms, DAY);
    CHECK_INT(store_report_day_start(NULL, "1970-01-01", &ms), DT_OK);
    CHECK_INT(ms, 0);
    CHECK_INT(store_report_day_start(NULL, "2024-02-29", &ms), DT_OK);
    struct config_zone *ny = NULL;
    CHECK_INT(config_zone_load("America/New_York", &ny, err, sizeof err), DT_OK);
    CHECK_INT(store_report_day_start(ny, "2024-10-04", &ms), DT_OK);
    CHECK_INT(ms, DAY + 4 * HOUR); /* EDT */
    CHECK_INT(store_report_day_start(ny, "2024-12-01", &ms), DT_OK);
    CHECK_INT(ms, (20058 * 86400 * S) + 5 * HOUR); /* EST */
    int64_t a, b;
    CHECK_INT(store_report_day_start(ny, "2024-03-10", &a), DT_OK); /* 23 hours long */
    CHECK_INT(store_report_day_start(ny, "2024-03-11", &b), DT_OK);
    CHECK_INT(b - a, 23 * HOUR);
    config_zone_free(ny);
    static const char *const bad[] = {"2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31",
                                      "1969-12-31", "2024-1-01",  "2024/01/01", "2024-01-0x",
                                      "",           "today",      "2024-01-011"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_INT(store_report_day_start(NULL, bad[i], &ms), DT_EINVAL);
    CHECK_INT(store_report_day_start(NULL, NULL, &ms), DT_EINVAL);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(test_failures);
    RUN(test_legs_apart);
    RUN(test_answer_rate);
    RUN(test_errors);
    RUN(test_calls);
    RUN(test_open_bad);
    RUN(test_csv_field);
    RUN(test_day_start);
    fixture_done();
    return check_done();
}

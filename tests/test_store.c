/*
 * Tests for store: migrations and pragmas, the merge rule end to end, idempotent callbacks,
 * byte-exact payloads, hostile strings, and durability across kill -9. History is tested in
 * test_store_history.c, agents, queues and the webhook log in test_store_people.c.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dialtone/migrations.h"
#include "store_fixture.h"

TEST(migrations_apply_once)
{
    for (int i = 1; i < migrations_count; i++)
        CHECK(migrations_table[i].version > migrations_table[i - 1].version);
    CHECK(migrations_count >= 1);
    CHECK_STR(migrations_table[0].name, "init");
    int latest = migrations_table[migrations_count - 1].version;
    char count[16];
    snprintf(count, sizeof count, "%d", migrations_count);

    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    CHECK_INT(store_schema_version(st), latest);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM schema_version", count);
    store_close(st);

    char err[256];
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    CHECK_INT(store_schema_version(st), latest);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM schema_version", count);
    CHECK_QUERY(store_db(st), "SELECT name FROM schema_version WHERE version = 1", "init");
    store_close(st);
    store_close(NULL);

    struct stat sb;
    CHECK_INT(stat(path, &sb), 0);
    CHECK_INT(sb.st_mode & 0777, 0600);
    free(path);
}

TEST(pragmas_wal_normal_fk)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    sqlite3 *db = store_db(st);
    CHECK_QUERY(db, "PRAGMA journal_mode", "wal");
    CHECK_QUERY(db, "PRAGMA synchronous", "1"); /* NORMAL */
    CHECK_QUERY(db, "PRAGMA foreign_keys", "1");
    /* WAL is a property of the file: another connection sees it too. */
    sqlite3 *other;
    CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
    CHECK_QUERY(other, "PRAGMA journal_mode", "wal");
    sqlite3_close(other);
    store_close(st);
    free(path);

    char err[128];
    CHECK_INT(store_open(":memory:", &st, err, sizeof err), DT_OK);
    if (st)
        CHECK_INT(store_schema_version(st), migrations_table[migrations_count - 1].version);
    store_close(st);
}

/* A writer holding the database for a while: the store's write waits for it, then goes in. */
struct holder {
    const char *path;
    int ready;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *hold_lock(void *arg)
{
    struct holder *h = arg;
    sqlite3 *db = NULL;
    int ok = sqlite3_open(h->path, &db) == SQLITE_OK &&
             sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
    pthread_mutex_lock(&h->mu);
    h->ready = ok ? 1 : -1;
    pthread_cond_signal(&h->cv);
    pthread_mutex_unlock(&h->mu);
    if (ok) {
        usleep(300 * 1000);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return NULL;
}

TEST(write_waits_for_other_writer)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    struct holder h = {.path = path};
    pthread_mutex_init(&h.mu, NULL);
    pthread_cond_init(&h.cv, NULL);
    pthread_t t;
    CHECK_INT(pthread_create(&t, NULL, hold_lock, &h), 0);
    pthread_mutex_lock(&h.mu);
    while (!h.ready)
        pthread_cond_wait(&h.cv, &h.mu);
    pthread_mutex_unlock(&h.mu);
    CHECK_INT(h.ready, 1);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    char err[256] = "";
    struct store_webhook w = {.received_ms = 1,
                              .path = "/twilio/status",
                              .signature_ok = 1,
                              .body = "a=b",
                              .body_len = 3};
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double waited_ms =
        (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    CHECK(waited_ms >= 200); /* it did wait for the other writer, and did not give up */
    pthread_join(t, NULL);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM webhook_log", "1");
    pthread_mutex_destroy(&h.mu);
    pthread_cond_destroy(&h.cv);
    store_close(st);
    free(path);
}

TEST(newer_schema_refused)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    store_close(st);
    sqlite3 *db;
    CHECK_INT(sqlite3_open(path, &db), SQLITE_OK);
    char *sql = xasprintf("INSERT INTO schema_version VALUES (%d, 'future', 0)",
                          migrations_table[migrations_count - 1].version + 1);
    CHECK_INT(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    free(sql);
    sqlite3_close(db);

    char err[256] = "";
    st = (struct store *)&db; /* must be reset to NULL */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_ESTATE);
    CHECK(st == NULL);
    CHECK(strstr(err, "newer") != NULL);
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_ESTATE);
    free(path);

    /* Not a database at all. */
    path = fixture_path();
    FILE *f = fopen(path, "w");
    fputs("this is not an SQLite database, not even close, padding padding padding.....\n", f);
    fclose(f);
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_EDB);
    CHECK(st == NULL);
    free(path);
    CHECK_INT(store_open("", &st, err, sizeof err), DT_EINVAL);
}

/* A status callback for sid with the given status and sequence at ts. */
static struct store_call_update status_cb(const char *sid, const char *status, int64_t seq,
                                          int64_t ts)
{
    static char payload[256];
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "status";
    u.status = status;
    u.seq = seq;
    u.ts_ms = ts;
    snprintf(payload, sizeof payload, "CallSid=%s&CallStatus=%s&SequenceNumber=%lld", sid,
             status ? status : "", (long long)seq);
    u.payload = payload;
    u.payload_len = strlen(payload);
    u.from = "+15550001111";
    u.to = "+15550002222";
    u.direction = "outbound-api";
    return u;
}

static int count_event(const struct store_call_event *ev, void *ctx)
{
    (void)ev;
    (*(int *)ctx)++;
    return 0;
}

static int events_of(struct store *st, const char *sid)
{
    int n = 0;
    CHECK_INT(store_call_events(st, sid, count_event, &n, NULL, 0), DT_OK);
    return n;
}

static void apply_ok(struct store *st, const struct store_call_update *u,
                     struct store_apply_result *res)
{
    char err[256] = "";
    int rc = store_call_apply(st, u, res, err, sizeof err);
    if (rc != DT_OK)
        printf("  store_call_apply: %s\n", err);
    CHECK_INT(rc, DT_OK);
}

TEST(call_apply_merge_rule)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    const char *sid = "CA0000000000000000000000000000aa01";
    struct store_apply_result res;
    struct store_call_update u = status_cb(sid, "initiated", 0, 1000);
    apply_ok(st, &u, &res);
    CHECK(res.has_status && res.merge == DT_MERGE_APPLY && !res.duplicate);
    u = status_cb(sid, "ringing", 1, 2000);
    apply_ok(st, &u, &res);
    u = status_cb(sid, "in-progress", 2, 3000);
    u.answered_by = "human";
    apply_ok(st, &u, &res);
    u = status_cb(sid, "completed", 3, 9000);
    apply_ok(st, &u, &res);
    CHECK_INT(res.merge, DT_MERGE_APPLY);

    /* A late ringing (a new event, higher sequence) keeps completed. */
    u = status_cb(sid, "ringing", 7, 9500);
    u.answered_by = "machine_start";
    u.queue_time_s = 12;
    apply_ok(st, &u, &res);
    CHECK(!res.duplicate && res.merge == DT_MERGE_STALE);
    /* Another final status does not replace the first. */
    u = status_cb(sid, "failed", 8, 9600);
    u.error_code = 31005;
    apply_ok(st, &u, &res);
    CHECK_INT(res.merge, DT_MERGE_FINAL_KEPT);

    struct store_call c;
    CHECK_INT(store_call_get(st, sid, &c, NULL, 0), DT_OK);
    CHECK(c.has_status && c.status == DT_CALL_COMPLETED);
    CHECK_INT(c.status_seq, 3);
    CHECK_STR(c.answered_by, "human"); /* a stale callback does not overwrite... */
    CHECK_INT(c.queue_time_s, 12);     /* ...but fills in what was unknown */
    CHECK_INT(c.error_code, 31005);
    CHECK_INT(c.created_ms, 1000);
    CHECK_INT(c.answered_ms, 3000);
    CHECK_INT(c.ended_ms, 9000);
    CHECK_INT(c.updated_ms, 9600);
    CHECK_STR(c.from, "+15550001111");
    CHECK_STR(c.direction, "outbound-api");
    CHECK(c.duration_s == STORE_ABSENT && c.recording_sid == NULL);
    store_call_done(&c);
    CHECK_INT(events_of(st, sid), 6);
    store_close(st);
}

TEST(call_apply_duplicate_is_noop)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    const char *sid = "CA0000000000000000000000000000aa02";
    struct store_apply_result res;
    struct store_call_update u = status_cb(sid, "ringing", 1, 1000);
    apply_ok(st, &u, &res);
    u = status_cb(sid, "completed", 3, 5000);
    u.duration_s = 4;
    apply_ok(st, &u, &res);
    struct store_call before, after;
    CHECK_INT(store_call_get(st, sid, &before, NULL, 0), DT_OK);
    /* The same callback again, even with a different (later) receive time: nothing changes. */
    u.ts_ms = 7000;
    u.duration_s = 99;
    apply_ok(st, &u, &res);
    CHECK_INT(res.duplicate, 1);
    u = status_cb(sid, "ringing", 1, 8000);
    apply_ok(st, &u, &res);
    CHECK_INT(res.duplicate, 1);
    CHECK_INT(store_call_get(st, sid, &after, NULL, 0), DT_OK);
    CHECK_INT(after.duration_s, 4);
    CHECK_INT(after.updated_ms, before.updated_ms);
    CHECK_INT(after.status, DT_CALL_COMPLETED);
    CHECK_INT(events_of(st, sid), 2);
    store_call_done(&before);
    store_call_done(&after);

    /* Without SequenceNumber the status tells redeliveries apart. */
    const char *sid2 = "CA0000000000000000000000000000aa03";
    u = status_cb(sid2, "ringing", -1, 1000);
    apply_ok(st, &u, &res);
    apply_ok(st, &u, &res);
    CHECK_INT(res.duplicate, 1);
    u = status_cb(sid2, "in-progress", -1, 2000);
    apply_ok(st, &u, &res);
    CHECK(!res.duplicate && res.merge == DT_MERGE_APPLY);
    CHECK_INT(events_of(st, sid2), 2);
    store_close(st);
}

TEST(late_fields_merge_after_completion)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    const char *sid = "CA0000000000000000000000000000aa04";
    struct store_apply_result res;
    struct store_call_update u = status_cb(sid, "completed", 4, 5000);
    apply_ok(st, &u, &res);
    /* The same status later with the duration and price. */
    u = status_cb(sid, "completed", 5, 5100);
    u.duration_s = 61;
    u.price = "-0.01300";
    u.price_unit = "USD";
    apply_ok(st, &u, &res);
    CHECK(!res.duplicate && res.merge == DT_MERGE_DUPLICATE);
    /* A recording callback carries no CallStatus. */
    store_call_update_init(&u);
    u.sid = sid;
    u.type = "recording";
    u.ts_ms = 6000;
    u.payload = "RecordingSid=RE1&RecordingStatus=completed";
    u.payload_len = strlen(u.payload);
    u.recording_sid = "RE1";
    u.recording_url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1";
    u.recording_duration_s = 58;
    u.recording_status = "completed";
    apply_ok(st, &u, &res);
    CHECK(!res.duplicate && !res.has_status);
    /* A late in-progress recording callback does not undo completed. */
    u.recording_status = "in-progress";
    u.payload = "RecordingSid=RE1&RecordingStatus=in-progress";
    u.payload_len = strlen(u.payload);
    u.ts_ms = 5900;
    apply_ok(st, &u, &res);
    CHECK(!res.duplicate);

    struct store_call c;
    CHECK_INT(store_call_get(st, sid, &c, NULL, 0), DT_OK);
    CHECK_INT(c.status, DT_CALL_COMPLETED);
    CHECK_INT(c.status_seq, 5);
    CHECK_INT(c.duration_s, 61);
    CHECK_STR(c.price, "-0.01300");
    CHECK_STR(c.recording_sid, "RE1");
    CHECK_STR(c.recording_status, "completed");
    CHECK_INT(c.recording_duration_s, 58);
    CHECK_INT(c.ended_ms, 5000);
    CHECK_INT(c.updated_ms, 6000);
    CHECK_INT(c.answered_ms, STORE_ABSENT);
    store_call_done(&c);

    /* A failure whose error arrives in a later callback of the same status. */
    const char *sid2 = "CA0000000000000000000000000000aa05";
    u = status_cb(sid2, "failed", 1, 100);
    apply_ok(st, &u, &res);
    u = status_cb(sid2, "failed", 2, 200);
    u.error_code = 32009;
    u.error_message = "Your TwiML tried to Dial a \"blocked\" number";
    u.sip_code = 403;
    apply_ok(st, &u, &res);
    CHECK_INT(store_call_get(st, sid2, &c, NULL, 0), DT_OK);
    CHECK_INT(c.status, DT_CALL_FAILED);
    CHECK_INT(c.error_code, 32009);
    CHECK_INT(c.sip_code, 403);
    CHECK_STR(c.error_message, "Your TwiML tried to Dial a \"blocked\" number");
    store_call_done(&c);
    store_close(st);
}

struct payload_check {
    const char *want;
    size_t len;
    int seen;
};

static int check_payload_cb(const struct store_call_event *ev, void *ctx)
{
    struct payload_check *pc = ctx;
    pc->seen++;
    CHECK_INT(ev->payload_len, pc->len);
    if (ev->payload_len == pc->len)
        CHECK_MEM(ev->payload, pc->want, pc->len);
    CHECK(ev->payload[ev->payload_len] == '\0');
    CHECK_STR(ev->type, "status");
    CHECK_STR(ev->status, "ringing");
    CHECK_INT(ev->seq, 0);
    return 0;
}

TEST(payload_kept_byte_exact)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    static const char payload[] =
        "CallerName=Zo\xc3\xab+%22The+Boss%22+O'Brien&Note=\"quoted\"+'single'+\\back\\slash"
        "&Emoji=\xf0\x9f\x93\x9e\xe2\x98\x8e&CRLF=a\r\nb&Tab=\t&Bad=\xff\xfe&Pct=%27%3B";
    struct store_call_update u = status_cb("CA0000000000000000000000000000bb01", "ringing", 0, 1);
    u.payload = payload;
    u.payload_len = sizeof payload - 1;
    u.caller_name = "Zo\xc3\xab \"The Boss\" O'Brien \xf0\x9f\x93\x9e";
    apply_ok(st, &u, NULL);
    struct payload_check pc = {.want = payload, .len = sizeof payload - 1};
    CHECK_INT(store_call_events(st, u.sid, check_payload_cb, &pc, NULL, 0), DT_OK);
    CHECK_INT(pc.seen, 1);
    struct store_call c;
    CHECK_INT(store_call_get(st, u.sid, &c, NULL, 0), DT_OK);
    CHECK_STR(c.caller_name, u.caller_name);
    store_call_done(&c);
    store_close(st);
}

static int stop_at_first(const struct store_call_event *ev, void *ctx)
{
    (void)ev;
    (*(int *)ctx)++;
    return 42;
}

TEST(call_apply_rejects_bad_input)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    struct store_call_update u = status_cb("CA0000000000000000000000000000cc01", "ringin", 0, 1);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_EINVAL);
    u = status_cb("CA0000000000000000000000000000cc01", "Ringing", 0, 1);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_EINVAL);
    u = status_cb("CA0000000000000000000000000000cc01", "ringing", 0, 1);
    u.payload = "a\0b";
    u.payload_len = 3;
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_EINVAL);
    u.payload = NULL;
    u.payload_len = 0;
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_EINVAL);
    u = status_cb("", "ringing", 0, 1);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_EINVAL);
    u = status_cb("CA0000000000000000000000000000cc01", "ringing", 0, 1);
    u.type = NULL;
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_EINVAL);
    char longsid[STORE_SID_MAX + 2];
    memset(longsid, 'C', sizeof longsid - 1);
    longsid[sizeof longsid - 1] = '\0';
    u = status_cb(longsid, "ringing", 0, 1);
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_ETOOBIG);
    char *big = xmalloc(STORE_TEXT_MAX + 2);
    memset(big, 'x', STORE_TEXT_MAX + 1);
    big[STORE_TEXT_MAX + 1] = '\0';
    u = status_cb("CA0000000000000000000000000000cc01", "ringing", 0, 1);
    u.caller_name = big;
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_ETOOBIG);
    free(big);
    /* Nothing of the above was stored. */
    struct store_call c;
    CHECK_INT(store_call_get(st, "CA0000000000000000000000000000cc01", &c, NULL, 0), DT_ENOTFOUND);
    CHECK(c.sid == NULL);
    CHECK_INT(events_of(st, "CA0000000000000000000000000000cc01"), 0);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM call_events", "0");
    /* A callback that stops the walk gets its value back. */
    u = status_cb("CA0000000000000000000000000000cc02", "ringing", 0, 1);
    apply_ok(st, &u, NULL);
    u = status_cb("CA0000000000000000000000000000cc02", "in-progress", 1, 2);
    apply_ok(st, &u, NULL);
    int n = 0;
    CHECK_INT(store_call_events(st, u.sid, stop_at_first, &n, NULL, 0), 42);
    CHECK_INT(n, 1);
    store_close(st);
}

TEST(hostile_strings_verbatim)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    static const char *const evil[] = {
        "'; DROP TABLE calls; --",
        "Robert'); DROP TABLE agents;--",
        "\" OR 1=1 --",
        "%_\\' \x1b[31mred\x1b[0m",
    };
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        char sid[40];
        snprintf(sid, sizeof sid, "CA%032zu", i);
        struct store_call_update u = status_cb(sid, "ringing", 0, 100 + (int64_t)i);
        u.caller_name = evil[i];
        u.from = evil[i];
        u.agent = evil[i];
        apply_ok(st, &u, NULL);
        struct store_call c;
        CHECK_INT(store_call_get(st, sid, &c, NULL, 0), DT_OK);
        CHECK_STR(c.caller_name, evil[i]);
        CHECK_STR(c.from, evil[i]);
        store_call_done(&c);
        CHECK_INT(store_agent_add(st, evil[i], DT_ROLE_AGENT, evil[i], NULL, 1, NULL, NULL, 0),
                  DT_OK);
        struct store_agent a;
        CHECK_INT(store_agent_get(st, evil[i], &a, NULL, 0), DT_OK);
        CHECK_STR(a.name, evil[i]);
        CHECK_STR(a.endpoint, evil[i]);
        store_agent_done(&a);
        /* The history filters take them as values too. */
        struct store_history_filter f = {.agent = evil[i], .text = evil[i], .number = evil[i]};
        struct store_call_list l;
        CHECK_INT(store_history(st, &f, NULL, 10, &l, NULL, NULL, NULL, 0), DT_OK);
        CHECK_INT(l.count, 1);
        if (l.count == 1)
            CHECK_STR(l.items[0].sid, sid);
        store_call_list_done(&l);
    }
    /* LIKE wildcards in the text filter match only themselves. */
    struct store_history_filter f = {.text = "%_"};
    struct store_call_list l;
    CHECK_INT(store_history(st, &f, NULL, 10, &l, NULL, NULL, NULL, 0), DT_OK);
    CHECK_INT(l.count, 1);
    store_call_list_done(&l);
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls", "4");
    CHECK_QUERY(store_db(st), "SELECT count(*) FROM agents", "4");
    store_close(st);
}

/* A child process stores a callback, reports back, and is killed with SIGKILL before it can
 * close anything: the callback must be there when the database is opened again. */
/* The writes of survives_kill_9, in the child it kills. */
static int fifty_calls(const char *path)
{
    struct store *st = NULL;
    if (store_open(path, &st, NULL, 0) != DT_OK)
        return -1;
    for (int i = 0; i < 50; i++) {
        char sid[40];
        snprintf(sid, sizeof sid, "CA%032d", i);
        struct store_call_update u = status_cb(sid, "completed", 3, 1000 + i);
        if (store_call_apply(st, &u, NULL, NULL, 0) != DT_OK)
            return -1;
    }
    return 0;
}

TEST(survives_kill_9)
{
    char *path = fixture_path();
    CHECK_INT(fixture_kill_after(path, fifty_calls), 0);
    struct store *st = NULL;
    CHECK_INT(store_open(path, &st, NULL, 0), DT_OK);
    if (st) {
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM calls WHERE status = 'completed'", "50");
        CHECK_QUERY(store_db(st), "SELECT count(*) FROM call_events", "50");
    }
    store_close(st);
    free(path);
}

/* The WAL's frames (pages written) so far; the checkpoint thread leaves it alone below 1,000. */
static long wal_frames(const char *db)
{
    char *wal = xasprintf("%s-wal", db);
    FILE *f = fopen(wal, "rb");
    free(wal);
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fclose(f);
    return size < 32 ? 0 : (size - 32) / (4096 + 24);
}

/* The pages one new call's status callback writes: with no agent, queue or conference, none
 * of those three indexes' (they hold only the calls that have one); with all three, one each
 * more. */
TEST(new_call_without_agent_writes_fewer_pages)
{
    char *path = NULL;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    char sid[40];
    for (int i = 0; i < 20; i++) { /* the tables past their first pages */
        snprintf(sid, sizeof sid, "CA%032d", i);
        struct store_call_update u = status_cb(sid, "completed", 3, 1000 + i);
        u.agent = "alice";
        u.queue = "support";
        u.conference_sid = "CF0123456789abcdef0123456789abcdef";
        apply_ok(st, &u, NULL);
    }
    long f0 = wal_frames(path);
    struct store_call_update bare =
        status_cb("CA00000000000000000000000000000100", "completed", 3, 2000);
    apply_ok(st, &bare, NULL);
    long f1 = wal_frames(path);
    struct store_call_update full =
        status_cb("CA00000000000000000000000000000101", "completed", 3, 2001);
    full.agent = "alice";
    full.queue = "support";
    full.conference_sid = "CF0123456789abcdef0123456789abcdef";
    apply_ok(st, &full, NULL);
    long f2 = wal_frames(path);
    CHECK(f0 > 0 && f1 > f0 && f2 > f1);
    if (f2 - f1 < f1 - f0 + 3)
        CHECK_FAIL_("a call without agent, queue or conference wrote %ld pages, one with all "
                    "three %ld (three more expected)",
                    f1 - f0, f2 - f1);
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(migrations_apply_once);
    RUN(pragmas_wal_normal_fk);
    RUN(write_waits_for_other_writer);
    RUN(newer_schema_refused);
    RUN(call_apply_merge_rule);
    RUN(call_apply_duplicate_is_noop);
    RUN(late_fields_merge_after_completion);
    RUN(payload_kept_byte_exact);
    RUN(call_apply_rejects_bad_input);
    RUN(hostile_strings_verbatim);
    RUN(survives_kill_9);
    RUN(new_call_without_agent_writes_fewer_pages);
    fixture_done();
    return check_done();
}

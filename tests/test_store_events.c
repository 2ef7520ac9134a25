/*
 * Tests for the store's event log (append, read after a seq, the last seq, durability across
 * a reopen, bad input), the figures for /metrics, the calls of a conference, and the call
 * fields added with schema version 2 (conference, recording channels and source).
 */
#include <stdlib.h>
#include <string.h>

#include "store_fixture.h"

struct seen {
    int64_t seqs[64];
    char types[64][32];
    char data[64][64];
    int n;
    int stop_at; /* stop after this many, 0 never */
};

static int collect(const struct store_event *ev, void *ctx)
{
    struct seen *s = ctx;
    if (s->n < 64) {
        s->seqs[s->n] = ev->seq;
        dt_strlcpy(s->types[s->n], ev->type, sizeof s->types[0]);
        dt_strlcpy(s->data[s->n], ev->data, sizeof s->data[0]);
        CHECK_INT(strlen(ev->data), ev->data_len);
    }
    s->n++;
    return s->stop_at && s->n >= s->stop_at ? 42 : 0;
}

TEST(events_append_and_read)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    char err[256];
    int64_t seq = -5, last = -5;
    CHECK_INT(store_event_last_seq(st, &last, err, sizeof err), DT_OK);
    CHECK_INT(last, 0);
    CHECK_INT(
        store_event_append(st, "call.queued", 1000, "{\"sid\":\"CA1\"}", &seq, err, sizeof err),
        DT_OK);
    CHECK_INT(seq, 1);
    CHECK_INT(store_event_append(st, "call.updated", 1001, "[1,2]", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 2);
    CHECK_INT(store_event_append(st, "call.ended", 1002, "\"x\"", NULL, err, sizeof err), DT_OK);
    CHECK_INT(store_event_last_seq(st, &last, err, sizeof err), DT_OK);
    CHECK_INT(last, 3);

    struct seen s = {.n = 0};
    CHECK_INT(store_events_after(st, 0, 100, collect, &s, err, sizeof err), DT_OK);
    CHECK_INT(s.n, 3);
    CHECK_INT(s.seqs[0], 1);
    CHECK_STR(s.types[0], "call.queued");
    CHECK_STR(s.data[0], "{\"sid\":\"CA1\"}");
    CHECK_STR(s.types[2], "call.ended");

    s = (struct seen){.n = 0};
    CHECK_INT(store_events_after(st, 1, 1, collect, &s, err, sizeof err), DT_OK);
    CHECK_INT(s.n, 1);
    CHECK_INT(s.seqs[0], 2);

    s = (struct seen){.stop_at = 1};
    CHECK_INT(store_events_after(st, 0, 100, collect, &s, err, sizeof err), 42);
    CHECK_INT(s.n, 1);

    s = (struct seen){.n = 0};
    CHECK_INT(store_events_after(st, 3, 100, collect, &s, err, sizeof err), DT_OK);
    CHECK_INT(s.n, 0);

    /* The numbering survives a reopen and never reuses a seq, even after a delete. */
    store_close(st);
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    CHECK_INT(sqlite3_exec(store_db(st), "DELETE FROM events WHERE seq = 3", NULL, NULL, NULL),
              SQLITE_OK);
    CHECK_INT(store_event_append(st, "call.updated", 1003, "{}", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 4);
    store_close(st);
    free(path);
}

TEST(events_bad_input)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    int64_t seq = -1;
    CHECK_INT(store_event_append(st, "x", 1, "{} {}", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append_printed(st, "x", 1, "", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append_printed(st, "a b", 1, "{}", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append(st, "x", 1, "{not json", &seq, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "JSON") != NULL);
    CHECK_INT(store_event_append(st, "", 1, "{}", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append(st, NULL, 1, "{}", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append(st, "a b", 1, "{}", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append(st, "a\x1b", 1, "{}", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append(st, "x", 1, "", &seq, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_event_append(st, "x", 1, NULL, &seq, err, sizeof err), DT_EINVAL);
    char type[STORE_EVENT_TYPE_MAX + 2];
    memset(type, 'a', sizeof type - 1);
    type[sizeof type - 1] = '\0';
    CHECK_INT(store_event_append(st, type, 1, "{}", &seq, err, sizeof err), DT_ETOOBIG);
    char *big = xmalloc(STORE_PAYLOAD_MAX + 2);
    memset(big, ' ', STORE_PAYLOAD_MAX + 1);
    big[0] = '1';
    big[STORE_PAYLOAD_MAX + 1] = '\0';
    CHECK_INT(store_event_append(st, "x", 1, big, &seq, err, sizeof err), DT_ETOOBIG);
    free(big);
    struct seen s = {.n = 0};
    CHECK_INT(store_events_after(st, 0, 0, collect, &s, err, sizeof err), DT_EINVAL);
    CHECK_INT(store_events_after(st, 0, STORE_EVENTS_MAX_LIMIT + 1, collect, &s, err, sizeof err),
              DT_EINVAL);
    /* nothing was stored, and the first good event is still number 1 */
    CHECK_INT(store_event_append(st, "x", 1, "{}", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 1);
    store_close(st);
}

static int apply(struct store *st, const char *sid, const char *type, const char *status,
                 int64_t seq, const char *queue, const char *queue_result, int64_t ts)
{
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = sid;
    u.type = type;
    u.status = status;
    u.seq = seq;
    u.ts_ms = ts;
    u.payload = "CallSid=x";
    u.payload_len = 9;
    u.queue = queue;
    u.queue_result = queue_result;
    char err[256];
    int rc = store_call_apply(st, &u, NULL, err, sizeof err);
    if (rc != DT_OK)
        printf("  apply: %s\n", err);
    return rc;
}

struct waits {
    char names[8][16];
    int64_t n[8], oldest[8];
    int count;
};

static int collect_wait(const struct store_queue_wait *w, void *ctx)
{
    struct waits *ws = ctx;
    if (ws->count < 8) {
        dt_strlcpy(ws->names[ws->count], w->queue, sizeof ws->names[0]);
        ws->n[ws->count] = w->waiting;
        ws->oldest[ws->count] = w->oldest_ms;
    }
    ws->count++;
    return 0;
}

TEST(figures_for_metrics)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    CHECK_INT(apply(st, "CA1", "voice", "ringing", -1, "support", NULL, 100), DT_OK);
    CHECK_INT(apply(st, "CA2", "voice", "ringing", -1, "support", NULL, 50), DT_OK);
    CHECK_INT(apply(st, "CA3", "voice", "ringing", -1, "sales", NULL, 70), DT_OK);
    CHECK_INT(apply(st, "CA4", "voice", "in-progress", -1, "sales", "leave", 80), DT_OK);
    CHECK_INT(apply(st, "CA5", "status", "completed", 3, "sales", NULL, 90), DT_OK);
    CHECK_INT(apply(st, "CA6", "amd", NULL, -1, NULL, NULL, 90), DT_OK);
    int64_t counts[DT_CALL_STATUS_COUNT], none = -1;
    CHECK_INT(store_call_counts(st, counts, &none, err, sizeof err), DT_OK);
    CHECK_INT(counts[DT_CALL_RINGING], 3);
    CHECK_INT(counts[DT_CALL_IN_PROGRESS], 1);
    CHECK_INT(counts[DT_CALL_COMPLETED], 1);
    CHECK_INT(counts[DT_CALL_FAILED], 0);
    CHECK_INT(none, 1);

    struct waits ws = {.count = 0};
    CHECK_INT(store_queue_waiting(st, collect_wait, &ws, err, sizeof err), DT_OK);
    CHECK_INT(ws.count, 2);
    CHECK_STR(ws.names[0], "sales");
    CHECK_INT(ws.n[0], 1);
    CHECK_INT(ws.oldest[0], 70);
    CHECK_STR(ws.names[1], "support");
    CHECK_INT(ws.n[1], 2);
    CHECK_INT(ws.oldest[1], 50);
    store_close(st);
}

TEST(conference_and_recording_fields)
{
    struct store *st = fixture_open(NULL);
    if (!st)
        return;
    char err[256];
    struct store_call_update u;
    store_call_update_init(&u);
    u.sid = "CA1";
    u.type = "conference";
    u.ts_ms = 10;
    u.payload = "a=b";
    u.payload_len = 3;
    u.conference = "room-CA1";
    u.conference_sid = "CF1";
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
    u.sid = "CA2";
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);
    store_call_update_init(&u);
    u.sid = "CA1";
    u.type = "recording";
    u.ts_ms = 20;
    u.payload = "c=d";
    u.payload_len = 3;
    u.recording_sid = "RE1";
    u.recording_status = "completed";
    u.recording_channels = 2;
    u.recording_source = "Conference";
    CHECK_INT(store_call_apply(st, &u, NULL, err, sizeof err), DT_OK);

    struct store_call c;
    CHECK_INT(store_call_get(st, "CA1", &c, err, sizeof err), DT_OK);
    CHECK_STR(c.conference, "room-CA1");
    CHECK_STR(c.conference_sid, "CF1");
    CHECK_INT(c.recording_channels, 2);
    CHECK_STR(c.recording_source, "Conference");
    CHECK_STR(c.recording_sid, "RE1");
    store_call_done(&c);
    CHECK_INT(store_call_get(st, "CA2", &c, err, sizeof err), DT_OK);
    CHECK_INT(c.recording_channels, STORE_ABSENT);
    CHECK(c.recording_source == NULL);
    store_call_done(&c);

    struct store_sid_list l;
    CHECK_INT(store_calls_in_conference(st, "CF1", &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 2);
    if (l.count == 2) {
        CHECK_STR(l.items[0], "CA1");
        CHECK_STR(l.items[1], "CA2");
    }
    store_sid_list_done(&l);
    store_sid_list_done(NULL);
    CHECK_INT(store_calls_in_conference(st, "CF9", &l, err, sizeof err), DT_OK);
    CHECK_INT(l.count, 0);
    CHECK_INT(store_calls_in_conference(st, "", &l, err, sizeof err), DT_EINVAL);
    store_close(st);
}

static int64_t count_of(struct store *st, const char *table)
{
    char *sql = xasprintf("SELECT count(*) FROM %s", table);
    char *v = fixture_query(store_db(st), sql);
    int64_t n = atoll(v);
    free(v);
    free(sql);
    return n;
}

TEST(transactions)
{
    char *path;
    struct store *st = fixture_open(&path);
    if (!st)
        return;
    char err[256];
    struct store_webhook w = {.received_ms = 1,
                              .path = "/twilio/status",
                              .signature_ok = 1,
                              .body = "a=b",
                              .body_len = 3};
    CHECK_INT(store_tx_open(st), 0);
    CHECK_INT(store_tx_commit(st, err, sizeof err), DT_ESTATE);
    store_tx_rollback(st); /* nothing open: nothing done */

    /* rolled back: nothing of it stays, and the seq is handed out again */
    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_OK);
    CHECK_INT(store_tx_open(st), 1);
    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_ESTATE);
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_OK);
    CHECK_INT(apply(st, "CA1", "status", "ringing", 1, NULL, NULL, 5), DT_OK);
    int64_t seq = 0;
    CHECK_INT(store_event_append(st, "call.updated", 5, "{}", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 1);
    store_tx_rollback(st);
    CHECK_INT(store_tx_open(st), 0);
    CHECK_INT(count_of(st, "webhook_log"), 0);
    CHECK_INT(count_of(st, "calls"), 0);
    CHECK_INT(count_of(st, "events"), 0);

    /* committed: all of it, and a failed write inside is undone alone */
    CHECK_INT(store_tx_begin(st, err, sizeof err), DT_OK);
    CHECK_INT(store_webhook_log(st, &w, NULL, err, sizeof err), DT_OK);
    CHECK_INT(apply(st, "CA1", "status", "ringing", 1, NULL, NULL, 5), DT_OK);
    CHECK(apply(st, "CA2", "status", "Ringing", 1, NULL, NULL, 5) != DT_OK);
    CHECK_INT(apply(st, "CA1", "status", "completed", 2, NULL, NULL, 6), DT_OK);
    CHECK_INT(store_event_append(st, "call.ended", 6, "{}", &seq, err, sizeof err), DT_OK);
    CHECK_INT(seq, 1);
    CHECK_INT(store_tx_commit(st, err, sizeof err), DT_OK);
    CHECK_INT(store_tx_open(st), 0);
    store_close(st);

    /* durable once committed: another connection sees it */
    CHECK_INT(store_open(path, &st, err, sizeof err), DT_OK);
    CHECK_INT(count_of(st, "webhook_log"), 1);
    CHECK_INT(count_of(st, "events"), 1);
    CHECK_INT(count_of(st, "call_events"), 2);
    struct store_call c;
    CHECK_INT(store_call_get(st, "CA1", &c, err, sizeof err), DT_OK);
    CHECK_INT(c.status, DT_CALL_COMPLETED);
    store_call_done(&c);
    CHECK_INT(store_call_get(st, "CA2", &c, err, sizeof err), DT_ENOTFOUND);
    /* writes outside a transaction still commit on their own */
    CHECK_INT(apply(st, "CA3", "status", "ringing", 1, NULL, NULL, 5), DT_OK);
    CHECK_INT(count_of(st, "calls"), 2);
    store_close(st);
    free(path);
}

int main(void)
{
    if (fixture_init() != 0)
        return 1;
    RUN(events_append_and_read);
    RUN(events_bad_input);
    RUN(figures_for_metrics);
    RUN(conference_and_recording_fields);
    RUN(transactions);
    fixture_done();
    return check_done();
}

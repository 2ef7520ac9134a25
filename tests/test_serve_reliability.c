/*
 * Reliability tests of `dialtone serve` (with `dialtone sim` as its Twilio): forged and
 * missing signatures (403, nothing stored but the count), the signature over the path and
 * query, a replayed callback (no change), out-of-order callbacks (completed kept), malformed,
 * mistyped and oversized bodies (4xx, the daemon still up), chunked bodies and "Expect:
 * 100-continue" (answered, no hang), unknown paths and methods; and durability: signed
 * webhooks sent by several threads, the daemon killed with SIGKILL mid-way and restarted on
 * the same database, where every webhook it answered 200 is found.
 */
#include <pthread.h>

#include "serve_e2e_fixture.h"

#define CONF_EXTRA "[queue \"support\"]\n"
#define MAX_BODY   4096

static long count(const char *table)
{
    char q[128];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s", table);
    return se_qi(q);
}

static const char *metric(const char *name)
{
    static char line[160];
    struct se_resp r = se_get("/metrics");
    const char *p = r.body.data ? strstr(r.body.data, name) : NULL;
    line[0] = '\0';
    if (p) {
        p += strlen(name);
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, "\n");
        snprintf(line, sizeof line, "%.*s", (int)n, p);
    }
    se_resp_done(&r);
    return line;
}

TEST(forged_signature_refused_and_nothing_stored)
{
    long logs = count("webhook_log"), calls = count("calls"), events = count("events");
    char *body = se_form("CallSid", "CAforged", "CallStatus", "completed", NULL);
    struct se_resp r = se_hook("/twilio/status", body, 0);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    /* no signature at all */
    char url[128];
    snprintf(url, sizeof url, "%s/twilio/status", se.base);
    const char *const h[] = {"Content-Type: application/x-www-form-urlencoded", NULL};
    r = se_http("POST", url, h, body, strlen(body), NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    /* signed with another token */
    struct form f;
    form_init(&f);
    form_parse(&f, body, strlen(body), NULL, 0);
    char sig[DT_SIG_BUFSZ], hdr[80];
    sig_compute("another-token", url, &f, sig, NULL, 0);
    form_done(&f);
    snprintf(hdr, sizeof hdr, "X-Twilio-Signature: %s", sig);
    const char *const h2[] = {"Content-Type: application/x-www-form-urlencoded", hdr, NULL};
    r = se_http("POST", url, h2, body, strlen(body), NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    free(body);
    CHECK_INT(count("webhook_log"), logs);
    CHECK_INT(count("calls"), calls);
    CHECK_INT(count("events"), events);
    CHECK_STR(se_q("SELECT count(*) FROM calls WHERE sid = 'CAforged'"), "0");
    CHECK_STR(metric("dialtone_webhooks_total{result=\"rejected\"}"), "3");
}

TEST(signature_covers_path_and_query)
{
    char *body = se_form("CallSid", "CAwait1", "CallStatus", "in-progress", "QueuePosition", "1",
                         "QueueTime", "0", NULL);
    struct se_resp r = se_hook("/twilio/wait?queue=support", body, 1);
    CHECK_INT(r.status, 200);
    CHECK(r.body.data && strstr(r.body.data, "You are caller number 1"));
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT queue FROM calls WHERE sid = 'CAwait1'"), "support");
    /* signed for the path alone, sent with a query */
    char sig[128], url[128];
    se_sign("/twilio/wait", body, sig, sizeof sig);
    snprintf(url, sizeof url, "%s/twilio/wait?queue=support", se.base);
    const char *const h[] = {"Content-Type: application/x-www-form-urlencoded", sig, NULL};
    r = se_http("POST", url, h, body, strlen(body), NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    /* signed with the query, sent to another queue */
    se_sign("/twilio/wait?queue=support", body, sig, sizeof sig);
    snprintf(url, sizeof url, "%s/twilio/wait?queue=other", se.base);
    r = se_http("POST", url, h, body, strlen(body), NULL);
    CHECK_INT(r.status, 403);
    se_resp_done(&r);
    free(body);
}

TEST(replayed_callback_changes_nothing)
{
    char *body = se_form("CallSid", "CAreplay", "CallStatus", "completed", "SequenceNumber", "3",
                         "CallDuration", "42", "AccountSid", SE_ACCOUNT, NULL);
    struct se_resp r = se_hook("/twilio/status", body, 1);
    CHECK_INT(r.status, 200);
    CHECK_STR(r.body.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
    se_resp_done(&r);
    long events = count("events"), updated = se_qi("SELECT updated_ms FROM calls WHERE sid = "
                                                   "'CAreplay'");
    r = se_hook("/twilio/status", body, 1);
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    free(body);
    CHECK_INT(count("events"), events);
    CHECK_INT(se_qi("SELECT updated_ms FROM calls WHERE sid = 'CAreplay'"), updated);
    CHECK_STR(se_q("SELECT count(*) FROM call_events WHERE call_sid = 'CAreplay'"), "1");
    CHECK_STR(se_q("SELECT count(*) FROM webhook_log WHERE body LIKE '%%CAreplay%%'"), "2");
    CHECK_STR(se_q("SELECT duration_s FROM calls WHERE sid = 'CAreplay'"), "42");
}

TEST(out_of_order_callbacks_keep_completed)
{
    char *done = se_form("CallSid", "CAorder", "CallStatus", "completed", "SequenceNumber", "5",
                         "CallDuration", "9", NULL);
    char *ring =
        se_form("CallSid", "CAorder", "CallStatus", "ringing", "SequenceNumber", "2", NULL);
    struct se_resp r = se_hook("/twilio/status", done, 1);
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    r = se_hook("/twilio/status", ring, 1);
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    free(done);
    free(ring);
    CHECK_STR(se_q("SELECT status FROM calls WHERE sid = 'CAorder'"), "completed");
    CHECK_STR(se_q("SELECT status_seq FROM calls WHERE sid = 'CAorder'"), "5");
    CHECK_STR(se_q("SELECT duration_s FROM calls WHERE sid = 'CAorder'"), "9");
    CHECK_STR(se_q("SELECT count(*) FROM call_events WHERE call_sid = 'CAorder'"), "2");
}

/* A POST to the daemon with a content type and a raw body. */
static long post_raw(const char *path, const char *ctype, const char *body, size_t len)
{
    char url[128], ct[128];
    snprintf(url, sizeof url, "%s%s", se.base, path);
    snprintf(ct, sizeof ct, "Content-Type: %s", ctype);
    const char *const h[] = {ct, NULL};
    struct se_resp r = se_http("POST", url, h, body, len, NULL);
    long st = r.status;
    se_resp_done(&r);
    return st;
}

TEST(bad_bodies_get_4xx)
{
    const char *form = "application/x-www-form-urlencoded";
    long logs = count("webhook_log");
    CHECK_INT(post_raw("/twilio/status", form, "CallSid=%zz", 11), 400);
    CHECK_INT(post_raw("/twilio/status", form, "CallSid=CA1%00x", 15), 400);
    CHECK_INT(post_raw("/twilio/status", form, "CallSid=CA1\0x", 13), 400);
    CHECK_INT(post_raw("/twilio/status", "text/plain", "CallSid=CA1", 11), 415);
    CHECK_INT(post_raw("/twilio/status", "application/json", "{\"CallSid\":\"CA1\"}", 17), 415);
    char *big = xmalloc(MAX_BODY * 2);
    memset(big, 'a', MAX_BODY * 2);
    memcpy(big, "CallSid=", 8);
    CHECK_INT(post_raw("/twilio/status", form, big, MAX_BODY + 1), 413);
    CHECK_INT(post_raw("/twilio/status", form, big, MAX_BODY * 2), 413);
    free(big);
    CHECK_INT(count("webhook_log"), logs);
    /* signed but incomplete: logged, not applied */
    char *body = se_form("CallStatus", "completed", NULL);
    struct se_resp r = se_hook("/twilio/status", body, 1);
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
    free(body);
    body = se_form("CallSid", "CAbadstatus", "CallStatus", "Completed", NULL);
    r = se_hook("/twilio/status", body, 1);
    CHECK_INT(r.status, 400);
    se_resp_done(&r);
    free(body);
    CHECK_STR(se_q("SELECT count(*) FROM calls WHERE sid = 'CAbadstatus'"), "0");
    r = se_get("/healthz");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
}

TEST(chunked_and_expect_are_answered)
{
    char *body = se_form("CallSid", "CAexpect", "CallStatus", "ringing", NULL);
    char sig[128], url[128];
    se_sign("/twilio/status", body, sig, sizeof sig);
    snprintf(url, sizeof url, "%s/twilio/status", se.base);
    const char *const h[] = {"Content-Type: application/x-www-form-urlencoded", sig,
                             "Expect: 100-continue", NULL};
    struct se_resp r = se_http("POST", url, h, body, strlen(body), NULL);
    CHECK_INT(r.status, 200);
    CHECK(r.seconds < 0.9); /* curl would wait 1 s for a 100 Continue that never came */
    se_resp_done(&r);
    CHECK_STR(se_q("SELECT status FROM calls WHERE sid = 'CAexpect'"), "ringing");

    const char *const hc[] = {"Content-Type: application/x-www-form-urlencoded", sig,
                              "Transfer-Encoding: chunked", NULL};
    r = se_http("POST", url, hc, body, strlen(body), NULL);
    CHECK_INT(r.status, 411);
    CHECK(r.seconds < 5);
    se_resp_done(&r);
    free(body);

    /* an announced body over the cap is refused before it is sent */
    char *big = xmalloc(MAX_BODY * 2);
    memset(big, 'a', MAX_BODY * 2);
    const char *const hb[] = {"Content-Type: application/x-www-form-urlencoded",
                              "Expect: 100-continue", NULL};
    r = se_http("POST", url, hb, big, MAX_BODY * 2, NULL);
    CHECK_INT(r.status, 413);
    se_resp_done(&r);
    free(big);
}

TEST(unknown_paths_and_methods)
{
    CHECK_INT(post_raw("/twilio/nope", "application/x-www-form-urlencoded", "a=b", 3), 404);
    CHECK_INT(post_raw("/twilio/", "application/x-www-form-urlencoded", "a=b", 3), 404);
    CHECK_INT(post_raw("/twilio/status/x", "application/x-www-form-urlencoded", "a=b", 3), 404);
    struct se_resp r = se_get("/nope");
    CHECK_INT(r.status, 404);
    se_resp_done(&r);
    r = se_get("/twilio/status");
    CHECK_INT(r.status, 405);
    se_resp_done(&r);
    CHECK_INT(post_raw("/healthz", "text/plain", "x", 1), 405);
}

/* ---- durability ---------------------------------------------------------------------------- */

#define DUR_THREADS 4
#define DUR_MAX     1500 /* requests per thread at most */

struct sender {
    int id;
    int ok[DUR_MAX]; /* 1: answered 200 */
    int sent;
};

static void dur_sid(int thread, int i, char *out, size_t n)
{
    snprintf(out, n, "CA%08x%024x", 0xd0000000u + (unsigned)thread, (unsigned)i);
}

static void *send_loop(void *arg)
{
    struct sender *s = arg;
    CURL *c = curl_easy_init();
    char url[128];
    snprintf(url, sizeof url, "%s/twilio/status", se.base);
    for (int i = 0; i < DUR_MAX; i++) {
        char sid[40], sig[128];
        dur_sid(s->id, i, sid, sizeof sid);
        char *body = se_form("CallSid", sid, "CallStatus", "completed", "SequenceNumber", "1",
                             "CallDuration", "1", NULL);
        se_sign("/twilio/status", body, sig, sizeof sig);
        struct curl_slist *h =
            curl_slist_append(NULL, "Content-Type: application/x-www-form-urlencoded");
        h = curl_slist_append(h, sig);
        h = curl_slist_append(h, "Expect:");
        struct dt_buf out;
        dt_buf_init(&out);
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, se_write);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
        long status = 0;
        CURLcode rc = curl_easy_perform(c);
        if (rc == CURLE_OK)
            curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
        curl_slist_free_all(h);
        dt_buf_done(&out);
        free(body);
        s->sent = i + 1;
        s->ok[i] = status == 200;
        if (rc != CURLE_OK)
            break; /* the daemon is gone */
    }
    curl_easy_cleanup(c);
    return NULL;
}

TEST(answered_webhooks_survive_kill_9)
{
    static struct sender senders[DUR_THREADS];
    pthread_t th[DUR_THREADS];
    for (int t = 0; t < DUR_THREADS; t++) {
        senders[t] = (struct sender){.id = t};
        pthread_create(&th[t], NULL, send_loop, &senders[t]);
    }
    /* let them get going, then kill the daemon mid-way */
    for (int waited = 0; waited < 5000; waited += 10) {
        int sent = 0;
        for (int t = 0; t < DUR_THREADS; t++)
            sent += senders[t].sent;
        if (sent >= 1000)
            break;
        usleep(10000);
    }
    CHECK_INT(se_stop(&se.daemon, SIGKILL), 128 + SIGKILL);
    for (int t = 0; t < DUR_THREADS; t++)
        pthread_join(th[t], NULL);
    int answered = 0, sent = 0;
    for (int t = 0; t < DUR_THREADS; t++) {
        sent += senders[t].sent;
        for (int i = 0; i < senders[t].sent; i++)
            answered += senders[t].ok[i];
    }
    printf("  durability: %d sent, %d answered 200 before SIGKILL\n", sent, answered);
    CHECK(answered >= 100);
    CHECK(sent < DUR_THREADS * DUR_MAX); /* the kill came mid-way */

    CHECK_INT(se_start_daemon(), 0);
    struct se_resp r = se_get("/healthz");
    CHECK_INT(r.status, 200);
    se_resp_done(&r);
    /* the restarted daemon finds its queue at Twilio by name rather than making another */
    for (int waited = 0;
         waited < 10000 && strcmp(metric("dialtone_twilio_requests_total{result=\"ok\"}"), "1");
         waited += 20)
        usleep(20000);
    CHECK_STR(metric("dialtone_twilio_requests_total{result=\"ok\"}"), "1");
    r = se_ctl("GET", "/sim/queues", NULL);
    const char *qs = r.body.data ? r.body.data : "";
    const char *first = strstr(qs, "\"friendly_name\":\"support\"");
    CHECK(first != NULL);
    CHECK(first && strstr(first + 1, "\"friendly_name\":\"support\"") == NULL);
    se_resp_done(&r);
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    CHECK_INT(sqlite3_open_v2(se.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    CHECK_INT(sqlite3_prepare_v2(db,
                                 "SELECT status || ':' || (SELECT count(*) FROM call_events "
                                 "WHERE call_sid = ?1) FROM calls WHERE sid = ?1",
                                 -1, &q, NULL),
              SQLITE_OK);
    int missing = 0;
    for (int t = 0; q && t < DUR_THREADS; t++) {
        for (int i = 0; i < senders[t].sent; i++) {
            if (!senders[t].ok[i])
                continue;
            char sid[40];
            dur_sid(t, i, sid, sizeof sid);
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, sid, -1, SQLITE_TRANSIENT);
            const char *got =
                sqlite3_step(q) == SQLITE_ROW ? (const char *)sqlite3_column_text(q, 0) : NULL;
            if (!got || strcmp(got, "completed:1") != 0) {
                if (missing++ < 5)
                    printf("  answered 200 but not stored: %s (%s)\n", sid, got ? got : "-");
            }
        }
    }
    CHECK_INT(missing, 0);
    /* and each is in the audit log, with its event (stored in the same transaction) */
    CHECK(se_qi("SELECT count(*) FROM webhook_log WHERE body LIKE 'CallSid=CAd000000%'") >=
          answered);
    CHECK(se_qi("SELECT count(*) FROM events WHERE type = 'call.ended' AND "
                "data LIKE '%\"sid\":\"CAd000000%'") >= answered);
    CHECK_STR(se_q("SELECT MAX(seq) = COUNT(*) FROM events"), "1");
    sqlite3_finalize(q);
    sqlite3_close(db);
}

int main(void)
{
    char extra[256];
    snprintf(extra, sizeof extra, "max_body = %d\n%s", MAX_BODY, CONF_EXTRA);
    if (se_setup("data/scenarios/test-basic.ini", "1", extra) != 0) {
        printf("setup failed\n");
        se_teardown();
        return 1;
    }
    RUN(forged_signature_refused_and_nothing_stored);
    RUN(signature_covers_path_and_query);
    RUN(replayed_callback_changes_nothing);
    RUN(out_of_order_callbacks_keep_completed);
    RUN(bad_bodies_get_4xx);
    RUN(chunked_and_expect_are_answered);
    RUN(unknown_paths_and_methods);
    RUN(answered_webhooks_survive_kill_9);
    se_teardown();
    return check_done();
}

/*
 * Tests for the daemon's group commit of webhooks, against an in-process server on a database
 * file: webhooks that arrive together are stored in fewer transactions than there are
 * webhooks; one refused by its handler (400) or by its signature (403) among them loses none
 * of the others; their events reach the sink once committed, in seq order, one per stored
 * callback; and under load from several threads every webhook answered 200 is already in the
 * database when its answer is read (each thread looks with a connection of its own).
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/netloop.h"
#include "dialtone/server.h"
#include "dialtone/sig.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "net_helper.h"

#define ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define TOKEN   "batch-t0ken-91a"
#define BASE    "https://dialtone.example.com"
#define CONF                                                                                       \
    "[twilio]\naccount_sid = " ACCOUNT "\nauth_token = " TOKEN "\npublic_base_url = " BASE "\n"    \
    "[server]\nport = 0\n[queue \"support\"]\n"

#define TOGETHER  24 /* webhooks sent before the loop reads any */
#define MAX_SEQS  512
#define LOAD_THR  6
#define LOAD_EACH 40
#define WAIT_MS   20000

static struct {
    struct config cfg;
    struct store *st;
    struct netloop *loop;
    struct server *srv;
    char dir[64], db[96];
    int64_t seqs[MAX_SEQS];
    int nseq, sink_in_tx, with_tree, with_call;
} bx;

static void on_event(void *user, const struct store_event *ev)
{
    (void)user;
    if (store_tx_open(bx.st))
        bx.sink_in_tx++;
    if (ev->json) { /* the tree the data was printed from: the same JSON */
        char *text = cJSON_PrintUnformatted(ev->json);
        bx.with_tree += text && strcmp(text, ev->data) == 0;
        free(text);
        /* the call as read for the event: the one its data describes */
        const cJSON *call = cJSON_GetObjectItemCaseSensitive(ev->json, "call");
        const char *sid = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid"));
        const char *st = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "status"));
        bx.with_call += ev->call && sid && st && strcmp(ev->call->sid, sid) == 0 &&
                        ev->call->has_status && strcmp(callstate_name(ev->call->status), st) == 0;
    }
    if (bx.nseq < MAX_SEQS)
        bx.seqs[bx.nseq] = ev->seq;
    bx.nseq++;
}

static int setup(void)
{
    char err[256] = "";
    memset(&bx, 0, sizeof bx);
    snprintf(bx.dir, sizeof bx.dir, "/tmp/dialtone-batch-XXXXXX");
    if (!mkdtemp(bx.dir))
        return -1;
    snprintf(bx.db, sizeof bx.db, "%s/t.db", bx.dir);
    config_init(&bx.cfg);
    if (config_load_string(&bx.cfg, "t.conf", CONF, err, sizeof err) != DT_OK ||
        store_open(bx.db, &bx.st, err, sizeof err) != DT_OK ||
        !(bx.loop = netloop_new(NULL, err, sizeof err))) {
        printf("  setup: %s\n", err);
        return -1;
    }
    struct server_options so = {.cfg = &bx.cfg, .loop = bx.loop, .store = bx.st};
    bx.srv = server_new(&so, err, sizeof err);
    if (!bx.srv) {
        printf("  server: %s\n", err);
        return -1;
    }
    server_set_event_sink(bx.srv, on_event, NULL);
    return 0;
}

static void teardown(void)
{
    server_free(bx.srv);
    netloop_free(bx.loop);
    store_close(bx.st);
    config_done(&bx.cfg);
    const char *const files[] = {"t.db", "t.db-wal", "t.db-shm"};
    char path[160];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", bx.dir, files[i]);
        unlink(path);
    }
    rmdir(bx.dir);
}

/* A POST of a status callback for sid (status NULL: none, which its handler refuses), signed
 * with the account's token, or with another one when sign is 0. The caller frees it. */
static char *status_request(const char *sid, const char *status, int sign)
{
    struct form f;
    form_init(&f);
    form_add(&f, "AccountSid", ACCOUNT);
    form_add(&f, "CallSid", sid);
    if (status)
        form_add(&f, "CallStatus", status);
    form_add(&f, "SequenceNumber", "0");
    char sig[DT_SIG_BUFSZ] = "";
    sig_compute(sign ? TOKEN : "not-the-token", BASE "/twilio/status", &f, sig, NULL, 0);
    char *body = form_encode(&f);
    form_done(&f);
    char *req = xasprintf("POST /twilio/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n"
                          "X-Twilio-Signature: %s\r\nContent-Length: %zu\r\n\r\n%s",
                          sig, strlen(body), body);
    free(body);
    return req;
}

/* Webhooks answered so far, whatever the answer. */
static uint64_t answered(void)
{
    struct server_counters c;
    server_get_counters(bx.srv, &c);
    return c.webhooks_accepted + c.webhooks_rejected + c.webhooks_invalid + c.webhooks_failed;
}

static long query_long(const char *sql)
{
    sqlite3_stmt *q = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(store_db(bx.st), sql, -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW)
        n = (long)sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return n;
}

static int status_of(const struct dt_buf *b)
{
    return b->data && strncmp(b->data, "HTTP/1.1 ", 9) == 0 ? atoi(b->data + 9) : -1;
}

TEST(together_in_one_transaction_none_lost)
{
    CHECK_INT(setup(), 0);
    int port = server_port(bx.srv), fds[TOGETHER];
    enum { REFUSED = 7, FORGED = 13 };
    for (int i = 0; i < TOGETHER; i++) {
        char sid[40];
        snprintf(sid, sizeof sid, "CA%032x", 0xb000 + i);
        fds[i] = raw_connect("127.0.0.1", port);
        char *req = status_request(sid, i == REFUSED ? NULL : "ringing", i != FORGED);
        CHECK_INT(raw_send_str(fds[i], req), 0);
        free(req);
    }
    int never = 0;
    for (int waited = 0; answered() < TOGETHER && waited < WAIT_MS; waited += 10)
        net_run_until(bx.loop, &never, 10);
    CHECK_INT((long)answered(), TOGETHER);
    for (int i = 0; i < TOGETHER; i++) {
        struct dt_buf b;
        dt_buf_init(&b);
        CHECK_INT(raw_read(fds[i], &b, 1, 5000), 1);
        CHECK_INT(status_of(&b), i == REFUSED ? 400 : i == FORGED ? 403 : 200);
        dt_buf_done(&b);
        close(fds[i]);
    }
    struct server_counters c;
    server_get_counters(bx.srv, &c);
    CHECK_INT((long)c.webhooks_accepted, TOGETHER - 2);
    CHECK_INT((long)c.webhooks_invalid, 1);
    CHECK_INT((long)c.webhooks_rejected, 1);
    printf("  %d webhooks stored in %llu transactions\n", TOGETHER - 2,
           (unsigned long long)c.webhook_commits);
    CHECK(c.webhook_commits >= 1 && c.webhook_commits < TOGETHER - 2);
    /* every good one stored with its call event; the refused one only in the audit log */
    CHECK_INT(query_long("SELECT count(*) FROM calls WHERE status = 'ringing'"), TOGETHER - 2);
    CHECK_INT(query_long("SELECT count(DISTINCT call_sid) FROM call_events"), TOGETHER - 2);
    CHECK_INT(query_long("SELECT count(*) FROM webhook_log"), TOGETHER - 1);
    char q[160];
    snprintf(q, sizeof q, "SELECT count(*) FROM calls WHERE sid IN ('CA%032x', 'CA%032x')",
             0xb000 + REFUSED, 0xb000 + FORGED);
    CHECK_INT(query_long(q), 0);
    snprintf(q, sizeof q, "SELECT count(*) FROM webhook_log WHERE body LIKE '%%CA%032x%%'",
             0xb000 + REFUSED);
    CHECK_INT(query_long(q), 1);
    /* their events, once committed, in seq order */
    CHECK_INT(bx.nseq, TOGETHER - 2);
    CHECK_INT(bx.sink_in_tx, 0);
    CHECK_INT(bx.with_tree, TOGETHER - 2); /* the sink's readers need not parse them again */
    CHECK_INT(bx.with_call, TOGETHER - 2); /* nor read the call again */
    int ordered = 1;
    for (int i = 1; i < bx.nseq && i < MAX_SEQS; i++)
        ordered &= bx.seqs[i] > bx.seqs[i - 1];
    CHECK(ordered);
    CHECK_INT(query_long("SELECT count(*) FROM events"), TOGETHER - 2);
    teardown();
}

/* ---- under load from threads ------------------------------------------------------------- */

struct loader {
    int id, port;
    int ok, missing, failed;
};

static void *load_thread(void *arg)
{
    struct loader *l = arg;
    sqlite3 *db = NULL;
    sqlite3_stmt *q = NULL;
    if (sqlite3_open_v2(bx.db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT status FROM calls WHERE sid = ?1", -1, &q, NULL) !=
            SQLITE_OK) {
        l->failed = LOAD_EACH;
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    int fd = raw_connect("127.0.0.1", l->port);
    for (int i = 0; i < LOAD_EACH; i++) {
        char sid[40];
        snprintf(sid, sizeof sid, "CA%016x%016x", 0xc000 + l->id, i);
        char *req = status_request(sid, "in-progress", 1);
        struct dt_buf b;
        dt_buf_init(&b);
        int sent = raw_send_str(fd, req) == 0 && raw_read(fd, &b, 1, WAIT_MS) == 1;
        free(req);
        if (!sent || status_of(&b) != 200) {
            l->failed++;
        } else {
            l->ok++;
            sqlite3_reset(q);
            sqlite3_bind_text(q, 1, sid, -1, SQLITE_TRANSIENT);
            const unsigned char *st =
                sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_text(q, 0) : NULL;
            if (!st || strcmp((const char *)st, "in-progress") != 0)
                l->missing++;
        }
        dt_buf_done(&b);
    }
    close(fd);
    sqlite3_finalize(q);
    sqlite3_close(db);
    return NULL;
}

static void run_loaders(void *arg)
{
    struct loader *ls = arg;
    pthread_t th[LOAD_THR];
    for (int t = 0; t < LOAD_THR; t++)
        pthread_create(&th[t], NULL, load_thread, &ls[t]);
    for (int t = 0; t < LOAD_THR; t++)
        pthread_join(th[t], NULL);
}

TEST(answered_only_once_stored)
{
    CHECK_INT(setup(), 0);
    struct loader ls[LOAD_THR];
    for (int t = 0; t < LOAD_THR; t++)
        ls[t] = (struct loader){.id = t, .port = server_port(bx.srv)};
    CHECK_INT(net_run_client(bx.loop, run_loaders, ls, 60000), 1);
    int ok = 0, missing = 0, failed = 0;
    for (int t = 0; t < LOAD_THR; t++) {
        ok += ls[t].ok;
        missing += ls[t].missing;
        failed += ls[t].failed;
    }
    struct server_counters c;
    server_get_counters(bx.srv, &c);
    printf("  %d webhooks from %d threads in %llu transactions\n", ok, LOAD_THR,
           (unsigned long long)c.webhook_commits);
    CHECK_INT(ok, LOAD_THR * LOAD_EACH);
    CHECK_INT(failed, 0);
    CHECK_INT(missing, 0);
    CHECK(c.webhook_commits >= 1 && c.webhook_commits <= (uint64_t)ok);
    CHECK_INT(query_long("SELECT count(*) FROM webhook_log"), LOAD_THR * LOAD_EACH);
    CHECK_INT(bx.nseq, LOAD_THR * LOAD_EACH);
    teardown();
}

int main(void)
{
    RUN(together_in_one_transaction_none_lost);
    RUN(answered_only_once_stored);
    return check_done();
}

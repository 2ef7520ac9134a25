/*
 * Tests for push, the websocket /api/v1/events, against an in-process server (no Twilio
 * client) with wsc clients on the same loop: tokens refused with 401, the snapshot, live
 * events in seq order with their format, a reconnect with after_seq getting exactly what it
 * missed before live ones, and a slow client told to resync and dropped; the client count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "push_fixture.h"

#define CONF                                                                                       \
    "[twilio]\naccount_sid = AC0123456789abcdef0123456789abcdef\nauth_token = push-t0ken\n"        \
    "public_base_url = https://dialtone.example.com\n"                                             \
    "[server]\nport = 0\n"                                                                         \
    "[queue \"support\"]\n[queue \"sales\"]\n"

static struct config px_cfg;
static struct store *px_st;
static struct push_fixture px;

static int setup(size_t queue_msgs)
{
    char err[256] = "";
    config_init(&px_cfg);
    if (config_load_string(&px_cfg, "t.conf", CONF, err, sizeof err) != DT_OK ||
        store_open(":memory:", &px_st, err, sizeof err) != DT_OK) {
        printf("  setup: %s\n", err);
        return -1;
    }
    return push_fixture_start(&px, &px_cfg, px_st, queue_msgs);
}

static void teardown(void)
{
    push_fixture_stop(&px);
    store_close(px_st);
    px_st = NULL;
    config_done(&px_cfg);
}

static int connect_as(struct cli *r, const struct wsc_header *auth, const char *query)
{
    return push_fixture_connect(&px, r, auth, query);
}

static void emit(int n)
{
    for (int i = 0; i < n; i++) {
        char data[64];
        snprintf(data, sizeof data, "{\"i\":%d}", i);
        CHECK_INT(server_emit(px.srv, "test.event", data, NULL), DT_OK);
    }
}

/* The seq of message i of r (-1 when it has none). */
static long long seq_of(const struct cli *r, int i)
{
    cJSON *o = cJSON_Parse(r->msgs.data[i]);
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, "seq");
    long long v = cJSON_IsNumber(s) ? (long long)s->valuedouble : -1;
    cJSON_Delete(o);
    return v;
}

static const char *type_of(const struct cli *r, int i, char *buf, size_t n)
{
    cJSON *o = cJSON_Parse(r->msgs.data[i]);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "type");
    dt_strlcpy(buf, cJSON_IsString(t) ? t->valuestring : "", n);
    cJSON_Delete(o);
    return buf;
}

TEST(bad_tokens_refused)
{
    CHECK_INT(setup(0), 0);
    static const struct wsc_header bad = {.name = "Authorization", .value = "Bearer dt_nope"};
    static const struct wsc_header basic = {.name = "Authorization", .value = "Basic YTpi"};
    const struct wsc_header *auths[] = {&bad, &basic, NULL};
    for (int i = 0; i < 3; i++) {
        struct cli r;
        CHECK_INT(connect_as(&r, auths[i], NULL), 0);
        loop_until_ge(px.loop, &r.closed, 1, 3000);
        CHECK_INT(r.closed, 1);
        CHECK_INT(r.info.opened, 0);
        CHECK_INT(r.info.http_status, 401);
        CHECK_INT(r.msgs.n, 0);
        cli_done(&r);
    }
    struct cli r; /* a good token with a bad after_seq */
    CHECK_INT(connect_as(&r, &px.hdr, "?after_seq=x1"), 0);
    loop_until_ge(px.loop, &r.closed, 1, 3000);
    CHECK_INT(r.info.http_status, 400);
    cli_done(&r);
    CHECK_INT(push_client_count(px.push), 0);
    teardown();
}

TEST(snapshot_then_live_events)
{
    CHECK_INT(setup(0), 0);
    emit(2); /* before the client: not sent without after_seq */
    struct cli r;
    CHECK_INT(connect_as(&r, &px.hdr, NULL), 0);
    CHECK(loop_until_ge(px.loop, &r.msgs.n, 1, 3000));
    char t[32];
    CHECK_STR(type_of(&r, 0, t, sizeof t), "snapshot");
    cJSON *snap = cJSON_Parse(r.msgs.data[0]);
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(snap, "data");
    const cJSON *ag = cJSON_GetObjectItemCaseSensitive(d, "agent");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ag, "name")), "alice");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ag, "state")), "offline");
    CHECK(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(d, "pending")));
    CHECK_INT(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "queues")), 2);
    CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(snap, "seq")), 2);
    cJSON_Delete(snap);
    CHECK_INT(push_client_count(px.push), 1);
    emit(3);
    CHECK(loop_until_ge(px.loop, &r.msgs.n, 4, 3000));
    for (int i = 1; i < 4; i++)
        CHECK_INT(seq_of(&r, i), 2 + i);
    cJSON *ev = cJSON_Parse(r.msgs.data[1]);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "type")), "test.event");
    const char *ts = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(ev, "ts"));
    CHECK(ts && strlen(ts) == 24 && ts[10] == 'T' && ts[23] == 'Z');
    CHECK_INT((int)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
                  cJSON_GetObjectItemCaseSensitive(ev, "data"), "i")),
              0);
    cJSON_Delete(ev);
    cli_done(&r);
    teardown();
}

TEST(reconnect_gets_what_it_missed)
{
    CHECK_INT(setup(0), 0);
    struct cli a;
    CHECK_INT(connect_as(&a, &px.hdr, "?after_seq=0"), 0);
    CHECK(loop_until_ge(px.loop, &a.msgs.n, 1, 3000));
    emit(5);
    CHECK(loop_until_ge(px.loop, &a.msgs.n, 6, 3000));
    long long last = seq_of(&a, 5);
    CHECK_INT(last, 5);
    cli_done(&a);
    int never = 0;
    net_run_until(px.loop, &never, 30);
    CHECK_INT(push_client_count(px.push), 0);
    emit(3); /* missed: 6, 7, 8 */
    struct cli b;
    CHECK_INT(connect_as(&b, &px.hdr, "?after_seq=5"), 0);
    CHECK(loop_until_ge(px.loop, &b.msgs.n, 4, 3000));
    emit(2); /* live: 9, 10 */
    CHECK(loop_until_ge(px.loop, &b.msgs.n, 6, 3000));
    net_run_until(px.loop, &never, 50);
    CHECK_INT(b.msgs.n, 6);
    char t[32];
    CHECK_STR(type_of(&b, 0, t, sizeof t), "snapshot");
    for (int i = 1; i < b.msgs.n; i++)
        CHECK_INT(seq_of(&b, i), 5 + i);
    cli_done(&b);
    teardown();
}

TEST(slow_client_resync)
{
    CHECK_INT(setup(4), 0);
    emit(40);
    struct cli r;
    CHECK_INT(connect_as(&r, &px.hdr, "?after_seq=0"), 0);
    loop_until_ge(px.loop, &r.closed, 1, 5000);
    CHECK_INT(r.closed, 1);
    CHECK_INT(r.info.code, 1008);
    CHECK(r.msgs.n >= 1);
    char t[32];
    CHECK_STR(type_of(&r, r.msgs.n - 1, t, sizeof t), "resync");
    CHECK(r.msgs.n < 40);
    cli_done(&r);
    teardown();
}

int main(void)
{
    RUN(bad_tokens_refused);
    RUN(snapshot_then_live_events);
    RUN(reconnect_gets_what_it_missed);
    RUN(slow_client_resync);
    return check_done();
}

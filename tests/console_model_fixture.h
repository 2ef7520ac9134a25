/*
 * console_model_fixture: what the console model's tests share: events shaped exactly as the daemon
 * sends them (push.c's envelope, calljson.c's call, api_common.c's agent), a model that has seen
 * its first snapshot, and helpers that apply JSON and keys and check the model's invariants after
 * each step.
 */
#ifndef DIALTONE_TEST_CONSOLE_MODEL_FIXTURE_H
#define DIALTONE_TEST_CONSOLE_MODEL_FIXTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "console/model.h"

#define FX_WALL  INT64_C(1767323045000) /* 2026-01-02T03:04:05Z */
#define FX_MONO  UINT64_C(5000)
#define FX_TS    "2026-01-02T03:04:05.678Z"
#define FX_AGENT "alice"

static char fx_buf[8192];

/* A call as calljson_new writes it. error is JSON text ("null" or an object). */
static inline const char *fx_call(const char *sid, const char *name, const char *from,
                                  const char *to, const char *queue, const char *status,
                                  const char *error)
{
    static char b[3][2048];
    static int k;
    char *o = b[k++ % 3];
    snprintf(o, sizeof b[0],
             "{\"sid\":\"%s\",\"parent_sid\":null,\"direction\":\"%s\",\"from\":\"%"
             "s\","
             "\"to\":\"%s\",\"caller_name\":%s%s%s,\"queue\":%s%s%s,\"agent\":null,"
             "\"conference\":null,\"conference_sid\":null,\"status\":\"%s\","
             "\"outcome\":null,"
             "\"answered_by\":null,\"queue_result\":null,\"queue_time\":null,"
             "\"duration\":null,"
             "\"price\":null,\"price_unit\":null,\"error\":%s,\"recording\":null,"
             "\"created_ms\":%lld,\"answered_ms\":null,\"ended_ms\":null,\"updated_"
             "ms\":%lld}",
             sid, queue ? "inbound" : "outbound-api", from, to, name ? "\"" : "",
             name ? name : "null", name ? "\"" : "", queue ? "\"" : "", queue ? queue : "null",
             queue ? "\"" : "", status, error ? error : "null", (long long)(FX_WALL - 20000),
             (long long)FX_WALL);
    return o;
}

static inline void fx_check(const struct model *m)
{
    char err[256] = "";
    int rc = model_check(m, err, sizeof err);
    if (rc != 0)
        printf("  invariant: %s\n", err);
    CHECK_INT(rc, 0);
}

/* Applies the JSON text (printf format) as a websocket message; returns model_apply_event's result,
 * or -100 when the text does not parse. */
static inline int fx_event(struct model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int fx_event(struct model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fx_buf, sizeof fx_buf, fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_Parse(fx_buf);
    if (!j) {
        printf("  bad test JSON: %s\n", fx_buf);
        return -100;
    }
    int rc = model_apply_event(m, j);
    cJSON_Delete(j);
    fx_check(m);
    return rc;
}

/* An event {"seq", "type", "ts", "data"} as push.c frames it. */
#define FX_EV(m, seq, type, datafmt, ...)                                                          \
    fx_event((m), "{\"seq\":%d,\"type\":\"%s\",\"ts\":\"" FX_TS "\",\"data\":" datafmt "}", (seq), \
             (type), __VA_ARGS__)

static inline const char *fx_agent(const char *state, const char *reason)
{
    static char b[512];
    snprintf(b, sizeof b,
             "{\"name\":\"" FX_AGENT "\",\"role\":\"agent\",\"endpoint\":\"client:alice\","
             "\"state\":\"%s\",\"reason\":%s%s%s,\"since\":\"" FX_TS "\",\"since_ms\":%lld,"
             "\"queues\":[\"support\",\"sales\"]}",
             state, reason ? "\"" : "", reason ? reason : "null", reason ? "\"" : "",
             (long long)FX_WALL);
    return b;
}

static inline int fx_snapshot(struct model *m, int seq, const char *state, const char *pending)
{
    return fx_event(m,
                    "{\"type\":\"snapshot\",\"seq\":%d,\"ts\":\"" FX_TS "\",\"data\":{\"agent\":%s,"
                    "\"pending\":[%s],\"queues\":[{\"name\":\"support\",\"routing\":"
                    "\"ringall\","
                    "\"waiting\":1,\"longest_wait_s\":20,\"agents_available\":1},{\"name\":"
                    "\"sales\",\"routing\":\"longest-idle\",\"waiting\":0,\"longest_wait_s\":"
                    "0,"
                    "\"agents_available\":0},{\"name\":\"billing\",\"routing\":\"ringall\","
                    "\"waiting\":3,\"longest_wait_s\":9,\"agents_available\":2}]}}",
                    seq, fx_agent(state, NULL), pending);
}

/* A model that saw a snapshot: alice, available, in support and sales; Ann Lee waiting. */
static inline struct model *fx_new(void)
{
    struct model *m = model_new();
    model_tick(m, FX_MONO, FX_WALL);
    model_resize(m, 30, 100);
    fx_snapshot(
        m, 10, "available",
        fx_call("CA1", "Ann Lee", "+14155550123", "+15005550006", "support", "in-progress", NULL));
    /* the first snapshot asks for GET /api/v1/me, for the dispositions */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/me");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    cJSON *me = cJSON_Parse(fx_agent("available", NULL));
    cJSON *ds = cJSON_AddArrayToObject(me, "dispositions");
    static const char *const codes[][2] = {{"resolved", "Resolved"},
                                           {"follow-up", "Follow-up needed"},
                                           {"escalated", "Escalated"},
                                           {"wrong-number", "Wrong number"}};
    for (size_t i = 0; i < 4; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "code", codes[i][0]);
        cJSON_AddStringToObject(d, "label", codes[i][1]);
        cJSON_AddItemToArray(ds, d);
    }
    model_apply_result(m, cmds[0].tag, 200, me, NULL);
    cJSON_Delete(me);
    CHECK(m->me_loaded);
    fx_check(m);
    return m;
}

static inline int fx_pending(struct model *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline int fx_pending(struct model *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fx_buf, sizeof fx_buf, fmt, ap);
    va_end(ap);
    cJSON *j = cJSON_Parse(fx_buf);
    if (!j) {
        printf("  bad test JSON: %s\n", fx_buf);
        return -100;
    }
    int rc = model_apply_pending(m, j);
    cJSON_Delete(j);
    fx_check(m);
    return rc;
}

/* Feeds one key with its action; the commands go to cmds (MODEL_CMDS_MAX). */
static inline int fx_key(struct model *m, int key, enum km_action a, struct model_cmd *cmds)
{
    int n = model_apply_key(m, key, a, cmds, MODEL_CMDS_MAX);
    fx_check(m);
    return n;
}

/* Types text, one code point per byte (ASCII) as the terminal would. */
static inline void fx_type(struct model *m, const char *text)
{
    struct model_cmd cmds[MODEL_CMDS_MAX];
    for (const char *p = text; *p; p++)
        fx_key(m, (unsigned char)*p, KA_NONE, cmds);
}

/* The answer to a command: body JSON text or NULL. */
static inline void fx_result(struct model *m, int tag, int status, const char *body,
                             const char *err)
{
    cJSON *j = body ? cJSON_Parse(body) : NULL;
    if (body && !j)
        printf("  bad test JSON: %s\n", body);
    model_apply_result(m, tag, status, j, err);
    cJSON_Delete(j);
    fx_check(m);
}

/* 1 when some toast contains text. */
static inline int fx_toast_has(const struct model *m, const char *text)
{
    for (size_t i = 0; i < m->n_toasts; i++)
        if (strstr(m->toasts[i].text, text))
            return 1;
    return 0;
}

#endif

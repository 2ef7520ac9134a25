/*
 * console_alerts_fixture: what the tests of the supervisors' alerts and bad-number screens
 * share: a supervisor's model that saw its snapshot and the answer to GET /api/v1/me (so the
 * alerts are due), answers shaped as api_alerts.c and api_numbers.c write them, and keys
 * looked up in the default keymap as the app looks them up.
 */
#ifndef DIALTONE_TEST_CONSOLE_ALERTS_FIXTURE_H
#define DIALTONE_TEST_CONSOLE_ALERTS_FIXTURE_H

#include "console_model_fixture.h"
#include "console/keymap.h"

/* Two rules firing, three transitions (newest first), as GET /api/v1/alerts answers. */
static const char ax_alerts[] =
    "{\"firing\":[{\"rule\":\"error_code\",\"kind\":\"error_code\",\"since_ms\":1767322985000,"
    "\"message\":\"error 31005 ended 3 calls in 15 min, more than 1\"},"
    "{\"rule\":\"answer_rate\",\"kind\":\"answer_rate\",\"since_ms\":1767322900000,"
    "\"message\":\"answer rate 40% under 80%\"}],"
    "\"recent\":[{\"rule\":\"error_code\",\"kind\":\"error_code\",\"state\":\"fired\","
    "\"firing\":true,\"at_ms\":1767322985000,\"at\":\"2026-01-02T03:03:05.000Z\",\"value\":3,"
    "\"message\":\"error 31005 ended 3 calls in 15 min, more than 1\",\"id\":3},"
    "{\"rule\":\"answer_rate\",\"kind\":\"answer_rate\",\"state\":\"fired\",\"firing\":true,"
    "\"at_ms\":1767322900000,\"at\":\"2026-01-02T03:01:40.000Z\",\"value\":0.4,"
    "\"message\":\"answer rate 40% under 80%\",\"id\":2},"
    "{\"rule\":\"recording\",\"kind\":\"recording\",\"state\":\"cleared\",\"firing\":false,"
    "\"at_ms\":1767322000000,\"at\":\"2026-01-02T02:46:40.000Z\",\"value\":0,"
    "\"message\":\"recordings back to normal\",\"id\":1}]}";

/* A number as api_numbers.c's number_json writes it. */
static inline const char *ax_number(const char *number, const char *reason, int code, int count,
                                    const char *last_seen)
{
    static char b[4][512];
    static int k;
    char *o = b[k++ % 4];
    snprintf(o, sizeof b[0],
             "{\"number\":\"%s\",\"state\":\"flagged\",\"reason\":\"%s\",\"code\":%d,"
             "\"count\":%d,\"in_row\":%d,\"first_seen\":\"2026-01-01T10:00:00.000Z\","
             "\"last_seen\":\"%s\"}",
             number, reason, code, count, count, last_seen);
    return o;
}

/* n copies of ch, terminated (a static buffer, at most 6000): text far longer than any field. */
static inline const char *ax_huge(char ch, size_t n)
{
    static char b[6001];
    n = n < sizeof b - 1 ? n : sizeof b - 1;
    memset(b, ch, n);
    b[n] = '\0';
    return b;
}

static struct keymap *ax_km;

/* A supervisor "sue", live, after the snapshot and GET /api/v1/me; the GET /api/v1/alerts
 * that is then due is checked and left unanswered when answer is NULL, else answered. */
static inline struct model *ax_supervisor(const char *answer)
{
    struct model *m = model_new();
    model_tick(m, FX_MONO, FX_WALL);
    model_resize(m, 30, 100);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    const char *agent = "{\"name\":\"sue\",\"role\":\"supervisor\",\"endpoint\":\"client:sue\","
                        "\"state\":\"offline\",\"reason\":null,\"since_ms\":1767323000000,"
                        "\"queues\":[\"support\"]}";
    fx_event(m,
             "{\"type\":\"snapshot\",\"seq\":10,\"ts\":\"" FX_TS "\",\"data\":{\"agent\":%s,"
             "\"pending\":[],\"queues\":[]}}",
             agent);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1); /* /me first: the role is sure */
    CHECK_STR(cmds[0].path, "/api/v1/me");
    fx_result(m, cmds[0].tag, 200, agent, NULL);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/alerts");
    CHECK(m->alerts.fetch.asking);
    if (answer)
        fx_result(m, cmds[0].tag, 200, answer, NULL);
    return m;
}

/* A key as the app gives it: looked up in the default keymap in the model's context. */
static inline int ax_key(struct model *m, int key, struct model_cmd *cmds)
{
    if (!ax_km)
        ax_km = km_new();
    return fx_key(m, key, km_lookup(ax_km, model_key_context(m), key), cmds);
}

static inline void ax_type(struct model *m, const char *text)
{
    struct model_cmd cmds[MODEL_CMDS_MAX];
    for (const char *p = text; *p; p++)
        CHECK_INT(ax_key(m, (unsigned char)*p, cmds), 0);
}

#endif

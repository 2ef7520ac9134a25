/*
 * fuzz_sim_rest: arbitrary requests to the emulator's REST layer and control API, on a small
 * engine. The input is up to 8 requests separated by the byte 0x1e; each is four lines,
 * METHOD, PATH, QUERY, then the BODY (the rest). A METHOD starting with '!' is sent without
 * credentials. Paths under /sim/ go to the control API. Between requests the engine's TwiML
 * fetches are answered (with TwiML that enqueues, joins a conference, records or hangs up) and
 * the clock moves a second. Every answer must be a status with a JSON body (none for 204)
 * that cJSON parses; anything else aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "dialtone/sim.h"
#include "dialtone/sim_control.h"
#include "dialtone/sim_rest.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define FZ_TOKEN   "fuzz-token"
#define FZ_MAX_REQ 8

static const char *const fz_twiml[] = {
    "<Response><Enqueue>support</Enqueue></Response>",
    "<Response><Dial><Conference>room</Conference></Dial></Response>",
    "<Response><Record maxLength=\"2\"/></Response>",
    "<Response><Pause length=\"5\"/><Hangup/></Response>",
};

static uint64_t fz_pending[64];
static size_t fz_npending;

static void fz_http(void *ctx, const struct sim_http_req *req)
{
    (void)ctx;
    if (fz_npending < sizeof fz_pending / sizeof fz_pending[0])
        fz_pending[fz_npending++] = req->id;
}

static void fz_answer(struct sim *s)
{
    for (int round = 0; round < 4 && fz_npending; round++) {
        uint64_t ids[64];
        size_t n = fz_npending;
        memcpy(ids, fz_pending, n * sizeof ids[0]);
        fz_npending = 0;
        for (size_t i = 0; i < n; i++) {
            const char *t = fz_twiml[ids[i] % 4];
            sim_http_done(s, ids[i], 200, "text/xml", t, strlen(t), NULL);
        }
    }
}

static void fz_scenario(struct sim_scenario *sc)
{
    sim_scenario_init(sc);
    free(sc->account_sid);
    free(sc->auth_token);
    sc->account_sid = xstrdup(FZ_ACCOUNT);
    sc->auth_token = xstrdup(FZ_TOKEN);
    sc->numbers = xcalloc(1, sizeof *sc->numbers);
    sc->n_numbers = 1;
    sc->numbers[0].number = xstrdup("+14155550100");
    sc->numbers[0].voice_url = xstrdup("https://app.test/voice");
    sc->numbers[0].voice_method = xstrdup("POST");
}

/* Splits req[0..n) at the first newline: *line gets a NUL-terminated copy of the part before. */
static const char *take_line(const char *p, const char *end, char **line)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *stop = nl ? nl : end;
    *line = xstrndup(p, (size_t)(stop - p));
    return nl ? nl + 1 : end;
}

static void check_resp(const struct sim_rest_resp *r)
{
    if (r->status < 200 || r->status > 599)
        abort();
    if (r->status == 204) {
        if (r->body)
            abort();
        return;
    }
    cJSON *j = r->body ? cJSON_Parse(r->body) : NULL;
    if (!cJSON_IsObject(j))
        abort();
    cJSON_Delete(j);
}

static void one_request(struct sim *s, struct sim_scenario *sc, struct sim_control *ctl,
                        const char *p, const char *end, const char *auth)
{
    char *method, *path, *query;
    p = take_line(p, end, &method);
    p = take_line(p, end, &path);
    p = take_line(p, end, &query);
    int anon = method[0] == '!';
    struct sim_rest_req req = {.method = method + anon,
                               .path = path,
                               .query = query,
                               .body = p,
                               .body_len = (size_t)(end - p),
                               .content_type = "application/x-www-form-urlencoded",
                               .authorization = anon ? NULL : auth};
    struct sim_rest_resp resp;
    if (strncmp(path, "/sim/", 5) == 0) {
        req.content_type = "application/json";
        sim_control_handle(ctl, &req, &resp);
    } else {
        sim_rest_handle(s, sc, &req, &resp);
    }
    check_resp(&resp);
    sim_rest_resp_done(&resp);
    free(method);
    free(path);
    free(query);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 200000)
        return 0;
    struct sim_scenario sc;
    fz_scenario(&sc);
    int64_t now = 1796119200000LL;
    struct sim_host host = {.http = fz_http};
    fz_npending = 0;
    struct sim *s = sim_new(&sc, &host, now);
    struct sim_control ctl = {.sim = s, .sc = &sc};
    char auth[128] = "Basic ";
    const char *raw = FZ_ACCOUNT ":" FZ_TOKEN;
    EVP_EncodeBlock((unsigned char *)auth + 6, (const unsigned char *)raw, (int)strlen(raw));

    const char *p = (const char *)data, *end = p + size;
    for (int i = 0; i < FZ_MAX_REQ && p < end; i++) {
        const char *sep = memchr(p, 0x1e, (size_t)(end - p));
        const char *stop = sep ? sep : end;
        one_request(s, &sc, &ctl, p, stop, auth);
        fz_answer(s);
        now += 1000;
        sim_advance(s, now);
        fz_answer(s);
        p = sep ? sep + 1 : end;
    }
    sim_free(s);
    sim_scenario_done(&sc);
    return 0;
}

/*
 * fuzz_sim_twiml: random bytes as the TwiML of calls in the voice engine. An inbound caller
 * (who types digits and has little patience), an outbound call and a conference participant
 * fetch their documents; every TwiML request of the run (actions, redirects, waitUrls) gets
 * the input as its answer. Emulated time goes on, with a bounded number of steps, until the
 * calls end; then the engine is freed. It must never crash, leak or hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/sim.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"

#define MAX_STEPS 400
#define MAX_REQS  256

struct fz {
    struct sim *sim;
    uint64_t ids[MAX_REQS];
    int twiml[MAX_REQS];
    size_t n, dropped;
    int64_t now;
};

static void on_http(void *ctx, const struct sim_http_req *r)
{
    struct fz *z = ctx;
    if (z->n == MAX_REQS) {
        z->dropped++; /* never answered: the engine must cope with that too */
        return;
    }
    z->ids[z->n] = r->id;
    z->twiml[z->n++] = r->wants_twiml;
}

static void answer_all(struct fz *z, const uint8_t *data, size_t size)
{
    for (int round = 0; round < 8 && z->n; round++) {
        size_t n = z->n;
        uint64_t ids[MAX_REQS];
        int twiml[MAX_REQS];
        memcpy(ids, z->ids, n * sizeof *ids);
        memcpy(twiml, z->twiml, n * sizeof *twiml);
        z->n = 0;
        for (size_t i = 0; i < n; i++) {
            if (twiml[i])
                sim_http_done(z->sim, ids[i], 200, "text/xml", (const char *)data, size, NULL);
            else
                sim_http_done(z->sim, ids[i], 200, "text/plain", "", 0, NULL);
        }
    }
}

static void add(struct sim_scenario *sc, const char *pattern, enum sim_answer a, double ring,
                double talk)
{
    sc->endpoints = xrealloc(sc->endpoints, (sc->n_endpoints + 1) * sizeof *sc->endpoints);
    struct sim_endpoint *e = &sc->endpoints[sc->n_endpoints++];
    memset(e, 0, sizeof *e);
    e->pattern = xstrdup(pattern);
    e->answer = a;
    e->ring_s = e->ring_max_s = ring;
    e->talk_s = talk;
    e->digits = xstrdup("5#");
}

static void scenario(struct sim_scenario *sc)
{
    sim_scenario_init(sc);
    sc->account_sid = xstrdup("AC0123456789abcdef0123456789abcdef");
    sc->auth_token = xstrdup("token");
    sc->numbers = xcalloc(1, sizeof *sc->numbers);
    sc->n_numbers = 1;
    sc->numbers[0].number = xstrdup("+14155550100");
    sc->numbers[0].voice_url = xstrdup("https://h.example/voice");
    sc->numbers[0].status_callback = xstrdup("https://h.example/status");
    add(sc, "client:*", DT_SIM_ANSWER_HUMAN, 1, 40);
    add(sc, "+1510*", DT_SIM_ANSWER_MACHINE, 2, 30);
    add(sc, "+1999*", DT_SIM_ANSWER_BUSY, 1, 0);
    sc->arrivals.patience_min_s = 20;
    sc->arrivals.patience_max_s = 90;
    sc->arrivals.talk_min_s = 10;
    sc->arrivals.talk_max_s = 60;
    sc->arrivals.digits = xstrdup("1234#9");
    sc->arrivals.record_s = 3;
}

static void place_calls(struct fz *z)
{
    const struct sim_call *c;
    struct sim_err e;
    sim_inbound_call(z->sim, "+14085550199", "+14155550100", "Fuzz", -1, NULL, &c, &e);
    struct form f;
    form_init(&f);
    form_add(&f, "To", "+15105550123");
    form_add(&f, "From", "+14155550100");
    form_add(&f, "Url", "https://h.example/out");
    form_add(&f, "StatusCallback", "https://h.example/out-status");
    form_add(&f, "StatusCallbackEvent", "initiated ringing answered completed");
    form_add(&f, "MachineDetection", "Enable");
    sim_call_create(z->sim, &f, &c, &e);
    form_done(&f);
    const struct sim_participant *p;
    form_init(&f);
    form_add(&f, "To", "client:alice");
    form_add(&f, "From", "+14155550100");
    form_add(&f, "ConferenceStatusCallback", "https://h.example/conf");
    form_add(&f, "ConferenceStatusCallbackEvent", "start end join leave");
    sim_participant_create(z->sim, "room", &f, &p, &e);
    form_done(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sim_scenario sc;
    static int ready;
    if (!ready) {
        scenario(&sc);
        ready = 1;
    }
    struct fz z = {.now = 1700000000000LL};
    struct sim_host host = {.ctx = &z, .http = on_http};
    z.sim = sim_new(&sc, &host, z.now);
    place_calls(&z);
    for (int step = 0; step < MAX_STEPS; step++) {
        answer_all(&z, data, size);
        if (step == 40 && sim_call_count(z.sim) > 0) {
            struct sim_err e;
            const struct sim_call *c = sim_call_at(z.sim, sim_call_count(z.sim) - 1);
            sim_press_digits(z.sim, c->sid, "1#", &e);
        }
        int64_t due = sim_next_due(z.sim);
        if (due < 0 && z.n == 0)
            break;
        if (due > z.now)
            z.now = due;
        sim_advance(z.sim, z.now);
        if (sim_live_calls(z.sim) == 0 && z.n == 0)
            break;
    }
    (void)sim_memory_bytes(z.sim);
    sim_free(z.sim);
    return 0;
}

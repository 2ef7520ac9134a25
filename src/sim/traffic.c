/*
 * traffic: the inbound traffic generator of `dialtone sim`. See dialtone/sim_traffic.h.
 *
 * Gaps between random arrivals are exponential with mean 60 / rate_per_min seconds, drawn by
 * inversion from xoshiro256** (seeded through splitmix64, as its authors advise). Callers a
 * scenario does not list are made up from fictional numbers (North American 555-01XX lines
 * and the UK's 020 7946 0XXX drama range), each number always with the same name.
 */
#include "dialtone/sim_traffic.h"
#include "dialtone/util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Random arrivals further out than this (about 30,000 years) never come. */
#define TRAFFIC_HORIZON_S 1e12

static const char *const caller_names[] = {
    "Maria Garcia",
    "James Smith",
    "Wei Chen",
    "Aisha Khan",
    "Olivia Johnson",
    "Mohammed Ali",
    "Sofia Rossi",
    "Liam O'Brien",
    "Priya Patel",
    "Noah Williams",
    "Yuki Tanaka",
    "Emma Brown",
    "Carlos Ruiz",
    "Fatima Zahra",
    "Lucas Martin",
    "Chloe Dubois",
    "Ivan Petrov",
    "Ama Mensah",
    "Daniel Kim",
    "Grace Lee",
    "Mateo Lopez",
    "Zo\xc3\xab M\xc3\xbcller",
    "Hannah Schmidt",
    "Oluwaseun Adeyemi",
    "Nguy\xe1\xbb\x85n V\xc4\x83n An",
    "Isabella Silva",
    "Ethan Davis",
    "Mia Wilson",
    "Ravi Shankar",
    "Sara Cohen",
    "Jack Taylor",
    "Amelia Clarke",
    "Diego Torres",
    "Leila Haddad",
    "Kenji Sato",
    "Ana Kowalski",
    "Tom Anderson",
    "Nina Johansson",
    "Omar Farouk",
    "Rachel Green",
    "Samuel Okafor",
    "Elena Popescu",
    "Ben Carter",
    "Jasmine Wong",
    "Patrick Murphy",
    "Luc\xc3\xad\x61 Fern\xc3\xa1ndez",
    "Ahmed Hassan",
    "Kate Morgan",
    "Arjun Mehta",
    "Ingrid Larsen",
    "David Levi",
    "Mei Lin",
};

static const char *const area_codes[] = {
    "415", "510", "650", "408", "212", "646", "312", "617",
    "206", "503", "303", "512", "305", "404", "213", "702",
};

/* Uniform in [lo, hi]; always one draw, so that the stream does not depend on the range. */
static double between(struct dt_rng *s, double lo, double hi)
{
    double u = rng_uniform(s);
    return hi > lo ? lo + u * (hi - lo) : lo;
}

/* An exponential gap in seconds for rate_per_min arrivals per minute. */
static double gap(struct dt_rng *s, double rate_per_min)
{
    double u = rng_uniform(s); /* 1 - u is in (0, 1]: its log is finite */
    return -log(1.0 - u) * 60.0 / rate_per_min;
}

/* ---- callers --------------------------------------------------------------------------------- */

/* A made-up caller: a fictional number, and the name that number always has (none for a few,
 * and a carrier's "WIRELESS CALLER" for some, as real caller ID shows). */
static void make_caller(struct sim_traffic *t, struct sim_arrival *out)
{
    uint64_t pick = rng_next(&t->draws);
    unsigned line = (unsigned)((pick >> 8) % 1000);
    if (pick % 5 == 0) {
        snprintf(t->from, sizeof t->from, "+442079460%03u", line);
    } else {
        size_t a = (size_t)((pick >> 24) % (sizeof area_codes / sizeof area_codes[0]));
        snprintf(t->from, sizeof t->from, "+1%s55501%02u", area_codes[a], line % 100);
    }
    uint64_t h = 0;
    for (const char *p = t->from; *p; p++)
        h = h * 31 + (unsigned char)*p;
    uint64_t who = rng_splitmix64(&h) % 64;
    size_t n_names = sizeof caller_names / sizeof caller_names[0];
    out->name = NULL;
    if (who < n_names) {
        dt_strlcpy(t->name, caller_names[who], sizeof t->name);
        out->name = t->name;
    } else if (who < n_names + 6) {
        dt_strlcpy(t->name, "WIRELESS CALLER", sizeof t->name);
        out->name = t->name;
    }
    out->from = t->from;
}

static void pick_caller(struct sim_traffic *t, struct sim_arrival *out)
{
    const struct sim_scenario *sc = t->sc;
    if (sc->n_callers == 0) {
        make_caller(t, out);
        return;
    }
    size_t i;
    if (sc->arrivals.pick_in_order) {
        i = t->caller_i++ % sc->n_callers;
    } else {
        i = (size_t)(rng_uniform(&t->draws) * (double)sc->n_callers);
        if (i >= sc->n_callers)
            i = sc->n_callers - 1;
    }
    out->from = sc->callers[i].number;
    out->name = sc->callers[i].name;
}

/* ---- the generator --------------------------------------------------------------------------- */

void sim_traffic_init(struct sim_traffic *t, const struct sim_scenario *sc, int64_t start_ms)
{
    memset(t, 0, sizeof *t);
    t->sc = sc;
    t->start_ms = start_ms;
    uint64_t x = sc->seed;
    rng_seed_from(&t->gaps, &x);
    rng_seed_from(&t->draws, &x);
    t->next_s = -1;
    if (sc->arrivals.rate_per_min > 0 && sc->arrivals.to) {
        t->next_s = gap(&t->gaps, sc->arrivals.rate_per_min);
        if (t->next_s > TRAFFIC_HORIZON_S)
            t->next_s = -1;
    }
}

static int64_t to_ms(const struct sim_traffic *t, double s)
{
    return t->start_ms + (int64_t)(s * 1000.0 + 0.5);
}

int sim_traffic_next(struct sim_traffic *t, struct sim_arrival *out)
{
    const struct sim_scenario *sc = t->sc;
    const struct sim_arrivals *a = &sc->arrivals;
    if (a->max_calls > 0 && t->count >= (uint64_t)a->max_calls)
        return 0;
    const struct sim_script_call *c = t->script_i < sc->n_script ? &sc->script[t->script_i] : NULL;
    if (!c && t->next_s < 0)
        return 0;
    memset(out, 0, sizeof *out);
    if (c && (t->next_s < 0 || c->at_s <= t->next_s)) {
        t->script_i++;
        out->at_ms = to_ms(t, c->at_s);
        out->from = c->from;
        out->to = c->to;
        out->name = c->name;
        out->patience_s = c->patience_s >= 0
                              ? c->patience_s
                              : between(&t->draws, a->patience_min_s, a->patience_max_s);
        out->digits = c->digits ? c->digits : a->digits;
        out->scripted = 1;
    } else {
        out->at_ms = to_ms(t, t->next_s);
        pick_caller(t, out);
        out->to = a->to;
        out->patience_s = between(&t->draws, a->patience_min_s, a->patience_max_s);
        out->digits = a->digits;
        t->next_s += gap(&t->gaps, a->rate_per_min);
        if (t->next_s > TRAFFIC_HORIZON_S)
            t->next_s = -1;
    }
    t->count++;
    return 1;
}

/*
 * sim_traffic: a scenario's inbound traffic as a sequence of arrivals in emulated time. Random
 * arrivals form a Poisson process at [arrivals] rate_per_min, scripted calls ([script]) come at
 * their times, both merged in time order and cut off after max_calls. Pure and deterministic:
 * the same scenario and seed give the same arrivals. The host arms a timer for each arrival's
 * at_ms and then places the call with sim_inbound_call, passing the arrival's fields.
 */
#ifndef DIALTONE_SIM_TRAFFIC_H
#define DIALTONE_SIM_TRAFFIC_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/rng.h"
#include "dialtone/sim_scenario.h"

/* One inbound call to place. The strings are borrowed from the scenario or from the
 * generator, valid until the next sim_traffic_next on the same generator. */
struct sim_arrival {
    int64_t at_ms;      /* emulated time of the call */
    const char *from;   /* E.164 */
    const char *to;     /* the scenario's number it calls */
    const char *name;   /* CallerName, NULL = none */
    double patience_s;  /* seconds the caller waits in a queue before hanging up; 0 = forever */
    const char *digits; /* digits the caller presses at a <Gather>, NULL = none */
    int scripted;       /* 1: a [script] call, 0: a random arrival */
};

/*
 * The generator, held by value (no resources: nothing to free). Two xoshiro256** streams
 * seeded from the scenario's seed through splitmix64: one draws the gaps between random
 * arrivals, the other everything else (callers, patience), so that adding a scripted call
 * does not move the random arrivals.
 */
struct sim_traffic {
    const struct sim_scenario *sc; /* borrowed: must outlive the generator */
    struct dt_rng gaps, draws;    /* PRNG states */
    int64_t start_ms;
    double next_s;   /* the next random arrival, seconds after start; < 0: none */
    size_t script_i; /* the next scripted call */
    uint64_t count;  /* arrivals given so far */
    size_t caller_i; /* the next caller when pick = in-order */
    char from[20];   /* a generated caller's number and name */
    char name[64];
};

/* Starts the traffic of sc at emulated time start_ms (scripted times count from there). */
void sim_traffic_init(struct sim_traffic *t, const struct sim_scenario *sc, int64_t start_ms);

/*
 * The next arrival, in time order, into *out: returns 1, or 0 when there is none (no random
 * arrivals and the script is done, or max_calls reached). Random callers come from [callers]
 * (at random, or in order with pick = in-order), or when it lists none from a generated set of
 * believable callers on fictional numbers; patience is drawn uniformly from the scenario's
 * range unless a scripted call gives its own; digits default to the scenario's.
 */
int sim_traffic_next(struct sim_traffic *t, struct sim_arrival *out);

#endif

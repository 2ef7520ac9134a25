/*
 * rng: dialtone's deterministic pseudo-random numbers, for the emulator's sids, timings and
 * traffic: xoshiro256** (fast, 256 bits of state, good statistical quality) seeded through
 * splitmix64, as its authors advise. Not for secrets: tokens come from OpenSSL's RAND_bytes.
 */
#ifndef DIALTONE_RNG_H
#define DIALTONE_RNG_H

#include <stdint.h>

/* A generator's state, held by value. All-zero is not a valid state: seed it first. */
struct dt_rng {
    uint64_t s[4];
};

/* One splitmix64 step: advances *x and returns the next value of its sequence. */
uint64_t rng_splitmix64(uint64_t *x);

/* Seeds r with the next four values of the splitmix64 sequence at *x (which advances), so
 * that several generators can be seeded one after the other from one seed. */
void rng_seed_from(struct dt_rng *r, uint64_t *x);

/* The next 64 random bits. */
uint64_t rng_next(struct dt_rng *r);

/* Uniform in [0, 1), with 53 random bits. */
double rng_uniform(struct dt_rng *r);

#endif

/* Tests for rng: splitmix64's published sequence, seeding, xoshiro256** determinism, range. */
#include "check.h"
#include "dialtone/rng.h"

TEST(splitmix64_reference_values)
{
    /* The first outputs of splitmix64 from 0, as its reference implementation prints them. */
    uint64_t x = 0;
    CHECK(rng_splitmix64(&x) == 0xe220a8397b1dcdafULL);
    CHECK(rng_splitmix64(&x) == 0x6e789e6aa1b965f4ULL);
    CHECK(rng_splitmix64(&x) == 0x06c45d188009454fULL);
    CHECK(rng_splitmix64(&x) == 0xf88bb8a8724c81ecULL);
}

TEST(seed_from_advances_the_sequence)
{
    uint64_t x = 42, y = 42;
    struct dt_rng a, b;
    rng_seed_from(&a, &x);
    rng_seed_from(&b, &x);
    for (int i = 0; i < 4; i++)
        CHECK(a.s[i] == rng_splitmix64(&y));
    for (int i = 0; i < 4; i++)
        CHECK(b.s[i] == rng_splitmix64(&y));
}

TEST(xoshiro_step_matches_the_algorithm)
{
    /* One step by hand from a simple state: result = rotl(s1 * 5, 7) * 9. */
    struct dt_rng r = {{1, 2, 3, 4}};
    CHECK(rng_next(&r) == 11520);
    CHECK(r.s[0] == 7 && r.s[1] == 0 && r.s[2] == 262146);
    CHECK(r.s[3] == (6ULL << 45 | 6ULL >> 19));
}

TEST(same_seed_same_stream_and_uniform_range)
{
    uint64_t x = 7, y = 7;
    struct dt_rng a, b;
    rng_seed_from(&a, &x);
    rng_seed_from(&b, &y);
    int differ = 0;
    double lo = 1, hi = 0;
    for (int i = 0; i < 10000; i++) {
        double u = rng_uniform(&a);
        differ |= u != rng_uniform(&b);
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    CHECK(!differ);
    CHECK(lo >= 0 && lo < 0.01);
    CHECK(hi < 1 && hi > 0.99);
}

int main(void)
{
    RUN(splitmix64_reference_values);
    RUN(seed_from_advances_the_sequence);
    RUN(xoshiro_step_matches_the_algorithm);
    RUN(same_seed_same_stream_and_uniform_range);
    return check_done();
}

/* Tests for the traffic generator: determinism by seed, the statistics of the Poisson
 * arrivals, the script merged in time order, max_calls, callers and patience. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/sim_traffic.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#define NUM "[number \"+14155550100\"]\n[number \"+14155550101\"]\n"

static char err[512];

static void load(struct sim_scenario *sc, const char *text)
{
    sim_scenario_init(sc);
    int rc = sim_scenario_load_string(sc, "t.ini", text, err, sizeof err);
    CHECK_INT(rc, 0);
    if (rc)
        printf("    error: %s\n", err);
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

TEST(same_seed_same_traffic)
{
    struct sim_scenario sc;
    load(&sc, NUM "[scenario]\nseed = 42\n[arrivals]\nrate_per_min = 20\npatience = 10-100\n"
                  "[script]\ncall = 30 +14155550123 -> +14155550101\n");
    struct sim_traffic a, b;
    sim_traffic_init(&a, &sc, 1000);
    sim_traffic_init(&b, &sc, 1000);
    for (int i = 0; i < 2000; i++) {
        struct sim_arrival x, y;
        CHECK_INT(sim_traffic_next(&a, &x), 1);
        CHECK_INT(sim_traffic_next(&b, &y), 1);
        if (x.at_ms != y.at_ms || !same_str(x.from, y.from) || !same_str(x.name, y.name) ||
            x.patience_s != y.patience_s || !same_str(x.to, y.to) || x.scripted != y.scripted) {
            CHECK(!"arrivals differ");
            break;
        }
    }
    sim_scenario_done(&sc);
}

TEST(different_seed_different_traffic)
{
    struct sim_scenario s1, s2;
    load(&s1, NUM "[scenario]\nseed = 1\n[arrivals]\nrate_per_min = 20\n");
    load(&s2, NUM "[scenario]\nseed = 2\n[arrivals]\nrate_per_min = 20\n");
    struct sim_traffic a, b;
    sim_traffic_init(&a, &s1, 0);
    sim_traffic_init(&b, &s2, 0);
    int same_time = 0, same_from = 0;
    for (int i = 0; i < 100; i++) {
        struct sim_arrival x, y;
        CHECK_INT(sim_traffic_next(&a, &x), 1);
        CHECK_INT(sim_traffic_next(&b, &y), 1);
        same_time += x.at_ms == y.at_ms;
        same_from += strcmp(x.from, y.from) == 0;
    }
    CHECK(same_time < 5);
    CHECK(same_from < 50);
    sim_scenario_done(&s1);
    sim_scenario_done(&s2);
}

/* Mean and spread of the gaps over 20,000 arrivals: an exponential distribution has its
 * standard deviation equal to its mean, 60 / rate. */
static void check_gaps(uint64_t seed, double rate)
{
    char text[256];
    snprintf(text, sizeof text, NUM "[scenario]\nseed = %llu\n[arrivals]\nrate_per_min = %g\n",
             (unsigned long long)seed, rate);
    struct sim_scenario sc;
    load(&sc, text);
    struct sim_traffic t;
    sim_traffic_init(&t, &sc, 0);
    const int n = 20000;
    double sum = 0, sumsq = 0, prev = 0, shortest = 1e300;
    int below_mean = 0;
    for (int i = 0; i < n; i++) {
        struct sim_arrival a;
        CHECK_INT(sim_traffic_next(&t, &a), 1);
        double g = (double)a.at_ms / 1000.0 - prev;
        prev = (double)a.at_ms / 1000.0;
        CHECK(g >= 0);
        sum += g;
        sumsq += g * g;
        below_mean += g < 60.0 / rate;
        if (g < shortest)
            shortest = g;
    }
    double mean = sum / n, var = sumsq / n - mean * mean, expect = 60.0 / rate;
    CHECK(mean > expect * 0.9 && mean < expect * 1.1);
    CHECK(var > expect * expect * 0.8 && var < expect * expect * 1.2);
    /* P(gap < mean) = 1 - 1/e = 0.632 for an exponential. */
    CHECK(below_mean > n * 0.60 && below_mean < n * 0.66);
    CHECK(shortest < expect * 0.01);
    if (mean <= expect * 0.9 || mean >= expect * 1.1)
        printf("    seed %llu rate %g: mean %g, want %g\n", (unsigned long long)seed, rate, mean,
               expect);
    sim_scenario_done(&sc);
}

TEST(poisson_statistics)
{
    check_gaps(1, 30);
    check_gaps(20260121, 12);
    check_gaps(987654321, 600);
    check_gaps(5, 0.5);
}

TEST(script_merged_in_time_order)
{
    struct sim_scenario sc;
    load(&sc, NUM "[scenario]\nseed = 9\n[arrivals]\nrate_per_min = 6\npatience = 5-6\n"
                  "digits = 1\n"
                  "[script]\n"
                  "call = 2m +14155550123 -> +14155550101 \"Ann\" patience=0 digits=22\n"
                  "call = 0 +14155550124\n"
                  "call = 61.5 +14155550125 patience=7\n"
                  "call = 2m +14155550126\n");
    struct sim_traffic t;
    sim_traffic_init(&t, &sc, 5000);
    struct sim_arrival a;
    int64_t last = -1;
    int scripted = 0, random = 0;
    const char *order[4];
    while (sim_traffic_next(&t, &a) && a.at_ms <= 5000 + 600000) {
        CHECK(a.at_ms >= last);
        last = a.at_ms;
        CHECK(a.from && valid_e164(a.from, strlen(a.from)));
        if (!a.scripted) {
            random++;
            CHECK_STR(a.to, "+14155550100");
            CHECK(a.patience_s >= 5 && a.patience_s <= 6);
            CHECK_STR(a.digits, "1");
            continue;
        }
        if (scripted < 4)
            order[scripted] = a.from;
        scripted++;
        if (strcmp(a.from, "+14155550123") == 0) {
            CHECK_INT(a.at_ms, 5000 + 120000);
            CHECK_STR(a.to, "+14155550101");
            CHECK_STR(a.name, "Ann");
            CHECK(a.patience_s == 0);
            CHECK_STR(a.digits, "22");
        } else if (strcmp(a.from, "+14155550124") == 0) {
            CHECK_INT(a.at_ms, 5000);
            CHECK_STR(a.to, "+14155550100");
            CHECK(a.name == NULL);
            CHECK(a.patience_s >= 5 && a.patience_s <= 6);
            CHECK_STR(a.digits, "1");
        } else if (strcmp(a.from, "+14155550125") == 0) {
            CHECK_INT(a.at_ms, 5000 + 61500);
            CHECK(a.patience_s == 7);
        }
    }
    CHECK_INT(scripted, 4);
    if (scripted == 4) {
        CHECK_STR(order[0], "+14155550124");
        CHECK_STR(order[1], "+14155550125");
        CHECK_STR(order[2], "+14155550123");
        CHECK_STR(order[3], "+14155550126");
    }
    CHECK(random > 30 && random < 90); /* about 60 in ten minutes */
    sim_scenario_done(&sc);
}

TEST(script_alone_then_nothing)
{
    struct sim_scenario sc;
    load(&sc, NUM "[script]\ncall = 1 +14155550123\ncall = 2 +14155550124\n");
    struct sim_traffic t;
    sim_traffic_init(&t, &sc, 0);
    struct sim_arrival a;
    CHECK_INT(sim_traffic_next(&t, &a), 1);
    CHECK_INT(a.at_ms, 1000);
    CHECK(a.scripted == 1 && a.patience_s == 0 && a.digits == NULL);
    CHECK_INT(sim_traffic_next(&t, &a), 1);
    CHECK_INT(a.at_ms, 2000);
    CHECK_INT(sim_traffic_next(&t, &a), 0);
    CHECK_INT(sim_traffic_next(&t, &a), 0);
    sim_scenario_done(&sc);

    load(&sc, NUM);
    sim_traffic_init(&t, &sc, 0);
    CHECK_INT(sim_traffic_next(&t, &a), 0);
    sim_scenario_done(&sc);
}

TEST(max_calls_counts_every_arrival)
{
    struct sim_scenario sc;
    load(&sc, NUM "[arrivals]\nrate_per_min = 60\nmax_calls = 25\n"
                  "[script]\ncall = 0 +14155550123\ncall = 1 +14155550124\n");
    struct sim_traffic t;
    sim_traffic_init(&t, &sc, 0);
    struct sim_arrival a;
    int n = 0, scripted = 0;
    while (n < 100 && sim_traffic_next(&t, &a)) {
        n++;
        scripted += a.scripted;
    }
    CHECK_INT(n, 25);
    CHECK_INT(scripted, 2);
    CHECK_INT(sim_traffic_next(&t, &a), 0);
    sim_scenario_done(&sc);
}

TEST(adding_a_scripted_call_keeps_the_random_times)
{
    struct sim_scenario s1, s2;
    load(&s1, NUM "[arrivals]\nrate_per_min = 30\npatience = 1-100\n");
    load(&s2, NUM "[arrivals]\nrate_per_min = 30\npatience = 1-100\n"
                  "[script]\ncall = 10 +14155550123 -> +14155550101\n");
    struct sim_traffic a, b;
    sim_traffic_init(&a, &s1, 0);
    sim_traffic_init(&b, &s2, 0);
    for (int i = 0; i < 50; i++) {
        struct sim_arrival x, y;
        sim_traffic_next(&a, &x);
        sim_traffic_next(&b, &y);
        if (y.scripted)
            sim_traffic_next(&b, &y);
        CHECK_INT(x.at_ms, y.at_ms);
    }
    sim_scenario_done(&s1);
    sim_scenario_done(&s2);
}

TEST(listed_callers)
{
    struct sim_scenario sc;
    load(&sc, NUM "[arrivals]\nrate_per_min = 60\npick = in-order\n"
                  "[callers]\n+14155550001 = A\n+14155550002 = \"\"\n+14155550003 = C\n");
    struct sim_traffic t;
    sim_traffic_init(&t, &sc, 0);
    struct sim_arrival a;
    for (int i = 0; i < 7; i++) {
        CHECK_INT(sim_traffic_next(&t, &a), 1);
        CHECK(a.from == sc.callers[i % 3].number);
        CHECK(a.name == sc.callers[i % 3].name);
        CHECK(a.patience_s == 0);
    }
    sim_scenario_done(&sc);

    load(&sc, NUM "[arrivals]\nrate_per_min = 60\n"
                  "[callers]\n+14155550001 = A\n+14155550002 = B\n+14155550003 = C\n");
    sim_traffic_init(&t, &sc, 0);
    int seen[3] = {0};
    for (int i = 0; i < 3000; i++) {
        CHECK_INT(sim_traffic_next(&t, &a), 1);
        int k = -1;
        for (int j = 0; j < 3; j++) {
            if (a.from == sc.callers[j].number && a.name == sc.callers[j].name)
                k = j;
        }
        CHECK(k >= 0);
        if (k >= 0)
            seen[k]++;
    }
    for (int j = 0; j < 3; j++)
        CHECK(seen[j] > 800 && seen[j] < 1200);
    sim_scenario_done(&sc);
}

TEST(generated_callers)
{
    struct sim_scenario sc;
    load(&sc, NUM "[arrivals]\nrate_per_min = 60\n");
    struct sim_traffic t;
    sim_traffic_init(&t, &sc, 0);
    struct {
        char from[20];
        char name[64];
    } first[400];
    int n_first = 0, named = 0, uk = 0, repeats = 0;
    for (int i = 0; i < 2000; i++) {
        struct sim_arrival a;
        CHECK_INT(sim_traffic_next(&t, &a), 1);
        size_t n = strlen(a.from);
        CHECK(valid_e164(a.from, n));
        /* Fictional ranges only: 555-01XX in North America, 020 7946 0XXX in London. */
        int us = n == 12 && strncmp(a.from + 5, "55501", 5) == 0;
        int gb = n == 13 && strncmp(a.from, "+442079460", 10) == 0;
        CHECK(us || gb);
        uk += gb;
        named += a.name != NULL;
        CHECK(!a.name || (strlen(a.name) > 0 && strlen(a.name) < 64));
        /* A number always comes with the same name. */
        int k;
        for (k = 0; k < n_first && strcmp(first[k].from, a.from) != 0; k++)
            ;
        if (k < n_first) {
            repeats++;
            CHECK_STR(first[k].name, a.name ? a.name : "");
        } else if (n_first < 400) {
            dt_strlcpy(first[n_first].from, a.from, sizeof first[n_first].from);
            dt_strlcpy(first[n_first].name, a.name ? a.name : "", sizeof first[n_first].name);
            n_first++;
        }
    }
    CHECK(named > 1600 && named < 2000); /* most callers show a name, a few do not */
    CHECK(uk > 250 && uk < 550);         /* about one in five */
    CHECK(repeats > 0);
    sim_scenario_done(&sc);
}

int main(void)
{
    RUN(same_seed_same_traffic);
    RUN(different_seed_different_traffic);
    RUN(poisson_statistics);
    RUN(script_merged_in_time_order);
    RUN(script_alone_then_nothing);
    RUN(max_calls_counts_every_arrival);
    RUN(adding_a_scripted_call_keeps_the_random_times);
    RUN(listed_callers);
    RUN(generated_callers);
    return check_done();
}

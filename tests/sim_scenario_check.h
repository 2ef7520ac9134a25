/*
 * sim_scenario_check: what the scenario test binaries share: EXPECT_ERR / EXPECT_OK, which
 * load text as "t.ini" and check the exact result, and a variable lookup over a small table.
 */
#ifndef DIALTONE_SIM_SCENARIO_CHECK_H
#define DIALTONE_SIM_SCENARIO_CHECK_H

#include <string.h>

#include "check.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"

static char err[512];

/* Loads text as "t.ini" into a fresh scenario and expects exactly the message want. */
#define EXPECT_ERR(text, want)                                                                     \
    do {                                                                                           \
        struct sim_scenario s_;                                                                    \
        sim_scenario_init(&s_);                                                                    \
        err[0] = '\0';                                                                             \
        CHECK_INT(sim_scenario_load_string(&s_, "t.ini", text, err, sizeof err), DT_EINVAL);       \
        CHECK_STR(err, want);                                                                      \
        sim_scenario_done(&s_);                                                                    \
    } while (0)

#define EXPECT_OK(sc, text)                                                                        \
    do {                                                                                           \
        err[0] = '\0';                                                                             \
        int rc_ = sim_scenario_load_string(sc, "t.ini", text, err, sizeof err);                    \
        CHECK_INT(rc_, 0);                                                                         \
        if (rc_ != 0)                                                                              \
            printf("    error: %s\n", err);                                                        \
    } while (0)

/* A lookup over pairs {name, value, name, value, ..., NULL}. */
static inline const char *check_vars(const char *name, void *ctx)
{
    const char *const *v = ctx;
    for (; v[0]; v += 2) {
        if (strcmp(v[0], name) == 0)
            return v[1];
    }
    return NULL;
}

#endif

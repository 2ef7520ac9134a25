/*
 * config_check: what the config test binaries share: sample SIDs and the EXPECT_ERR /
 * EXPECT_OK macros that load text as "t.conf" and check the exact result.
 */
#ifndef DIALTONE_CONFIG_CHECK_H
#define DIALTONE_CONFIG_CHECK_H

#include "dialtone/config.h"
#include "dialtone/util.h"
#include "check.h"

#define SID     "AC0123456789abcdef0123456789ABCDEF"
#define KEY     "SK0123456789abcdef0123456789abcdef"
#define EXAMPLE "data/dialtone.conf.example"

static char err[512];

/* Loads text as "t.conf" into fresh defaults and expects exactly the message want. */
#define EXPECT_ERR(text, want)                                                                     \
    do {                                                                                           \
        struct config c_;                                                                          \
        config_init(&c_);                                                                          \
        err[0] = '\0';                                                                             \
        CHECK_INT(config_load_string(&c_, "t.conf", text, err, sizeof err), DT_EINVAL);            \
        CHECK_STR(err, want);                                                                      \
        config_done(&c_);                                                                          \
    } while (0)

#define EXPECT_OK(cfg, text)                                                                       \
    do {                                                                                           \
        err[0] = '\0';                                                                             \
        int rc_ = config_load_string(cfg, "t.conf", text, err, sizeof err);                        \
        CHECK_INT(rc_, 0);                                                                         \
        if (rc_ != 0)                                                                              \
            printf("    error: %s\n", err);                                                        \
    } while (0)

#endif

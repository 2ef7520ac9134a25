/*
 * sim_host: the running emulator of `dialtone sim`. Puts the voice engine on the network: an
 * HTTP server for Twilio's REST API and the /sim/ control API, an HTTP client for the engine's
 * webhooks, one timer that runs the engine at its next due time (emulated time = real time
 * times the speed factor), the scenario's inbound traffic, and SIGINT/SIGTERM for a clean stop.
 */
#ifndef DIALTONE_CMD_SIM_HOST_H
#define DIALTONE_CMD_SIM_HOST_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/sim_scenario.h"

struct sim_host_opts {
    const char *listen; /* numeric address to listen on */
    int port;           /* 0 picks a free one */
    /* What applies to every scenario loaded (the first and any loaded later through the
     * control API): NULL or < 0 keeps the scenario's own value. */
    const char *account;
    const char *auth_token;
    const char *token_env; /* where the token came from, for messages */
    double speed;
    int has_seed;
    uint64_t seed;
};

/*
 * Applies the options' overrides to sc (account, auth token, speed, seed). Returns 0, or
 * DT_EINVAL with the reason in err when sc ends up without an account or an auth token.
 */
int sim_host_apply(const struct sim_host_opts *o, struct sim_scenario *sc, char *err,
                   size_t errlen);

/*
 * Runs the emulator on sc (takes ownership: it is freed at the end) until SIGINT or SIGTERM.
 * Prints "dialtone sim: listening on http://ADDR:PORT (account AC...)" on stdout once it
 * listens. Returns 0 after a clean stop, or DT_EIO with the reason in err when it cannot
 * start (the address, the port).
 */
int sim_host_run(const struct sim_host_opts *o, struct sim_scenario *sc, char *err, size_t errlen);

#endif

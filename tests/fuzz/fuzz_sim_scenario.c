/*
 * fuzz_sim_scenario: sim_scenario_load_string on arbitrary text (text after the first NUL
 * gives the values of ${NAME} variables), then every lookup and a stretch of the traffic the
 * scenario generates. Must never crash, read out of bounds or leak; every error names the file
 * and a line, and the traffic comes in time order.
 */
#include "dialtone/sim_scenario.h"
#include "dialtone/sim_traffic.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_vars {
    const char *values[4];
};

static const char *fuzz_lookup(const char *name, void *ctx)
{
    const struct fuzz_vars *v = ctx;
    return v->values[strlen(name) % 4];
}

static void exercise(const struct sim_scenario *sc)
{
    for (size_t i = 0; i < sc->n_endpoints; i++) {
        const char *p = sc->endpoints[i].pattern;
        if (!sim_scenario_endpoint(sc, p))
            abort();
        sim_scenario_rate(sc, p);
    }
    for (size_t i = 0; i < sc->n_numbers; i++) {
        if (sim_scenario_number(sc, sc->numbers[i].number) != &sc->numbers[i])
            abort();
    }
    for (size_t i = 0; i < sc->n_callers; i++)
        sim_scenario_endpoint(sc, sc->callers[i].number);

    struct sim_traffic t;
    struct sim_arrival a;
    int64_t last = 0;
    sim_traffic_init(&t, sc, 0);
    for (int i = 0; i < 200 && sim_traffic_next(&t, &a); i++) {
        if (a.at_ms < last || !a.from || !a.to || a.patience_s < 0)
            abort();
        last = a.at_ms;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    struct fuzz_vars vars = {{NULL, NULL, NULL, NULL}};
    size_t off = strlen(text) + 1;
    for (int i = 0; i < 4 && off <= size; i++) {
        vars.values[i] = text + off;
        off += strlen(text + off) + 1;
    }

    struct sim_scenario sc;
    char err[512];
    sim_scenario_init(&sc);
    if (sim_scenario_load_string_vars(&sc, "fuzz.ini", text, fuzz_lookup, &vars, err,
                                      sizeof err) == 0)
        exercise(&sc);
    else if (strncmp(err, "fuzz.ini:", 9) != 0)
        abort(); /* every parse error names the file */
    sim_scenario_done(&sc);
    free(text);
    return 0;
}

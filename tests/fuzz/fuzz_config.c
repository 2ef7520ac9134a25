/*
 * fuzz_config: config_load_string on arbitrary text, then validation, queue lookups and the
 * environment with values taken from the input. Must never crash, read out of bounds or leak.
 */
#include "dialtone/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_env {
    const char *values[4];
};

/* Hands the input's trailing NUL-separated pieces out as environment values. */
static const char *fuzz_lookup(const char *name, void *ctx)
{
    const struct fuzz_env *e = ctx;
    size_t h = strlen(name) % 4;
    return e->values[h];
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

    struct config cfg;
    char err[256];
    config_init(&cfg);
    if (config_load_string(&cfg, "fuzz.conf", text, err, sizeof err) == 0) {
        config_validate(&cfg, err, sizeof err);
        for (size_t i = 0; i < cfg.n_queues; i++) {
            if (config_queue_find(&cfg, cfg.queues[i].name) == NULL)
                abort();
        }
        for (int d = 0; d < 7; d++)
            config_hours_open(&cfg.hours, d, (d * 211) % 1440);
    } else if (strchr(err, ':') == NULL) {
        abort(); /* every parse error names the file */
    }

    /* Text after the first NUL becomes environment values. */
    struct fuzz_env env = {{NULL, NULL, NULL, NULL}};
    size_t off = strlen(text) + 1;
    for (int i = 0; i < 4 && off <= size; i++) {
        env.values[i] = text + off;
        off += strlen(text + off) + 1;
    }
    config_apply_env(&cfg, fuzz_lookup, &env, err, sizeof err);
    config_done(&cfg);
    free(text);
    return 0;
}

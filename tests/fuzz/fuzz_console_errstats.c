/*
 * Fuzz target for the console's errors screen: the input is taken as the daemon's answer to
 * GET /api/v1/errors. errstats_parse_text must accept or refuse it without harm, what it
 * accepts must be clean (errstats_check), and every code's sparkline must come out as whole
 * characters in any width. The answer is then given to an agent's model with the errors
 * screen open, and the screen's keys (moves, the range switch, refresh) run over it: the
 * model's invariants must hold after each, and every request must be well-formed.
 */
#include "console/errstats.h"
#include "console/sanitize.h"
#include "console_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TARGET "fuzz_console_errstats"

static void sparks(const struct errstats_data *d)
{
    static const size_t widths[] = {0, 1, 7, 24, 42, 500};
    char out[ERRSTATS_BUCKETS_MAX * 3 + 1];
    for (size_t i = 0; i < d->n_codes; i++) {
        for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
            for (int u = 0; u < 2; u++) {
                errstats_sparkline(d->codes[i].trend, d->codes[i].n_trend, widths[w], u, out,
                                   sizeof out);
                size_t len = strlen(out);
                if (!tx_is_clean(out, len) || len > (u ? 3 : 1) * widths[w])
                    abort();
            }
        }
    }
}

static const struct {
    int key;
    enum km_action action;
} keys[] = {
    {'j', KA_DOWN}, {'G', KA_END},  {'r', KA_ERR_RANGE},        {'k', KA_UP},
    {'g', KA_HOME}, {'j', KA_DOWN}, {KM_CTRL('l'), KA_REFRESH}, {'r', KA_ERR_RANGE},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct errstats *e = calloc(1, sizeof *e);
    char err[256];
    if (!e)
        abort();
    if (errstats_parse_text((const char *)data, size, &e->data, err, sizeof err) == DT_OK) {
        if (errstats_check(e, err, sizeof err) != DT_OK) {
            fprintf(stderr, TARGET ": %s\n", err);
            abort();
        }
        sparks(&e->data);
    }
    free(e);

    struct model *m = fz_model(FZ_LONE_SNAPSHOT("ann", "agent"), 100000, 1);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    int n = model_take_cmds(m, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 0);
    n = model_apply_key(m, KM_KEY_F(8), KA_VIEW_ERRORS, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 0);
    cJSON *body = cJSON_ParseWithLength((const char *)data, size);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        model_apply_result(m, MODEL_TAG_ERRORS, 200, body, NULL);
        fz_check_model(m, TARGET);
        fz_key(m, keys[i].key, keys[i].action, 0, TARGET);
    }
    cJSON_Delete(body);
    model_free(m);
    return 0;
}

/*
 * Fuzz target for the console's reports screen: the input is taken as the daemon's answer to
 * GET /api/v1/reports/NAME for each of the screen's reports. reports_parse_text must accept or
 * refuse it without harm and what it accepts must be clean (reports_check), with every amount
 * drawable as money. The answer is then given to a supervisor's model with the reports screen
 * open, after each of the screen's keys (the reports, the days, the moves, refresh): the
 * model's invariants must hold after each, and every request must be well-formed.
 */
#include "console/reports.h"
#include "console/sanitize.h"
#include "console_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TARGET "fuzz_console_reports"

static const struct {
    int key;
    enum km_action action;
} keys[] = {
    {'1', KA_REPORT_ANSWER_RATE},
    {'G', KA_END},
    {'2', KA_REPORT_FAILURES},
    {'w', KA_RANGE_WEEK},
    {'3', KA_REPORT_COST_DAY},
    {'j', KA_DOWN},
    {'4', KA_REPORT_COST_QUEUE},
    {'m', KA_RANGE_MONTH},
    {'5', KA_REPORT_AGENTS},
    {KM_KEY_PGDN, KA_PAGE_DOWN},
    {'\t', KA_REPORT_NEXT},
    {'y', KA_RANGE_YESTERDAY},
    {KM_KEY_BTAB, KA_REPORT_PREV},
    {'r', KA_REFRESH},
    {'g', KA_HOME},
};

/* Every amount of d as money: whole characters, clean. */
static void money(const struct reports_data *d)
{
    char buf[64];
    for (size_t i = 0; i <= d->n && i < REPORTS_ROWS_MAX; i++) {
        const struct reports_cost *c = i < d->n ? &d->costs[i] : &d->total;
        int64_t v[2] = {c->cost, c->per_success};
        for (int k = 0; k < 2; k++) {
            reports_money(v[k], c->unit, buf, sizeof buf);
            if (!tx_is_clean(buf, strlen(buf)))
                abort();
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct reports *r = calloc(1, sizeof *r);
    char err[256];
    if (!r)
        abort();
    for (int k = 0; k < REPORTS_KINDS; k++) {
        if (reports_parse_text((const char *)data, size, (enum reports_kind)k, &r->data, err,
                               sizeof err) != DT_OK)
            continue;
        r->kind = (enum reports_kind)k;
        if (reports_check(r, err, sizeof err) != DT_OK) {
            fprintf(stderr, TARGET ": %s\n", err);
            abort();
        }
        money(&r->data);
    }
    free(r);

    struct model *m = fz_model(FZ_LONE_SNAPSHOT("sue", "supervisor"), 100000, 1);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    int n = model_take_cmds(m, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 0);
    n = model_apply_key(m, KM_KEY_F(11), KA_VIEW_REPORTS, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 1);
    int tag = n > 0 ? cmds[n - 1].tag : 0;
    cJSON *body = cJSON_ParseWithLength((const char *)data, size);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        model_apply_result(m, tag, 200, body, NULL);
        fz_check_model(m, TARGET);
        n = model_apply_key(m, keys[i].key, keys[i].action, cmds, MODEL_CMDS_MAX);
        fz_check_cmds(cmds, n, 1);
        fz_check_model(m, TARGET);
        for (int k = 0; k < n; k++)
            if (cmds[k].kind == MODEL_CMD_REQUEST)
                tag = cmds[k].tag;
    }
    cJSON_Delete(body);
    model_free(m);
    return 0;
}

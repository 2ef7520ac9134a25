/*
 * Fuzz target for the console's alerts and bad-number screens: the input is taken as the
 * daemon's answer to GET /api/v1/alerts, then to GET /api/v1/numbers/flagged, then as the
 * data of alert.fired, alert.cleared, number.flagged and number.reviewed events, given to a
 * supervisor's model with the screens open. The screens' keys run over what was read (moves,
 * r, Tab, f with a typed replacement, n with y): the model's invariants must hold after each,
 * and every request must be well-formed (a path under /api/v1/ with escaped parts, a JSON
 * body).
 */
#include "console_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TARGET "fuzz_console_alerts"

static const struct {
    int key;
    enum km_action action;
} keys[] = {
    {'j', KA_DOWN},
    {'G', KA_END},
    {'r', KA_REFRESH},
    {KM_KEY_TAB, KA_VIEW_NUMBERS},
    {'j', KA_DOWN},
    {'f', KA_NUM_FIXED},
    {'4', KA_NONE},
    {'1', KA_NONE},
    {'5', KA_NONE},
    {'5', KA_NONE},
    {'5', KA_NONE},
    {'0', KA_NONE},
    {'1', KA_NONE},
    {'9', KA_NONE},
    {'9', KA_NONE},
    {'8', KA_NONE},
    {KM_KEY_ENTER, KA_SELECT},
    {'g', KA_HOME},
    {'n', KA_NUM_DNC},
    {'y', KA_NONE},
    {'G', KA_END},
    {'f', KA_NUM_FIXED},
    {KM_KEY_ENTER, KA_SELECT},
    {KM_KEY_ESC, KA_BACK},
    {KM_KEY_ESC, KA_BACK},
};

static void event(struct model *m, int seq, const char *type, const cJSON *d)
{
    cJSON *ev = cJSON_CreateObject();
    cJSON_AddNumberToObject(ev, "seq", seq);
    cJSON_AddStringToObject(ev, "type", type);
    cJSON_AddStringToObject(ev, "ts", "2026-01-02T03:04:05.678Z");
    cJSON_AddItemToObject(ev, "data", d ? cJSON_Duplicate(d, 1) : cJSON_CreateNull());
    model_apply_event(m, ev);
    cJSON_Delete(ev);
    fz_check_model(m, TARGET);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct model *m = fz_model(FZ_LONE_SNAPSHOT("sue", "supervisor"), 100000, 1);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    cJSON *me = cJSON_Parse("{\"name\":\"sue\",\"role\":\"supervisor\",\"state\":\"offline\"}");
    int n = model_take_cmds(m, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 1);
    model_apply_result(m, MODEL_TAG_ME, 200, me, NULL);
    cJSON_Delete(me);
    n = model_take_cmds(m, cmds, MODEL_CMDS_MAX); /* GET /api/v1/alerts */
    fz_check_cmds(cmds, n, 1);
    cJSON *body = cJSON_ParseWithLength((const char *)data, size);
    model_apply_result(m, MODEL_TAG_ALERTS, 200, body, NULL);
    fz_check_model(m, TARGET);
    fz_key(m, KM_KEY_F(9), KA_VIEW_ALERTS, 1, TARGET);
    fz_key(m, KM_KEY_TAB, KA_VIEW_NUMBERS, 1, TARGET);
    model_apply_result(m, MODEL_TAG_NUMBERS, 200, body, NULL);
    fz_check_model(m, TARGET);
    event(m, 10, "alert.fired", body);
    event(m, 11, "number.flagged", body);
    fz_key(m, KM_KEY_F(9), KA_VIEW_ALERTS, 1, TARGET);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        fz_key(m, keys[i].key, keys[i].action, 1, TARGET);
    model_apply_result(m, MODEL_TAG_NUM_REVIEW, 200, body, NULL);
    fz_check_model(m, TARGET);
    event(m, 12, "number.reviewed", body);
    event(m, 13, "alert.cleared", body);
    cJSON_Delete(body);
    model_free(m);
    return 0;
}

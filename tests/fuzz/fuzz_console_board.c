/*
 * Fuzz target for the console's wallboard: the input is taken as the daemon's answer to
 * GET /api/v1/wallboard. board_parse_text must accept or refuse it without harm, and what it
 * accepts must be clean (board_check). The answer is then given to a supervisor's model with
 * the wallboard open, and the screen's keys (moves, listen, whisper, barge, leave, the state
 * menu with a typed reason) run over it: the model's invariants must hold after each, and
 * every request must be well-formed (a path under /api/v1/ with escaped parts, a JSON body).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/board.h"
#include "console/model.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char snapshot[] =
    "{\"type\":\"snapshot\",\"seq\":5,\"ts\":\"2026-01-02T03:04:05.678Z\",\"data\":{\"agent\":"
    "{\"name\":\"sue\",\"role\":\"supervisor\",\"endpoint\":\"client:sue\",\"state\":"
    "\"offline\",\"reason\":null,\"since_ms\":1767323045000,\"queues\":[\"support\"]},"
    "\"pending\":[],\"queues\":[]}}";

static void check(const struct model *m)
{
    char err[256];
    if (model_check(m, err, sizeof err) != DT_OK) {
        fprintf(stderr, "fuzz_console_board: %s\n", err);
        abort();
    }
}

static void check_cmds(const struct model_cmd *c, int n)
{
    if (n < 0 || n > MODEL_CMDS_MAX)
        abort();
    for (int i = 0; i < n; i++) {
        if (c[i].kind != MODEL_CMD_REQUEST)
            continue;
        size_t pl = strnlen(c[i].path, sizeof c[i].path);
        if (pl == sizeof c[i].path || strncmp(c[i].path, "/api/v1/", 8) != 0)
            abort();
        for (size_t k = 0; k < pl; k++)
            if ((unsigned char)c[i].path[k] <= 0x20 || (unsigned char)c[i].path[k] >= 0x7f)
                abort();
        if (c[i].body[0]) {
            cJSON *b = cJSON_Parse(c[i].body);
            if (!cJSON_IsObject(b))
                abort();
            cJSON_Delete(b);
        }
    }
}

static const struct {
    int key;
    enum km_action action;
} keys[] = {
    {'l', KA_LISTEN},
    {'j', KA_DOWN},
    {'w', KA_WHISPER},
    {'b', KA_BARGE},
    {'L', KA_LEAVE},
    {'G', KA_END},
    {'l', KA_LISTEN},
    {'s', KA_AGENT_STATE},
    {'j', KA_DOWN},
    {KM_KEY_ENTER, KA_SELECT},
    {'x', KA_NONE},
    {KM_KEY_ENTER, KA_SELECT},
    {'g', KA_HOME},
    {'s', KA_AGENT_STATE},
    {KM_KEY_ENTER, KA_SELECT},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct board *b = calloc(1, sizeof *b);
    char err[256];
    if (!b)
        abort();
    if (board_parse_text((const char *)data, size, &b->data, err, sizeof err) == DT_OK) {
        if (board_check(b, err, sizeof err) != DT_OK) {
            fprintf(stderr, "fuzz_console_board: %s\n", err);
            abort();
        }
        char buf[BOARD_TEXT_SIZE + BOARD_WORD_SIZE + 4];
        for (size_t i = 0; i < b->data.n_agents; i++)
            board_state_text(&b->data.agents[i], buf, sizeof buf);
        for (size_t i = 0; i < b->data.n_queues; i++)
            board_queue_warn(&b->data.queues[i],
                             board_tick(b->data.queues[i].longest_wait_s, INT64_C(1767323045000),
                                        INT64_C(1767323099000)));
    }
    free(b);

    struct model *m = model_new();
    model_tick(m, 100000, INT64_C(1767323045000));
    model_resize(m, 30, 100);
    model_set_conn(m, CLIENT_LIVE, 0, NULL);
    cJSON *snap = cJSON_Parse(snapshot);
    model_apply_event(m, snap);
    cJSON_Delete(snap);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    int n = model_take_cmds(m, cmds, MODEL_CMDS_MAX);
    check_cmds(cmds, n);
    n = model_apply_key(m, KM_KEY_F(7), KA_VIEW_BOARD, cmds, MODEL_CMDS_MAX);
    check_cmds(cmds, n);
    cJSON *body = cJSON_ParseWithLength((const char *)data, size);
    model_apply_result(m, MODEL_TAG_BOARD, 200, body, NULL);
    cJSON_Delete(body);
    check(m);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        n = model_apply_key(m, keys[i].key, keys[i].action, cmds, MODEL_CMDS_MAX);
        check_cmds(cmds, n);
        check(m);
    }
    model_free(m);
    return 0;
}

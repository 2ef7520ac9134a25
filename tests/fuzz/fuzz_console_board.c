/*
 * Fuzz target for the console's wallboard: the input is taken as the daemon's answer to
 * GET /api/v1/wallboard. board_parse_text must accept or refuse it without harm, and what it
 * accepts must be clean (board_check). The answer is then given to a supervisor's model with
 * the wallboard open, and the screen's keys (moves, listen, whisper, barge, leave, the state
 * menu with a typed reason) run over it: the model's invariants must hold after each, and
 * every request must be well-formed (a path under /api/v1/ with escaped parts, a JSON body).
 */
#include "console/board.h"
#include "console_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TARGET "fuzz_console_board"

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
            fprintf(stderr, TARGET ": %s\n", err);
            abort();
        }
        char buf[BOARD_TEXT_SIZE + BOARD_WORD_SIZE + 4];
        for (size_t i = 0; i < b->data.n_agents; i++)
            board_state_text(&b->data.agents[i], buf, sizeof buf);
        for (size_t i = 0; i < b->data.n_queues; i++)
            board_queue_warn(&b->data.queues[i], board_tick(b->data.queues[i].longest_wait_s,
                                                            FZ_WALL_MS, INT64_C(1767323099000)));
    }
    free(b);

    struct model *m = fz_model(FZ_LONE_SNAPSHOT("sue", "supervisor"), 100000, 1);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    int n = model_take_cmds(m, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 1);
    n = model_apply_key(m, KM_KEY_F(7), KA_VIEW_BOARD, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, 1);
    cJSON *body = cJSON_ParseWithLength((const char *)data, size);
    model_apply_result(m, MODEL_TAG_BOARD, 200, body, NULL);
    cJSON_Delete(body);
    fz_check_model(m, TARGET);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        fz_key(m, keys[i].key, keys[i].action, 1, TARGET);
    model_free(m);
    return 0;
}

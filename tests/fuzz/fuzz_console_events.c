/*
 * Fuzz target for the console model's reducer. The input is lines, each applied in turn to a
 * model that has seen a snapshot (agent alice in support and sales, one caller waiting):
 *
 *   {...}            a websocket message (model_apply_event), or, when it has "calls" and
 *                    "offers", the pending poll's answer (model_apply_pending);
 *   !BYTES           keys: each byte a key, with the action (byte % KA_COUNT); bytes from
 *                    0xf0 stand for the special keys (KM_KEY_UP + byte - 0xf0);
 *   =KIND STATUS {}  the answer to a request of tag KIND (its generation is the model's
 *                    current one for history and detail), with a JSON body;
 *   +MS              the clocks move on by MS milliseconds (model_tick).
 *
 * After every line the model's invariants must hold (model_check) and every command a key
 * produced must be well-formed; it aborts otherwise. The sanitizers catch the rest.
 */
#include "console_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINE_MAX_BYTES 16384

static const char snapshot[] =
    "{\"type\":\"snapshot\",\"seq\":5,\"ts\":\"2026-01-02T03:04:05.678Z\","
    "\"data\":{\"agent\":"
    "{\"name\":\"alice\",\"role\":\"agent\",\"endpoint\":\"client:alice\","
    "\"state\":"
    "\"available\",\"reason\":null,\"since_ms\":1767323045000,\"queues\":["
    "\"support\","
    "\"sales\"]},\"pending\":[{\"sid\":\"CA1\",\"direction\":\"inbound\","
    "\"from\":"
    "\"+14155550123\",\"to\":\"+15005550006\",\"caller_name\":\"Ann "
    "Lee\",\"queue\":"
    "\"support\",\"status\":\"in-progress\",\"created_ms\":1767323040000}],"
    "\"queues\":[{\"name\":"
    "\"support\",\"routing\":\"ringall\",\"waiting\":1,\"longest_wait_s\":5,"
    "\"agents_available\":1}]}}";

#define TARGET "fuzz_console_events"

static void json_line(struct model *m, const char *text)
{
    cJSON *j = cJSON_Parse(text);
    if (!j)
        return;
    if (cJSON_GetObjectItemCaseSensitive(j, "calls") &&
        cJSON_GetObjectItemCaseSensitive(j, "offers"))
        model_apply_pending(m, j);
    else
        model_apply_event(m, j);
    cJSON_Delete(j);
}

static void keys_line(struct model *m, const char *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)keys[i];
        int key = b;
        /* the high bytes stand for the special keys */
        if (b >= 0xf0)
            key = KM_KEY_UP + (b - 0xf0);
        fz_key(m, key, (enum km_action)(b % KA_COUNT), 1, TARGET);
    }
}

static void result_line(struct model *m, const char *text)
{
    int kind = 0, status = 0, used = 0;
    if (sscanf(text, "%d %d %n", &kind, &status, &used) < 2)
        return;
    unsigned gen = kind == MODEL_TAG_HISTORY  ? m->history.gen
                   : kind == MODEL_TAG_DETAIL ? m->detail.gen
                                              : 0;
    int tag = (int)(((gen & 0x7fffff) << 8) | ((unsigned)kind & 0xff));
    cJSON *j = cJSON_Parse(text + used);
    model_apply_result(m, tag, status, j, status >= 200 && status < 300 ? NULL : "refused");
    cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint64_t mono = 1000;
    int64_t wall = FZ_WALL_MS;
    struct model *m = fz_model(snapshot, mono, 0);
    fz_check_model(m, TARGET);
    char *line = malloc(LINE_MAX_BYTES + 1);
    size_t pos = 0;
    while (pos < size) {
        const uint8_t *nl = memchr(data + pos, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - (data + pos)) : size - pos;
        size_t n = len < LINE_MAX_BYTES ? len : LINE_MAX_BYTES;
        memcpy(line, data + pos, n);
        line[n] = '\0';
        pos += len + 1;
        if (n == 0)
            continue;
        if (line[0] == '!') {
            keys_line(m, line + 1, n - 1);
        } else if (line[0] == '=') {
            result_line(m, line + 1);
        } else if (line[0] == '+') {
            long step = strtol(line + 1, NULL, 10);
            if (step > 0 && step < 86400000L) {
                mono += (uint64_t)step;
                wall += step;
            }
            model_tick(m, mono, wall);
        } else {
            json_line(m, line);
        }
        fz_check_model(m, TARGET);
    }
    free(line);
    model_free(m);
    return 0;
}

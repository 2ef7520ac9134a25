/*
 * console_fuzz: what the console model's fuzz targets share. A model that has seen a snapshot,
 * its invariants checked (abort on the first broken one, named), the commands a key produced
 * checked, and a key applied with both checks.
 */
#ifndef DIALTONE_CONSOLE_FUZZ_H
#define DIALTONE_CONSOLE_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/model.h"
#include "dialtone/util.h"

/* The wall clock the targets start at: 2026-01-02T03:04:05Z. */
#define FZ_WALL_MS INT64_C(1767323045000)

/* A snapshot for agent NAME of role ROLE (string literals), offline in support, with nothing
 * pending. */
#define FZ_LONE_SNAPSHOT(NAME, ROLE)                                                               \
    "{\"type\":\"snapshot\",\"seq\":5,\"ts\":\"2026-01-02T03:04:05.678Z\",\"data\":{\"agent\":"    \
    "{\"name\":\"" NAME "\",\"role\":\"" ROLE "\",\"endpoint\":\"client:" NAME "\",\"state\":"     \
    "\"offline\",\"reason\":null,\"since_ms\":1767323045000,\"queues\":[\"support\"]},"            \
    "\"pending\":[],\"queues\":[]}}"

/* Aborts, naming target and the broken invariant, unless m is sound (model_check). */
static inline void fz_check_model(const struct model *m, const char *target)
{
    char err[256];
    if (model_check(m, err, sizeof err) != DT_OK) {
        fprintf(stderr, "%s: %s\n", target, err);
        abort();
    }
}

/*
 * Aborts unless the n commands in c are within bounds and each request's path is a terminated
 * path under /api/v1/; with well_formed, also unless the path is escaped (no blank, control
 * or raw byte) and a body is terminated and a JSON object.
 */
static inline void fz_check_cmds(const struct model_cmd *c, int n, int well_formed)
{
    if (n < 0 || n > MODEL_CMDS_MAX)
        abort();
    for (int i = 0; i < n; i++) {
        if (c[i].kind != MODEL_CMD_REQUEST)
            continue;
        size_t pl = strnlen(c[i].path, sizeof c[i].path);
        if (pl == sizeof c[i].path || strncmp(c[i].path, "/api/v1/", 8) != 0)
            abort();
        if (!well_formed)
            continue;
        for (size_t k = 0; k < pl; k++)
            if ((unsigned char)c[i].path[k] <= 0x20 || (unsigned char)c[i].path[k] >= 0x7f)
                abort();
        if (strnlen(c[i].body, sizeof c[i].body) == sizeof c[i].body)
            abort();
        if (c[i].body[0]) {
            cJSON *b = cJSON_Parse(c[i].body);
            if (!cJSON_IsObject(b))
                abort();
            cJSON_Delete(b);
        }
    }
}

/* A new model (the caller's to model_free) at mono_ms and FZ_WALL_MS, 30 rows by 100, live
 * when live is set, that has seen snapshot. */
static inline struct model *fz_model(const char *snapshot, uint64_t mono_ms, int live)
{
    struct model *m = model_new();
    model_tick(m, mono_ms, FZ_WALL_MS);
    model_resize(m, 30, 100);
    if (live)
        model_set_conn(m, CLIENT_LIVE, 0, NULL);
    cJSON *snap = cJSON_Parse(snapshot);
    model_apply_event(m, snap);
    cJSON_Delete(snap);
    return m;
}

/* Applies key with action, then checks the commands (fz_check_cmds) and the model. */
static inline void fz_key(struct model *m, int key, enum km_action action, int well_formed,
                          const char *target)
{
    struct model_cmd cmds[MODEL_CMDS_MAX];
    int n = model_apply_key(m, key, action, cmds, MODEL_CMDS_MAX);
    fz_check_cmds(cmds, n, well_formed);
    fz_check_model(m, target);
}

#endif

/*
 * rest_conf: the REST handlers for Conferences and their Participants. A participant is created
 * in a conference named by sid or, as Twilio allows there, by friendly name; everywhere else the
 * path needs the CF sid.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "sim/rest_int.h"

static const char *const conference_statuses[] = {"init", "in-progress", "completed"};

/* The conference the path's first variable segment names by sid, or NULL (and a 404 sent). */
static const struct sim_conference *path_conference(struct rest_ctx *c)
{
    const struct sim_conference *cf =
        strncmp(c->args[0], "CF", 2) == 0 ? sim_conference_get(c->s, c->args[0]) : NULL;
    if (!cf || strcmp(cf->sid, c->args[0]) != 0) {
        rest_not_found(c);
        return NULL;
    }
    return cf;
}

static const char *conf_sid(const void *e)
{
    return (*(const struct sim_conference *const *)e)->sid;
}

static cJSON *conf_render(const struct rest_ctx *c, const void *e)
{
    return rest_conference_json(c, *(const struct sim_conference *const *)e);
}

static int valid_status(const char *s)
{
    for (size_t i = 0; i < sizeof conference_statuses / sizeof conference_statuses[0]; i++)
        if (strcmp(s, conference_statuses[i]) == 0)
            return 1;
    return 0;
}

void rest_conferences_list(struct rest_ctx *c)
{
    const char *status = form_get(&c->params, "Status");
    const char *name = form_get(&c->params, "FriendlyName");
    if (status && !valid_status(status)) {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: Status");
        return;
    }
    struct rest_time_filter created, updated;
    if (rest_time_filter_parse(c, "DateCreated", &created) < 0 ||
        rest_time_filter_parse(c, "DateUpdated", &updated) < 0)
        return;
    size_t n = sim_conference_count(c->s), k = 0;
    const struct sim_conference **cfs = xcalloc(n ? n : 1, sizeof *cfs);
    for (size_t i = 0; i < n; i++) {
        const struct sim_conference *cf = sim_conference_at(c->s, i);
        if (!cf || (status && strcmp(status, cf->status) != 0) ||
            (name && (!cf->friendly_name || strcmp(name, cf->friendly_name) != 0)) ||
            !rest_time_filter_match(&created, cf->created_ms) ||
            !rest_time_filter_match(&updated, cf->updated_ms ? cf->updated_ms : cf->created_ms))
            continue;
        cfs[k++] = cf;
    }
    struct rest_list l = {.key = "conferences",
                          .items = cfs,
                          .n = k,
                          .elem_size = sizeof *cfs,
                          .sid = conf_sid,
                          .render = conf_render};
    rest_reply_page(c, "/Conferences.json", &l);
    free(cfs);
}

void rest_conference_fetch(struct rest_ctx *c)
{
    const struct sim_conference *cf = path_conference(c);
    if (cf)
        rest_reply(c, 200, rest_conference_json(c, cf));
}

void rest_conference_update(struct rest_ctx *c)
{
    const struct sim_conference *cf = path_conference(c);
    struct sim_err e = {0};
    if (!cf)
        return;
    if (sim_conference_update(c->s, c->args[0], &c->params, &cf, &e) < 0 || !cf)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 200, rest_conference_json(c, cf));
}

/* ---- participants -------------------------------------------------------------------------- */

static const char *part_sid(const void *e)
{
    return (*(const struct sim_participant *const *)e)->call_sid;
}

static cJSON *part_render(const struct rest_ctx *c, const void *e)
{
    return rest_participant_json(c, *(const struct sim_participant *const *)e);
}

static int flag_match(int want, int have)
{
    return want < 0 || want == (have ? 1 : 0);
}

void rest_participants_list(struct rest_ctx *c)
{
    int muted, hold, coaching;
    if (rest_bool_param(c, "Muted", &muted) < 0 || rest_bool_param(c, "Hold", &hold) < 0 ||
        rest_bool_param(c, "Coaching", &coaching) < 0)
        return;
    const struct sim_conference *cf = path_conference(c);
    if (!cf)
        return;
    size_t n = sim_participant_count(c->s, cf->sid), k = 0;
    const struct sim_participant **ps = xcalloc(n ? n : 1, sizeof *ps);
    for (size_t i = 0; i < n; i++) {
        const struct sim_participant *p = sim_participant_at(c->s, cf->sid, i);
        if (!p || !flag_match(muted, p->muted) || !flag_match(hold, p->hold) ||
            !flag_match(coaching, p->coaching))
            continue;
        ps[k++] = p;
    }
    char *path = xasprintf("/Conferences/%s/Participants.json", cf->sid);
    struct rest_list l = {.key = "participants",
                          .items = ps,
                          .n = k,
                          .elem_size = sizeof *ps,
                          .sid = part_sid,
                          .render = part_render};
    rest_reply_page(c, path, &l);
    free(path);
    free(ps);
}

void rest_participants_create(struct rest_ctx *c)
{
    const struct sim_participant *p = NULL;
    struct sim_err e = {0};
    if (sim_participant_create(c->s, c->args[0], &c->params, &p, &e) < 0 || !p) {
        rest_reply_sim_err(c, &e);
        return;
    }
    cJSON *o = rest_participant_json(c, p);
    /* Twilio gives queue_time only in the answer to a create */
    cJSON_ReplaceItemInObject(o, "queue_time", cJSON_CreateString("0"));
    rest_reply(c, 201, o);
}

void rest_participant_fetch(struct rest_ctx *c)
{
    const struct sim_conference *cf = path_conference(c);
    if (!cf)
        return;
    const struct sim_participant *p = sim_participant_get(c->s, cf->sid, c->args[1]);
    if (!p)
        rest_not_found(c);
    else
        rest_reply(c, 200, rest_participant_json(c, p));
}

void rest_participant_update(struct rest_ctx *c)
{
    const struct sim_conference *cf = path_conference(c);
    if (!cf)
        return;
    const struct sim_participant *p = NULL;
    struct sim_err e = {0};
    if (!sim_participant_get(c->s, cf->sid, c->args[1]))
        rest_not_found(c);
    else if (sim_participant_update(c->s, c->args[0], c->args[1], &c->params, &p, &e) < 0 || !p)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 200, rest_participant_json(c, p));
}

void rest_participant_delete(struct rest_ctx *c)
{
    const struct sim_conference *cf = path_conference(c);
    if (!cf)
        return;
    struct sim_err e = {0};
    if (!sim_participant_get(c->s, cf->sid, c->args[1]))
        rest_not_found(c);
    else if (sim_participant_delete(c->s, c->args[0], c->args[1], &e) < 0)
        rest_reply_sim_err(c, &e);
    else
        rest_reply_empty(c);
}

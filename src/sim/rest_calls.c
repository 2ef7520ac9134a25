/*
 * rest_calls: the REST handlers for the account, Calls and Recordings (per account, per call and
 * per conference). Filters and paging as Twilio's API has them; the engine does the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "sim/rest_int.h"

void rest_account_fetch(struct rest_ctx *c)
{
    rest_reply(c, 200, rest_account_json(c));
}

/* ---- calls --------------------------------------------------------------------------------- */

static const char *call_sid(const void *e)
{
    return (*(const struct sim_call *const *)e)->sid;
}

static cJSON *call_render(const struct rest_ctx *c, const void *e)
{
    return rest_call_json(c, *(const struct sim_call *const *)e);
}

static int str_match(const char *want, const char *have)
{
    return !want || (have && strcmp(want, have) == 0);
}

void rest_calls_list(struct rest_ctx *c)
{
    const char *to = form_get(&c->params, "To");
    const char *from = form_get(&c->params, "From");
    const char *status = form_get(&c->params, "Status");
    const char *parent = form_get(&c->params, "ParentCallSid");
    enum callstate_status st;
    if (status && callstate_parse(status, &st) < 0) {
        rest_reply_error(c, 400, 20422, "Invalid Parameter: Status");
        return;
    }
    struct rest_time_filter started, ended;
    if (rest_time_filter_parse(c, "StartTime", &started) < 0 ||
        rest_time_filter_parse(c, "EndTime", &ended) < 0)
        return;
    size_t n = sim_call_count(c->s), k = 0;
    const struct sim_call **calls = xcalloc(n ? n : 1, sizeof *calls);
    for (size_t i = 0; i < n; i++) {
        const struct sim_call *call = sim_call_at(c->s, i);
        if (!call || !str_match(to, call->to) || !str_match(from, call->from) ||
            !str_match(status, rest_call_status(call->status)) ||
            !str_match(parent, call->parent_sid) ||
            !rest_time_filter_match(&started, call->start_ms) ||
            !rest_time_filter_match(&ended, call->end_ms))
            continue;
        calls[k++] = call;
    }
    struct rest_list l = {.key = "calls",
                          .items = calls,
                          .n = k,
                          .elem_size = sizeof *calls,
                          .sid = call_sid,
                          .render = call_render};
    rest_reply_page(c, "/Calls.json", &l);
    free(calls);
}

void rest_calls_create(struct rest_ctx *c)
{
    const struct sim_call *call = NULL;
    struct sim_err e = {0};
    if (sim_call_create(c->s, &c->params, &call, &e) < 0 || !call)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 201, rest_call_json(c, call));
}

void rest_call_fetch(struct rest_ctx *c)
{
    const struct sim_call *call = sim_call_get(c->s, c->args[0]);
    if (!call)
        rest_not_found(c);
    else
        rest_reply(c, 200, rest_call_json(c, call));
}

void rest_call_update(struct rest_ctx *c)
{
    const struct sim_call *call = NULL;
    struct sim_err e = {0};
    if (!sim_call_get(c->s, c->args[0]))
        rest_not_found(c);
    else if (sim_call_update(c->s, c->args[0], &c->params, &call, &e) < 0 || !call)
        rest_reply_sim_err(c, &e);
    else
        rest_reply(c, 200, rest_call_json(c, call));
}

/* ---- recordings ---------------------------------------------------------------------------- */

struct rec_item {
    const struct sim_recording *r;
    enum rest_rec_view view;
};

static const char *rec_sid(const void *e)
{
    return ((const struct rec_item *)e)->r->sid;
}

static cJSON *rec_render(const struct rest_ctx *c, const void *e)
{
    const struct rec_item *it = e;
    return rest_recording_json(c, it->r, it->view);
}

/* Lists the recordings that match call_sid and conf_sid (NULL: any) and DateCreated. */
static void list_recordings(struct rest_ctx *c, const char *list_path, enum rest_rec_view view,
                            const char *call, const char *conf)
{
    struct rest_time_filter created;
    if (rest_time_filter_parse(c, "DateCreated", &created) < 0)
        return;
    size_t n = sim_recording_count(c->s), k = 0;
    struct rec_item *items = xcalloc(n ? n : 1, sizeof *items);
    for (size_t i = 0; i < n; i++) {
        const struct sim_recording *r = sim_recording_at(c->s, i);
        if (!r || !str_match(call, r->call_sid) || !str_match(conf, r->conference_sid) ||
            !rest_time_filter_match(&created, r->created_ms))
            continue;
        items[k].r = r;
        items[k++].view = view;
    }
    struct rest_list l = {.key = "recordings",
                          .items = items,
                          .n = k,
                          .elem_size = sizeof *items,
                          .sid = rec_sid,
                          .render = rec_render};
    rest_reply_page(c, list_path, &l);
    free(items);
}

void rest_recordings_list(struct rest_ctx *c)
{
    list_recordings(c, "/Recordings.json", REST_REC_ACCOUNT, form_get(&c->params, "CallSid"),
                    form_get(&c->params, "ConferenceSid"));
}

void rest_recording_fetch(struct rest_ctx *c)
{
    const struct sim_recording *r = sim_recording_get(c->s, c->args[0]);
    if (!r)
        rest_not_found(c);
    else
        rest_reply(c, 200, rest_recording_json(c, r, REST_REC_ACCOUNT));
}

void rest_call_recordings_list(struct rest_ctx *c)
{
    if (!sim_call_get(c->s, c->args[0])) {
        rest_not_found(c);
        return;
    }
    char *path = xasprintf("/Calls/%s/Recordings.json", c->args[0]);
    list_recordings(c, path, REST_REC_CALL, c->args[0], NULL);
    free(path);
}

void rest_call_recording_fetch(struct rest_ctx *c)
{
    const struct sim_recording *r = sim_recording_get(c->s, c->args[1]);
    if (!r || strcmp(r->call_sid, c->args[0]) != 0)
        rest_not_found(c);
    else
        rest_reply(c, 200, rest_recording_json(c, r, REST_REC_CALL));
}

void rest_conf_recordings_list(struct rest_ctx *c)
{
    const struct sim_conference *cf =
        strncmp(c->args[0], "CF", 2) == 0 ? sim_conference_get(c->s, c->args[0]) : NULL;
    if (!cf) {
        rest_not_found(c);
        return;
    }
    char *path = xasprintf("/Conferences/%s/Recordings.json", cf->sid);
    list_recordings(c, path, REST_REC_CONFERENCE, NULL, cf->sid);
    free(path);
}

void rest_conf_recording_fetch(struct rest_ctx *c)
{
    const struct sim_recording *r = sim_recording_get(c->s, c->args[1]);
    if (!r || strcmp(r->conference_sid, c->args[0]) != 0)
        rest_not_found(c);
    else
        rest_reply(c, 200, rest_recording_json(c, r, REST_REC_CONFERENCE));
}

/*
 * app_cmd: the console's glue between the terminal side and the rest. Keys are looked up in
 * the keymap for the model's current context and given to the reducer; the commands it
 * returns are carried out here: REST requests through the client (their answers go back to
 * the reducer with their tag), quit, a theme switch, a refresh. The client's connection
 * changes, events and pending polls go to the reducer too. After each of these, a redraw is
 * asked for when the state says it changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "console/app_int.h"
#include "console/cconf.h"
#include "console/client.h"
#include "console/console.h"
#include "console/keymap.h"
#include "console/model.h"
#include "console/theme_curses.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"

static int64_t wall_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static void run_commands(struct app *a, const struct model_cmd *cmds, int n);

/* After every input: the requests events and answers made due (the wrap-up's dispositions,
 * the call to restore, the next history page) are carried out now rather than at the next
 * key; then a redraw when the state changed (the model sets dirty on every change). */
static void changed(struct app *a)
{
    struct model_cmd cmds[MODEL_CMDS_MAX];
    for (int round = 0; round < 4; round++) { /* a request failing at once may make another due */
        int n = model_take_cmds(a->model, cmds, MODEL_CMDS_MAX);
        if (n <= 0)
            break;
        run_commands(a, cmds, n);
    }
    if (a->model->dirty)
        app_invalidate(a);
}

/* ---- requests ------------------------------------------------------------------------------- */

struct app_req {
    struct app *a;
    int tag;
};

static void on_result(int status, const cJSON *body, const char *err, void *arg)
{
    struct app_req *r = arg;
    struct app *a = r->a;
    int tag = r->tag;
    free(r);
    model_apply_result(a->model, tag, status, body, err);
    changed(a);
}

static void send_request(struct app *a, const struct model_cmd *cmd)
{
    cJSON *body = NULL;
    if (cmd->body[0]) {
        body = cJSON_Parse(cmd->body);
        if (!body) {
            model_apply_result(a->model, cmd->tag, 0, NULL, "the console built a bad request");
            return;
        }
    }
    struct app_req *r = xmalloc(sizeof *r);
    r->a = a;
    r->tag = cmd->tag;
    int rc = client_request(a->client, cmd->method, cmd->path, body, on_result, r);
    cJSON_Delete(body);
    if (rc != DT_OK) {
        free(r);
        model_apply_result(a->model, cmd->tag, 0, NULL,
                           rc == DT_ETOOBIG ? "too many requests in flight: try again"
                                            : "the console built a bad request");
    }
}

static void switch_theme(struct app *a, const char *name)
{
    struct theme t;
    char err[256];
    if (theme_load(name, &t, err, sizeof err) != DT_OK) {
        model_toast(a->model, MODEL_ERROR, "Theme %s: %s", name, err);
        return;
    }
    a->theme = t;
    app_theme_apply(a);
    model_set_theme(a->model, t.name);
}

static void run_commands(struct app *a, const struct model_cmd *cmds, int n)
{
    for (int i = 0; i < n; i++) {
        const struct model_cmd *c = &cmds[i];
        switch (c->kind) {
        case MODEL_CMD_REQUEST:
            send_request(a, c);
            break;
        case MODEL_CMD_QUIT:
            app_quit(a);
            break;
        case MODEL_CMD_THEME:
            switch_theme(a, c->arg);
            break;
        case MODEL_CMD_REFRESH:
            client_retry_now(a->client);
            break;
        }
    }
}

/* ---- inputs --------------------------------------------------------------------------------- */

void app_model_key(struct app *a, int key)
{
    model_tick(a->model, netloop_now_ms(), wall_ms()); /* the popup's guard reads the clock */
    enum km_context ctx = model_key_context(a->model);
    enum km_action action = km_lookup(a->km, ctx, key);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    int n = model_apply_key(a->model, key, action, cmds, MODEL_CMDS_MAX);
    run_commands(a, cmds, n);
    changed(a);
}

void app_model_tick(struct app *a)
{
    model_tick(a->model, netloop_now_ms(), wall_ms());
    changed(a);
}

void app_model_resize(struct app *a, int rows, int cols)
{
    model_resize(a->model, rows, cols);
    changed(a);
}

static void on_conn(enum client_conn state, uint64_t retry_at_ms, const char *why, void *user)
{
    struct app *a = user;
    model_set_conn(a->model, state, retry_at_ms, why);
    changed(a);
}

static void on_event(const cJSON *ev, void *user)
{
    struct app *a = user;
    model_tick(a->model, netloop_now_ms(), wall_ms()); /* when a popup shows */
    model_apply_event(a->model, ev);
    changed(a);
}

static void on_pending(const cJSON *body, void *user)
{
    struct app *a = user;
    model_tick(a->model, netloop_now_ms(), wall_ms());
    model_apply_pending(a->model, body);
    changed(a);
}

/* ---- lifecycle ------------------------------------------------------------------------------ */

/* The configuration's key overrides and default country. */
static int conf_apply(struct app *a, char *err, size_t errlen)
{
    const struct cconf *conf = a->opt->conf;
    if (!conf)
        return DT_OK;
    if (conf->country[0])
        model_set_country(a->model, conf->country);
    return cconf_apply_keys(conf, a->km, err, errlen);
}

int app_model_start(struct app *a, char *err, size_t errlen)
{
    a->km = km_new();
    /* The terminal is in raw mode, so C-c is a key rather than SIGINT: let it quit, as a
     * person expects (the config file's [keys] may still rebind it). */
    if (km_lookup(a->km, KM_GLOBAL, KM_CTRL('c')) == KA_NONE)
        km_bind(a->km, KM_GLOBAL, KM_CTRL('c'), KA_QUIT);
    a->model = model_new();
    theme_builtin(&a->theme);
    const char *name = a->opt->theme;
    if (name && name[0]) {
        if (theme_load(name, &a->theme, err, errlen) != DT_OK)
            return DT_EINVAL;
    } else if (theme_load("default", &a->theme, err, errlen) != DT_OK) {
        theme_builtin(&a->theme); /* no theme files around: the compiled-in one */
    }
    model_set_theme(a->model, a->theme.name);
    model_tick(a->model, netloop_now_ms(), wall_ms());
    return conf_apply(a, err, errlen);
}

void app_model_stop(struct app *a)
{
    model_free(a->model);
    a->model = NULL;
    km_free(a->km);
    a->km = NULL;
}

void app_theme_apply(struct app *a)
{
    if (a->curses_on)
        theme_apply(&a->theme, has_colors() ? COLORS : 0);
    if (a->model)
        a->model->dirty = 1;
}

int app_client_start(struct app *a, char *err, size_t errlen)
{
    static const struct client_callbacks cb = {
        .on_conn = on_conn,
        .on_event = on_event,
        .on_pending = on_pending,
    };
    a->client = client_new(a->loop, a->opt->server, a->opt->token, &cb, a, err, errlen);
    return a->client ? DT_OK : DT_EINVAL;
}

void app_client_stop(struct app *a)
{
    client_free(a->client);
    a->client = NULL;
}

/*
 * serve: `dialtone serve`, the daemon. Loads the configuration (the file, then the
 * environment; a file that holds a secret must be private), opens the database, starts the
 * loop, the HTTP client, the Twilio REST client and the server, makes sure Twilio's queues
 * exist (again every minute until that works), and runs until SIGINT or SIGTERM.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd/cmd.h"
#include "dialtone/api.h"
#include "dialtone/config.h"
#include "dialtone/httpc.h"
#include "dialtone/log.h"
#include "dialtone/netloop.h"
#include "dialtone/push.h"
#include "dialtone/server.h"
#include "dialtone/store.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"

#define DEFAULT_CONFIG "dialtone.conf"
#define SYNC_RETRY_MS  60000
#define ERRLEN         512

struct serve {
    struct config cfg;
    struct store *store;
    struct netloop *loop;
    struct httpc *http;
    struct twilio *tw;
    struct server *srv;
    struct push *push;
    struct api *api;
    struct netloop_timer *retry;
};

static const struct option serve_options[] = {
    {.name = "config", .has_arg = required_argument, .val = 'c'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf("usage: dialtone serve %s\n\n"
           "Runs the daemon: Twilio's webhooks under /twilio/, /healthz and /metrics on the\n"
           "[server] address and port, the database, and Twilio's REST API.\n\n"
           "  -c, --config FILE   the configuration (default ./" DEFAULT_CONFIG " when it exists;\n"
           "                      see data/dialtone.conf.example). Environment variables\n"
           "                      such as TWILIO_AUTH_TOKEN override it.\n",
           cmd_serve_entry.args);
}

/* Parses argv; -1 to go on with *path set (NULL: the default if present), else the status. */
static int parse_options(int argc, char **argv, const char **path)
{
    *path = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":c:h", serve_options, NULL)) != -1) {
        switch (c) {
        case 'c':
            *path = optarg;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            return cmd_usage_error(&cmd_serve_entry, "%s needs a value", argv[optind - 1]);
        default:
            return cmd_usage_error(&cmd_serve_entry, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_serve_entry, "unexpected argument '%s'", argv[optind]);
    return -1;
}

static int load_config(struct config *cfg, const char *path, char *err, size_t errlen)
{
    struct stat sb;
    int rc = DT_OK;
    if (path || stat(DEFAULT_CONFIG, &sb) == 0)
        rc = config_load_file(cfg, path ? path : DEFAULT_CONFIG, err, errlen);
    if (rc == DT_OK)
        rc = config_apply_env(cfg, config_getenv, NULL, err, errlen);
    if (rc == DT_OK)
        rc = config_validate(cfg, err, errlen);
    if (rc == DT_OK && cfg->n_queues == 0)
        rc = dt_seterr(err, errlen, DT_EINVAL,
                       "no queue: add a [queue \"NAME\"] section for the calls to wait in");
    if (rc == DT_OK && config_register_secrets(cfg) != DT_OK)
        rc = dt_seterr(err, errlen, DT_EINVAL, "cannot register the secrets with the log");
    if (rc == DT_OK)
        log_set_level(cfg->server.log_level);
    return rc;
}

static void start_sync(struct serve *sv);

static void on_synced(void *user, int ok, const char *why)
{
    struct serve *sv = user;
    (void)why; /* logged by the server */
    if (!ok)
        netloop_timer_start(sv->retry, SYNC_RETRY_MS);
}

static void on_retry(struct netloop_timer *t, void *user)
{
    (void)t;
    start_sync(user);
}

static void start_sync(struct serve *sv)
{
    if (server_sync_queues(sv->srv, on_synced, sv) != DT_OK)
        netloop_timer_start(sv->retry, SYNC_RETRY_MS);
}

static int start(struct serve *sv, char *err, size_t errlen)
{
    const struct config *cfg = &sv->cfg;
    int rc = store_open(cfg->server.database, &sv->store, err, errlen);
    if (rc != DT_OK)
        return rc;
    sv->loop = netloop_new(NULL, err, errlen);
    if (!sv->loop)
        return DT_EIO;
    netloop_catch_signals(sv->loop, NULL, NULL);
    sv->http = httpc_new(sv->loop, NULL, err, errlen);
    if (!sv->http)
        return DT_EIO;
    const int key = cfg->twilio.api_key_sid[0] != '\0';
    struct twilio_options to = {
        .base_url = cfg->twilio.api_base_url,
        .account_sid = cfg->twilio.account_sid,
        .user = key ? cfg->twilio.api_key_sid : cfg->twilio.account_sid,
        .password = key ? cfg->twilio.api_key_secret : cfg->twilio.auth_token,
    };
    sv->tw = twilio_new(sv->loop, sv->http, &to, err, errlen);
    if (!sv->tw)
        return DT_EINVAL;
    struct server_options so = {.cfg = cfg, .loop = sv->loop, .store = sv->store, .twilio = sv->tw};
    sv->srv = server_new(&so, err, errlen);
    if (!sv->srv)
        return DT_EIO;
    sv->push = push_new(sv->srv, NULL, err, errlen);
    if (!sv->push)
        return DT_EIO;
    sv->api = api_new(sv->srv, err, errlen);
    if (!sv->api)
        return DT_EIO;
    sv->retry = netloop_timer_new(sv->loop, on_retry, sv);
    return DT_OK;
}

/* Frees in the order the headers ask: API, push, server, Twilio client, HTTP, loop, store. */
static void stop(struct serve *sv)
{
    api_free(sv->api);
    push_free(sv->push);
    server_free(sv->srv);
    twilio_free(sv->tw);
    httpc_free(sv->http);
    netloop_timer_free(sv->retry);
    netloop_free(sv->loop);
    store_close(sv->store);
    config_done(&sv->cfg);
}

static int cmd_serve_main(int argc, char **argv)
{
    const char *path;
    int rc = parse_options(argc, argv, &path);
    if (rc >= 0)
        return rc;
    struct serve sv = {.store = NULL};
    char err[ERRLEN];
    config_init(&sv.cfg);
    rc = load_config(&sv.cfg, path, err, sizeof err);
    if (rc == DT_OK)
        rc = start(&sv, err, sizeof err);
    if (rc != DT_OK) {
        fprintf(stderr, "dialtone serve: %s\n", err);
        stop(&sv);
        return 1;
    }
    printf("dialtone serve: listening on http://%s%s%s:%d\n",
           strchr(sv.cfg.server.listen, ':') ? "[" : "", sv.cfg.server.listen,
           strchr(sv.cfg.server.listen, ':') ? "]" : "", server_port(sv.srv));
    fflush(stdout);
    log_info("serving on port %d, database %s, Twilio API %s", server_port(sv.srv),
             sv.cfg.server.database, sv.cfg.twilio.api_base_url);
    start_sync(&sv);
    rc = netloop_run(sv.loop);
    log_info("stopping");
    stop(&sv);
    return rc == DT_OK ? 0 : 1;
}

const struct cmd_entry cmd_serve_entry = {
    .name = "serve",
    .args = "[--config FILE]",
    .summary = "run the daemon (webhooks, REST, database)",
    .main = cmd_serve_main,
};

/*
 * agent: `dialtone agent add|list|remove|token`, managing the daemon's agents in its database
 * (found through the configuration, as `dialtone serve` finds it). A token is printed once,
 * when made; the database keeps only its SHA-256 hash.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd/cmd.h"
#include "dialtone/agents.h"
#include "dialtone/config.h"
#include "dialtone/store.h"
#include "dialtone/store_agents.h"
#include "dialtone/util.h"

#define DEFAULT_CONFIG "dialtone.conf"
#define ERRLEN         512

struct agent_args {
    const char *verb, *name, *role, *endpoint, *queues, *config;
};

static const struct option agent_options[] = {
    {.name = "role", .has_arg = required_argument, .val = 'r'},
    {.name = "endpoint", .has_arg = required_argument, .val = 'e'},
    {.name = "queues", .has_arg = required_argument, .val = 'q'},
    {.name = "config", .has_arg = required_argument, .val = 'c'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf("usage: dialtone agent %s\n\n"
           "  add NAME --role agent|supervisor --endpoint ENDPOINT [--queues a,b]\n"
           "                      adds an agent and prints its API token, once\n"
           "  list                lists the agents (name, role, state, endpoint, queues)\n"
           "  remove NAME         removes an agent\n"
           "  token NAME          makes a new API token (the old one stops working)\n\n"
           "ENDPOINT is an E.164 number (+15551230000), sip:user@host or client:identity.\n"
           "  -c, --config FILE   the configuration naming the database (default ./" DEFAULT_CONFIG
           "\n                      when it exists; DIALTONE_DB overrides it)\n",
           cmd_agent_entry.args);
}

/* Which options each verb takes, and how many operands. */
static int check_verb(const struct agent_args *a, int operands)
{
    const char *v = a->verb;
    int add = strcmp(v, "add") == 0, list = strcmp(v, "list") == 0;
    if (!add && !list && strcmp(v, "remove") != 0 && strcmp(v, "token") != 0)
        return cmd_usage_error(&cmd_agent_entry, "unknown action '%s'", v);
    if (operands != (list ? 0 : 1))
        return cmd_usage_error(&cmd_agent_entry, "%s takes %s", v, list ? "no name" : "one NAME");
    if (!add && (a->role || a->endpoint || a->queues))
        return cmd_usage_error(&cmd_agent_entry,
                               "--role, --endpoint and --queues go with add only");
    if (add && (!a->role || !a->endpoint))
        return cmd_usage_error(&cmd_agent_entry, "add needs --role and --endpoint");
    return -1;
}

/* Parses argv (argv[1] the verb); -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, struct agent_args *a)
{
    *a = (struct agent_args){0};
    if (argc < 2)
        return cmd_usage_error(&cmd_agent_entry, "an action is needed: add, list, remove or token");
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        print_help();
        return 0;
    }
    a->verb = argv[1];
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc - 1, argv + 1, ":c:h", agent_options, NULL)) != -1) {
        switch (c) {
        case 'r':
            a->role = optarg;
            break;
        case 'e':
            a->endpoint = optarg;
            break;
        case 'q':
            a->queues = optarg;
            break;
        case 'c':
            a->config = optarg;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            return cmd_usage_error(&cmd_agent_entry, "%s needs a value", argv[optind]);
        default:
            return cmd_usage_error(&cmd_agent_entry, "unknown option '%s'", argv[optind]);
        }
    }
    int operands = argc - 1 - optind;
    if (operands > 0)
        a->name = argv[1 + optind];
    return check_verb(a, operands);
}

static int load_config(struct config *cfg, const char *path, char *err, size_t errlen)
{
    struct stat sb;
    int rc = DT_OK;
    if (path || stat(DEFAULT_CONFIG, &sb) == 0)
        rc = config_load_file(cfg, path ? path : DEFAULT_CONFIG, err, errlen);
    if (rc == DT_OK)
        rc = config_apply_env(cfg, config_getenv, NULL, err, errlen);
    return rc;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Splits "a,b" into at most STORE_AGENT_QUEUES_MAX names in place; each must be well formed and,
 * when the configuration lists queues, one of them. */
static int split_queues(char *list, const struct config *cfg, const char **q, size_t *n, char *err,
                        size_t errlen)
{
    *n = 0;
    for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (*n == STORE_AGENT_QUEUES_MAX)
            return dt_seterr(err, errlen, DT_EINVAL, "at most %d queues", STORE_AGENT_QUEUES_MAX);
        if (!store_queue_name_ok(t))
            return dt_seterr(err, errlen, DT_EINVAL,
                             "bad queue name '%s' (1-32 letters, digits, '-' or '_')", t);
        int known = cfg->n_queues == 0;
        for (size_t i = 0; i < cfg->n_queues && !known; i++)
            known = strcmp(cfg->queues[i].name, t) == 0;
        if (!known)
            return dt_seterr(err, errlen, DT_EINVAL, "no queue '%s' in the configuration", t);
        q[(*n)++] = t;
    }
    return DT_OK;
}

/* Makes a token, stores its hash on agent name (added first when add is set), prints it. */
static int issue_token(struct store *st, const struct agent_args *a, enum store_role role, int add,
                       char *err, size_t errlen)
{
    char token[AGENTS_TOKEN_SIZE], hash[AGENTS_HASH_SIZE];
    int rc = agents_token_new(token, err, errlen);
    if (rc == DT_OK && agents_token_hash(token, strlen(token), hash) != DT_OK)
        rc = dt_seterr(err, errlen, DT_EIO, "cannot hash the token");
    if (rc == DT_OK)
        rc =
            add ? store_agent_add(st, a->name, role, a->endpoint, hash, now_ms(), NULL, err, errlen)
                : store_agent_set_token(st, a->name, hash, err, errlen);
    if (rc == DT_EEXIST && add)
        rc = dt_seterr(err, errlen, rc, "an agent named %s already exists", a->name);
    if (rc == DT_OK)
        printf("token: %s\n", token);
    explicit_bzero(token, sizeof token);
    return rc;
}

static int do_add(struct store *st, const struct config *cfg, const struct agent_args *a, char *err,
                  size_t errlen)
{
    enum store_role role;
    if (store_role_parse(a->role, &role) != DT_OK)
        return dt_seterr(err, errlen, DT_EINVAL, "role must be agent or supervisor");
    int rc = agents_endpoint_check(a->endpoint, err, errlen);
    if (rc != DT_OK)
        return rc;
    char *list = xstrdup(a->queues ? a->queues : "");
    const char *q[STORE_AGENT_QUEUES_MAX];
    size_t n = 0;
    rc = split_queues(list, cfg, q, &n, err, errlen);
    if (rc == DT_OK)
        rc = store_tx_begin(st, err, errlen);
    if (rc == DT_OK) {
        rc = issue_token(st, a, role, 1, err, errlen);
        if (rc == DT_OK)
            rc = store_agent_set_queues(st, a->name, q, n, err, errlen);
        if (rc == DT_OK)
            rc = store_tx_commit(st, err, errlen);
        else
            store_tx_rollback(st);
    }
    free(list);
    if (rc == DT_OK)
        fprintf(stderr, "added %s %s; the token above is shown only now\n", a->role, a->name);
    return rc;
}

static int do_list(struct store *st, char *err, size_t errlen)
{
    struct store_agent_list l;
    int rc = store_agent_list(st, &l, err, errlen);
    if (rc != DT_OK)
        return rc;
    printf("%-20s %-10s %-10s %-28s %s\n", "NAME", "ROLE", "STATE", "ENDPOINT", "QUEUES");
    for (size_t i = 0; i < l.count && rc == DT_OK; i++) {
        const struct store_agent *g = &l.items[i];
        char *qs = NULL;
        rc = store_agent_queues(st, g->name, &qs, err, errlen);
        if (rc == DT_OK)
            printf("%-20s %-10s %-10s %-28s %s\n", g->name, store_role_name(g->role),
                   g->state ? g->state : "", g->endpoint ? g->endpoint : "-", *qs ? qs : "-");
        free(qs);
    }
    store_agent_list_done(&l);
    return rc;
}

static int do_remove(struct store *st, const char *name, char *err, size_t errlen)
{
    int rc = store_agent_remove(st, name, err, errlen);
    if (rc == DT_OK)
        printf("removed %s; a running daemon takes their offers back within a second\n", name);
    return rc;
}

static int run(const struct agent_args *a, char *err, size_t errlen)
{
    struct config cfg;
    config_init(&cfg);
    struct store *st = NULL;
    int rc = load_config(&cfg, a->config, err, errlen);
    if (rc == DT_OK)
        rc = store_open(cfg.server.database, &st, err, errlen);
    if (rc == DT_OK) {
        if (strcmp(a->verb, "add") == 0)
            rc = do_add(st, &cfg, a, err, errlen);
        else if (strcmp(a->verb, "list") == 0)
            rc = do_list(st, err, errlen);
        else if (strcmp(a->verb, "remove") == 0)
            rc = do_remove(st, a->name, err, errlen);
        else
            rc = issue_token(st, a, DT_ROLE_AGENT, 0, err, errlen);
    }
    store_close(st);
    config_done(&cfg);
    return rc;
}

static int cmd_agent_main(int argc, char **argv)
{
    struct agent_args a;
    int rc = parse_args(argc, argv, &a);
    if (rc >= 0)
        return rc;
    char err[ERRLEN] = "";
    rc = run(&a, err, sizeof err);
    if (rc != DT_OK) {
        fprintf(stderr, "dialtone agent %s: %s\n", a.verb, err);
        return 1;
    }
    fflush(stdout);
    return 0;
}

const struct cmd_entry cmd_agent_entry = {
    .name = "agent",
    .args = "add NAME --role agent|supervisor --endpoint ENDPOINT [--queues a,b] | list | "
            "remove NAME | token NAME [--config FILE]",
    .summary = "manage the agents and their API tokens",
    .main = cmd_agent_main,
};

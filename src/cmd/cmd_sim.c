/*
 * sim: `dialtone sim`, the Twilio emulator. Reads its options and the scenario file, takes
 * the auth token from the environment (never from the command line, where every user could
 * read it with ps), and hands over to sim_host for the running emulator.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "cmd/sim_host.h"
#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#define SIM_MAX_SPEED 100000.0

struct sim_cli {
    struct sim_host_opts host;
    const char *scenario;
    const char *token_env;
    const char *log_level;
    int port_given;
};

static const struct option sim_options[] = {
    {.name = "port", .has_arg = required_argument, .val = 'p'},
    {.name = "listen", .has_arg = required_argument, .val = 'l'},
    {.name = "scenario", .has_arg = required_argument, .val = 's'},
    {.name = "account", .has_arg = required_argument, .val = 'a'},
    {.name = "auth-token-env", .has_arg = required_argument, .val = 'e'},
    {.name = "auth-token", .has_arg = required_argument, .val = 'T'},
    {.name = "speed", .has_arg = required_argument, .val = 'x'},
    {.name = "seed", .has_arg = required_argument, .val = 'S'},
    {.name = "log-level", .has_arg = required_argument, .val = 'L'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf("usage: dialtone sim %s\n\n"
           "Runs a Twilio emulator: Twilio's REST API (2010-04-01) for calls, queues,\n"
           "conferences, participants and recordings, the voice engine that executes your\n"
           "TwiML and sends signed webhooks, and a control API under /sim/.\n\n"
           "  -p, --port N             port to listen on; 0 picks a free one (printed)\n"
           "  -l, --listen ADDR        numeric address to listen on (default 127.0.0.1)\n"
           "  -s, --scenario FILE      the scenario (INI, see data/scenarios/demo.ini)\n"
           "  -a, --account AC...      the emulated Account SID (default: the scenario's)\n"
           "  -e, --auth-token-env VAR read the auth token from $VAR (default\n"
           "                           TWILIO_AUTH_TOKEN); without it, the scenario's\n"
           "  -x, --speed X            emulated seconds per real second (default: the\n"
           "                           scenario's)\n"
           "  -S, --seed N             seed of the traffic (default: the scenario's)\n"
           "  -L, --log-level LEVEL    error, warn, info (default) or debug\n",
           cmd_sim_entry.args);
}

static int parse_port(const char *s, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || errno || v < 0 || v > 65535)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_speed(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (!s[0] || *end || errno || !(v > 0) || v > SIM_MAX_SPEED)
        return -1;
    *out = v;
    return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!s[0] || s[0] == '-')
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || errno)
        return -1;
    *out = v;
    return 0;
}

/* One option; returns -1 to go on, else the exit status. */
static int take_option(struct sim_cli *o, int c, char **argv)
{
    switch (c) {
    case 'p':
        o->port_given = 1;
        return parse_port(optarg, &o->host.port) < 0
                   ? cmd_usage_error(&cmd_sim_entry,
                                     "--port wants a number from 0 to 65535, not '%s'", optarg)
                   : -1;
    case 'l':
        o->host.listen = optarg;
        return -1;
    case 's':
        o->scenario = optarg;
        return -1;
    case 'a':
        o->host.account = optarg;
        return valid_sid(optarg, "AC") ? -1
                                       : cmd_usage_error(&cmd_sim_entry,
                                                         "--account wants AC and 32 hex digits, "
                                                         "not '%s'",
                                                         optarg);
    case 'e':
        o->token_env = optarg;
        return -1;
    case 'T':
        o->host.auth_token = optarg;
        fprintf(stderr, "dialtone sim: warning: --auth-token puts the token where every user "
                        "can see it (ps); use --auth-token-env VAR\n");
        return -1;
    case 'x':
        return parse_speed(optarg, &o->host.speed) < 0
                   ? cmd_usage_error(&cmd_sim_entry,
                                     "--speed wants a number above 0 and up to 100000, not '%s'",
                                     optarg)
                   : -1;
    case 'S':
        o->host.has_seed = 1;
        return parse_seed(optarg, &o->host.seed) < 0
                   ? cmd_usage_error(&cmd_sim_entry,
                                     "--seed wants a non-negative integer, not '%s'", optarg)
                   : -1;
    case 'L':
        o->log_level = optarg;
        return -1;
    case 'h':
        print_help();
        return 0;
    case ':':
        return cmd_usage_error(&cmd_sim_entry, "%s needs a value", argv[optind - 1]);
    default:
        return cmd_usage_error(&cmd_sim_entry, "unknown option '%s'", argv[optind - 1]);
    }
}

/* Parses argv into o; returns -1 to go on, else the exit status. */
static int parse_options(int argc, char **argv, struct sim_cli *o)
{
    memset(o, 0, sizeof *o);
    o->host.listen = "127.0.0.1";
    o->host.speed = -1;
    o->token_env = "TWILIO_AUTH_TOKEN";
    optind = 1;
    opterr = 0;
    int c, rc;
    while ((c = getopt_long(argc, argv, ":p:l:s:a:e:T:x:S:L:h", sim_options, NULL)) != -1)
        if ((rc = take_option(o, c, argv)) >= 0)
            return rc;
    if (optind < argc)
        return cmd_usage_error(&cmd_sim_entry, "unexpected argument '%s'", argv[optind]);
    if (!o->port_given)
        return cmd_usage_error(&cmd_sim_entry, "%s", "--port is required (0 picks a free port)");
    if (!o->scenario)
        return cmd_usage_error(&cmd_sim_entry, "%s", "--scenario is required");
    enum log_level lvl = DT_LOG_INFO;
    if (o->log_level && log_level_parse(o->log_level, &lvl) < 0)
        return cmd_usage_error(
            &cmd_sim_entry, "--log-level wants error, warn, info or debug, not '%s'", o->log_level);
    if (o->log_level)
        log_set_level(lvl);
    const char *env = getenv(o->token_env);
    if (!o->host.auth_token && env && env[0])
        o->host.auth_token = env;
    o->host.token_env = o->token_env;
    return -1;
}

static int register_secrets(const struct sim_scenario *sc)
{
    if (sc->auth_token && log_add_secret(sc->auth_token) < 0)
        return -1;
    if (sc->api_key_secret && sc->api_key_secret[0] && log_add_secret(sc->api_key_secret) < 0)
        return -1;
    return 0;
}

static int cmd_sim_main(int argc, char **argv)
{
    struct sim_cli o;
    int rc = parse_options(argc, argv, &o);
    if (rc >= 0)
        return rc;
    char err[512];
    struct sim_scenario *sc = xcalloc(1, sizeof *sc);
    sim_scenario_init(sc);
    if (sim_scenario_load_file_vars(sc, o.scenario, config_getenv, NULL, err, sizeof err) < 0 ||
        sim_host_apply(&o.host, sc, err, sizeof err) < 0) {
        fprintf(stderr, "dialtone sim: %s\n", err);
        sim_scenario_done(sc);
        free(sc);
        return 1;
    }
    if (register_secrets(sc) < 0) {
        fprintf(stderr, "dialtone sim: cannot register the secrets for the log\n");
        sim_scenario_done(sc);
        free(sc);
        return 1;
    }
    if (sim_host_run(&o.host, sc, err, sizeof err) < 0) {
        fprintf(stderr, "dialtone sim: %s\n", err);
        return 1;
    }
    return 0;
}

const struct cmd_entry cmd_sim_entry = {
    .name = "sim",
    .args = "--port N --scenario FILE [--listen ADDR] [--account AC...] "
            "[--auth-token-env VAR] [--speed X] [--seed N] [--log-level LEVEL]",
    .summary = "run the Twilio emulator",
    .main = cmd_sim_main,
};

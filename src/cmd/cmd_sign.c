/*
 * sign: prints the X-Twilio-Signature that Twilio would send with a request, to debug webhooks
 * answered 403. Form parameters are given as KEY=VALUE arguments (decoded values, as Twilio
 * sends them); a JSON body comes from --body FILE (or - for stdin), and then the URL to call
 * is printed too, with its bodySHA256. The auth token comes from an environment variable,
 * never from the command line, and is never printed.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "dialtone/form.h"
#include "dialtone/sig.h"
#include "dialtone/util.h"

/* Largest --body read, in bytes. Twilio's JSON webhooks are a few kilobytes. */
#define SIGN_MAX_BODY (1024 * 1024)

struct sign_opts {
    const char *url;
    const char *token_env;
    const char *body_path; /* NULL: a form POST with the KEY=VALUE arguments */
};

static const struct option sign_options[] = {
    {.name = "url", .has_arg = required_argument, .val = 'u'},
    {.name = "token-env", .has_arg = required_argument, .val = 't'},
    {.name = "body", .has_arg = required_argument, .val = 'b'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf("usage: dialtone sign %s\n\n"
           "Prints the X-Twilio-Signature of a request to URL, as Twilio computes it.\n"
           "  -u, --url URL          the URL Twilio calls, exactly as configured there\n"
           "  -t, --token-env VAR    read the auth token from $VAR (default TWILIO_AUTH_TOKEN)\n"
           "  -b, --body FILE        sign a JSON body (- for stdin): prints the URL with\n"
           "                         bodySHA256 added, then the signature\n"
           "  KEY=VALUE              a form parameter (decoded), repeatable\n",
           cmd_sign_entry.args);
}

/* Parses options into o; returns -1 to go on, else the exit status. Sets *next to the args. */
static int parse_options(int argc, char **argv, struct sign_opts *o, int *next)
{
    o->url = NULL;
    o->token_env = "TWILIO_AUTH_TOKEN";
    o->body_path = NULL;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":u:t:b:h", sign_options, NULL)) != -1) {
        switch (c) {
        case 'u':
            o->url = optarg;
            break;
        case 't':
            o->token_env = optarg;
            break;
        case 'b':
            o->body_path = optarg;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            fprintf(stderr, "dialtone sign: %s needs a value\n", argv[optind - 1]);
            return cmd_usage(&cmd_sign_entry);
        default:
            fprintf(stderr, "dialtone sign: unknown option '%s'\n", argv[optind - 1]);
            return cmd_usage(&cmd_sign_entry);
        }
    }
    if (!o->url || !o->url[0]) {
        fprintf(stderr, "dialtone sign: --url is required\n");
        return cmd_usage(&cmd_sign_entry);
    }
    if (o->body_path && optind < argc) {
        fprintf(stderr, "dialtone sign: a JSON body is signed with the URL alone; "
                        "KEY=VALUE goes with a form POST\n");
        return cmd_usage(&cmd_sign_entry);
    }
    *next = optind;
    return -1;
}

/* Adds each KEY=VALUE argument to f. Returns -1 to go on, else the exit status. */
static int add_params(struct form *f, int argc, char **argv)
{
    for (int i = 0; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) {
            fprintf(stderr, "dialtone sign: '%s' is not KEY=VALUE\n", argv[i]);
            return cmd_usage(&cmd_sign_entry);
        }
        *eq = '\0';
        int rc = form_add(f, argv[i], eq + 1);
        *eq = '=';
        if (rc < 0) {
            fprintf(stderr, "dialtone sign: parameter %d: %s\n", i + 1, dt_strerror(rc));
            return 1;
        }
    }
    return -1;
}

/* Reads all of path ("-" for stdin) into b, up to SIGN_MAX_BODY. Returns 0 or a DT_E code. */
static int read_body(const char *path, struct dt_buf *b, char *err, size_t errlen)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    if (!f)
        return dt_seterr(err, errlen, DT_EIO, "%s: %s", path, strerror(errno));
    char chunk[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b->len + n > SIGN_MAX_BODY) {
            rc = dt_seterr(err, errlen, DT_ETOOBIG, "%s: body over %d bytes", path, SIGN_MAX_BODY);
            break;
        }
        dt_buf_append(b, chunk, n);
    }
    if (rc == 0 && ferror(f))
        rc = dt_seterr(err, errlen, DT_EIO, "%s: read error", is_stdin ? "stdin" : path);
    if (!is_stdin)
        fclose(f);
    return rc;
}

/* Signs a form POST and checks that the URL is one a validator can parse. */
static int sign_form(const char *token, const char *url, const struct form *f)
{
    char sig[DT_SIG_BUFSZ], err[256];
    int rc = sig_compute(token, url, f, sig, err, sizeof err);
    if (rc == 0)
        rc = sig_validate(token, url, f, sig, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "dialtone sign: %s\n", err);
        return 1;
    }
    printf("%s\n", sig);
    return 0;
}

/* Signs a JSON body: prints the URL with its bodySHA256, then the signature. */
static int sign_json(const char *token, const char *url, const char *path)
{
    char sig[DT_SIG_BUFSZ], err[256];
    struct dt_buf body;
    dt_buf_init(&body);
    char *signed_url = NULL;
    int rc = read_body(path, &body, err, sizeof err);
    if (rc == 0) {
        signed_url = sig_url_with_body_hash(url, body.data, body.len);
        rc = sig_compute(token, signed_url, NULL, sig, err, sizeof err);
    }
    if (rc == 0)
        rc = sig_validate_json(token, signed_url, body.data, body.len, sig, err, sizeof err);
    if (rc == 0)
        printf("%s\n%s\n", signed_url, sig);
    else
        fprintf(stderr, "dialtone sign: %s\n", err);
    free(signed_url);
    dt_buf_done(&body);
    return rc == 0 ? 0 : 1;
}

static int cmd_sign_main(int argc, char **argv)
{
    struct sign_opts o;
    int next = 0;
    int status = parse_options(argc, argv, &o, &next);
    if (status >= 0)
        return status;
    struct form f;
    form_init(&f);
    status = add_params(&f, argc - next, argv + next);
    if (status < 0) {
        const char *token = getenv(o.token_env);
        if (!token || !token[0]) {
            fprintf(stderr, "dialtone sign: environment variable %s is not set or empty\n",
                    o.token_env);
            status = 1;
        } else if (o.body_path) {
            status = sign_json(token, o.url, o.body_path);
        } else {
            status = sign_form(token, o.url, &f);
        }
    }
    form_done(&f);
    return status;
}

const struct cmd_entry cmd_sign_entry = {
    .name = "sign",
    .args = "--url URL [--token-env VAR] [--body FILE|-] [KEY=VALUE...]",
    .summary = "print the X-Twilio-Signature of a request",
    .main = cmd_sign_main,
};

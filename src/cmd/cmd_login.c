/*
 * login: `dialtone login --server URL --token TOKEN`, checking the agent's token against the
 * daemon (GET /api/v1/me) and writing the console's config file (console/cconf.h) with mode
 * 0600, keeping its other settings. A one-shot command: blocking libcurl is enough here.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "console/cconf.h"
#include "console/sanitize.h"
#include "dialtone/util.h"

#define ERRLEN        512
#define ANSWER_MAX    (256 * 1024)
#define LOGIN_TIMEOUT 15L

static int cmd_login_main(int argc, char **argv);

const struct cmd_entry cmd_login_entry = {
    .name = "login",
    .args = "--server URL --token TOKEN|- [--config FILE]",
    .summary = "check an agent's token with the daemon and save it for the console",
    .main = cmd_login_main,
};

static const struct option login_options[] = {
    {.name = "server", .has_arg = required_argument, .val = 's'},
    {.name = "token", .has_arg = required_argument, .val = 't'},
    {.name = "config", .has_arg = required_argument, .val = 'c'},
    {.name = "help", .has_arg = no_argument, .val = 'h'},
    {.name = NULL},
};

static void print_help(void)
{
    printf(
        "usage: dialtone login %s\n\n"
        "Checks the agent's token with the daemon (GET /api/v1/me) and writes it, with the\n"
        "server's URL, to the console's configuration, mode 0600, keeping its other settings.\n\n"
        "  -s, --server URL    the daemon, for example http://127.0.0.1:8080\n"
        "  -t, --token TOKEN   the agent's token from `dialtone agent add` (- reads it from\n"
        "                      the first line of standard input, out of the process list)\n"
        "  -c, --config FILE   the file to write (default $XDG_CONFIG_HOME/dialtone/\n"
        "                      console.conf, else ~/.config/dialtone/console.conf)\n",
        cmd_login_entry.args);
}

struct answer {
    struct dt_buf body;
    int too_big;
};

static size_t on_body(char *p, size_t size, size_t n, void *user)
{
    struct answer *a = user;
    size_t len = size * n;
    if (a->body.len + len > ANSWER_MAX) {
        a->too_big = 1;
        return 0;
    }
    dt_buf_append(&a->body, p, len);
    return len;
}

/* Prints outside text (from the daemon) harmlessly. */
static const char *safe(const char *s, char *buf, size_t n)
{
    tx_sanitize(s, s ? strlen(s) : 0, buf, n);
    return buf;
}

static const char *json_str(const cJSON *o, const char *k)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* GET /api/v1/me; 0 with the agent's name and role printed into who, else 1 after saying why. */
static int check_token(const char *server, const char *token, char *who, size_t wholen)
{
    CURL *h = curl_easy_init();
    if (!h) {
        fprintf(stderr, "dialtone login: cannot start libcurl\n");
        return 1;
    }
    char *url = xasprintf("%s/api/v1/me", server);
    char *auth = xasprintf("Authorization: Bearer %s", token);
    struct curl_slist *hdr = curl_slist_append(NULL, auth);
    hdr = curl_slist_append(hdr, "Accept: application/json");
    struct answer a = {.too_big = 0};
    dt_buf_init(&a.body);
    char cerr[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &a);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, LOGIN_TIMEOUT);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode rc = curl_easy_perform(h);
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hdr);
    memset(auth, 0, strlen(auth));
    free(auth);
    curl_easy_cleanup(h);

    int ret = 1;
    char s1[200], s2[200];
    cJSON *j =
        rc == CURLE_OK && a.body.data ? cJSON_ParseWithLength(a.body.data, a.body.len) : NULL;
    if (rc != CURLE_OK && a.too_big) {
        fprintf(stderr, "dialtone login: %s answered more than %d bytes: not a dialtone daemon?\n",
                url, ANSWER_MAX);
    } else if (rc != CURLE_OK) {
        fprintf(stderr,
                "dialtone login: cannot reach the daemon at %s: %s\n"
                "  is `dialtone serve` running there, and is the URL right?\n",
                server, cerr[0] ? cerr : curl_easy_strerror(rc));
    } else if (status == 401) {
        fprintf(stderr,
                "dialtone login: the daemon at %s refused the token (HTTP 401): check it, or make "
                "a new one with `dialtone agent token NAME`\n",
                server);
    } else if (status != 200) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
        const char *msg = json_str(e, "message");
        fprintf(stderr, "dialtone login: %s answered HTTP %ld%s%s\n", url, status, msg ? ": " : "",
                msg ? safe(msg, s1, sizeof s1) : "");
    } else if (!json_str(j, "name")) {
        fprintf(stderr,
                "dialtone login: %s answered, but not with an agent: is this a dialtone daemon?\n",
                url);
    } else {
        const char *role = json_str(j, "role");
        snprintf(who, wholen, "%s%s%s%s", safe(json_str(j, "name"), s1, sizeof s1),
                 role ? " (" : "", role ? safe(role, s2, sizeof s2) : "", role ? ")" : "");
        ret = 0;
    }
    cJSON_Delete(j);
    dt_buf_done(&a.body);
    free(url);
    return ret;
}

/* Reads the token from the first line of stdin into buf. 0, or 1 after saying why. */
static int read_token(char *buf, size_t n)
{
    if (!fgets(buf, (int)n, stdin)) {
        fprintf(stderr, "dialtone login: --token -: nothing on standard input\n");
        return 1;
    }
    size_t len = strcspn(buf, "\r\n");
    if (buf[len] == '\0' && len == n - 1) {
        fprintf(stderr, "dialtone login: --token -: the token is too long\n");
        return 1;
    }
    buf[len] = '\0';
    return 0;
}

static int cmd_login_main(int argc, char **argv)
{
    const char *server = NULL, *token = NULL, *path = NULL;
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, ":s:t:c:h", login_options, NULL)) != -1) {
        switch (opt) {
        case 's':
            server = optarg;
            break;
        case 't':
            token = optarg;
            break;
        case 'c':
            path = optarg;
            break;
        case 'h':
            print_help();
            return 0;
        case ':':
            return cmd_usage_error(&cmd_login_entry, "%s needs a value", argv[optind - 1]);
        default:
            return cmd_usage_error(&cmd_login_entry, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cmd_usage_error(&cmd_login_entry, "unexpected argument '%s'", argv[optind]);
    if (!server || !token)
        return cmd_usage_error(&cmd_login_entry, "both --server and --token are needed");

    struct cconf c, fresh;
    cconf_init(&c);
    char err[ERRLEN], tokbuf[CCONF_TOKEN_MAX + 2], who[420] = "";
    int ret = 1;
    if (strcmp(token, "-") == 0) {
        if (read_token(tokbuf, sizeof tokbuf) != 0)
            goto done;
        token = tokbuf;
    }
    cconf_init(&fresh);
    if (cconf_set(&fresh, "server", server, err, sizeof err) != 0 ||
        cconf_set(&fresh, "token", token, err, sizeof err) != 0) {
        cconf_done(&fresh);
        ret = cmd_usage_error(&cmd_login_entry, "%s", err);
        goto done;
    }
    int rc = cconf_load_any(&c, path, err, sizeof err);
    if (rc != 0 && rc != DT_ENOTFOUND) {
        fprintf(stderr, "dialtone login: %s\n  fix or remove the file, then log in again\n", err);
        cconf_done(&fresh);
        goto done;
    }
    if (check_token(fresh.server, fresh.token, who, sizeof who) != 0) {
        cconf_done(&fresh);
        goto done;
    }
    memcpy(c.server, fresh.server, sizeof c.server);
    memcpy(c.token, fresh.token, sizeof c.token);
    cconf_done(&fresh);
    char where[1024];
    if (path)
        dt_strlcpy(where, path, sizeof where);
    else if (cconf_default_path(where, sizeof where, err, sizeof err) != 0) {
        fprintf(stderr, "dialtone login: %s\n", err);
        goto done;
    }
    if (cconf_save(&c, where, err, sizeof err) != 0) {
        fprintf(stderr, "dialtone login: cannot write the configuration: %s\n", err);
        goto done;
    }
    printf("logged in as %s at %s\nwrote %s (mode 0600)\n", who, c.server, where);
    ret = 0;
done:
    memset(tokbuf, 0, sizeof tokbuf);
    cconf_done(&c);
    return ret;
}

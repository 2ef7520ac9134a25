/*
 * demo_env: what `dialtone demo` writes before it starts anything: random credentials and
 * the daemon's configuration, matched to data/scenarios/demo.ini (its numbers, and the menu
 * key its callers press); and the hint it prints: the scenario's numbers that fail.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "cmd/demo.h"
#include "dialtone/errors.h"
#include "dialtone/sim_scenario.h"
#include "dialtone/util.h"

/* The daemon's configuration beyond the addresses: demo.ini's callers press 1 at the menu
 * (its sales line's scripted callers 2), so 1 leads to support and 2 to sales. Short wrap-up
 * and reservation times keep the demo moving. */
static const char demo_conf_tail[] =
    "[queue \"support\"]\n"
    "routing = ringall\n"
    "max_wait = 600\n"
    "wrapup = 45\n"
    "reservation_timeout = 30\n"
    "service_level = 20\n"
    "[queue \"sales\"]\n"
    "routing = longest-idle\n"
    "max_wait = 600\n"
    "wrapup = 45\n"
    "reservation_timeout = 20\n"
    "[ivr]\n"
    "prompt = \"Thank you for calling. For support, press 1. For sales, press 2.\"\n"
    "timeout = 5\n"
    "1 = support\n"
    "2 = sales\n"
    "default = support\n"
    "[dispositions]\n"
    "resolved = Resolved\n"
    "callback = Callback requested\n"
    "escalated = Escalated to a supervisor\n"
    "wrong-number = Wrong number\n"
    "spam = Spam or robocall\n";

int demo_write_conf(const struct demo_conf *c, char *err, size_t errlen)
{
    int fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return dt_seterr(err, errlen, DT_EIO, "%s: %s", c->path, strerror(errno));
    }
    fprintf(f,
            "# dialtone demo: the daemon's configuration (written by `dialtone demo`)\n"
            "[twilio]\n"
            "account_sid = %s\n"
            "auth_token = %s\n"
            "numbers = +14155550100, +14155550101\n"
            "public_base_url = %s\n"
            "api_base_url = %s\n"
            "[server]\n"
            "listen = 127.0.0.1\n"
            "port = %d\n"
            "database = %s\n"
            "log_level = info\n"
            "%s",
            c->account, c->auth_token, c->public_url, c->sim_url, c->port, c->database,
            demo_conf_tail);
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        return dt_seterr(err, errlen, DT_EIO, "%s: cannot write", c->path);
    return chmod(c->path, 0600) == 0 ? 0 : dt_seterr(err, errlen, DT_EIO, "%s: chmod", c->path);
}

int demo_random_hex(char *hex, size_t n)
{
    unsigned char raw[64];
    if (n > sizeof raw || RAND_bytes(raw, (int)n) != 1)
        return DT_EIO;
    for (size_t i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", raw[i]);
    hex[2 * n] = '\0';
    return 0;
}

static const char *answer_words(const struct sim_endpoint *e, char *buf, size_t bufsz)
{
    static const char *const words[] = {
        [DT_SIM_ANSWER_HUMAN] = "answers",       [DT_SIM_ANSWER_MACHINE] = "answering machine",
        [DT_SIM_ANSWER_FAX] = "fax machine",     [DT_SIM_ANSWER_BUSY] = "busy",
        [DT_SIM_ANSWER_NO_ANSWER] = "no answer", [DT_SIM_ANSWER_DECLINE] = "declined",
        [DT_SIM_ANSWER_FAIL] = "fails",
    };
    const struct errors_entry *x = NULL;
    if (e->answer != DT_SIM_ANSWER_FAIL)
        return words[e->answer];
    if (e->error_code)
        x = errors_lookup(e->error_code);
    else if (e->sip_code)
        x = errors_lookup_sip(e->sip_code);
    int code = e->error_code ? e->error_code : e->sip_code ? 31000 + e->sip_code : 0;
    if (x)
        snprintf(buf, bufsz, "error %d: %s", code, x->message);
    else
        snprintf(buf, bufsz, "fails (error %d)", code);
    return buf;
}

void demo_print_failing(const struct sim_scenario *sc)
{
    for (size_t i = 0; i < sc->n_endpoints; i++) {
        const struct sim_endpoint *e = &sc->endpoints[i];
        if (e->pattern[0] != '+' || strchr(e->pattern, '*') || e->answer == DT_SIM_ANSWER_HUMAN)
            continue;
        char buf[96];
        printf("    %-14s %.60s\n", e->pattern, answer_words(e, buf, sizeof buf));
    }
}

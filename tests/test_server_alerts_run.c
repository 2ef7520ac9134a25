/*
 * Tests for what the daemon does when an alert fires or clears (src/server/api_alerts_run.c):
 * the command runs without a shell with the alert, PATH and nothing secret in its environment
 * and stdin from /dev/null; a command past its time is killed and reaped; a missing one is
 * reaped; nothing is run without a command; free kills what still runs.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "dialtone/alerts.h"
#include "dialtone/config.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "server/api_alerts_int.h"

static char dir[64], out_path[128];

static void script(const char *name, const char *body, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fprintf(f, "#!/bin/sh\n%s\n", body);
        fclose(f);
    }
    chmod(path, 0700);
}

static struct alert_transition transition(int firing, const char *message)
{
    struct alert_transition t = {.name = "answer-rate",
                                 .kind = ALERT_ANSWER_RATE,
                                 .firing = firing,
                                 .at_ms = 1234567,
                                 .value = 0.25};
    dt_strlcpy(t.message, message, sizeof t.message);
    return t;
}

/* Ticks until no command runs, for at most ms; 1 when they all ended. */
static int wait_children(struct api_alerts_run *r, int ms)
{
    for (int waited = 0; waited < ms; waited += 20) {
        api_alerts_run_tick(r);
        if (api_alerts_run_children(r) == 0)
            return 1;
        usleep(20000);
    }
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return xstrdup("");
    char *buf = xcalloc(1, 8192);
    size_t n = fread(buf, 1, 8191, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

TEST(command_environment)
{
    struct config_alerts cfg = {.command_timeout = 10};
    char body[512];
    snprintf(body, sizeof body, "env > '%s'; cat >> '%s'; echo \"ARGS $#\" >> '%s'", out_path,
             out_path, out_path);
    script("env", body, cfg.command, sizeof cfg.command);
    setenv("TWILIO_AUTH_TOKEN", "secret-of-the-daemon", 1);
    char err[256];
    struct api_alerts_run *r = api_alerts_run_new(NULL, &cfg, err, sizeof err);
    CHECK(r != NULL);
    struct alert_transition t = transition(1, "rate 25%\nunder; $(rm -rf /) `x`");
    api_alerts_run_notify(r, &t, "answer-rate", "{}");
    CHECK_INT(api_alerts_run_children(r), 1);
    CHECK(wait_children(r, 10000));
    char *env = slurp(out_path);
    CHECK(strstr(env, "DIALTONE_ALERT_RULE=answer-rate\n") != NULL);
    CHECK(strstr(env, "DIALTONE_ALERT_KIND=answer-rate\n") != NULL);
    CHECK(strstr(env, "DIALTONE_ALERT_STATE=fired\n") != NULL);
    CHECK(strstr(env, "DIALTONE_ALERT_VALUE=0.25\n") != NULL);
    CHECK(strstr(env, "DIALTONE_ALERT_AT_MS=1234567\n") != NULL);
    CHECK(strstr(env, "DIALTONE_ALERT_MESSAGE=rate 25% under; $(rm -rf /) `x`\n") != NULL);
    CHECK(strstr(env, "PATH=") != NULL);
    CHECK(strstr(env, "secret-of-the-daemon") == NULL);
    CHECK(strstr(env, "ARGS 0\n") != NULL); /* no arguments; stdin empty */
    free(env);
    unsetenv("TWILIO_AUTH_TOKEN");
    t = transition(0, "back");
    api_alerts_run_notify(r, &t, "answer-rate", NULL);
    CHECK(wait_children(r, 10000));
    env = slurp(out_path);
    CHECK(strstr(env, "DIALTONE_ALERT_STATE=cleared\n") != NULL);
    free(env);
    api_alerts_run_free(r);
    unlink(out_path);
    unlink(cfg.command);
}

TEST(command_timeout_and_missing)
{
    struct config_alerts cfg = {.command_timeout = 1};
    script("slow", "sleep 60; echo late > /dev/null", cfg.command, sizeof cfg.command);
    char err[256];
    struct api_alerts_run *r = api_alerts_run_new(NULL, &cfg, err, sizeof err);
    struct alert_transition t = transition(1, "m");
    api_alerts_run_notify(r, &t, "answer-rate", NULL);
    CHECK_INT(api_alerts_run_children(r), 1);
    api_alerts_run_tick(r);
    CHECK_INT(api_alerts_run_children(r), 1); /* still within its time */
    CHECK(wait_children(r, 15000));           /* killed after a second, then reaped */
    /* free kills a command still running, without waiting for its time */
    cfg.command_timeout = 3600;
    api_alerts_run_free(r);
    r = api_alerts_run_new(NULL, &cfg, err, sizeof err);
    api_alerts_run_notify(r, &t, "answer-rate", NULL);
    CHECK_INT(api_alerts_run_children(r), 1);
    api_alerts_run_free(r);
    unlink(cfg.command);
    /* a command that does not exist: the child exits 127 and is reaped */
    snprintf(cfg.command, sizeof cfg.command, "%s/missing", dir);
    r = api_alerts_run_new(NULL, &cfg, err, sizeof err);
    api_alerts_run_notify(r, &t, "answer-rate", NULL);
    CHECK(wait_children(r, 10000));
    api_alerts_run_free(r);
    /* no command, no URL: nothing runs */
    struct config_alerts none = {.command_timeout = 5};
    r = api_alerts_run_new(NULL, &none, err, sizeof err);
    api_alerts_run_notify(r, &t, "answer-rate", "{}");
    CHECK_INT(api_alerts_run_children(r), 0);
    api_alerts_run_free(r);
    api_alerts_run_free(NULL);
}

int main(void)
{
    dt_strlcpy(dir, "/tmp/dialtone-alrun-XXXXXX", sizeof dir);
    if (!mkdtemp(dir))
        return 1;
    snprintf(out_path, sizeof out_path, "%s/out", dir);
    RUN(command_environment);
    RUN(command_timeout_and_missing);
    rmdir(dir);
    return check_done();
}

/*
 * fuzz_values: the single values dialtone reads from the command line, requests and files, on
 * arbitrary text (up to the first NUL). Local days ("YYYY-MM-DD", today, yesterday) in UTC and
 * in a zone with summer time: a day taken is 23 to 25 hours long, starts at local midnight of
 * that date, and agrees with store_report_day_start. E.164 numbers, sids and URLs taken must
 * have the form their checks promise. The names of roles, routing modes, agent states, alert
 * kinds and log levels must come back from their own name, and a word the parsers take must be
 * one of those names (log levels: in any case). abort() on any breach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dialtone/alerts.h"
#include "dialtone/config.h"
#include "dialtone/log.h"
#include "dialtone/report_json.h"
#include "dialtone/routing.h"
#include "dialtone/store.h"
#include "dialtone/store_report.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_NOW_MS INT64_C(1774000000000) /* 2026-03-20, near the change of the clocks */
#define FZ_HOUR   INT64_C(3600000)

static struct config_zone *fz_zone; /* with summer time, or NULL (UTC) when not installed */
static int fz_ready;

static void fz_exit(void)
{
    config_zone_free(fz_zone);
}

static int fz_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

static void fz_day(const struct config_zone *z, const char *s)
{
    int64_t from = 0, to = 0;
    if (report_json_day(z, s, FZ_NOW_MS, &from, &to) != DT_OK)
        return;
    /* 1970-01-01 begins before the epoch east of Greenwich (London was UTC+1 then) */
    if (to - from < 23 * FZ_HOUR || to - from > 25 * FZ_HOUR || from < -14 * FZ_HOUR)
        abort();
    struct config_local lt, before;
    config_zone_local(z, from / 1000, &lt);
    config_zone_local(z, from / 1000 - 1, &before);
    if (lt.minute != 0 || (before.mday == lt.mday && before.month == lt.month))
        abort(); /* not the day's first instant */
    if (strcmp(s, "today") == 0 || strcmp(s, "yesterday") == 0)
        return;
    int64_t start;
    char date[16];
    snprintf(date, sizeof date, "%04d-%02d-%02d", lt.year, lt.month, lt.mday);
    if (strlen(s) != 10 || strcmp(date, s) != 0 || store_report_day_start(z, s, &start) != DT_OK ||
        start != from)
        abort();
}

static void fz_identifiers(const char *s, size_t n)
{
    if (valid_e164(s, n) &&
        (n < 9 || n > 16 || s[0] != '+' || s[1] == '0' || !fz_digits(s + 1, n - 1)))
        abort();
    if (valid_sid(s, "CA")) {
        if (n != 34 || strncmp(s, "CA", 2) != 0)
            abort();
        for (size_t i = 2; i < n; i++)
            if (!strchr("0123456789abcdefABCDEF", s[i]))
                abort();
    }
    if (valid_url(s)) {
        if (strncasecmp(s, "http://", 7) != 0 && strncasecmp(s, "https://", 8) != 0)
            abort();
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f ||
                strchr("\"'\\<>`{}|^", s[i]))
                abort();
        const char *host = strstr(s, "://") + 3;
        size_t hl = strcspn(host, "/?#");
        if (hl == 0 || memchr(host, '@', hl))
            abort();
    }
}

static void fz_names(const char *s)
{
    enum store_role role;
    enum store_routing rt;
    enum routing_mode mode;
    enum routing_agent_state st;
    enum alert_kind kind;
    enum log_level lv;
    if (store_role_parse(s, &role) == DT_OK && strcmp(store_role_name(role), s) != 0)
        abort();
    if (store_routing_parse(s, &rt) == DT_OK && strcmp(store_routing_name(rt), s) != 0)
        abort();
    if (routing_mode_parse(s, &mode) == DT_OK && strcmp(routing_mode_name(mode), s) != 0)
        abort();
    if (routing_state_parse(s, &st) == DT_OK && strcmp(routing_state_name(st), s) != 0)
        abort();
    if (alerts_kind_parse(s, &kind) == DT_OK && strcmp(alerts_kind_name(kind), s) != 0)
        abort();
    if (log_level_parse(s, &lv) == DT_OK && strcasecmp(log_level_name(lv), s) != 0 &&
        strcasecmp(s, "warning") != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_ready) {
        fz_ready = 1;
        config_zone_load("Europe/London", &fz_zone, NULL, 0);
        atexit(fz_exit);
    }
    char *s = xstrndup((const char *)data, size);
    size_t n = strlen(s);
    fz_day(NULL, s);
    fz_day(fz_zone, s);
    fz_identifiers(s, n);
    fz_names(s);
    free(s);
    return 0;
}

/*
 * config: loading dialtone.conf and the environment into struct config. See dialtone/config.h.
 *
 * inih splits lines into sections and key = value pairs, through inifile (line numbers in
 * messages, over-long lines and control characters refused, leading blanks stripped); section
 * headers are parsed here, so that an empty [queue "x"] still counts and a bad header is
 * reported on its own line. Every load works on a copy that replaces the caller's
 * struct only when the whole input was good.
 */
#include "dialtone/config.h"
#include "core/config_internal.h"
#include "dialtone/inifile.h"
#include "dialtone/textfile.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct config_disposition default_dispositions[] = {
    {.code = "resolved", .label = "Resolved"},
    {.code = "follow-up", .label = "Follow-up needed"},
    {.code = "escalated", .label = "Escalated"},
    {.code = "wrong-number", .label = "Wrong number"},
};

static const struct {
    const char *name;
    enum config_sec sec;
} singleton_sections[] = {
    {.name = "twilio", .sec = CONFIG_SEC_TWILIO},
    {.name = "server", .sec = CONFIG_SEC_SERVER},
    {.name = "hours", .sec = CONFIG_SEC_HOURS},
    {.name = "dispositions", .sec = CONFIG_SEC_DISPOSITIONS},
    {.name = "ivr", .sec = CONFIG_SEC_IVR},
    {.name = "wallboard", .sec = CONFIG_SEC_WALLBOARD},
    {.name = "alerts", .sec = CONFIG_SEC_ALERTS},
    {.name = "retry", .sec = CONFIG_SEC_RETRY},
    {.name = "retention", .sec = CONFIG_SEC_RETENTION},
};

static const struct {
    const char *var;
    enum config_sec sec;
    const char *key;
} env_keys[] = {
    {.var = "TWILIO_ACCOUNT_SID", .sec = CONFIG_SEC_TWILIO, .key = "account_sid"},
    {.var = "TWILIO_AUTH_TOKEN", .sec = CONFIG_SEC_TWILIO, .key = "auth_token"},
    {.var = "TWILIO_API_KEY", .sec = CONFIG_SEC_TWILIO, .key = "api_key_sid"},
    {.var = "TWILIO_API_SECRET", .sec = CONFIG_SEC_TWILIO, .key = "api_key_secret"},
    {.var = "DIALTONE_PUBLIC_URL", .sec = CONFIG_SEC_TWILIO, .key = "public_base_url"},
    {.var = "DIALTONE_TWILIO_API_URL", .sec = CONFIG_SEC_TWILIO, .key = "api_base_url"},
    {.var = "DIALTONE_DB", .sec = CONFIG_SEC_SERVER, .key = "database"},
    {.var = "DIALTONE_PORT", .sec = CONFIG_SEC_SERVER, .key = "port"},
    {.var = "DIALTONE_LOG_LEVEL", .sec = CONFIG_SEC_SERVER, .key = "log_level"},
};

/* ---- lifecycle ----------------------------------------------------------------------------- */

void config_init(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    dt_strlcpy(cfg->twilio.api_base_url, DT_CONFIG_DEFAULT_API, sizeof cfg->twilio.api_base_url);
    dt_strlcpy(cfg->server.listen, "127.0.0.1", sizeof cfg->server.listen);
    cfg->server.port = 8080;
    dt_strlcpy(cfg->server.database, "dialtone.db", sizeof cfg->server.database);
    cfg->server.log_level = DT_LOG_INFO;
    cfg->server.max_body = 65536;
    dt_strlcpy(cfg->hours.timezone, "UTC", sizeof cfg->hours.timezone);
    cfg->ivr.timeout = 5;
    cfg->n_dispositions = sizeof default_dispositions / sizeof default_dispositions[0];
    memcpy(cfg->dispositions, default_dispositions, sizeof default_dispositions);
    config_alerts_defaults(&cfg->alerts);
    retry_config_defaults(&cfg->retry.policy);
    cfg->retry.flag_after = 3;
    cfg->retention.events_days = 7;
    cfg->retention.webhook_log_days = 90;
}

static void wipe(void *p, size_t n)
{
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void config_done(struct config *cfg)
{
    config_zone_free(cfg->hours.zone);
    config_zone_free(cfg->wallboard.zone);
    for (size_t i = 0; i < cfg->n_queues; i++)
        config_zone_free(cfg->queues[i].hours.zone);
    free(cfg->queues);
    wipe(cfg, sizeof *cfg);
}

/* dst becomes a deep copy of src. */
static void config_clone(struct config *dst, const struct config *src)
{
    *dst = *src;
    dst->queues = NULL;
    if (src->n_queues) {
        dst->queues = xcalloc(src->n_queues, sizeof *dst->queues);
        memcpy(dst->queues, src->queues, src->n_queues * sizeof *dst->queues);
    }
    dst->hours.zone = config_zone_dup(src->hours.zone);
    dst->wallboard.zone = config_zone_dup(src->wallboard.zone);
    for (size_t i = 0; i < src->n_queues; i++)
        dst->queues[i].hours.zone = config_zone_dup(src->queues[i].hours.zone);
}

/* cfg takes over tmp's contents. */
static void config_commit(struct config *cfg, struct config *tmp)
{
    config_done(cfg);
    *cfg = *tmp;
}

/* ---- the file ------------------------------------------------------------------------------ */

struct parse {
    struct config *cfg; /* the copy being filled */
    struct inifile ini;
    enum config_sec sec;
    size_t queue;           /* index while sec is CONFIG_SEC_QUEUE */
    char sec_label[64];     /* the header's text, printable, for messages */
    uint64_t seen;          /* keys set in the current section, by table index */
    unsigned sections_seen; /* singleton sections met, by enum config_sec */
    int has_secret;         /* the text set a secret */
    struct config_ivr_lines ivr;
};

static int open_queue(struct parse *ps, const char *h, size_t n)
{
    /* Exactly: queue, blanks, "NAME" */
    size_t i = 5;
    while (i < n && (h[i] == ' ' || h[i] == '\t'))
        i++;
    if (i == 5 || i >= n || h[i] != '"' || h[n - 1] != '"' || n - i < 2 ||
        !config_name_ok(h + i + 1, n - i - 2))
        return inifile_fail(&ps->ini,
                            "bad queue section [%s]: expected [queue \"NAME\"], NAME being 1-%d "
                            "letters, digits, '-' or '_'",
                            ps->sec_label, DT_CONFIG_NAME_SIZE - 1);
    const char *name = h + i + 1;
    size_t len = n - i - 2;
    struct config *cfg = ps->cfg;
    for (size_t q = 0; q < cfg->n_queues; q++) {
        if (strlen(cfg->queues[q].name) == len && strncasecmp(cfg->queues[q].name, name, len) == 0)
            return inifile_fail(&ps->ini, "duplicate queue '%.*s'", (int)len, name);
    }
    if (cfg->n_queues == DT_CONFIG_MAX_QUEUES)
        return inifile_fail(&ps->ini, "too many queues (at most %d)", DT_CONFIG_MAX_QUEUES);
    cfg->queues = xrealloc(cfg->queues, (cfg->n_queues + 1) * sizeof *cfg->queues);
    config_queue_defaults(&cfg->queues[cfg->n_queues], name, len);
    ps->queue = cfg->n_queues++;
    ps->sec = CONFIG_SEC_QUEUE;
    return 1;
}

/* inifile's header hook: line[0] is '['. Returns 1, or 0 after inifile_fail. */
static int open_section(void *user, const char *line, size_t len)
{
    struct parse *ps = user;
    const char *h;
    size_t n;
    if (!inifile_section(&ps->ini, line, len, &h, &n))
        return 0;
    inifile_printable(ps->sec_label, sizeof ps->sec_label, h, n);
    ps->seen = 0;
    ps->sec = CONFIG_SEC_NONE;
    if (n >= 5 && memcmp(h, "queue", 5) == 0)
        return open_queue(ps, h, n);
    for (size_t i = 0; i < sizeof singleton_sections / sizeof singleton_sections[0]; i++) {
        if (strlen(singleton_sections[i].name) != n || memcmp(singleton_sections[i].name, h, n))
            continue;
        enum config_sec sec = singleton_sections[i].sec;
        if (ps->sections_seen & (1u << sec))
            return inifile_fail(&ps->ini, "duplicate section [%s]", ps->sec_label);
        ps->sections_seen |= 1u << sec;
        ps->sec = sec;
        if (sec == CONFIG_SEC_DISPOSITIONS)
            ps->cfg->n_dispositions = 0;
        if (sec == CONFIG_SEC_IVR) {
            ps->cfg->ivr.configured = 1;
            ps->ivr.section = ps->ini.lines.lineno;
        }
        return 1;
    }
    return inifile_fail(&ps->ini, "unknown section [%s]", ps->sec_label);
}

static int add_disposition(struct parse *ps, const char *code, const char *label)
{
    struct config *cfg = ps->cfg;
    char shown[64];
    inifile_printable(shown, sizeof shown, code, strlen(code));
    if (!config_name_ok(code, strlen(code)))
        return inifile_fail(&ps->ini,
                            "disposition code '%s' must be 1-%d letters, digits, '-' or '_'", shown,
                            DT_CONFIG_NAME_SIZE - 1);
    for (size_t i = 0; i < cfg->n_dispositions; i++) {
        if (strcmp(cfg->dispositions[i].code, code) == 0)
            return inifile_fail(&ps->ini, "duplicate disposition '%s'", shown);
    }
    if (cfg->n_dispositions == DT_CONFIG_MAX_DISPOS)
        return inifile_fail(&ps->ini, "too many dispositions (at most %d)", DT_CONFIG_MAX_DISPOS);
    if (strlen(label) >= DT_CONFIG_LABEL_SIZE)
        return inifile_fail(&ps->ini, "label of disposition '%s' is too long (at most %d bytes)",
                            shown, DT_CONFIG_LABEL_SIZE - 1);
    struct config_disposition *d = &cfg->dispositions[cfg->n_dispositions++];
    dt_strlcpy(d->code, code, sizeof d->code);
    dt_strlcpy(d->label, *label ? label : code, sizeof d->label);
    return 1;
}

/* inih's handler: one key = value pair of the line read last. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct parse *ps = user;
    (void)section; /* open_section tracks the section */
    char key[64];
    inifile_printable(key, sizeof key, name, strlen(name));
    if (ps->sec == CONFIG_SEC_NONE)
        return inifile_fail(&ps->ini, "key '%s' outside any section", key);
    char v[DT_CONFIG_LINE_MAX + 1];
    size_t vlen = inifile_unquote(v, sizeof v, value);
    if (ps->sec == CONFIG_SEC_DISPOSITIONS)
        return add_disposition(ps, name, v);
    if (ps->sec == CONFIG_SEC_ALERTS) {
        char why[sizeof ps->ini.msg];
        if (config_alerts_set(&ps->cfg->alerts, name, v, &ps->seen, why, sizeof why) != DT_OK)
            return inifile_fail(&ps->ini, "%s", why);
        return 1;
    }
    int menu_key = ps->sec == CONFIG_SEC_IVR ? config_ivr_key_index(name) : -1;
    if (menu_key >= 0) {
        if (ps->ivr.keys[menu_key])
            return inifile_fail(&ps->ini, "duplicate key '%s' in [ivr]", key);
        if (!config_name_ok(v, strlen(v)))
            return inifile_fail(
                &ps->ini, "key '%s' in [ivr] must name a queue: 1-%d letters, digits, '-' or '_'",
                key, DT_CONFIG_NAME_SIZE - 1);
        ps->ivr.keys[menu_key] = ps->ini.lines.lineno;
        dt_strlcpy(ps->cfg->ivr.keys[menu_key], v, sizeof ps->cfg->ivr.keys[menu_key]);
        return 1;
    }

    unsigned idx;
    const struct config_key *k = config_key_find(ps->sec, name, &idx);
    if (!k)
        return inifile_fail(&ps->ini, "unknown key '%s' in [%s]", key, ps->sec_label);
    if (k->kind != CONFIG_K_NUMBERS && k->kind != CONFIG_K_HOLIDAYS &&
        (ps->seen & ((uint64_t)1 << idx)))
        return inifile_fail(&ps->ini, "duplicate key '%s' in [%s]", key, ps->sec_label);
    ps->seen |= (uint64_t)1 << idx;
    char why[sizeof ps->ini.msg];
    int rc = config_key_set(ps->cfg, ps->queue, k, v, why, sizeof why);
    wipe(v, sizeof v);
    if (rc != 0)
        return inifile_fail(&ps->ini, "%s", why);
    if (k->kind == CONFIG_K_SECRET && vlen > 0)
        ps->has_secret = 1;
    if (k->kind == CONFIG_K_NAME && ps->sec == CONFIG_SEC_IVR)
        ps->ivr.fallback = ps->ini.lines.lineno;
    return 1;
}

static const struct inifile_ops config_ini = {
    .line_max = DT_CONFIG_LINE_MAX,
    .pair = on_pair,
    .header = open_section,
    .expected = "expected [section], key = value, or a comment",
};

/* Parses text[0..len) over a copy of base into *out (the caller's to config_done on success;
 * freed on failure). */
static int parse_text(const struct config *base, const char *name, const char *text, size_t len,
                      struct config *out, int *has_secret, char *err, size_t errlen)
{
    config_clone(out, base);
    struct parse ps = {.cfg = out};
    char why[sizeof ps.ini.msg];
    int line = 0;
    if (inifile_parse(&ps.ini, text, len, &config_ini, &ps) == DT_OK &&
        config_ivr_check(out, &ps.ivr, &line, why, sizeof why))
        inifile_fail_at(&ps.ini, line, "%s", why);
    if (!ps.ini.failed && config_alerts_check(out, why, sizeof why) != DT_OK)
        inifile_fail(&ps.ini, "%s", why);
    if (ps.ini.failed) {
        config_done(out);
        return inifile_error(&ps.ini, name, err, errlen);
    }
    *has_secret = ps.has_secret;
    return DT_OK;
}

int config_load_string(struct config *cfg, const char *name, const char *text, char *err,
                       size_t errlen)
{
    if (!name)
        name = "<string>";
    if (!text)
        return dt_seterr(err, errlen, DT_EINVAL, "%s: no text", name);
    struct config tmp;
    int has_secret;
    int rc = parse_text(cfg, name, text, strlen(text), &tmp, &has_secret, err, errlen);
    if (rc == 0)
        config_commit(cfg, &tmp);
    return rc;
}

int config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
    if (!path)
        return dt_seterr(err, errlen, DT_EINVAL, "no configuration file name");
    struct dt_buf b;
    dt_buf_init(&b);
    unsigned mode = 0;
    struct config tmp;
    int has_secret = 0;
    int rc = textfile_read(path, DT_CONFIG_FILE_MAX, &b, &mode, err, errlen);
    if (rc == 0)
        rc = parse_text(cfg, path, b.data ? b.data : "", b.len, &tmp, &has_secret, err, errlen);
    if (rc == 0 && has_secret && (mode & 077)) {
        config_done(&tmp);
        rc = dt_seterr(err, errlen, DT_EPERM,
                       "%s: holds a secret (auth_token or api_key_secret) but group or others "
                       "may access it (mode %04o); run: chmod 600 %s",
                       path, mode, path);
    }
    if (rc == 0)
        config_commit(cfg, &tmp);
    wipe(b.data, b.cap);
    dt_buf_done(&b);
    return rc;
}

/* ---- environment, validation, lookups ------------------------------------------------------ */

const char *config_getenv(const char *name, void *ctx)
{
    (void)ctx;
    return getenv(name);
}

int config_apply_env(struct config *cfg, config_lookup_fn lookup, void *ctx, char *err,
                     size_t errlen)
{
    if (!lookup)
        return dt_seterr(err, errlen, DT_EINVAL, "no environment lookup");
    struct config tmp;
    config_clone(&tmp, cfg);
    for (size_t i = 0; i < sizeof env_keys / sizeof env_keys[0]; i++) {
        const char *v = lookup(env_keys[i].var, ctx);
        if (!v || !*v)
            continue;
        const struct config_key *k = config_key_find(env_keys[i].sec, env_keys[i].key, NULL);
        char why[160];
        if (!k || config_key_set(&tmp, 0, k, v, why, sizeof why) != 0) {
            config_done(&tmp);
            return dt_seterr(err, errlen, DT_EINVAL, "%s: %s", env_keys[i].var,
                             k ? why : "no such key");
        }
    }
    config_commit(cfg, &tmp);
    return DT_OK;
}

int config_validate(const struct config *cfg, char *err, size_t errlen)
{
    const struct config_twilio *tw = &cfg->twilio;
    if (!tw->account_sid[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "account_sid is not set (account_sid in [twilio] or TWILIO_ACCOUNT_SID)");
    if (!valid_sid(tw->account_sid, "AC"))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "account_sid must be AC followed by 32 hex digits");
    if (!tw->api_key_sid[0] != !tw->api_key_secret[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "api_key_sid and api_key_secret go together (TWILIO_API_KEY and "
                         "TWILIO_API_SECRET): set both or neither");
    if (tw->api_key_sid[0] && !valid_sid(tw->api_key_sid, "SK"))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "api_key_sid must be SK followed by 32 hex digits");
    if (!tw->auth_token[0] && !tw->api_key_sid[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "no Twilio credentials: set auth_token (TWILIO_AUTH_TOKEN), or "
                         "api_key_sid and api_key_secret (TWILIO_API_KEY, TWILIO_API_SECRET)");
    if (!tw->public_base_url[0])
        return dt_seterr(err, errlen, DT_EINVAL,
                         "public_base_url is not set: the URL Twilio calls, in [twilio] or "
                         "DIALTONE_PUBLIC_URL");
    if (!valid_url(tw->public_base_url))
        return dt_seterr(err, errlen, DT_EINVAL, "public_base_url must be an http(s) URL");
    if (!tw->api_base_url[0] || !valid_url(tw->api_base_url))
        return dt_seterr(err, errlen, DT_EINVAL,
                         "api_base_url must be an http(s) URL (default " DT_CONFIG_DEFAULT_API ")");
    return DT_OK;
}

const struct config_zone *config_wallboard_zone(const struct config *cfg)
{
    return cfg->wallboard.timezone[0] ? cfg->wallboard.zone : cfg->hours.zone;
}

const struct config_queue *config_queue_find(const struct config *cfg, const char *name)
{
    for (size_t i = 0; name && i < cfg->n_queues; i++) {
        if (strcasecmp(cfg->queues[i].name, name) == 0)
            return &cfg->queues[i];
    }
    return NULL;
}

int config_hours_open(const struct config_hours *hours, int wday, int minute)
{
    if (wday < 0 || wday > 6 || minute < 0 || minute >= 1440)
        return 0;
    if (!hours->configured)
        return 1;
    const struct config_day *d = &hours->days[wday];
    for (int i = 0; i < d->n_ranges; i++) {
        if (minute >= d->ranges[i].start && minute < d->ranges[i].end)
            return 1;
    }
    return 0;
}

/* 1 if the local date is one of h's holidays. */
static int holiday(const struct config_hours *h, const struct config_local *t)
{
    int md = t->month * 100 + t->mday, ymd = t->year * 10000 + md;
    for (int i = 0; i < h->n_holidays; i++) {
        if (h->holidays[i] == md || h->holidays[i] == ymd)
            return 1;
    }
    return 0;
}

int config_open_at(const struct config *cfg, const struct config_queue *q, int64_t unix_s)
{
    const struct config_hours *g = &cfg->hours, *own = q ? &q->hours : NULL;
    const struct config_hours *days = own && own->configured ? own : g;
    const struct config_hours *zone = own && own->timezone[0] ? own : g;
    const struct config_hours *off = own && own->n_holidays ? own : g;
    struct config_local t;
    config_zone_local(zone->zone, unix_s, &t);
    if (holiday(off, &t))
        return 0;
    return config_hours_open(days, t.wday, t.minute);
}

const char *config_closed_message(const struct config *cfg, const struct config_queue *q)
{
    if (q && q->hours.closed_message[0])
        return q->hours.closed_message;
    return cfg->hours.closed_message[0] ? cfg->hours.closed_message : NULL;
}

int config_register_secrets(const struct config *cfg)
{
    int rc = DT_OK;
    if (cfg->twilio.auth_token[0])
        rc = log_add_secret(cfg->twilio.auth_token);
    if (rc == DT_OK && cfg->twilio.api_key_secret[0])
        rc = log_add_secret(cfg->twilio.api_key_secret);
    return rc;
}

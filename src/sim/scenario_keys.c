/*
 * scenario_keys: the keys of [scenario], [number "E164"], [arrivals] and [endpoint "PATTERN"],
 * one table row each, the parser of each kind of value, continuation lines, and the checks
 * that tie an endpoint's keys together. A new key is a new row in scen_keys.
 */
#include "sim/scenario_int.h"
#include "dialtone/errors.h"
#include "dialtone/valid.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define INT_DIGITS 9 /* whole numbers: at most this many digits */

enum scen_kind {
    K_SID,    /* prefix + 32 hex digits */
    K_SECRET, /* non-empty text without control characters */
    K_DOUBLE, /* decimal number in [min, max] */
    K_SEED,   /* 64-bit unsigned decimal */
    K_UNIT,   /* three capital letters */
    K_TEXT,   /* any text (quoted: escapes, continuation lines) of at most max bytes */
    K_URL,    /* http(s) URL after ${} expansion, or empty: none */
    K_METHOD, /* GET or POST */
    K_TO,     /* E.164 number (one of the scenario's, checked at the end) */
    K_RANGE,  /* MIN-MAX seconds into the doubles at off and off2 */
    K_DIGITS, /* 0-9 * # */
    K_INT,    /* whole number in [min, max] */
    K_ERROR,  /* a Twilio error code of the dictionary */
    K_ANSWER, /* enum sim_answer */
    K_PICK,   /* random | in-order */
};

struct scen_key {
    enum scen_sec sec;
    const char *name;
    enum scen_kind kind;
    size_t off, off2;
    double min, max;
    const char *prefix; /* of a SID */
};

#define SC(f)  .sec = SCEN_SEC_SCENARIO, .off = offsetof(struct sim_scenario, f)
#define NU(f)  .sec = SCEN_SEC_NUMBER, .off = offsetof(struct sim_number, f)
#define AR(f)  .sec = SCEN_SEC_ARRIVALS, .off = offsetof(struct sim_arrivals, f)
#define EP(f)  .sec = SCEN_SEC_ENDPOINT, .off = offsetof(struct sim_endpoint, f)
#define AR2(f) .off2 = offsetof(struct sim_arrivals, f)
#define EP2(f) .off2 = offsetof(struct sim_endpoint, f)

static const struct scen_key scen_keys[] = {
    {SC(account_sid), .name = "account_sid", .kind = K_SID, .prefix = "AC"},
    {SC(auth_token), .name = "auth_token", .kind = K_SECRET},
    {SC(api_key_sid), .name = "api_key_sid", .kind = K_SID, .prefix = "SK"},
    {SC(api_key_secret), .name = "api_key_secret", .kind = K_SECRET},
    {SC(speed), .name = "speed", .kind = K_DOUBLE, .min = 0.01, .max = 1000},
    {SC(seed), .name = "seed", .kind = K_SEED},
    {SC(say_s_per_char), .name = "say_s_per_char", .kind = K_DOUBLE, .min = 0, .max = 1},
    {SC(play_s), .name = "play_s", .kind = K_DOUBLE, .min = 0, .max = 3600},
    {SC(price_unit), .name = "price_unit", .kind = K_UNIT},
    {NU(friendly_name), .name = "friendly_name", .kind = K_TEXT, .max = DT_SIM_TEXT_MAX},
    {NU(voice_url), .name = "voice_url", .kind = K_URL},
    {NU(voice_method), .name = "voice_method", .kind = K_METHOD},
    {NU(voice_fallback_url), .name = "voice_fallback_url", .kind = K_URL},
    {NU(status_callback), .name = "status_callback", .kind = K_URL},
    {NU(status_callback_method), .name = "status_callback_method", .kind = K_METHOD},
    {AR(rate_per_min), .name = "rate_per_min", .kind = K_DOUBLE, .min = 0, .max = 6000},
    {AR(to), .name = "to", .kind = K_TO},
    {AR(patience_min_s), AR2(patience_max_s), .name = "patience", .kind = K_RANGE, .max = 86400},
    {AR(talk_min_s), AR2(talk_max_s), .name = "talk", .kind = K_RANGE, .max = 86400},
    {AR(digits), .name = "digits", .kind = K_DIGITS},
    {AR(record_s), .name = "record", .kind = K_DOUBLE, .min = 0, .max = 3600},
    {AR(max_calls), .name = "max_calls", .kind = K_INT, .min = 0, .max = 1000000},
    {AR(pick_in_order), .name = "pick", .kind = K_PICK},
    {EP(answer), .name = "answer", .kind = K_ANSWER},
    {EP(ring_s), EP2(ring_max_s), .name = "ring", .kind = K_RANGE, .max = 600},
    {EP(talk_s), .name = "talk", .kind = K_DOUBLE, .min = 0, .max = 86400},
    {EP(machine_greeting_s), .name = "greeting", .kind = K_DOUBLE, .min = 0, .max = 600},
    {EP(error_code), .name = "error", .kind = K_ERROR},
    {EP(sip_code), .name = "sip", .kind = K_INT, .min = 400, .max = 699},
    {EP(digits), .name = "digits", .kind = K_DIGITS},
};

_Static_assert(sizeof scen_keys / sizeof scen_keys[0] <= 64, "seen-key mask is 64 bits");

static const char *const answer_names[] = {
    [DT_SIM_ANSWER_HUMAN] = "human",
    [DT_SIM_ANSWER_MACHINE] = "machine",
    [DT_SIM_ANSWER_FAX] = "fax",
    [DT_SIM_ANSWER_BUSY] = "busy",
    [DT_SIM_ANSWER_NO_ANSWER] = "no-answer",
    [DT_SIM_ANSWER_DECLINE] = "decline",
    [DT_SIM_ANSWER_FAIL] = "fail",
};

static const struct scen_key *key_find(enum scen_sec sec, const char *name, unsigned *index)
{
    for (unsigned i = 0; i < sizeof scen_keys / sizeof scen_keys[0]; i++) {
        if (scen_keys[i].sec == sec && strcmp(scen_keys[i].name, name) == 0) {
            if (index)
                *index = i;
            return &scen_keys[i];
        }
    }
    return NULL;
}

int scen_seen(const struct scen_parse *ps, enum scen_sec sec, const char *name)
{
    unsigned i;
    return key_find(sec, name, &i) && (ps->seen & ((uint64_t)1 << i));
}

int scen_key_line(const struct scen_parse *ps, enum scen_sec sec, const char *name)
{
    unsigned i;
    return key_find(sec, name, &i) ? ps->key_lines[i] : 0;
}

static void *section_base(struct scen_parse *ps)
{
    struct sim_scenario *sc = ps->sc;
    switch (ps->sec) {
    case SCEN_SEC_SCENARIO:
        return sc;
    case SCEN_SEC_NUMBER:
        return &sc->numbers[ps->index];
    case SCEN_SEC_ARRIVALS:
        return &sc->arrivals;
    case SCEN_SEC_ENDPOINT:
        return &sc->endpoints[ps->index];
    default:
        return NULL;
    }
}

static void set_str(char **field, const char *v)
{
    free(*field);
    *field = xstrdup(v);
}

static int has_control(const char *s)
{
    for (; *s; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return 1;
    }
    return 0;
}

static int parse_seed(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 20 || strspn(s, "0123456789") != n)
        return -1;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

static int set_url(struct scen_parse *ps, char **field, const char *name, const char *v)
{
    struct dt_buf b;
    dt_buf_init(&b);
    char why[160];
    int ok = 1;
    if (scen_expand(v, ps->lookup, ps->ctx, &b, why, sizeof why) != 0)
        ok = inifile_fail(&ps->ini, "%s: %s", name, why);
    else if (b.len > DT_SIM_URL_MAX)
        ok = inifile_fail(&ps->ini, "%s is longer than %d bytes", name, DT_SIM_URL_MAX);
    else if (b.len > 0 && !valid_url(b.data))
        ok = inifile_fail(&ps->ini,
                          "%s must be an http:// or https:// URL with a host, without blanks "
                          "or user:password@",
                          name);
    if (ok) {
        free(*field);
        *field = b.len ? dt_buf_take(&b) : NULL;
    }
    dt_buf_done(&b);
    return ok;
}

/* Kinds whose value is a string field. */
static int set_string_kind(struct scen_parse *ps, const struct scen_key *k, char **field,
                           const char *v)
{
    size_t n = strlen(v);
    switch (k->kind) {
    case K_SID:
        if (!valid_sid(v, k->prefix))
            return inifile_fail(&ps->ini, "%s must be %s followed by 32 hex digits", k->name,
                                k->prefix);
        break;
    case K_SECRET:
        if (n == 0 || has_control(v))
            return inifile_fail(&ps->ini, "%s must be 1-128 bytes without control characters",
                                k->name);
        break;
    case K_UNIT:
        if (n != 3 || strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
            return inifile_fail(
                &ps->ini, "%s must be a currency code of three capital letters (USD)", k->name);
        break;
    case K_METHOD:
        if (strcmp(v, "GET") != 0 && strcmp(v, "POST") != 0)
            return inifile_fail(&ps->ini, "%s must be GET or POST", k->name);
        break;
    case K_TO:
        if (!valid_e164(v, n))
            return inifile_fail(&ps->ini, "%s must be an E.164 number ('+' and 8-15 digits)",
                                k->name);
        break;
    case K_DIGITS:
        if (!scen_digits_ok(v))
            return inifile_fail(&ps->ini, "%s must be 1-%d of 0-9, '*' and '#'", k->name,
                                DT_SIM_DIGITS_MAX);
        break;
    case K_URL:
        return set_url(ps, field, k->name, v);
    default: /* K_TEXT */
        break;
    }
    if (k->kind == K_TEXT && n == 0) {
        free(*field);
        *field = NULL;
    } else {
        set_str(field, v);
    }
    return 1;
}

static int set_value(struct scen_parse *ps, const struct scen_key *k, char *field, const char *v)
{
    double d;
    long l;
    switch (k->kind) {
    case K_DOUBLE:
        if (scen_number(v, k->min, k->max, &d) != 0)
            return inifile_fail(&ps->ini, "%s must be a number from %g to %g", k->name, k->min,
                                k->max);
        *(double *)(void *)field = d;
        return 1;
    case K_RANGE:
        if (scen_range(v, k->min, k->max, &d, (double *)(void *)(field - k->off + k->off2)) != 0)
            return inifile_fail(&ps->ini, "%s must be seconds, MIN-MAX or one value, from %g to %g",
                                k->name, k->min, k->max);
        *(double *)(void *)field = d;
        return 1;
    case K_INT:
        if (inifile_long(v, INT_DIGITS, (long)k->min, (long)k->max, &l) != 0)
            return inifile_fail(&ps->ini, "%s must be a whole number from %ld to %ld", k->name,
                                (long)k->min, (long)k->max);
        *(int *)(void *)field = (int)l;
        return 1;
    case K_ERROR:
        if (inifile_long(v, INT_DIGITS, 1, 99999, &l) != 0 || !errors_lookup((int)l))
            return inifile_fail(&ps->ini, "%s must be a Twilio error code (see `dialtone errors`)",
                                k->name);
        *(int *)(void *)field = (int)l;
        return 1;
    case K_SEED:
        if (parse_seed(v, (uint64_t *)(void *)field) != 0)
            return inifile_fail(&ps->ini, "%s must be a whole number from 0 to %llu", k->name,
                                (unsigned long long)UINT64_MAX);
        return 1;
    case K_PICK:
        if (strcmp(v, "random") != 0 && strcmp(v, "in-order") != 0)
            return inifile_fail(&ps->ini, "%s must be random or in-order", k->name);
        *(int *)(void *)field = strcmp(v, "in-order") == 0;
        return 1;
    case K_ANSWER:
        for (size_t i = 0; i < sizeof answer_names / sizeof answer_names[0]; i++) {
            if (strcmp(v, answer_names[i]) == 0) {
                *(enum sim_answer *)(void *)field = (enum sim_answer)i;
                return 1;
            }
        }
        return inifile_fail(
            &ps->ini, "%s must be human, machine, fax, busy, no-answer, decline or fail", k->name);
    default:
        return set_string_kind(ps, k, (char **)(void *)field, v);
    }
}

int scen_key(struct scen_parse *ps, const char *key, const char *p, const char *end)
{
    unsigned idx;
    char shown[64];
    inifile_printable(shown, sizeof shown, key, strlen(key));
    const struct scen_key *k = key_find(ps->sec, key, &idx);
    if (!k)
        return inifile_fail(&ps->ini, "unknown key '%s' in [%s]", shown, ps->sec_label);
    if (ps->seen & ((uint64_t)1 << idx))
        return inifile_fail(&ps->ini, "duplicate key '%s' in [%s]", shown, ps->sec_label);
    ps->seen |= (uint64_t)1 << idx;
    ps->key_lines[idx] = ps->ini.lines.lineno;

    struct dt_buf b;
    dt_buf_init(&b);
    char why[160];
    int quoted = 0, ok;
    size_t cap = k->kind == K_TEXT ? (size_t)k->max : k->kind == K_SECRET ? 128 : DT_SIM_URL_MAX;
    if (scen_value(p, end, k->name, cap, &b, &quoted, why, sizeof why) != 0)
        ok = inifile_fail(&ps->ini, "%s", why);
    else
        ok = set_value(ps, k, (char *)section_base(ps) + k->off, b.data);
    if (ok && quoted && k->kind == K_TEXT) {
        ps->cont_kind = SCEN_CONT_FRIENDLY;
        ps->cont_index = ps->index;
    }
    dt_buf_done(&b);
    return ok;
}

int scen_continue(struct scen_parse *ps, const char *p, const char *end)
{
    char **field;
    const char *what;
    size_t cap;
    if (ps->cont_kind == SCEN_CONT_CALLER) {
        field = &ps->sc->callers[ps->cont_index].name;
        what = "name";
        cap = DT_SIM_NAME_MAX;
    } else {
        field = &ps->sc->numbers[ps->cont_index].friendly_name;
        what = "friendly_name";
        cap = DT_SIM_TEXT_MAX;
    }
    struct dt_buf b;
    dt_buf_init(&b);
    if (*field)
        dt_buf_puts(&b, *field);
    size_t have = b.len;
    char why[160];
    int quoted, ok = 1;
    struct dt_buf piece;
    dt_buf_init(&piece);
    if (scen_value(p, end, what, cap, &piece, &quoted, why, sizeof why) != 0)
        ok = inifile_fail(&ps->ini, "%s", why);
    else if (have + piece.len > cap)
        ok = inifile_fail(&ps->ini, "%s is longer than %zu bytes", what, cap);
    if (ok && piece.len) {
        dt_buf_append(&b, piece.data, piece.len);
        free(*field);
        *field = dt_buf_take(&b);
    }
    dt_buf_done(&piece);
    dt_buf_done(&b);
    return ok;
}

/* The line of a key of the current section (the section's header line if it was not given). */
static int key_line(const struct scen_parse *ps, const char *name)
{
    return scen_seen(ps, ps->sec, name) ? scen_key_line(ps, ps->sec, name) : ps->sec_line;
}

static int close_endpoint(struct scen_parse *ps)
{
    const struct sim_endpoint *e = &ps->sc->endpoints[ps->index];
    enum sim_answer a = e->answer;
    int answers = a == DT_SIM_ANSWER_HUMAN || a == DT_SIM_ANSWER_MACHINE || a == DT_SIM_ANSWER_FAX;
    const char *l = ps->sec_label;
    if (e->error_code && a != DT_SIM_ANSWER_FAIL)
        return inifile_fail_at(&ps->ini, key_line(ps, "error"),
                               "[%s]: error applies only to answer = fail", l);
    if (a == DT_SIM_ANSWER_FAIL && !e->error_code && !e->sip_code)
        return inifile_fail_at(&ps->ini, key_line(ps, "answer"),
                               "[%s]: answer = fail needs error, sip or both", l);
    if (e->sip_code && answers)
        return inifile_fail_at(
            &ps->ini, key_line(ps, "sip"),
            "[%s]: sip applies only to answer = busy, no-answer, decline or fail", l);
    if (scen_seen(ps, SCEN_SEC_ENDPOINT, "greeting") && a != DT_SIM_ANSWER_MACHINE)
        return inifile_fail_at(&ps->ini, key_line(ps, "greeting"),
                               "[%s]: greeting applies only to answer = machine", l);
    if (!answers && (scen_seen(ps, SCEN_SEC_ENDPOINT, "talk") || e->digits))
        return inifile_fail_at(&ps->ini, key_line(ps, e->digits ? "digits" : "talk"),
                               "[%s]: talk and digits apply only to answer = human, machine or fax",
                               l);
    if (a == DT_SIM_ANSWER_NO_ANSWER && scen_seen(ps, SCEN_SEC_ENDPOINT, "ring"))
        return inifile_fail_at(
            &ps->ini, key_line(ps, "ring"),
            "[%s]: ring does not apply to answer = no-answer (it rings until the "
            "caller gives up)",
            l);
    return 1;
}

int scen_close_section(struct scen_parse *ps)
{
    if (ps->sec != SCEN_SEC_ENDPOINT)
        return 1;
    return close_endpoint(ps);
}

/*
 * scenario: loading scenario files for `dialtone sim`. See dialtone/sim_scenario.h.
 *
 * inih splits the text into sections, comments and key = value pairs, through inifile (line
 * numbers, at most 199 bytes, no control characters). Its hooks below open sections (so that
 * an empty section still counts and a bad header is reported on its own line) and tell
 * continuation lines (a blank, then a quoted string) from indented ordinary lines, whose
 * blanks they strip. inih's handler then applies each pair, reading the value from the line
 * as written rather than from inih's copy, so that a quoted value may hold " ;" (which inih
 * would cut as a comment). Every load fills a fresh scenario that replaces the caller's only
 * when the whole text was good.
 */
#include "dialtone/sim_scenario.h"
#include "sim/scenario_int.h"
#include "dialtone/valid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    enum scen_sec sec;
} singleton_sections[] = {
    {.name = "scenario", .sec = SCEN_SEC_SCENARIO}, {.name = "arrivals", .sec = SCEN_SEC_ARRIVALS},
    {.name = "callers", .sec = SCEN_SEC_CALLERS},   {.name = "rates", .sec = SCEN_SEC_RATES},
    {.name = "script", .sec = SCEN_SEC_SCRIPT},
};

/* Called for a destination no endpoint pattern matches. */
static const struct sim_endpoint default_endpoint = {
    .pattern = "*",
    .answer = DT_SIM_ANSWER_HUMAN,
    .ring_s = 3,
    .ring_max_s = 3,
    .machine_greeting_s = 5,
};

/* ---- lifecycle ----------------------------------------------------------------------------- */

void sim_scenario_init(struct sim_scenario *sc)
{
    memset(sc, 0, sizeof *sc);
    sc->speed = 1;
    sc->seed = 1;
    sc->say_s_per_char = 0.06;
    sc->play_s = 5;
    sc->price_unit = xstrdup("USD");
    sc->arrivals.record_s = 5;
}

void sim_scenario_done(struct sim_scenario *sc)
{
    free(sc->file);
    free(sc->account_sid);
    free(sc->auth_token);
    free(sc->api_key_sid);
    free(sc->api_key_secret);
    free(sc->price_unit);
    for (size_t i = 0; i < sc->n_numbers; i++) {
        struct sim_number *n = &sc->numbers[i];
        free(n->number);
        free(n->friendly_name);
        free(n->voice_url);
        free(n->voice_method);
        free(n->voice_fallback_url);
        free(n->status_callback);
        free(n->status_callback_method);
    }
    free(sc->numbers);
    for (size_t i = 0; i < sc->n_endpoints; i++) {
        free(sc->endpoints[i].pattern);
        free(sc->endpoints[i].digits);
    }
    free(sc->endpoints);
    for (size_t i = 0; i < sc->n_callers; i++) {
        free(sc->callers[i].number);
        free(sc->callers[i].name);
    }
    free(sc->callers);
    for (size_t i = 0; i < sc->n_script; i++) {
        free(sc->script[i].from);
        free(sc->script[i].to);
        free(sc->script[i].name);
        free(sc->script[i].digits);
    }
    free(sc->script);
    for (size_t i = 0; i < sc->n_rates; i++)
        free(sc->rates[i].prefix);
    free(sc->rates);
    free(sc->arrivals.to);
    free(sc->arrivals.digits);
    memset(sc, 0, sizeof *sc);
}

/* ---- sections ------------------------------------------------------------------------------ */

/* "(415) 555-0100" for a North American number, as Twilio shows it; the number otherwise. */
static char *default_friendly_name(const char *e164)
{
    if (strlen(e164) == 12 && e164[1] == '1')
        return xasprintf("(%.3s) %.3s-%.4s", e164 + 2, e164 + 5, e164 + 8);
    return xstrdup(e164);
}

static int add_number(struct scen_parse *ps, const char *arg)
{
    struct sim_scenario *sc = ps->sc;
    if (!valid_e164(arg, strlen(arg)))
        return inifile_fail(&ps->ini,
                            "bad number section [%s]: expected [number \"+14155550100\"] (E.164)",
                            ps->sec_label);
    if (sim_scenario_number(sc, arg))
        return inifile_fail(&ps->ini, "duplicate section [%s]", ps->sec_label);
    if (sc->n_numbers == DT_SIM_MAX_NUMBERS)
        return inifile_fail(&ps->ini, "too many numbers (at most %d)", DT_SIM_MAX_NUMBERS);
    sc->numbers = xrealloc(sc->numbers, (sc->n_numbers + 1) * sizeof *sc->numbers);
    sc->numbers[sc->n_numbers] = (struct sim_number){
        .number = xstrdup(arg),
        .friendly_name = default_friendly_name(arg),
        .voice_method = xstrdup("POST"),
        .status_callback_method = xstrdup("POST"),
    };
    ps->index = sc->n_numbers++;
    ps->sec = SCEN_SEC_NUMBER;
    return 1;
}

static int add_endpoint(struct scen_parse *ps, const char *arg)
{
    struct sim_scenario *sc = ps->sc;
    if (!scen_pattern_ok(arg))
        return inifile_fail(&ps->ini,
                            "bad endpoint section [%s]: expected [endpoint \"PATTERN\"], PATTERN "
                            "being +E164, client:NAME, sip:URI, or a prefix ending in '*'",
                            ps->sec_label);
    for (size_t i = 0; i < sc->n_endpoints; i++) {
        if (strcmp(sc->endpoints[i].pattern, arg) == 0)
            return inifile_fail(&ps->ini, "duplicate section [%s]", ps->sec_label);
    }
    if (sc->n_endpoints == DT_SIM_MAX_ENDPOINTS)
        return inifile_fail(&ps->ini, "too many endpoints (at most %d)", DT_SIM_MAX_ENDPOINTS);
    sc->endpoints = xrealloc(sc->endpoints, (sc->n_endpoints + 1) * sizeof *sc->endpoints);
    struct sim_endpoint *e = &sc->endpoints[sc->n_endpoints];
    *e = default_endpoint;
    e->pattern = xstrdup(arg);
    ps->index = sc->n_endpoints++;
    ps->sec = SCEN_SEC_ENDPOINT;
    return 1;
}

/* h[0..n) is `word "ARG"` with word already matched (wlen bytes); opens that section. */
static int open_named(struct scen_parse *ps, const char *h, size_t n, size_t wlen)
{
    size_t i = wlen;
    while (i < n && (h[i] == ' ' || h[i] == '\t'))
        i++;
    char arg[300];
    size_t alen = n - i >= 2 ? n - i - 2 : 0;
    int ok = i > wlen && n - i >= 2 && h[i] == '"' && h[n - 1] == '"' && alen < sizeof arg &&
             !memchr(h + i + 1, '"', alen);
    if (ok) {
        memcpy(arg, h + i + 1, alen);
        arg[alen] = '\0';
    } else {
        arg[0] = '\0'; /* fails the checks below */
    }
    return wlen == 6 ? add_number(ps, arg) : add_endpoint(ps, arg);
}

/* inifile's header hook: line[0] is '['. Returns 1, or 0 after inifile_fail. */
static int open_section(void *user, const char *line, size_t len)
{
    struct scen_parse *ps = user;
    const char *h;
    size_t n;
    if (!scen_close_section(ps) || !inifile_section(&ps->ini, line, len, &h, &n))
        return 0;
    inifile_printable(ps->sec_label, sizeof ps->sec_label, h, n);
    ps->seen = 0;
    ps->sec = SCEN_SEC_NONE;
    ps->sec_line = ps->ini.lines.lineno;
    if (n >= 6 && memcmp(h, "number", 6) == 0 &&
        (n == 6 || h[6] == ' ' || h[6] == '\t' || h[6] == '"'))
        return open_named(ps, h, n, 6);
    if (n >= 8 && memcmp(h, "endpoint", 8) == 0 &&
        (n == 8 || h[8] == ' ' || h[8] == '\t' || h[8] == '"'))
        return open_named(ps, h, n, 8);
    for (size_t i = 0; i < sizeof singleton_sections / sizeof singleton_sections[0]; i++) {
        if (strlen(singleton_sections[i].name) != n || memcmp(singleton_sections[i].name, h, n))
            continue;
        enum scen_sec sec = singleton_sections[i].sec;
        if (ps->sections_seen & (1u << sec))
            return inifile_fail(&ps->ini, "duplicate section [%s]", ps->sec_label);
        ps->sections_seen |= 1u << sec;
        ps->sec = sec;
        return 1;
    }
    return inifile_fail(&ps->ini, "unknown section [%s]", ps->sec_label);
}

/* ---- inih's reader and handler ------------------------------------------------------------- */

/* inifile's line hook: continuation lines as they are, others without their leading blanks,
 * as described at the top of this file. */
static int take_line(void *user, const char **line, size_t *len)
{
    struct scen_parse *ps = user;
    const char *s = *line;
    size_t lead = 0;
    while (lead < *len && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    ps->raw = s + lead;
    ps->raw_len = *len - lead;
    ps->cont = lead > 0 && lead < *len && s[lead] == '"';
    if (ps->cont && ps->cont_kind == SCEN_CONT_NONE)
        return inifile_fail(&ps->ini,
                            "a line that starts with a blank and a quote continues a quoted name "
                            "or friendly_name directly above, and there is none");
    if (!ps->cont) {
        *line = s + lead; /* so that inih does not take it for a continuation line */
        *len -= lead;
        ps->cont_kind = SCEN_CONT_NONE;
    }
    return 1;
}

/* inih's handler: one key = value pair (or continuation) of the line read last. */
static int on_pair(void *user, const char *section, const char *name, const char *value)
{
    struct scen_parse *ps = user;
    (void)section; /* read_line tracks the section */
    (void)value;   /* read from the line itself, see the top of this file */
    const char *end = ps->raw + ps->raw_len;
    if (ps->cont)
        return scen_continue(ps, ps->raw, end);
    const char *sep = ps->raw;
    while (sep < end && *sep != '=' && *sep != ':')
        sep++;
    if (sep == end)
        return inifile_fail(&ps->ini, "expected [section], key = value, or a comment");
    char key[64];
    inifile_printable(key, sizeof key, name, strlen(name));
    switch (ps->sec) {
    case SCEN_SEC_NONE:
        return inifile_fail(&ps->ini, "key '%s' outside any section", key);
    case SCEN_SEC_CALLERS:
        return scen_caller(ps, name, sep + 1, end);
    case SCEN_SEC_RATES:
        return scen_rate(ps, name, sep + 1, end);
    case SCEN_SEC_SCRIPT:
        return scen_script(ps, name, sep + 1, end);
    default:
        return scen_key(ps, name, sep + 1, end);
    }
}

/* ---- the checks at the end ----------------------------------------------------------------- */

struct order {
    double at;
    size_t i;
};

static int order_cmp(const void *a, const void *b)
{
    const struct order *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

/* Sorts the script by time; calls at the same time keep the file's order. */
static void sort_script(struct sim_scenario *sc)
{
    if (sc->n_script < 2)
        return;
    struct order *o = xcalloc(sc->n_script, sizeof *o);
    for (size_t i = 0; i < sc->n_script; i++)
        o[i] = (struct order){.at = sc->script[i].at_s, .i = i};
    qsort(o, sc->n_script, sizeof *o, order_cmp);
    struct sim_script_call *sorted = xcalloc(sc->n_script, sizeof *sorted);
    for (size_t i = 0; i < sc->n_script; i++)
        sorted[i] = sc->script[o[i].i];
    free(sc->script);
    sc->script = sorted;
    free(o);
}

static int finish_script(struct scen_parse *ps)
{
    struct sim_scenario *sc = ps->sc;
    for (size_t i = 0; i < sc->n_script; i++) {
        struct sim_script_call *c = &sc->script[i];
        if (c->to && !sim_scenario_number(sc, c->to))
            return inifile_fail_at(&ps->ini, ps->script_lines[i],
                                   "call: %s is not a [number] of this scenario", c->to);
        if (!c->to && !sc->arrivals.to)
            return inifile_fail_at(&ps->ini, ps->script_lines[i],
                                   "call: no '-> TO' and the scenario has no [number] to call");
        if (!c->to)
            c->to = xstrdup(sc->arrivals.to);
        for (size_t k = 0; !c->name && k < sc->n_callers; k++) {
            if (strcmp(sc->callers[k].number, c->from) == 0 && sc->callers[k].name)
                c->name = xstrdup(sc->callers[k].name);
        }
    }
    sort_script(sc);
    return 1;
}

static int finish(struct scen_parse *ps)
{
    struct sim_scenario *sc = ps->sc;
    if (!scen_close_section(ps))
        return 0;
    if (!sc->api_key_sid != !sc->api_key_secret) {
        int line = scen_key_line(ps, SCEN_SEC_SCENARIO,
                                 sc->api_key_sid ? "api_key_sid" : "api_key_secret");
        return inifile_fail_at(&ps->ini, line, "api_key_sid and api_key_secret go together");
    }
    struct sim_arrivals *a = &sc->arrivals;
    if (a->to && !sim_scenario_number(sc, a->to))
        return inifile_fail_at(&ps->ini, scen_key_line(ps, SCEN_SEC_ARRIVALS, "to"),
                               "to: %s is not a [number] of this scenario", a->to);
    if (!a->to && sc->n_numbers)
        a->to = xstrdup(sc->numbers[0].number);
    if (a->rate_per_min > 0 && !a->to)
        return inifile_fail_at(&ps->ini, scen_key_line(ps, SCEN_SEC_ARRIVALS, "rate_per_min"),
                               "rate_per_min: the scenario has no [number] to call");
    return finish_script(ps);
}

/* ---- loading ------------------------------------------------------------------------------- */

static const struct inifile_ops scenario_ini = {
    .line_max = DT_SIM_LINE_MAX,
    .pair = on_pair,
    .line = take_line,
    .header = open_section,
    .expected = "expected [section], key = value, or a comment",
};

static int load_text(struct sim_scenario *sc, const char *name, const char *text, size_t len,
                     sim_scenario_lookup_fn lookup, void *ctx, char *err, size_t errlen)
{
    struct sim_scenario tmp;
    sim_scenario_init(&tmp);
    tmp.file = xstrdup(name);
    struct scen_parse ps = {.sc = &tmp, .file = name, .lookup = lookup, .ctx = ctx};
    if (inifile_parse(&ps.ini, text, len, &scenario_ini, &ps) == DT_OK)
        finish(&ps);
    free(ps.script_lines);
    if (ps.ini.failed) {
        sim_scenario_done(&tmp);
        return inifile_error(&ps.ini, name, err, errlen);
    }
    sim_scenario_done(sc);
    *sc = tmp;
    return DT_OK;
}

int sim_scenario_load_string_vars(struct sim_scenario *sc, const char *name, const char *text,
                                  sim_scenario_lookup_fn lookup, void *ctx, char *err,
                                  size_t errlen)
{
    if (!name)
        name = "<string>";
    if (!text)
        return dt_seterr(err, errlen, DT_EINVAL, "%s: no text", name);
    size_t len = strlen(text);
    if (len > DT_SIM_FILE_MAX)
        return dt_seterr(err, errlen, DT_ETOOBIG, "%s: larger than %d bytes", name,
                         DT_SIM_FILE_MAX);
    return load_text(sc, name, text, len, lookup, ctx, err, errlen);
}

int sim_scenario_load_string(struct sim_scenario *sc, const char *name, const char *text, char *err,
                             size_t errlen)
{
    return sim_scenario_load_string_vars(sc, name, text, NULL, NULL, err, errlen);
}

int sim_scenario_load_file_vars(struct sim_scenario *sc, const char *path,
                                sim_scenario_lookup_fn lookup, void *ctx, char *err, size_t errlen)
{
    if (!path)
        return dt_seterr(err, errlen, DT_EINVAL, "no scenario file name");
    struct dt_buf b;
    dt_buf_init(&b);
    int rc = textfile_read(path, DT_SIM_FILE_MAX, &b, NULL, err, errlen);
    if (rc == 0)
        rc = load_text(sc, path, b.data ? b.data : "", b.len, lookup, ctx, err, errlen);
    dt_buf_done(&b);
    return rc;
}

int sim_scenario_load_file(struct sim_scenario *sc, const char *path, char *err, size_t errlen)
{
    return sim_scenario_load_file_vars(sc, path, NULL, NULL, err, errlen);
}

/* ---- lookups ------------------------------------------------------------------------------- */

/* The length of a destination as an exact pattern compares it: a SIP URI without its
 * parameters or headers. */
static size_t exact_len(const char *to)
{
    return strncmp(to, "sip:", 4) == 0 ? strcspn(to, ";?") : strlen(to);
}

const struct sim_endpoint *sim_scenario_endpoint(const struct sim_scenario *sc, const char *to)
{
    const struct sim_endpoint *best = NULL;
    size_t best_len = 0;
    if (!to)
        return &default_endpoint;
    size_t tlen = exact_len(to);
    for (size_t i = 0; i < sc->n_endpoints; i++) {
        const struct sim_endpoint *e = &sc->endpoints[i];
        size_t n = strlen(e->pattern);
        if (n > 0 && e->pattern[n - 1] == '*') {
            if (strncmp(to, e->pattern, n - 1) == 0 && (!best || n - 1 > best_len)) {
                best = e;
                best_len = n - 1;
            }
        } else if (n == tlen && memcmp(to, e->pattern, n) == 0) {
            return e;
        }
    }
    return best ? best : &default_endpoint;
}

const struct sim_number *sim_scenario_number(const struct sim_scenario *sc, const char *number)
{
    for (size_t i = 0; number && i < sc->n_numbers; i++) {
        if (strcmp(sc->numbers[i].number, number) == 0)
            return &sc->numbers[i];
    }
    return NULL;
}

double sim_scenario_rate(const struct sim_scenario *sc, const char *to)
{
    const struct sim_rate *best = NULL;
    for (size_t i = 0; to && i < sc->n_rates; i++) {
        const struct sim_rate *r = &sc->rates[i];
        size_t n = strlen(r->prefix);
        if (strncmp(to, r->prefix, n) == 0 && (!best || n > strlen(best->prefix)))
            best = r;
    }
    return best ? best->per_min : 0;
}

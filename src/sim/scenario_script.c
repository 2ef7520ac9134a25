/*
 * scenario_script: the list sections of a scenario file, whose keys are data. [callers]
 * (E164 = name), [rates] (prefix = price per minute) and [script] (call = TIME FROM [-> TO]
 * ["NAME"] [patience=S] [digits=D]).
 */
#include "sim/scenario_int.h"
#include "dialtone/valid.h"

#include <stdlib.h>
#include <string.h>

#define SCRIPT_USAGE                                                                               \
    "expected call = TIME FROM [-> TO] [\"NAME\"] [patience=SECONDS] [digits=DIGITS]"

int scen_caller(struct scen_parse *ps, const char *key, const char *p, const char *end)
{
    struct sim_scenario *sc = ps->sc;
    char shown[64];
    inifile_printable(shown, sizeof shown, key, strlen(key));
    if (!valid_e164(key, strlen(key)))
        return inifile_fail(&ps->ini, "caller '%s' must be an E.164 number ('+' and 8-15 digits)",
                            shown);
    for (size_t i = 0; i < sc->n_callers; i++) {
        if (strcmp(sc->callers[i].number, key) == 0)
            return inifile_fail(&ps->ini, "duplicate caller %s", key);
    }
    if (sc->n_callers == DT_SIM_MAX_CALLERS)
        return inifile_fail(&ps->ini, "too many callers (at most %d)", DT_SIM_MAX_CALLERS);
    struct dt_buf b;
    dt_buf_init(&b);
    char why[160];
    int quoted;
    if (scen_value(p, end, "name", DT_SIM_NAME_MAX, &b, &quoted, why, sizeof why) != 0) {
        dt_buf_done(&b);
        return inifile_fail(&ps->ini, "%s", why);
    }
    sc->callers = xrealloc(sc->callers, (sc->n_callers + 1) * sizeof *sc->callers);
    struct sim_caller *c = &sc->callers[sc->n_callers++];
    c->number = xstrdup(key);
    c->name = b.len ? dt_buf_take(&b) : NULL;
    dt_buf_done(&b);
    if (quoted) {
        ps->cont_kind = SCEN_CONT_CALLER;
        ps->cont_index = sc->n_callers - 1;
    }
    return 1;
}

/* The prefix a [rates] key stands for, or NULL. */
static const char *rate_prefix(const char *key)
{
    if (strcmp(key, "default") == 0)
        return "";
    if (strcmp(key, "client") == 0)
        return "client:";
    if (strcmp(key, "sip") == 0)
        return "sip:";
    size_t n = strlen(key);
    if (n >= 2 && n <= 16 && key[0] == '+' && key[1] != '0' &&
        strspn(key + 1, "0123456789") == n - 1)
        return key;
    return NULL;
}

int scen_rate(struct scen_parse *ps, const char *key, const char *p, const char *end)
{
    struct sim_scenario *sc = ps->sc;
    char shown[64];
    inifile_printable(shown, sizeof shown, key, strlen(key));
    const char *prefix = rate_prefix(key);
    if (!prefix)
        return inifile_fail(
            &ps->ini,
            "rate '%s': the key must be a number prefix such as +44, or client, sip "
            "or default",
            shown);
    for (size_t i = 0; i < sc->n_rates; i++) {
        if (strcmp(sc->rates[i].prefix, prefix) == 0)
            return inifile_fail(&ps->ini, "duplicate rate '%s'", key);
    }
    if (sc->n_rates == DT_SIM_MAX_RATES)
        return inifile_fail(&ps->ini, "too many rates (at most %d)", DT_SIM_MAX_RATES);
    struct dt_buf b;
    dt_buf_init(&b);
    char why[160];
    int quoted;
    double v = 0;
    int ok = scen_value(p, end, "rate", 64, &b, &quoted, why, sizeof why) == 0 &&
             scen_number(b.data, 0, 100, &v) == 0;
    dt_buf_done(&b);
    if (!ok)
        return inifile_fail(&ps->ini, "rate '%s' must be a price per minute from 0 to 100", key);
    sc->rates = xrealloc(sc->rates, (sc->n_rates + 1) * sizeof *sc->rates);
    sc->rates[sc->n_rates].prefix = xstrdup(prefix);
    sc->rates[sc->n_rates++].per_min = v;
    return 1;
}

/* The options after the name: patience=S, digits=D, each at most once. */
static int script_option(struct scen_parse *ps, struct sim_script_call *c, const char *tok)
{
    if (strncmp(tok, "patience=", 9) == 0) {
        if (c->patience_s >= 0)
            return inifile_fail(&ps->ini, "call: patience given twice");
        if (scen_duration(tok + 9, 86400, &c->patience_s) != 0)
            return inifile_fail(&ps->ini, "call: patience must be seconds from 0 to 86400");
        return 1;
    }
    if (strncmp(tok, "digits=", 7) == 0) {
        if (c->digits)
            return inifile_fail(&ps->ini, "call: digits given twice");
        if (!scen_digits_ok(tok + 7))
            return inifile_fail(&ps->ini, "call: digits must be 1-%d of 0-9, '*' and '#'",
                                DT_SIM_DIGITS_MAX);
        c->digits = xstrdup(tok + 7);
        return 1;
    }
    return inifile_fail(&ps->ini, "call: %s", SCRIPT_USAGE);
}

static void script_call_done(struct sim_script_call *c)
{
    free(c->from);
    free(c->to);
    free(c->name);
    free(c->digits);
}

/* Reads the tokens of one call into c (the caller frees its strings). */
static int script_parse(struct scen_parse *ps, struct sim_script_call *c, const char *p,
                        const char *end)
{
    struct dt_buf b;
    dt_buf_init(&b);
    size_t at[8];
    int quoted[8];
    char why[160];
    int n = scen_tokens(p, end, DT_SIM_NAME_MAX, &b, at, quoted, 8, why, sizeof why);
    int ok = 1, i = 2;
    if (n < 0) {
        ok = inifile_fail(&ps->ini, "call: %s", why);
        goto done;
    }
#define TOK(k) (b.data + at[k])
    if (n < 2 || quoted[0] || quoted[1]) {
        ok = inifile_fail(&ps->ini, "call: %s", SCRIPT_USAGE);
        goto done;
    }
    if (scen_duration(TOK(0), 604800, &c->at_s) != 0) {
        ok = inifile_fail(&ps->ini,
                          "call: the time must be seconds from 0 to 604800 (90, 1.5s, 2m, 1h)");
        goto done;
    }
    if (!valid_e164(TOK(1), strlen(TOK(1)))) {
        ok = inifile_fail(&ps->ini, "call: FROM must be an E.164 number ('+' and 8-15 digits)");
        goto done;
    }
    c->from = xstrdup(TOK(1));
    if (i < n && !quoted[i] && strcmp(TOK(i), "->") == 0) {
        if (i + 1 >= n || quoted[i + 1] || !valid_e164(TOK(i + 1), strlen(TOK(i + 1)))) {
            ok = inifile_fail(&ps->ini, "call: TO after '->' must be an E.164 number");
            goto done;
        }
        c->to = xstrdup(TOK(i + 1));
        i += 2;
    }
    if (i < n && quoted[i]) {
        c->name = *TOK(i) ? xstrdup(TOK(i)) : NULL;
        i++;
    }
    for (; ok && i < n; i++)
        ok = quoted[i] ? inifile_fail(&ps->ini, "call: %s", SCRIPT_USAGE)
                       : script_option(ps, c, TOK(i));
#undef TOK
done:
    dt_buf_done(&b);
    return ok;
}

int scen_script(struct scen_parse *ps, const char *key, const char *p, const char *end)
{
    struct sim_scenario *sc = ps->sc;
    if (strcmp(key, "call") != 0) {
        char shown[64];
        inifile_printable(shown, sizeof shown, key, strlen(key));
        return inifile_fail(&ps->ini, "unknown key '%s' in [script] (%s)", shown, SCRIPT_USAGE);
    }
    if (sc->n_script == DT_SIM_MAX_SCRIPT)
        return inifile_fail(&ps->ini, "too many scripted calls (at most %d)", DT_SIM_MAX_SCRIPT);
    struct sim_script_call c = {.patience_s = -1};
    if (!script_parse(ps, &c, p, end)) {
        script_call_done(&c);
        return 0;
    }
    sc->script = xrealloc(sc->script, (sc->n_script + 1) * sizeof *sc->script);
    ps->script_lines = xrealloc(ps->script_lines, (sc->n_script + 1) * sizeof *ps->script_lines);
    ps->script_lines[sc->n_script] = ps->ini.lines.lineno;
    sc->script[sc->n_script++] = c;
    return 1;
}

/*
 * reducer_reports: the supervisors' reports screen (F11, `:reports`) in the reducer. Opening it
 * asks for the report shown (the answer rate by hour of day, for today, at first); Tab and
 * Shift-Tab or the number keys 1-5 pick the report, t, y, w and m the days (today, yesterday,
 * the last 7 days, this month), `:report NAME FROM TO` both at once, and each asks the daemon
 * at once; r asks again. A fetch is numbered: the answer of one that a newer one superseded
 * is dropped. The moves scroll the table. Agents get a toast: the reports are not for them.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/model.h"
#include "console/reducer.h"
#include "console/reports.h"
#include "dialtone/util.h"

#define GEN_MASK 0x7fffffu /* a generation fits in the tag above its 8 kind bits */

/* The report each of the number keys' actions shows. */
static const struct {
    enum km_action action;
    enum reports_kind kind;
} kind_keys[] = {
    {.action = KA_REPORT_ANSWER_RATE, .kind = REPORTS_ANSWER_RATE},
    {.action = KA_REPORT_FAILURES, .kind = REPORTS_FAILURES},
    {.action = KA_REPORT_COST_DAY, .kind = REPORTS_COST_DAY},
    {.action = KA_REPORT_COST_QUEUE, .kind = REPORTS_COST_QUEUE},
    {.action = KA_REPORT_AGENTS, .kind = REPORTS_AGENTS},
};

/* The days each of the range actions asks for. */
static const struct {
    enum km_action action;
    enum reports_range range;
} range_keys[] = {
    {.action = KA_RANGE_TODAY, .range = REPORTS_TODAY},
    {.action = KA_RANGE_YESTERDAY, .range = REPORTS_YESTERDAY},
    {.action = KA_RANGE_WEEK, .range = REPORTS_WEEK},
    {.action = KA_RANGE_MONTH, .range = REPORTS_MONTH},
};

/* Asks for the report and range in st->reports, superseding any fetch in flight. */
static int reports_fetch(struct model *st, struct rd_out *o)
{
    struct reports *r = &st->reports;
    char path[MODEL_PATH_SIZE];
    if (reports_path(r, path, sizeof path) != DT_OK) {
        rd_copy(r->message, sizeof r->message, "those dates cannot be asked for");
        return DT_EINVAL;
    }
    unsigned gen = (r->gen + 1) & GEN_MASK;
    if (rd_request(st, o, "GET", (int)((gen << 8) | MODEL_TAG_REPORTS), NULL, "%s", path) != DT_OK)
        return DT_ETOOBIG;
    r->gen = gen;
    r->asking = 1;
    r->message[0] = '\0';
    return DT_OK;
}

/* Shows report kind over range (dates when REPORTS_DATES) and asks for it. */
static void reports_show(struct model *st, struct rd_out *o, enum reports_kind kind,
                         enum reports_range range)
{
    struct reports *r = &st->reports;
    if (kind != r->kind || range != r->range || range == REPORTS_DATES) {
        r->loaded = 0;
        r->scroll = 0;
    }
    r->kind = kind;
    r->range = range;
    reports_fetch(st, o);
}

int rd_reports_open(struct model *st, struct rd_out *o)
{
    if (!rd_is_supervisor(st)) {
        model_toast(st, MODEL_INFO, "The reports are for supervisors");
        return 1;
    }
    st->screen = MODEL_SCR_REPORTS;
    if (!st->reports.loaded && !st->reports.asking)
        reports_fetch(st, o);
    return 1;
}

/* The largest scroll: the last page of the table in sight. */
static size_t scroll_last(const struct model *st)
{
    size_t rows = st->reports.loaded ? st->reports.data.n : 0, page = reports_visible(st->rows);
    return rows > page ? rows - page : 0;
}

/* Scrolls by a move; 1 when a was one. */
static int reports_move(struct model *st, enum km_action a)
{
    return rd_move(&st->reports.scroll, scroll_last(st) + 1, a, reports_visible(st->rows));
}

int rd_reports_key(struct model *st, int key, enum km_action a, struct rd_out *o)
{
    struct reports *r = &st->reports;
    (void)key;
    if (reports_move(st, a))
        return 1;
    for (size_t i = 0; i < sizeof kind_keys / sizeof kind_keys[0]; i++) {
        if (a == kind_keys[i].action) {
            reports_show(st, o, kind_keys[i].kind, r->range);
            return 1;
        }
    }
    for (size_t i = 0; i < sizeof range_keys / sizeof range_keys[0]; i++) {
        if (a == range_keys[i].action) {
            reports_show(st, o, r->kind, range_keys[i].range);
            return 1;
        }
    }
    switch (a) {
    case KA_REPORT_NEXT:
    case KA_REPORT_PREV: {
        int step = a == KA_REPORT_NEXT ? 1 : REPORTS_KINDS - 1;
        reports_show(st, o, (enum reports_kind)(((int)r->kind + step) % REPORTS_KINDS), r->range);
        return 1;
    }
    case KA_REFRESH:
        reports_fetch(st, o);
        return 1;
    default:
        return 0;
    }
}

/* The command line's words on a mistake. */
static void say(struct model *st, enum model_level level, const char *text)
{
    rd_copy(st->prompt.message, sizeof st->prompt.message, text);
    st->prompt.message_level = level;
}

void rd_reports_command(struct model *st, const char *arg, struct rd_out *o)
{
    static const char usage[] = "Usage: :report answer-rate|failures|cost-by-day|cost-by-queue|"
                                "agents [FROM [TO]] (YYYY-MM-DD, today, yesterday)";
    char name[24] = "", from[24] = "", to[24] = "", extra[2] = "";
    int n = sscanf(arg, "%23s %23s %23s %1s", name, from, to, extra);
    int kind = n >= 1 ? reports_kind_from_name(name) : (int)st->reports.kind;
    if (!rd_is_supervisor(st)) {
        say(st, MODEL_WARN, "The reports are for supervisors");
        return;
    }
    if (n > 3 || kind < 0 || (n >= 2 && !reports_date_ok(from)) ||
        (n == 3 && !reports_date_ok(to))) {
        say(st, MODEL_WARN, usage);
        return;
    }
    st->screen = MODEL_SCR_REPORTS;
    if (n < 2) { /* the report alone: the days shown */
        reports_show(st, o, (enum reports_kind)kind, st->reports.range);
        return;
    }
    dt_strlcpy(st->reports.from, from, sizeof st->reports.from);
    dt_strlcpy(st->reports.to, n == 3 ? to : from, sizeof st->reports.to);
    reports_show(st, o, (enum reports_kind)kind, REPORTS_DATES);
}

int rd_reports_result(struct model *st, int tag, int status, const cJSON *body, const char *err)
{
    struct reports *r = &st->reports;
    if (MODEL_TAG_KIND(tag) != MODEL_TAG_REPORTS)
        return 0;
    if ((((unsigned)tag >> 8) & GEN_MASK) != r->gen)
        return 1; /* a fetch that a newer one superseded */
    st->dirty = 1;
    r->asking = 0;
    char why[REPORTS_TEXT_SIZE];
    if (!rd_alerts_why(status, body, err, why, sizeof why)) {
        rd_copy(r->message, sizeof r->message, why); /* the figures shown stay */
        return 1;
    }
    if (reports_parse(body, r->kind, &r->data, why, sizeof why) != DT_OK) {
        r->loaded = 0;
        rd_copy(r->message, sizeof r->message, why);
        return 1;
    }
    r->loaded = 1;
    r->message[0] = '\0';
    if (r->scroll > scroll_last(st))
        r->scroll = scroll_last(st);
    return 1;
}

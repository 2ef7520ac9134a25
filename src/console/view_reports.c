/*
 * view_reports: the supervisors' reports screen (F11). The reports as tabs (the one shown in
 * reverse), the days asked for and the local dates they cover, a loading line while the
 * daemon works or its error in words, the totals, then the table scrolled to the model's row:
 * the answer rate of each hour of the day with a bar as long as its rate (block characters in
 * a UTF-8 locale, '#' otherwise; under 80% in the warning role), the failure reasons, the cost
 * by day or by queue with the cost per successful call, money always with its currency, and
 * the agents' calls, handled calls, average handle time and missed offers.
 */
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "console/reports.h"
#include "console/view.h"

#define CELLS_MAX   7
#define CELL_SIZE   160
#define RATE_TARGET 80.0 /* an hour answered under this share is drawn as a warning */

/* A table's column: its title and width (0: what is left), figures aligned right. */
struct col {
    const char *title;
    int w, right;
};

struct table {
    const struct col *cols;
    size_t n;
};

static const struct col hour_cols[] = {
    {.title = "Hour", .w = 7},
    {.title = "Calls", .w = 8, .right = 1},
    {.title = "Answered", .w = 10, .right = 1},
    {.title = "Rate", .w = 8, .right = 1},
    {.title = "", .w = 0},
};
static const struct col failure_cols[] = {
    {.title = "Status", .w = 11},           {.title = "Code", .w = 7, .right = 1},
    {.title = "Category", .w = 15},         {.title = "Count", .w = 7, .right = 1},
    {.title = "Share", .w = 7, .right = 1}, {.title = "Reason", .w = 0},
};
/* The cost tables' columns after the first (the day or the queue). */
#define COST_COLS                                                                                  \
    {.title = "Calls", .w = 7, .right = 1}, {.title = "OK", .w = 7, .right = 1},                   \
        {.title = "Cost", .w = 18, .right = 1},                                                    \
    {                                                                                              \
        .title = "Per successful call", .w = 22, .right = 1                                        \
    }
static const struct col day_cols[] = {{.title = "Day", .w = 0}, COST_COLS};
static const struct col queue_cols[] = {{.title = "Queue", .w = 0}, COST_COLS};
static const struct col agent_cols[] = {
    {.title = "Agent", .w = 0},
    {.title = "Calls", .w = 7, .right = 1},
    {.title = "Handled", .w = 9, .right = 1},
    {.title = "Avg handle", .w = 12, .right = 1},
    {.title = "Missed", .w = 8, .right = 1},
    {.title = "Declined", .w = 10, .right = 1},
};

#define TABLE(a)                                                                                   \
    {                                                                                              \
        .cols = a, .n = sizeof a / sizeof a[0]                                                     \
    }
static const struct table tables[REPORTS_KINDS] = {
    [REPORTS_ANSWER_RATE] = TABLE(hour_cols), [REPORTS_FAILURES] = TABLE(failure_cols),
    [REPORTS_COST_DAY] = TABLE(day_cols),     [REPORTS_COST_QUEUE] = TABLE(queue_cols),
    [REPORTS_AGENTS] = TABLE(agent_cols),
};

static int utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

/* Draws one row of cells (titles when cells is NULL) in role across w columns; returns the
 * column where the last one starts. */
static int cells_row(const struct view_ctx *c, int y, int w, const struct table *t,
                     char cells[][CELL_SIZE], enum theme_role role)
{
    int fixed = 0, x = 1;
    for (size_t i = 0; i < t->n; i++)
        fixed += t->cols[i].w + 1;
    view_fill(c, y, 0, w, role);
    for (size_t i = 0; i < t->n; i++) {
        const struct col *k = &t->cols[i];
        int cw = k->w ? k->w : w - 2 - fixed;
        const char *s = cells ? cells[i] : k->title;
        if (k->right)
            view_textf(c, y, x, cw, 0, role, "%*s", cw, s);
        else
            view_text(c, y, x, cw, 0, role, s);
        if (i + 1 < t->n)
            x += cw + 1;
    }
    return x;
}

static void tabs_row(const struct view_ctx *c, int y, int w)
{
    const struct reports *r = &c->m->reports;
    int x = 1 + view_text(c, y, 1, w - 2, 0, TR_HEADER, "Reports");
    for (int k = 0; k < REPORTS_KINDS && x < w - 1; k++)
        x += view_textf(c, y, x, w - x - 1, 0, k == (int)r->kind ? TR_SELECTED : TR_NORMAL,
                        "  %d %s", k + 1, reports_title((enum reports_kind)k));
}

static void days_row(const struct view_ctx *c, int y, int w)
{
    const struct reports *r = &c->m->reports;
    const struct reports_data *d = &r->data;
    char days[64];
    if (r->range == REPORTS_DATES)
        snprintf(days, sizeof days, "%s to %s", r->from, r->to);
    else
        snprintf(days, sizeof days, "%s", reports_range_label(r->range));
    int x = 1 + view_textf(c, y, 1, w - 2, 0, TR_NORMAL, "Days: %s", days);
    if (r->loaded && d->first_day[0] && strcmp(d->first_day, d->last_day) != 0)
        view_textf(c, y, x, w - x - 1, 0, TR_DIM, "  (%s to %s)", d->first_day, d->last_day);
    else if (r->loaded && d->first_day[0])
        view_textf(c, y, x, w - x - 1, 0, TR_DIM, "  (%s)", d->first_day);
}

/* The totals above the table. */
static void summary(const struct view_ctx *c, int y, int w)
{
    const struct reports_data *d = &c->m->reports.data;
    char a[48], b[48], line[256];
    switch (d->kind) {
    case REPORTS_ANSWER_RATE:
        if (d->calls == 0) { /* no rate of nothing */
            snprintf(line, sizeof line, "No call ended in these days.");
            break;
        }
        snprintf(line, sizeof line, "%lld calls ended, %lld answered: %.1f%%", (long long)d->calls,
                 (long long)d->answered, 100.0 * (double)d->answered / (double)d->calls);
        break;
    case REPORTS_FAILURES:
        snprintf(line, sizeof line, "%lld failed call%s", (long long)d->calls,
                 d->calls == 1 ? "" : "s");
        break;
    case REPORTS_COST_DAY:
    case REPORTS_COST_QUEUE:
        snprintf(line, sizeof line, "%s for %lld calls, %lld successful: %s per successful call",
                 reports_money(d->total.cost, d->total.unit, a, sizeof a), (long long)d->calls,
                 (long long)d->answered,
                 reports_money(d->total.per_success, d->total.unit, b, sizeof b));
        break;
    default:
        snprintf(line, sizeof line, "%zu agent%s", d->n, d->n == 1 ? "" : "s");
        break;
    }
    int x = 1 + view_text(c, y, 1, w - 2, 0, TR_NORMAL, line);
    if (d->cut)
        view_textf(c, y, x, w - x - 1, 0, TR_WARNING, "  (the first %d rows)", REPORTS_ROWS_MAX);
}

/* An hour's row, its bar after the figures. */
static void hour_row(const struct view_ctx *c, int y, int w, int h, int utf8)
{
    const struct reports_hour *x = &c->m->reports.data.hours[h];
    char cells[CELLS_MAX][CELL_SIZE] = {{0}};
    double rate = x->calls ? 100.0 * (double)x->answered / (double)x->calls : 0;
    snprintf(cells[0], CELL_SIZE, "%02d:00", h);
    snprintf(cells[1], CELL_SIZE, "%lld", (long long)x->calls);
    snprintf(cells[2], CELL_SIZE, "%lld", (long long)x->answered);
    snprintf(cells[3], CELL_SIZE, x->calls ? "%.1f%%" : "-", rate);
    int bx = cells_row(c, y, w, &tables[REPORTS_ANSWER_RATE], cells, x->calls ? TR_NORMAL : TR_DIM);
    int bw = w - 1 - bx, len = (int)(rate * bw / 100.0 + 0.5);
    char bar[CELL_SIZE * 3] = "";
    for (int i = 0, k = 0; i < len && k + 4 < (int)sizeof bar; i++)
        k += snprintf(bar + k, sizeof bar - (size_t)k, "%s", utf8 ? "\u2588" : "#");
    view_text(c, y, bx, bw, 0, rate >= RATE_TARGET ? TR_OK : TR_WARNING, bar);
}

/* Row i of a report other than the answer rate, as cells. */
static void row_cells(const struct reports_data *d, size_t i, char cells[][CELL_SIZE])
{
    if (d->kind == REPORTS_FAILURES) {
        const struct reports_failure *f = &d->failures[i];
        snprintf(cells[0], CELL_SIZE, "%s", f->status);
        snprintf(cells[1], CELL_SIZE, f->code ? "%d" : "-", f->code);
        snprintf(cells[2], CELL_SIZE, "%s", f->category);
        snprintf(cells[3], CELL_SIZE, "%lld", (long long)f->count);
        snprintf(cells[4], CELL_SIZE, "%.1f%%",
                 d->calls ? 100.0 * (double)f->count / (double)d->calls : 0.0);
        snprintf(cells[5], CELL_SIZE, "%s", f->message);
    } else if (d->kind == REPORTS_AGENTS) {
        const struct reports_agent *a = &d->agents[i];
        snprintf(cells[0], CELL_SIZE, "%s", a->name);
        snprintf(cells[1], CELL_SIZE, "%lld", (long long)a->calls);
        snprintf(cells[2], CELL_SIZE, "%lld", (long long)a->handled);
        view_duration(a->aht_ms < 0 ? -1 : (a->aht_ms + 500) / 1000, cells[3], CELL_SIZE);
        snprintf(cells[4], CELL_SIZE, "%lld", (long long)a->missed);
        snprintf(cells[5], CELL_SIZE, "%lld", (long long)a->declined);
    } else {
        const struct reports_cost *k = &d->costs[i];
        snprintf(cells[0], CELL_SIZE, "%s", k->key[0] ? k->key : "(no queue)");
        snprintf(cells[1], CELL_SIZE, "%lld", (long long)k->calls);
        snprintf(cells[2], CELL_SIZE, "%lld", (long long)k->successful);
        reports_money(k->cost, k->unit, cells[3], CELL_SIZE);
        reports_money(k->per_success, k->unit, cells[4], CELL_SIZE);
    }
}

void view_reports_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct reports *rp = &c->m->reports;
    const struct reports_data *d = &rp->data;
    if (r.h < 8)
        return;
    int y = r.y, bottom = r.y + r.h - 1; /* the last row: the keys */
    tabs_row(c, y++, r.w);
    days_row(c, y++, r.w);
    static const struct view_hint hints[] = {
        {KA_REPORT_NEXT, "report"}, {KA_RANGE_TODAY, "today"}, {KA_RANGE_WEEK, "7 days"},
        {KA_RANGE_MONTH, "month"},  {KA_REFRESH, "again"},     {KA_NONE, ":report NAME FROM TO"},
    };
    view_hints(c, bottom, 1, r.w - 2, KM_REPORTS, hints, sizeof hints / sizeof hints[0]);
    if (rp->asking)
        view_textf(c, y, 1, r.w - 2, 0, TR_DIM, "Loading %s for %s...", reports_title(rp->kind),
                   rp->range == REPORTS_DATES ? "the dates asked" : reports_range_label(rp->range));
    else if (rp->message[0])
        view_textf(c, y, 1, r.w - 2, 0, TR_ERROR, "The report could not be loaded: %s",
                   rp->message);
    y++;
    if (!rp->loaded)
        return;
    summary(c, y++, r.w);
    cells_row(c, y++, r.w, &tables[d->kind], NULL, TR_HEADER);
    if (d->n == 0) {
        view_text(c, y, 3, r.w - 4, 0, TR_DIM, "No calls in these days.");
        return;
    }
    size_t rows = (size_t)(bottom - y), top = rp->scroll;
    if (top + rows > d->n)
        top = d->n > rows ? d->n - rows : 0;
    int utf8 = utf8_locale();
    for (size_t i = top; i < d->n && y < bottom; i++, y++) {
        char cells[CELLS_MAX][CELL_SIZE] = {{0}};
        if (d->kind == REPORTS_ANSWER_RATE) {
            hour_row(c, y, r.w, (int)i, utf8);
            continue;
        }
        row_cells(d, i, cells);
        cells_row(c, y, r.w, &tables[d->kind], cells, TR_NORMAL);
    }
}

/*
 * view_alerts: the supervisors' alerts screen (F9). The rules firing now at the top, in the
 * error role (rule, kind, since when, the daemon's message), then the latest transitions,
 * newest first (time, fired or cleared, rule, the figure then, message), the selected one in
 * reverse. The status bar's count of firing rules is drawn by view_status.c.
 */
#include <stdio.h>

#include "console/alertlist.h"
#include "console/view.h"

#define COL_RULE  18
#define COL_KIND  14
#define COL_SINCE 14
#define COL_TIME  14
#define COL_STATE 9
#define COL_VALUE 11

static void title_row(const struct view_ctx *c, int y, int w)
{
    const struct alertlist *a = &c->m->alerts;
    int x = 1 + view_text(c, y, 1, w - 2, 0, TR_HEADER, "Alerts");
    if (a->fetch.loaded)
        x += view_textf(c, y, x, w - x - 1, 0, a->n_firing ? TR_ERROR : TR_OK, "   %zu firing now",
                        a->n_firing);
    if (a->fetch.asking)
        view_text(c, y, x, w - x - 1, 0, TR_DIM, "   updating...");
}

int view_alerts_state(const struct view_ctx *c, int *y, int w, const char *what,
                      const struct alertlist_fetch *f, const char *message)
{
    if (message[0])
        view_textf(c, (*y)++, 1, w - 2, 0, TR_ERROR, "The %s could not be loaded: %s", what,
                   message);
    if (!f->loaded)
        view_textf(c, *y + 1, 3, w - 4, 0, TR_DIM, "Loading the %s...", what);
    return f->loaded;
}

static void header(const struct view_ctx *c, int y, int w, const char *const *titles,
                   const int *cols, int n)
{
    view_fill(c, y, 0, w, TR_HEADER);
    for (int i = 0, x = 1; i < n && x < w - 1; x += cols[i++])
        view_text(c, y, x, (cols[i] ? cols[i] : w - x) - 1, 0, TR_HEADER, titles[i]);
}

static void firing_row(const struct view_ctx *c, int y, int w, const struct alertlist_firing *f)
{
    char buf[32];
    int x = 1;
    view_fill(c, y, 0, w, TR_ERROR);
    view_text(c, y, x, COL_RULE - 1, 0, TR_ERROR, f->rule);
    view_text(c, y, x += COL_RULE, COL_KIND - 1, 0, TR_ERROR, f->kind);
    view_text(c, y, x += COL_KIND, COL_SINCE - 1, 0, TR_ERROR,
              view_clock(c, f->since_ms, buf, sizeof buf));
    x += COL_SINCE;
    view_text(c, y, x, w - x - 1, 0, TR_ERROR, f->message);
}

static void change_row(const struct view_ctx *c, int y, int w, const struct alertlist_change *ch,
                       int sel)
{
    enum theme_role base = sel ? TR_SELECTED : TR_NORMAL;
    char buf[32];
    int x = 1;
    view_fill(c, y, 0, w, base);
    view_text(c, y, x, COL_TIME - 1, 0, base, view_clock(c, ch->at_ms, buf, sizeof buf));
    view_text(c, y, x += COL_TIME, COL_STATE - 1, 0,
              sel         ? base
              : ch->fired ? TR_ERROR
                          : TR_OK,
              ch->fired ? "fired" : "cleared");
    view_text(c, y, x += COL_STATE, COL_RULE - 1, 0, base, ch->rule);
    view_textf(c, y, x += COL_RULE, COL_VALUE - 1, 0, base, "%.6g", ch->value);
    x += COL_VALUE;
    view_text(c, y, x, w - x - 1, 0, base, ch->message);
}

void view_alerts_draw(const struct view_ctx *c, struct view_rect r)
{
    static const char *const ftitles[] = {"Rule", "Kind", "Since", "Message"};
    static const int fcols[] = {COL_RULE, COL_KIND, COL_SINCE, 0};
    static const char *const rtitles[] = {"Time", "State", "Rule", "Value", "Message"};
    static const int rcols[] = {COL_TIME, COL_STATE, COL_RULE, COL_VALUE, 0};
    const struct alertlist *a = &c->m->alerts;
    if (r.h < 10)
        return;
    int y = r.y, bottom = r.y + r.h - 1;
    title_row(c, y++, r.w);
    static const struct view_hint hints[] = {
        {KA_VIEW_NUMBERS, "bad numbers"},
        {KA_REFRESH, "refresh"},
    };
    view_hints(c, bottom, 1, r.w - 2, KM_ALERTS, hints, sizeof hints / sizeof hints[0]);
    if (!view_alerts_state(c, &y, r.w, "alerts", &a->fetch, a->message))
        return;
    header(c, y++, r.w, ftitles, fcols, 4);
    int max_firing = (bottom - y - 3) / 2;
    if (a->n_firing == 0)
        view_text(c, y++, 3, r.w - 4, 0, TR_OK, "No rule is firing.");
    for (size_t i = 0; i < a->n_firing && (int)i < max_firing; i++)
        firing_row(c, y++, r.w, &a->firing[i]);
    if (a->n_firing > (size_t)max_firing && max_firing > 0)
        view_textf(c, y - 1, 1, r.w - 2, 0, TR_ERROR, "... and %zu more firing",
                   a->n_firing - (size_t)max_firing + 1);
    y++;
    view_text(c, y++, 1, r.w - 2, 0, TR_HEADER, "Recent transitions, newest first");
    header(c, y++, r.w, rtitles, rcols, 5);
    if (a->n_recent == 0) {
        view_text(c, y, 3, r.w - 4, 0, TR_DIM, "No alert has fired yet.");
        return;
    }
    int rows = bottom - y;
    if (rows < 1)
        return;
    size_t top = a->sel >= (size_t)rows ? a->sel - (size_t)rows + 1 : 0;
    for (size_t i = top; i < a->n_recent && (int)(i - top) < rows; i++)
        change_row(c, y++, r.w, &a->recent[i], i == a->sel);
}

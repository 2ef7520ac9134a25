/*
 * view_status: the bars. The status bar (first row): the agent, their state and how long
 * they have been in it, the connection to the daemon, the screen and the clock. The F-key
 * legend (last row), as htop shows it, from the live keymap. The banner under the status bar
 * while the daemon is not live: what happened and when the next attempt comes.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console/keymap.h"
#include "console/sanitize.h"
#include "console/view.h"

static enum theme_role state_role(const char *state)
{
    if (strcmp(state, "available") == 0)
        return TR_STATUS_LIVE;
    if (strcmp(state, "break") == 0 || strcmp(state, "offline") == 0)
        return TR_STATUS_WARN;
    return TR_STATUS;
}

static const char *screen_name(enum model_screen s)
{
    static const char *const names[] = {
        [MODEL_SCR_QUEUE] = "Queue",         [MODEL_SCR_CALL] = "Call",
        [MODEL_SCR_DIALPAD] = "Dialpad",     [MODEL_SCR_HISTORY] = "History",
        [MODEL_SCR_DETAIL] = "Call detail",  [MODEL_SCR_BOARD] = "Wallboard",
        [MODEL_SCR_ERRORS] = "Errors",       [MODEL_SCR_ALERTS] = "Alerts",
        [MODEL_SCR_NUMBERS] = "Bad numbers", [MODEL_SCR_REPORTS] = "Reports",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "";
}

/* Seconds until the monotonic time at_ms, rounded up; 0 when due. */
static long secs_until(const struct view_ctx *c, uint64_t at_ms)
{
    return at_ms > c->now_ms ? (long)((at_ms - c->now_ms + 999) / 1000) : 0;
}

static void conn_text(const struct view_ctx *c, char *buf, size_t n, enum theme_role *role)
{
    const struct model_conn *k = &c->m->conn;
    *role = TR_STATUS_WARN;
    switch (k->state) {
    case CLIENT_LIVE:
        snprintf(buf, n, "live");
        *role = TR_STATUS_LIVE;
        break;
    case CLIENT_CONNECTING:
        snprintf(buf, n, "connecting");
        break;
    case CLIENT_RECONNECTING:
        if (k->retry_at_ms && secs_until(c, k->retry_at_ms) > 0)
            snprintf(buf, n, "reconnecting in %lds", secs_until(c, k->retry_at_ms));
        else
            snprintf(buf, n, "reconnecting");
        break;
    case CLIENT_OFFLINE:
        snprintf(buf, n, "offline");
        break;
    }
}

void view_status_draw(const struct view_ctx *c, int y)
{
    const struct model *m = c->m;
    const struct model_agent *ag = &m->agent;
    view_fill(c, y, 0, c->cols, TR_STATUS);
    int x = view_text(c, y, 0, c->cols, 0, TR_STATUS, " dialtone  ");
    char buf[1024], dur[32];
    if (ag->known) {
        x += view_text(c, y, x, 32, 0, TR_STATUS, ag->name);
        x += view_text(c, y, x, 2, 0, TR_STATUS, "  ");
        if (ag->reason[0])
            snprintf(buf, sizeof buf, " %s (%s) %s ", ag->state, ag->reason,
                     view_duration(view_since_s(c, ag->since_ms), dur, sizeof dur));
        else
            snprintf(buf, sizeof buf, " %s %s ", ag->state,
                     view_duration(view_since_s(c, ag->since_ms), dur, sizeof dur));
        x += view_text(c, y, x, 40, 0, state_role(ag->state), buf);
    } else {
        x += view_text(c, y, x, 32, 0, TR_STATUS, "(signing in)");
    }
    enum theme_role role;
    conn_text(c, buf, sizeof buf, &role);
    x += view_text(c, y, x, 3, 0, TR_STATUS, "  ");
    x += view_textf(c, y, x, 30, 0, role, " %s ", buf);
    /* A supervisor sees how many alert rules fire, wherever they are: a toast missed is not
     * lost. */
    size_t nf = m->alerts.n_firing;
    if (nf && strcmp(ag->role, "supervisor") == 0)
        x += view_textf(c, y, x, 16, 0, TR_STATUS_WARN, "  %zu alert%s ", nf, nf == 1 ? "" : "s");

    /* Right side: the screen and the clock. */
    char clock[16];
    struct tm tm;
    time_t now = c->now;
    localtime_r(&now, &tm);
    strftime(clock, sizeof clock, "%H:%M:%S", &tm);
    snprintf(buf, sizeof buf, "%s  %s ", screen_name(m->screen), clock);
    int w = tx_width(buf);
    if (x + w + 1 <= c->cols)
        view_text(c, y, c->cols - w, w, 0, TR_STATUS, buf);
}

/* The supervisors' screens are not in an agent's legend. */
static int legend_hidden(const struct view_ctx *c, enum km_action a)
{
    return (a == KA_VIEW_BOARD || a == KA_VIEW_ALERTS || a == KA_VIEW_NUMBERS ||
            a == KA_VIEW_REPORTS) &&
           strcmp(c->m->agent.role, "supervisor") != 0;
}

void view_legend_draw(const struct view_ctx *c, int y)
{
    struct km_legend_item items[10];
    int n = km_legend(c->km, model_key_context(c->m), items, 10);
    view_fill(c, y, 0, c->cols, TR_LEGEND_TEXT);
    /* htop's layout: the key, then its label in a cell of at least six columns; when that
     * does not fit, each label just followed by a space. */
    int x = 0, padded = -1;
    for (int i = 0; i < n; i++) {
        int lw = tx_width(items[i].label);
        if (!legend_hidden(c, items[i].action))
            padded += tx_width(items[i].key) + (lw > 6 ? lw : 6) + 1;
    }
    int compact = padded > c->cols;
    for (int i = 0; i < n && x < c->cols; i++) {
        if (legend_hidden(c, items[i].action))
            continue;
        x += view_text(c, y, x, c->cols - x, 0, TR_LEGEND_KEY, items[i].key);
        int lw = view_text(c, y, x, c->cols - x, 0, TR_LEGEND_TEXT, items[i].label);
        x += (compact || lw > 6 ? lw : 6) + 1;
    }
}

void view_banner_draw(const struct view_ctx *c, int y)
{
    const struct model_conn *k = &c->m->conn;
    char buf[512];
    switch (k->state) {
    case CLIENT_CONNECTING:
        snprintf(buf, sizeof buf, " Connecting to the daemon...");
        break;
    case CLIENT_RECONNECTING:
        if (k->retry_at_ms && secs_until(c, k->retry_at_ms) > 0)
            snprintf(buf, sizeof buf, " Reconnecting in %ld s (r: now). Lost the daemon%s%s",
                     secs_until(c, k->retry_at_ms), k->why[0] ? ": " : "", k->why);
        else
            snprintf(buf, sizeof buf, " Reconnecting... Lost the daemon%s%s", k->why[0] ? ": " : "",
                     k->why);
        break;
    case CLIENT_OFFLINE:
        snprintf(buf, sizeof buf, " Offline%s%s", k->why[0] ? ": " : "", k->why);
        break;
    case CLIENT_LIVE:
        return;
    }
    view_text(c, y, 0, c->cols, 1, TR_BANNER, buf);
}

/*
 * view_util: the few drawing helpers every view uses: role attributes from the theme, text
 * fitted to a width by display columns, boxes for popups, and durations and times in the
 * form the screens show them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "console/sanitize.h"
#include "console/theme_curses.h"
#include "console/view.h"

void view_role(const struct view_ctx *c, enum theme_role r)
{
    short pair = 0;
    attr_t attr = theme_attr(r, &pair);
    wattr_set(c->w, attr, pair, NULL);
}

void view_fill(const struct view_ctx *c, int y, int x, int w, enum theme_role r)
{
    if (y < 0 || y >= c->rows || x >= c->cols)
        return;
    if (x < 0) {
        w += x;
        x = 0;
    }
    if (x + w > c->cols)
        w = c->cols - x;
    if (w <= 0)
        return;
    view_role(c, r);
    mvwhline(c->w, y, x, ' ', w);
}

int view_text(const struct view_ctx *c, int y, int x, int w, int pad, enum theme_role r,
              const char *s)
{
    if (y < 0 || y >= c->rows || x < 0 || x >= c->cols)
        return 0;
    if (x + w > c->cols)
        w = c->cols - x;
    if (w <= 0)
        return 0;
    char buf[1024];
    tx_fit(s ? s : "", w, pad, buf, sizeof buf);
    view_role(c, r);
    mvwaddstr(c->w, y, x, buf);
    return tx_width(buf);
}

int view_textf(const struct view_ctx *c, int y, int x, int w, int pad, enum theme_role r,
               const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return view_text(c, y, x, w, pad, r, buf);
}

struct view_rect view_box(const struct view_ctx *c, int h, int w, enum theme_role r,
                          const char *title)
{
    if (h > c->rows - 2)
        h = c->rows - 2;
    if (w > c->cols - 2)
        w = c->cols - 2;
    if (h < 3)
        h = 3;
    if (w < 8)
        w = 8;
    int y = (c->rows - h) / 2, x = (c->cols - w) / 2;
    for (int i = 0; i < h; i++)
        view_fill(c, y + i, x, w, r);
    /* The wide-character line drawing: real box characters in a UTF-8 locale. */
    view_role(c, r);
    mvwhline_set(c->w, y, x + 1, WACS_HLINE, w - 2);
    mvwhline_set(c->w, y + h - 1, x + 1, WACS_HLINE, w - 2);
    mvwvline_set(c->w, y + 1, x, WACS_VLINE, h - 2);
    mvwvline_set(c->w, y + 1, x + w - 1, WACS_VLINE, h - 2);
    mvwadd_wch(c->w, y, x, WACS_ULCORNER);
    mvwadd_wch(c->w, y, x + w - 1, WACS_URCORNER);
    mvwadd_wch(c->w, y + h - 1, x, WACS_LLCORNER);
    mvwadd_wch(c->w, y + h - 1, x + w - 1, WACS_LRCORNER);
    if (title && title[0])
        view_textf(c, y, x + 2, w - 4, 0, TR_POPUP_TITLE, " %s ", title);
    return (struct view_rect){.y = y + 1, .x = x + 2, .h = h - 2, .w = w - 4};
}

char *view_duration(int64_t s, char *buf, size_t n)
{
    if (s < 0)
        snprintf(buf, n, "-");
    else if (s >= 3600)
        snprintf(buf, n, "%lld:%02lld:%02lld", (long long)(s / 3600), (long long)(s / 60 % 60),
                 (long long)(s % 60));
    else
        snprintf(buf, n, "%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
    return buf;
}

int64_t view_since_s(const struct view_ctx *c, int64_t since_ms)
{
    int64_t now = c->m->clock.wall_ms;
    if (since_ms <= 0 || now <= since_ms)
        return 0;
    return (now - since_ms) / 1000;
}

char *view_clock(const struct view_ctx *c, int64_t ms, char *buf, size_t n)
{
    if (ms <= 0) {
        snprintf(buf, n, "-");
        return buf;
    }
    time_t t = (time_t)(ms / 1000), now = c->now;
    struct tm tm, today;
    localtime_r(&t, &tm);
    localtime_r(&now, &today);
    size_t k;
    if (tm.tm_year == today.tm_year && tm.tm_yday == today.tm_yday)
        k = strftime(buf, n, "%H:%M:%S", &tm);
    else
        k = strftime(buf, n, "%b %d %H:%M", &tm);
    if (k == 0 && n > 0)
        buf[0] = '\0';
    return buf;
}

enum theme_role view_level_role(enum model_level level)
{
    static const enum theme_role roles[] = {
        [MODEL_INFO] = TR_TOAST,
        [MODEL_OK] = TR_OK,
        [MODEL_WARN] = TR_WARNING,
        [MODEL_ERROR] = TR_ERROR,
    };
    return (unsigned)level < sizeof roles / sizeof roles[0] ? roles[level] : TR_TOAST;
}

void view_hints(const struct view_ctx *c, int y, int x, int w, enum km_context ctx,
                const struct view_hint *hints, size_t n)
{
    int x0 = x;
    for (size_t i = 0; i < n && x - x0 < w; i++) {
        char key[KM_KEY_NAME_MAX];
        if (hints[i].action != KA_NONE) {
            if (!km_key_for(c->km, ctx, hints[i].action, key, sizeof key))
                continue;
            x += view_text(c, y, x, w - (x - x0), 0, TR_LEGEND_KEY, key);
            x += view_text(c, y, x, w - (x - x0), 0, TR_DIM, " ");
        }
        x += view_text(c, y, x, w - (x - x0), 0, TR_DIM, hints[i].words);
        x += view_text(c, y, x, w - (x - x0), 0, TR_DIM, "   ");
    }
}

/*
 * view_errors: the errors screen (F8). The failures by outcome, then the top error codes of
 * today or the last seven days: the code, its category as a badge in the category's theme
 * role, its count, its hourly trend as a sparkline (block characters in a UTF-8 locale, ASCII
 * otherwise) and Twilio's message; the selected one in reverse, and below the table its
 * explanation, what to do about it and whether a retry may help.
 */
#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "console/errstats.h"
#include "console/view.h"

#define COL_CODE  8
#define COL_CAT   18
#define COL_COUNT 8
#define SPARK_MAX 42 /* columns of a trend: 24 hours, or 7 days in 4-hour steps */
#define DETAIL_H  4  /* the selected code's rows below the table */

static int utf8_locale(void)
{
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

static int spark_width(const struct errstats_code *e, int w)
{
    int n = (int)(e->n_trend < SPARK_MAX ? e->n_trend : SPARK_MAX);
    int room = w - 2 - COL_CODE - COL_CAT - COL_COUNT - 12;
    return n < room ? n : (room > 0 ? room : 0);
}

static void title_row(const struct view_ctx *c, int y, int w)
{
    const struct errstats *e = &c->m->errors;
    int x = 1 + view_text(c, y, 1, w - 2, 0, TR_HEADER, "Errors");
    x += view_textf(c, y, x, w - x - 1, 0, TR_NORMAL, "   %s",
                    e->week ? "the last 7 days" : "today");
    if (e->data.timezone[0])
        x += view_textf(c, y, x, w - x - 1, 0, TR_DIM, " (%s)", e->data.timezone);
    if (e->asking)
        view_text(c, y, x, w - x - 1, 0, TR_DIM, "   updating...");
}

static void outcomes_row(const struct view_ctx *c, int y, int w)
{
    static const enum errors_category cats[ERRSTATS_OUTCOMES] = {
        [ERRSTATS_BUSY] = DT_ERRCAT_BUSY,
        [ERRSTATS_NO_ANSWER] = DT_ERRCAT_NO_ANSWER,
        [ERRSTATS_FAILED] = DT_ERRCAT_OTHER,
        [ERRSTATS_CANCELED] = DT_ERRCAT_CANCELED,
    };
    const struct errstats_data *d = &c->m->errors.data;
    int x = 1 + view_text(c, y, 1, w - 2, 0, TR_NORMAL, "Failures by outcome: ");
    for (int i = 0; i < ERRSTATS_OUTCOMES; i++) {
        x += view_textf(c, y, x, w - x - 1, 0, theme_badge_role(cats[i]), "[%s]",
                        errstats_outcome_name((enum errstats_outcome)i));
        x += view_textf(c, y, x, w - x - 1, 0, TR_NORMAL, " %lld   ", (long long)d->outcomes[i]);
    }
}

static void header(const struct view_ctx *c, int y, int w, int sw)
{
    view_fill(c, y, 0, w, TR_HEADER);
    int x = 1;
    view_text(c, y, x, COL_CODE - 1, 0, TR_HEADER, "Code");
    view_text(c, y, x += COL_CODE, COL_CAT - 1, 0, TR_HEADER, "Category");
    view_textf(c, y, x += COL_CAT, COL_COUNT - 1, 0, TR_HEADER, "%*s", COL_COUNT - 1, "Count");
    view_text(c, y, x += COL_COUNT + 1, sw, 0, TR_HEADER, "Trend");
    x += sw + 2;
    view_text(c, y, x, w - x - 1, 0, TR_HEADER, "Message");
}

static void code_row(const struct view_ctx *c, int y, int w, const struct errstats_code *e, int sel,
                     int sw, int utf8)
{
    enum theme_role base = sel ? TR_SELECTED : TR_NORMAL;
    view_fill(c, y, 0, w, base);
    int x = 1;
    char buf[SPARK_MAX * 4 + 1];
    view_textf(c, y, x, COL_CODE - 1, 0, base, "%d", e->code);
    view_textf(c, y, x += COL_CODE, COL_CAT - 1, 0, sel ? base : theme_badge_role(e->category),
               "[%s]", e->category_label);
    view_textf(c, y, x += COL_CAT, COL_COUNT - 1, 0, base, "%*lld", COL_COUNT - 1,
               (long long)e->count);
    errstats_sparkline(e->trend, e->n_trend, (size_t)sw, utf8, buf, sizeof buf);
    view_text(c, y, x += COL_COUNT + 1, sw, 0, sel ? base : TR_ACTIVE, buf);
    x += sw + 2;
    view_text(c, y, x, w - x - 1, 0, base, e->message);
}

static void detail(const struct view_ctx *c, int y, int w, const struct errstats_code *e)
{
    view_textf(c, y++, 1, w - 2, 0, TR_HEADER, "%d  %s", e->code,
               e->message[0] ? e->message : "Unknown error code");
    view_textf(c, y++, 3, w - 4, 0, TR_NORMAL, "What to do: %s",
               e->action[0] ? e->action : "look the code up in Twilio's error dictionary");
    view_textf(c, y, 3, w - 4, 0, e->bad_number ? TR_WARNING : TR_DIM, "%s%s",
               e->retryable ? "A later retry may succeed." : "Retrying as it is will not help.",
               e->bad_number ? " Check the number with the customer." : "");
}

void view_errors_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct errstats *e = &c->m->errors;
    const struct errstats_data *d = &e->data;
    if (r.h < 10)
        return;
    int y = r.y, bottom = r.y + r.h - 1; /* the last row: the keys */
    title_row(c, y++, r.w);
    if (e->message[0])
        view_textf(c, y++, 1, r.w - 2, 0, TR_ERROR, "The errors could not be loaded: %s",
                   e->message);
    static const struct view_hint hints[] = {
        {KA_ERR_RANGE, "today / 7 days"},
        {KA_VIEW_NUMBERS, "bad numbers"},
        {KA_REFRESH, "refresh"},
    };
    view_hints(c, bottom, 1, r.w - 2, KM_ERRORS, hints, sizeof hints / sizeof hints[0]);
    if (!e->loaded) {
        view_text(c, y + 1, 3, r.w - 4, 0, TR_DIM, "Loading the errors...");
        return;
    }
    outcomes_row(c, y++, r.w);
    y++;
    int sw = d->n_codes ? spark_width(&d->codes[0], r.w) : 0;
    header(c, y++, r.w, sw);
    if (d->n_codes == 0) {
        view_text(c, y, 3, r.w - 4, 0, TR_DIM, "No failed calls with an error code.");
        return;
    }
    int utf8 = utf8_locale(), rows = bottom - y - DETAIL_H - 1;
    if (rows < 1)
        rows = 1;
    size_t top = e->sel >= (size_t)rows ? e->sel - (size_t)rows + 1 : 0;
    for (size_t i = top; i < d->n_codes && (int)(i - top) < rows; i++)
        code_row(c, y++, r.w, &d->codes[i], i == e->sel, sw, utf8);
    if (e->sel < d->n_codes)
        detail(c, bottom - DETAIL_H, r.w, &d->codes[e->sel]);
}

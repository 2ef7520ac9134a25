/*
 * view: what the view_*.c files share. Each view draws one part of the screen from the model
 * (never changing it) into ctx->w; text is fitted to its columns with tx_fit, so a long or
 * wide name is cut with an ellipsis and never wraps onto the next line. Private to the
 * console's views.
 */
#ifndef DIALTONE_CONSOLE_VIEW_H
#define DIALTONE_CONSOLE_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "console/app.h"
#include "console/model.h"
#include "console/theme.h"

/* A rectangle of the screen. */
struct view_rect {
    int y, x, h, w;
};

/* ---- helpers (view_util.c) ------------------------------------------------------------------ */

/* Sets the drawing attributes of role r. */
void view_role(const struct view_ctx *c, enum theme_role r);
/* Fills w columns from (y, x) with spaces in role r. */
void view_fill(const struct view_ctx *c, int y, int x, int w, enum theme_role r);
/* Draws s fitted into at most w columns at (y, x) in role r (padded to w when pad); returns
 * the columns drawn. Nothing when w <= 0 or the row is off the window. */
int view_text(const struct view_ctx *c, int y, int x, int w, int pad, enum theme_role r,
              const char *s);
/* view_text of a printf. */
int view_textf(const struct view_ctx *c, int y, int x, int w, int pad, enum theme_role r,
               const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* A framed box filled with role r, title (may be NULL) in the top border in TR_POPUP_TITLE;
 * returns the inside. Clipped to the window. */
struct view_rect view_box(const struct view_ctx *c, int h, int w, enum theme_role r,
                          const char *title);
/* A duration in seconds as "0:07", "12:34" or "1:02:03"; "-" when negative. */
char *view_duration(int64_t seconds, char *buf, size_t n);
/* Seconds from wall-clock ms since_ms to the model's clock; 0 when unknown or ahead. */
int64_t view_since_s(const struct view_ctx *c, int64_t since_ms);
/* Wall-clock ms as local "HH:MM:SS" (today) or "Mon DD HH:MM" (other days); "-" for 0. */
char *view_clock(const struct view_ctx *c, int64_t ms, char *buf, size_t n);
/* One item of a screen's key hints: the first usable key of action in the screen's context
 * followed by words ("r refresh"); with KA_NONE, words alone (":report NAME FROM TO"). */
struct view_hint {
    enum km_action action;
    const char *words;
};
/* Draws the hints in a row from (y, x) within w columns in TR_DIM, keys in TR_LEGEND_KEY, from
 * the live keymap so that overridden keys show as bound; an action with no key is left out. */
void view_hints(const struct view_ctx *c, int y, int x, int w, enum km_context ctx,
                const struct view_hint *hints, size_t n);
/* The theme role of a message level. */
enum theme_role view_level_role(enum model_level level);

/* ---- the parts of the screen (one file each) ------------------------------------------------ */

void view_status_draw(const struct view_ctx *c, int y);               /* view_status.c */
void view_legend_draw(const struct view_ctx *c, int y);               /* view_status.c */
void view_banner_draw(const struct view_ctx *c, int y);               /* view_status.c */
void view_queue_draw(const struct view_ctx *c, struct view_rect r);   /* view_queue.c */
void view_offer_draw(const struct view_ctx *c);                       /* view_offer.c */
void view_call_draw(const struct view_ctx *c, struct view_rect r);    /* view_call.c */
void view_transfer_draw(const struct view_ctx *c);                    /* view_call.c */
void view_wrapup_draw(const struct view_ctx *c, struct view_rect r);  /* view_wrapup.c */
void view_dialpad_draw(const struct view_ctx *c, struct view_rect r); /* view_dialpad.c */
void view_history_draw(const struct view_ctx *c, struct view_rect r); /* view_history.c */
void view_detail_draw(const struct view_ctx *c, struct view_rect r);  /* view_detail.c */
void view_board_draw(const struct view_ctx *c, struct view_rect r);   /* view_board.c */
void view_board_menu_draw(const struct view_ctx *c);                  /* view_board.c */
void view_errors_draw(const struct view_ctx *c, struct view_rect r);  /* view_errors.c */
void view_alerts_draw(const struct view_ctx *c, struct view_rect r);  /* view_alerts.c */
void view_numbers_draw(const struct view_ctx *c, struct view_rect r); /* view_numbers.c */
void view_reports_draw(const struct view_ctx *c, struct view_rect r); /* view_reports.c */
void view_help_draw(const struct view_ctx *c);                        /* view_help.c */
void view_menu_draw(const struct view_ctx *c);                        /* view_menu.c */
void view_toasts_draw(const struct view_ctx *c, int bottom);          /* view_prompt.c */
void view_prompt_draw(const struct view_ctx *c, int y);               /* view_prompt.c */
void view_small_draw(const struct view_ctx *c);                       /* view.c */

/* The alerts' and bad numbers' screens: why the list could not be loaded (on row *y, moved
 * down), or that it is loading; 1 once it is loaded (view_alerts.c). */
int view_alerts_state(const struct view_ctx *c, int *y, int w, const char *what,
                      const struct alertlist_fetch *f, const char *message);

/* The history's first row shown for a list of h rows: the model's top, moved so that the
 * selected row is in sight. */
size_t view_history_top(const struct model_history *h, int rows);

#endif

/*
 * view_detail: one call opened from the history. Who and when, how it ended, the error
 * explained with the recommended action (in its category's colour), the recording, the cost,
 * and every event of its timeline with its time (scrolled with Up/Down).
 */
#include <stdio.h>

#include "console/view.h"

static int field(const struct view_ctx *c, int y, int w, const char *label, const char *value)
{
    view_textf(c, y, 3, 14, 0, TR_DIM, "%s", label);
    view_text(c, y, 17, w - 18, 0, TR_NORMAL, value[0] ? value : "-");
    return y + 1;
}

/* The error: its badge as the history shows it ("[31486 busy]"), Twilio's message, the
 * category in words, the SIP response it came with, and what to do. */
static int draw_error(const struct view_ctx *c, int y, int w)
{
    const struct model_detail *d = &c->m->detail;
    enum errors_category cat = (enum errors_category)d->category;
    enum theme_role badge = theme_badge_role(cat);
    char buf[160];
    int x = 17;
    if (d->error_code)
        snprintf(buf, sizeof buf, "[%d %s]", d->error_code, errors_category_name(cat));
    else if (d->sip_code)
        snprintf(buf, sizeof buf, "[SIP %d %s]", d->sip_code, errors_category_name(cat));
    else
        snprintf(buf, sizeof buf, "[%s]", errors_category_name(cat));
    view_text(c, y, 3, 14, 0, TR_DIM, "Error");
    x += view_text(c, y, x, w - x - 1, 0, badge, buf);
    if (d->error_message[0])
        view_textf(c, y, x, w - x - 1, 0, TR_NORMAL, " %s", d->error_message);
    y++;
    const char *reason = d->sip_code ? errors_sip_reason(d->sip_code) : NULL;
    if (d->sip_code)
        snprintf(buf, sizeof buf, "Category: %s   SIP %d%s%s", d->category_label, d->sip_code,
                 reason ? " " : "", reason ? reason : "");
    else
        snprintf(buf, sizeof buf, "Category: %s", d->category_label);
    view_text(c, y++, 17, w - 18, 0, TR_NORMAL, buf);
    if (d->action[0])
        view_textf(c, y++, 17, w - 18, 0, TR_WARNING, "What to do: %s", d->action);
    if (d->retryable || d->bad_number)
        view_text(c, y++, 17, w - 18, 0, TR_DIM,
                  d->bad_number ? "The number itself is bad." : "Trying again may work.");
    return y;
}

void view_detail_draw(const struct view_ctx *c, struct view_rect r)
{
    const struct model_detail *d = &c->m->detail;
    int w = r.w, y = r.y;
    if (!d->loaded) {
        view_text(c, y + 1, 3, w - 4, 0, d->message[0] ? TR_ERROR : TR_DIM,
                  d->message[0] ? d->message : "Loading the call...");
        return;
    }
    char buf[1024], t1[32], t2[32], t3[32];
    view_textf(c, y++, 1, w - 2, 0, TR_HEADER, "Call %s  (%s)", d->sid, d->direction);
    snprintf(buf, sizeof buf, "%s -> %s", d->from, d->to);
    y = field(c, y, w, "Between", buf);
    y = field(c, y, w, "Name", d->name);
    snprintf(buf, sizeof buf, "%s%s%s", d->queue, d->agent[0] ? ", agent " : "", d->agent);
    y = field(c, y, w, "Queue", buf);
    snprintf(buf, sizeof buf, "%s%s%s", d->status, d->outcome[0] ? ", " : "", d->outcome);
    y = field(c, y, w, "Status", buf);
    snprintf(buf, sizeof buf, "created %s, answered %s, ended %s",
             view_clock(c, d->created_ms, t1, sizeof t1),
             view_clock(c, d->answered_ms, t2, sizeof t2),
             view_clock(c, d->ended_ms, t3, sizeof t3));
    y = field(c, y, w, "Times", buf);
    snprintf(buf, sizeof buf, "%s talking, %s waiting", view_duration(d->duration_s, t1, sizeof t1),
             view_duration(d->queue_time_s, t2, sizeof t2));
    y = field(c, y, w, "Duration", buf);
    snprintf(buf, sizeof buf, "%s%s%s", d->price, d->price[0] ? " " : "",
             d->price[0] ? d->price_unit : "");
    y = field(c, y, w, "Cost", buf);
    if (d->has_recording) {
        snprintf(buf, sizeof buf, "%s, %s, %s  %s", d->rec_sid, d->rec_status,
                 view_duration(d->rec_duration_s, t1, sizeof t1), d->rec_url);
        y = field(c, y, w, "Recording", buf);
    }
    if (d->has_error)
        y = draw_error(c, y, w);
    y++;
    if (y >= r.y + r.h - 1)
        return;
    view_textf(c, y++, 1, w - 2, 0, TR_HEADER, "Timeline (%zu events)", d->n_events);
    for (size_t i = d->scroll; i < d->n_events && y < r.y + r.h; i++, y++) {
        const struct model_detail_event *e = &d->events[i];
        view_textf(c, y, 3, w - 4, 0, TR_NORMAL, "%-26s %-22s %s", e->ts, e->type, e->status);
    }
}

/*
 * view_offer: the offer popup. Who is calling (name and number), from which queue, how long
 * they have waited, the countdown to the end of the reservation when there is one, and the
 * keys to accept or decline as the live keymap binds them.
 */
#include <stdio.h>
#include <string.h>

#include "console/keymap.h"
#include "console/view.h"

static const struct model_offer *popup_offer(const struct model *m)
{
    for (size_t i = 0; i < m->n_offers; i++)
        if (strcmp(m->offers[i].sid, m->popup_sid) == 0)
            return &m->offers[i];
    return NULL;
}

void view_offer_draw(const struct view_ctx *c)
{
    const struct model *m = c->m;
    const struct model_offer *of = popup_offer(m);
    if (!of)
        return;
    struct view_rect in = view_box(c, 9, 56, TR_POPUP, "Incoming call");
    int y = in.y;
    char dur[32], keys[64];
    view_text(c, y++, in.x, in.w, 0, TR_POPUP_TITLE, of->name[0] ? of->name : "Unknown caller");
    view_text(c, y++, in.x, in.w, 0, TR_POPUP, of->number);
    view_textf(c, y++, in.x, in.w, 0, TR_POPUP, "Queue %s, waited %s", of->queue,
               view_duration(view_since_s(c, of->since_ms), dur, sizeof dur));
    if (of->expires_ms > 0) {
        int64_t left = (of->expires_ms - m->clock.wall_ms + 999) / 1000;
        if (left < 0)
            left = 0;
        view_textf(c, y, in.x, in.w, 0, left <= 5 ? TR_WARNING : TR_POPUP,
                   "Reserved for you: %lld s left", (long long)left);
    } else if (m->n_offers > 1) {
        view_textf(c, y, in.x, in.w, 0, TR_POPUP, "%zu calls offered to you", m->n_offers);
    }
    y += 2;
    if (strcmp(m->accepting_sid, of->sid) == 0) {
        view_text(c, y, in.x, in.w, 0, TR_OK, "Accepting...");
        return;
    }
    int x = in.x;
    km_keys_of(c->km, KM_OFFER, KA_ACCEPT, keys, sizeof keys);
    x += view_text(c, y, x, in.w - (x - in.x), 0, TR_LEGEND_KEY, keys);
    x += view_text(c, y, x, in.w - (x - in.x), 0, TR_POPUP, " accept    ");
    km_keys_of(c->km, KM_OFFER, KA_DECLINE, keys, sizeof keys);
    x += view_text(c, y, x, in.w - (x - in.x), 0, TR_LEGEND_KEY, keys);
    view_text(c, y, x, in.w - (x - in.x), 0, TR_POPUP, " decline");
}

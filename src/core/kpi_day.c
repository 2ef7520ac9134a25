/*
 * kpi_day: where "today" starts and ends in a time zone, through the zones of dialtone/config.h
 * (config_zone_local is the only reading of the zone). The local clock ("wall", seconds since
 * 1970-01-01 00:00 local) is found for any instant; the reverse, the first instant that shows
 * a wall time, tries the offsets in force around it. See dialtone/kpi.h.
 */
#include "dialtone/kpi.h"

#include "dialtone/civil.h"
#include "dialtone/config.h"
#include "dialtone/util.h"

#define DAY_S    86400
#define SPREAD_S (16 * 3600) /* more than any zone's offset from UTC */

/* The local clock at t, in seconds (offsets in whole minutes). */
static int64_t wall(const struct config_zone *z, int64_t t)
{
    struct config_local l;
    config_zone_local(z, t, &l);
    return civil_days_from(l.year, l.month, l.mday) * DAY_S + (int64_t)l.minute * 60 +
           (t - civil_floor_div(t, 60) * 60);
}

static int64_t offset(const struct config_zone *z, int64_t t)
{
    return wall(z, t) - t;
}

/* The first instant whose wall time is w; in a gap (w skipped), the instant the clocks jump. */
static int64_t first_instant(const struct config_zone *z, int64_t w)
{
    int64_t offs[3] = {offset(z, w - SPREAD_S), offset(z, w), offset(z, w + SPREAD_S)};
    int found = 0;
    int64_t best = 0;
    for (int i = 0; i < 3; i++) {
        int64_t t = w - offs[i];
        if (wall(z, t) == w && (!found || t < best)) {
            best = t;
            found = 1;
        }
    }
    if (found)
        return best;
    /* A gap: the offset grows from lo to hi somewhere in (w - hi, w - lo]; the wall clock
     * rises there, so the first instant at or past w is found by halving. */
    int64_t lo = offs[0], hi = offs[2];
    if (lo > hi) {
        int64_t x = lo;
        lo = hi;
        hi = x;
    }
    int64_t a = w - hi, b = w - lo; /* wall(a) < w <= wall(b) */
    if (wall(z, b) < w)
        return w - offs[1]; /* not a gap we understand: the plain guess */
    while (b - a > 1) {
        int64_t m = a + (b - a) / 2;
        if (wall(z, m) >= w)
            b = m;
        else
            a = m;
    }
    return b;
}

int kpi_day_bounds(const struct config_zone *zone, int reset_minute, int64_t now_ms,
                   int64_t *start_ms, int64_t *end_ms)
{
    if (reset_minute < 0 || reset_minute >= 1440)
        return DT_EINVAL;
    int64_t now = civil_floor_div(now_ms, 1000);
    int64_t day = civil_floor_div(wall(zone, now), DAY_S);
    int64_t reset = (int64_t)reset_minute * 60;
    int64_t start = first_instant(zone, day * DAY_S + reset);
    if (start > now) {
        day--;
        start = first_instant(zone, day * DAY_S + reset);
    }
    int64_t end = first_instant(zone, (day + 1) * DAY_S + reset);
    if (end <= now) { /* cannot happen with sound zones; keep now inside the day anyway */
        start = end;
        end = first_instant(zone, (day + 2) * DAY_S + reset);
    }
    *start_ms = start * 1000;
    *end_ms = end * 1000;
    return DT_OK;
}

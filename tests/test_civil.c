/* Tests for civil: floor division, known dates both ways (leap days, century years, before
 * 1970 and year 0), dates past a month's end, and every day of 1600-2400 there and back. */
#include "check.h"
#include "dialtone/civil.h"

TEST(floor_division)
{
    CHECK_INT(civil_floor_div(7, 2), 3);
    CHECK_INT(civil_floor_div(-7, 2), -4);
    CHECK_INT(civil_floor_div(-8, 2), -4);
    CHECK_INT(civil_floor_div(7, -2), -4);
    CHECK_INT(civil_floor_div(-7, -2), 3);
    CHECK_INT(civil_floor_div(0, 5), 0);
    CHECK_INT(civil_floor_div(-1, 86400), -1);
}

TEST(known_dates)
{
    static const struct {
        int y, m, d;
        int64_t days;
    } dates[] = {
        {.y = 1970, .m = 1, .d = 1, .days = 0},        {.y = 1969, .m = 12, .d = 31, .days = -1},
        {.y = 2000, .m = 3, .d = 1, .days = 11017},    {.y = 2026, .m = 3, .d = 10, .days = 20522},
        {.y = 1600, .m = 2, .d = 29, .days = -135081}, {.y = 1900, .m = 3, .d = 1, .days = -25508},
        {.y = 2400, .m = 12, .d = 31, .days = 157419}, {.y = 0, .m = 3, .d = 1, .days = -719468},
    };
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        CHECK_INT(civil_days_from(dates[i].y, dates[i].m, dates[i].d), dates[i].days);
        int y = -1, m = -1, d = -1;
        civil_from_days(dates[i].days, &y, &m, &d);
        CHECK_INT(y, dates[i].y);
        CHECK_INT(m, dates[i].m);
        CHECK_INT(d, dates[i].d);
    }
    /* 1900 is not a leap year: its Feb 29 is Mar 1; 2000 is */
    CHECK_INT(civil_days_from(1900, 2, 29), civil_days_from(1900, 3, 1));
    CHECK_INT(civil_days_from(2000, 2, 29) + 1, civil_days_from(2000, 3, 1));
    CHECK_INT(civil_days_from(2026, 1, 32), civil_days_from(2026, 2, 1));
}

TEST(every_day_there_and_back)
{
    int64_t first = civil_days_from(1600, 1, 1), last = civil_days_from(2400, 12, 31);
    int py = 1599, pm = 12, pd = 31, bad = 0;
    for (int64_t z = first; z <= last; z++) {
        int y, m, d;
        civil_from_days(z, &y, &m, &d);
        bad += civil_days_from(y, m, d) != z;
        /* the next day of the one before */
        int next = (y == py && m == pm && d == pd + 1) || (y == py && m == pm + 1 && d == 1) ||
                   (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
        bad += !next;
        py = y, pm = m, pd = d;
    }
    CHECK_INT(bad, 0);
    CHECK_INT(py, 2400);
}

int main(void)
{
    RUN(floor_division);
    RUN(known_dates);
    RUN(every_day_there_and_back);
    return check_done();
}

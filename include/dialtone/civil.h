/*
 * civil: the proleptic Gregorian calendar as day counts since 1970-01-01 (H. Hinnant's
 * algorithms), for the time zones of business hours and the KPI day. Pure arithmetic on
 * int64_t: no time zone, no locale, no allocation.
 */
#ifndef DIALTONE_CIVIL_H
#define DIALTONE_CIVIL_H

#include <stdint.h>

/* a / b rounded towards minus infinity (b must not be 0). */
int64_t civil_floor_div(int64_t a, int64_t b);

/* Days since 1970-01-01 (negative before) of year y, month m (1-12), day d (1-31); dates past
 * a month's end count on into the next. Years within +-10^12 do not overflow. */
int64_t civil_days_from(int64_t y, int m, int d);

/* The date of days since 1970-01-01 into *year, *month (1-12) and *mday (1-31); years that do
 * not fit an int are cut. */
void civil_from_days(int64_t days, int *year, int *month, int *mday);

#endif

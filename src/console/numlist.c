/*
 * numlist: the bad-number review screen's list (see console/numlist.h).
 */
#include <string.h>

#include "console/invariant.h"
#include "console/numlist.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

int numlist_find(const struct numlist *l, const char *number)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->rows[i].number, number) == 0)
            return (int)i;
    return -1;
}

/* The number the selection is on, into sel (NUMLIST_NUMBER_SIZE). */
static void sel_note(const struct numlist *l, char *sel)
{
    sel[0] = '\0';
    if (l->sel < l->n)
        memcpy(sel, l->rows[l->sel].number, NUMLIST_NUMBER_SIZE);
}

static void sel_restore(struct numlist *l, const char *sel)
{
    int i = sel[0] ? numlist_find(l, sel) : -1;
    if (i >= 0)
        l->sel = (size_t)i;
    else if (l->sel >= l->n)
        l->sel = l->n ? l->n - 1 : 0;
}

int numlist_remove(struct numlist *l, const char *number)
{
    int i = numlist_find(l, number);
    if (i < 0)
        return 0;
    memmove(&l->rows[i], &l->rows[i + 1], (l->n - (size_t)i - 1) * sizeof l->rows[0]);
    l->n--;
    if (l->sel > (size_t)i)
        l->sel--;
    if (l->sel >= l->n)
        l->sel = l->n ? l->n - 1 : 0;
    return 1;
}

void numlist_put(struct numlist *l, const struct numlist_row *row)
{
    char sel[NUMLIST_NUMBER_SIZE];
    sel_note(l, sel);
    struct numlist_row r = *row; /* row may point into the list */
    numlist_remove(l, r.number);
    size_t keep = l->n < NUMLIST_MAX ? l->n : NUMLIST_MAX - 1;
    memmove(&l->rows[1], &l->rows[0], keep * sizeof l->rows[0]);
    l->rows[0] = r;
    l->n = keep + 1;
    sel_restore(l, sel);
}

int numlist_check(const struct numlist *l, char *err, size_t errlen)
{
    INV(l->n <= NUMLIST_MAX);
    INV(l->sel < l->n || l->sel == 0);
    INV(l->mode == NUMLIST_IDLE || l->mode == NUMLIST_INPUT || l->mode == NUMLIST_CONFIRM);
    INV(l->mode == NUMLIST_IDLE || l->target[0] == '+');
    INV_STR(l->message);
    INV_STR(l->target);
    INV_STR(l->input);
    INV_STR(l->input_msg);
    INV_STR(l->ask_number);
    INV_STR(l->ask_repl);
    for (size_t i = 0; i < l->n; i++) {
        const struct numlist_row *r = &l->rows[i];
        INV(r->number[0] == '+');
        INV(r->code >= 0 && r->code <= 999999);
        INV((unsigned)r->category < DT_ERRCAT_COUNT);
        INV(r->count >= 0 && r->count <= NUMLIST_COUNT_MAX);
        INV(r->in_row >= 0 && r->in_row <= NUMLIST_COUNT_MAX);
        INV(r->last_ms >= 0);
        INV_STR(r->number);
        INV_STR(r->reason);
        INV_STR(r->badge);
    }
    return DT_OK;
}

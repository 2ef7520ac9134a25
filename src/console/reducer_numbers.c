/*
 * reducer_numbers: the supervisors' bad-number review screen in the reducer (Tab from the
 * alerts screen, `b` from the errors screen, `:numbers`). GET /api/v1/numbers/flagged when it
 * opens without a list, on `r` and after a reconnection; number.flagged puts a number first
 * and number.reviewed takes it off. On the selected number, `f` asks for its replacement
 * (checked as the dialpad checks a number, refused in words) and `n` for a y/n confirmation of
 * do-not-call; either becomes POST /api/v1/numbers/{number}/review, whose result or refusal
 * is a toast.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/model.h"
#include "console/numlist.h"
#include "console/reducer.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"
#include "dialtone/valid.h"

/* ---- reading the daemon's JSON --------------------------------------------------------------- */

/* A number as api_numbers.c writes it; 0 when it has no E.164 number. */
static int row_read(struct numlist_row *r, const cJSON *o)
{
    memset(r, 0, sizeof *r);
    const char *num = rd_str(o, "number");
    if (!num || strlen(num) >= sizeof r->number || !valid_e164(num, strlen(num)))
        return 0;
    dt_strlcpy(r->number, num, sizeof r->number);
    rd_set(r->reason, sizeof r->reason, o, "reason");
    r->code = (int)rd_int(o, "code", 0, 999999, 0);
    r->category = (int)errors_explain(r->code)->category;
    if (r->code)
        snprintf(r->badge, sizeof r->badge, "%d %s", r->code,
                 errors_category_name((enum errors_category)r->category));
    r->count = rd_int(o, "count", 0, NUMLIST_COUNT_MAX, 0);
    r->in_row = rd_int(o, "in_row", 0, NUMLIST_COUNT_MAX, 0);
    r->last_ms = rd_iso_ms(rd_str(o, "last_seen"));
    return 1;
}

/* The answer to GET /api/v1/numbers/flagged; DT_EINVAL (list unchanged) without a list. */
static int list_read(struct numlist *l, const cJSON *body)
{
    const cJSON *nums = cJSON_GetObjectItemCaseSensitive(body, "numbers"), *it;
    if (!cJSON_IsArray(nums))
        return DT_EINVAL;
    char sel[NUMLIST_NUMBER_SIZE] = "";
    if (l->sel < l->n)
        memcpy(sel, l->rows[l->sel].number, sizeof sel);
    l->n = 0;
    cJSON_ArrayForEach(it, nums)
    {
        if (l->n == NUMLIST_MAX)
            break;
        const char *state = rd_str(it, "state"), *num = rd_str(it, "number");
        if (!num || (state && strcmp(state, "flagged") != 0) || numlist_find(l, num) >= 0)
            continue;
        l->n += row_read(&l->rows[l->n], it);
    }
    int i = numlist_find(l, sel);
    l->sel = i >= 0 ? (size_t)i : l->sel < l->n ? l->sel : l->n ? l->n - 1 : 0;
    return DT_OK;
}

void rd_numbers_event(struct model *st, const char *type, const cJSON *d)
{
    struct numlist *l = &st->numbers;
    struct numlist_row r;
    if (strcmp(type, "number.flagged") == 0 && row_read(&r, d)) {
        numlist_put(l, &r);
    } else if (strcmp(type, "number.reviewed") == 0 && row_read(&r, d)) {
        numlist_remove(l, r.number);
        if (l->mode != NUMLIST_IDLE && strcmp(l->target, r.number) == 0) {
            char who[MODEL_NAME_SIZE];
            rd_set(who, sizeof who, d, "reviewer");
            l->mode = NUMLIST_IDLE;
            model_toast(st, MODEL_INFO, "%s was just reviewed by %s", r.number,
                        who[0] ? who : "someone else");
        }
    } else {
        return;
    }
    st->dirty = 1;
    if (l->fetch.asking)
        l->fetch.due = 1;
}

/* ---- the review ------------------------------------------------------------------------------ */

/* POST /api/v1/numbers/{number}/review: fixed with repl, or do-not-call when repl is NULL. */
static void review(struct model *st, struct rd_out *o, const char *number, const char *repl)
{
    struct numlist *l = &st->numbers;
    char esc[NUMLIST_NUMBER_SIZE * 3];
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "action", repl ? "fixed" : "dnc");
    if (repl)
        cJSON_AddStringToObject(b, "replacement", repl);
    if (rd_request(st, o, "POST", MODEL_TAG_NUM_REVIEW, b, "/api/v1/numbers/%s/review",
                   rd_esc(number, esc, sizeof esc)) == DT_OK) {
        dt_strlcpy(l->ask_number, number, sizeof l->ask_number);
        dt_strlcpy(l->ask_repl, repl ? repl : "", sizeof l->ask_repl);
    }
    cJSON_Delete(b);
}

static void submit_fixed(struct model *st, struct rd_out *o)
{
    struct numlist *l = &st->numbers;
    char e164[MODEL_NUMBER_SIZE], why[NUMLIST_TEXT_SIZE];
    if (rd_dialnum(st, l->input, e164, sizeof e164, why, sizeof why) != DT_OK) {
        rd_copy(l->input_msg, sizeof l->input_msg, why);
    } else if (e164[0] != '+' || strlen(e164) >= NUMLIST_NUMBER_SIZE) {
        rd_copy(l->input_msg, sizeof l->input_msg,
                "The replacement must be a phone number, not an address");
    } else if (strcmp(e164, l->target) == 0) {
        rd_copy(l->input_msg, sizeof l->input_msg, "The replacement is the same number");
    } else {
        review(st, o, l->target, e164);
        l->mode = NUMLIST_IDLE;
    }
}

/* The replacement being typed takes every key. */
static int input_key(struct model *st, int key, struct rd_out *o)
{
    struct numlist *l = &st->numbers;
    if (key == KM_KEY_ESC) {
        l->mode = NUMLIST_IDLE;
    } else if (key == KM_KEY_ENTER) {
        submit_fixed(st, o);
    } else if (key == KM_KEY_BACKSPACE) {
        rd_text_backspace(l->input);
        l->input_msg[0] = '\0';
    } else if (key == KM_CTRL('u')) {
        l->input[0] = l->input_msg[0] = '\0';
    } else if (key >= 0x20 && key < KM_KEY_BASE && rd_text_add(l->input, sizeof l->input, key)) {
        l->input_msg[0] = '\0';
    }
    return 1;
}

/* Do-not-call, asked y/n: every key is an answer or ignored. */
static int confirm_key(struct model *st, int key, struct rd_out *o)
{
    struct numlist *l = &st->numbers;
    if (key == 'y' || key == 'Y') {
        review(st, o, l->target, NULL);
        l->mode = NUMLIST_IDLE;
    } else if (key == 'n' || key == 'N' || key == KM_KEY_ESC) {
        l->mode = NUMLIST_IDLE;
    }
    return 1;
}

static int start(struct model *st, enum numlist_mode mode)
{
    struct numlist *l = &st->numbers;
    if (l->sel >= l->n) {
        model_toast(st, MODEL_INFO, "No number is selected");
        return 1;
    }
    l->mode = mode;
    memcpy(l->target, l->rows[l->sel].number, sizeof l->target);
    l->input[0] = l->input_msg[0] = '\0';
    return 1;
}

int rd_numbers_key(struct model *st, int key, enum km_action a, struct rd_out *o)
{
    struct numlist *l = &st->numbers;
    if (l->mode == NUMLIST_INPUT)
        return input_key(st, key, o);
    if (l->mode == NUMLIST_CONFIRM)
        return confirm_key(st, key, o);
    size_t page = st->rows > 10 ? (size_t)(st->rows - 10) : 1;
    if (rd_move(&l->sel, l->n, a, page))
        return 1;
    switch (a) {
    case KA_NUM_FIXED:
        return start(st, NUMLIST_INPUT);
    case KA_NUM_DNC:
        return start(st, NUMLIST_CONFIRM);
    case KA_REFRESH:
        return rd_alerts_refresh(st, o);
    case KA_BACK:
        st->screen = MODEL_SCR_ALERTS;
        return 1;
    default:
        return 0;
    }
}

int rd_numbers_result(struct model *st, enum model_tag kind, int status, const cJSON *body,
                      const char *err)
{
    struct numlist *l = &st->numbers;
    char why[NUMLIST_TEXT_SIZE];
    int ok = rd_alerts_why(status, body, err, why, sizeof why);
    st->dirty = 1;
    if (kind == MODEL_TAG_NUMBERS) {
        l->fetch.asking = 0;
        if (!ok)
            rd_copy(l->message, sizeof l->message, why);
        else if (list_read(l, body) != DT_OK)
            rd_copy(l->message, sizeof l->message, "the answer has no list of numbers");
        else {
            l->fetch.loaded = 1;
            l->message[0] = '\0';
        }
        return 1;
    }
    if (!ok) {
        model_toast(st, MODEL_ERROR, "Reviewing %s failed: %s", l->ask_number, why);
        return 1;
    }
    struct numlist_row r;
    const char *number = row_read(&r, body) ? r.number : l->ask_number;
    const char *state = rd_str(body, "state"), *repl = rd_str(body, "replacement");
    if (state && strcmp(state, "dnc") == 0)
        model_toast(st, MODEL_OK, "%s is now do-not-call", number);
    else
        model_toast(st, MODEL_OK, "%s fixed: replaced by %s", number, repl ? repl : l->ask_repl);
    numlist_remove(l, number);
    return 1;
}

/*
 * Tests of the console's bad-number review screen (numlist.c, reducer_numbers.c): reached
 * with Tab from the alerts, `b` from the errors screen and :numbers; the flagged numbers read
 * from answers shaped as api_numbers.c writes them (latest first, the code's badge as the
 * history shows it, rows that are not flagged or not numbers skipped); live from
 * number.flagged and number.reviewed; `f` takes a replacement checked like the dialpad (and
 * refused in words), `n` asks y/n for do-not-call; each becomes the review request, whose
 * result or refusal is a toast; hostile JSON leaves a clean state.
 */
#include "console_alerts_fixture.h"
#include "dialtone/util.h"

#define BAD  "+14155550311"
#define BUSY "+14155550300"
#define FAIL "+14155550310"

static char list_buf[4096];

static const char *flagged_list(void)
{
    snprintf(list_buf, sizeof list_buf,
             "{\"numbers\":[%s,%s,%s,"
             "{\"number\":\"+1999\\u001b\",\"state\":\"flagged\",\"reason\":\"x\"},"
             "{\"number\":\"+14155550399\",\"state\":\"dnc\",\"reason\":\"reviewed\"},"
             "{\"reason\":\"no number\"},\"junk\",%s]}",
             ax_number(BAD, "bad number", 13224, 1, "2026-01-02T03:04:00.000Z"),
             ax_number(BUSY, "3 failures in a row", 31486, 3, "2026-01-02T03:00:00.000Z"),
             ax_number(FAIL, "3 failures in a row", 31005, 4, "2026-01-02T02:00:00.000Z"),
             ax_number(BAD, "duplicate", 13224, 9, "2026-01-01T00:00:00.000Z"));
    return list_buf;
}

/* A supervisor on the numbers screen (Tab from the alerts) with the list loaded. */
static struct model *on_numbers(void)
{
    struct model *m = ax_supervisor(ax_alerts);
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, KM_KEY_F(9), cmds);
    CHECK_INT(ax_key(m, KM_KEY_TAB, cmds), 1);
    CHECK_INT(m->screen, MODEL_SCR_NUMBERS);
    CHECK_INT(model_key_context(m), KM_NUMBERS);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/numbers/flagged");
    fx_result(m, cmds[0].tag, 200, flagged_list(), NULL);
    return m;
}

TEST(list_read)
{
    struct model *m = on_numbers();
    const struct numlist *l = &m->numbers;
    CHECK(l->fetch.loaded);
    CHECK_INT(l->n, 3);
    CHECK_STR(l->rows[0].number, BAD);
    CHECK_STR(l->rows[0].reason, "bad number");
    CHECK_INT(l->rows[0].code, 13224);
    CHECK_STR(l->rows[0].badge, "13224 bad-number");
    CHECK_INT(l->rows[0].category, DT_ERRCAT_BAD_NUMBER);
    CHECK(l->rows[0].last_ms == INT64_C(1767323040000));
    CHECK_STR(l->rows[1].badge, "31486 busy");
    CHECK_INT(l->rows[1].count, 3);
    CHECK_INT(l->rows[1].in_row, 3);
    CHECK_STR(l->rows[2].number, FAIL);
    /* Tab goes back to the alerts, Esc too */
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(ax_key(m, KM_KEY_TAB, cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_ALERTS);
    ax_key(m, KM_KEY_TAB, cmds);
    CHECK_INT(m->screen, MODEL_SCR_NUMBERS);
    CHECK_INT(ax_key(m, KM_KEY_ESC, cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_ALERTS);
    /* from the errors screen with b, and with :numbers; loaded already: not asked again */
    ax_key(m, KM_KEY_F(8), cmds);
    CHECK_INT(m->screen, MODEL_SCR_ERRORS);
    CHECK_INT(ax_key(m, 'b', cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_NUMBERS);
    ax_key(m, KM_KEY_F(2), cmds);
    ax_key(m, ':', cmds);
    ax_type(m, "numbers");
    CHECK_INT(ax_key(m, KM_KEY_ENTER, cmds), 0);
    CHECK_INT(m->screen, MODEL_SCR_NUMBERS);
    /* r asks again */
    CHECK_INT(ax_key(m, 'r', cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/numbers/flagged");
    model_free(m);
}

TEST(live_from_events)
{
    struct model *m = on_numbers();
    const struct numlist *l = &m->numbers;
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, 'j', cmds); /* on BUSY */
    CHECK_INT(l->sel, 1);
    CHECK_INT(FX_EV(m, 11, "number.flagged", "%s",
                    ax_number("+442071838750", "3 failures in a row", 31480, 3, FX_TS)),
              0);
    CHECK_INT(l->n, 4);
    CHECK_STR(l->rows[0].number, "+442071838750");
    CHECK_INT(l->sel, 2); /* still on BUSY */
    CHECK_STR(l->rows[l->sel].number, BUSY);
    /* flagged again: moved first, not doubled */
    CHECK_INT(FX_EV(m, 12, "number.flagged", "%s", ax_number(FAIL, "again", 31005, 5, FX_TS)), 0);
    CHECK_INT(l->n, 4);
    CHECK_STR(l->rows[0].number, FAIL);
    CHECK_INT(l->rows[0].count, 5);
    CHECK_STR(l->rows[l->sel].number, BUSY);
    /* reviewed (by anyone): off the list */
    CHECK_INT(FX_EV(m, 13, "number.reviewed", "{\"number\":\"%s\",\"state\":\"dnc\"}", BUSY), 0);
    CHECK_INT(l->n, 3);
    CHECK_INT(numlist_find(l, BUSY), -1);
    CHECK(l->sel < l->n);
    /* a reconnection asks again, the list being loaded */
    fx_event(m, "{\"type\":\"snapshot\",\"seq\":20,\"ts\":\"" FX_TS "\",\"data\":{\"agent\":"
                "{\"name\":\"sue\",\"role\":\"supervisor\",\"state\":\"offline\"}}}");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 2);
    CHECK_STR(cmds[0].path, "/api/v1/alerts");
    CHECK_STR(cmds[1].path, "/api/v1/numbers/flagged");
    model_free(m);
}

TEST(fixed_with_a_replacement)
{
    struct model *m = on_numbers();
    struct numlist *l = &m->numbers;
    struct model_cmd cmds[MODEL_CMDS_MAX];
    CHECK_INT(ax_key(m, 'f', cmds), 0);
    CHECK_INT(l->mode, NUMLIST_INPUT);
    CHECK_STR(l->target, BAD);
    /* what is typed is text, not keys: q, ?, n, Tab do nothing else */
    ax_type(m, "q?n");
    CHECK_STR(l->input, "q?n");
    CHECK_INT(m->screen, MODEL_SCR_NUMBERS);
    CHECK_INT(ax_key(m, KM_KEY_ENTER, cmds), 0);
    CHECK(l->input_msg[0] != '\0'); /* dialnum's reason, in words */
    CHECK_INT(l->mode, NUMLIST_INPUT);
    ax_key(m, KM_CTRL('u'), cmds);
    CHECK_STR(l->input, "");
    ax_type(m, "sip:alice@example.com");
    CHECK_INT(ax_key(m, KM_KEY_ENTER, cmds), 0);
    CHECK_STR(l->input_msg, "The replacement must be a phone number, not an address");
    ax_key(m, KM_CTRL('u'), cmds);
    ax_type(m, "(415) 555-0311");
    CHECK_INT(ax_key(m, KM_KEY_ENTER, cmds), 0);
    CHECK_STR(l->input_msg, "The replacement is the same number");
    ax_key(m, KM_CTRL('u'), cmds);
    ax_type(m, "(415) 555-0199x");
    ax_key(m, KM_KEY_BACKSPACE, cmds);
    CHECK_INT(ax_key(m, KM_KEY_ENTER, cmds), 1);
    CHECK_INT(l->mode, NUMLIST_IDLE);
    CHECK_STR(cmds[0].method, "POST");
    CHECK_STR(cmds[0].path, "/api/v1/numbers/%2B14155550311/review");
    CHECK_STR(cmds[0].body, "{\"action\":\"fixed\",\"replacement\":\"+14155550199\"}");
    fx_result(
        m, cmds[0].tag, 200,
        "{\"number\":\"" BAD "\",\"state\":\"fixed\",\"reason\":\"bad number\",\"code\":"
        "13224,\"count\":1,\"in_row\":1,\"reviewer\":\"sue\",\"replacement\":\"+14155550199\"}",
        NULL);
    CHECK(fx_toast_has(m, BAD " fixed: replaced by +14155550199"));
    CHECK_INT(numlist_find(l, BAD), -1);
    CHECK_INT(l->n, 2);
    /* Esc gives up */
    ax_key(m, 'f', cmds);
    ax_type(m, "123");
    CHECK_INT(ax_key(m, KM_KEY_ESC, cmds), 0);
    CHECK_INT(l->mode, NUMLIST_IDLE);
    CHECK_INT(m->screen, MODEL_SCR_NUMBERS);
    model_free(m);
}

TEST(do_not_call_after_yes)
{
    struct model *m = on_numbers();
    struct numlist *l = &m->numbers;
    struct model_cmd cmds[MODEL_CMDS_MAX];
    ax_key(m, 'j', cmds);
    CHECK_INT(ax_key(m, 'n', cmds), 0);
    CHECK_INT(l->mode, NUMLIST_CONFIRM);
    CHECK_STR(l->target, BUSY);
    CHECK_INT(ax_key(m, 'x', cmds), 0); /* not an answer */
    CHECK_INT(ax_key(m, 'q', cmds), 0);
    CHECK_INT(l->mode, NUMLIST_CONFIRM);
    CHECK_INT(ax_key(m, 'n', cmds), 0); /* no */
    CHECK_INT(l->mode, NUMLIST_IDLE);
    ax_key(m, 'n', cmds);
    CHECK_INT(ax_key(m, 'y', cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/numbers/%2B14155550300/review");
    CHECK_STR(cmds[0].body, "{\"action\":\"dnc\"}");
    fx_result(m, cmds[0].tag, 200,
              "{\"number\":\"" BUSY "\",\"state\":\"dnc\",\"reason\":\"3 failures in a row\"}",
              NULL);
    CHECK(fx_toast_has(m, BUSY " is now do-not-call"));
    CHECK_INT(numlist_find(l, BUSY), -1);
    /* the daemon's refusal is a toast; the row stays */
    ax_key(m, 'g', cmds);
    ax_key(m, 'n', cmds);
    CHECK_INT(ax_key(m, 'Y', cmds), 1);
    fx_result(m, cmds[0].tag, 404, NULL, "no call to that number has failed");
    CHECK(fx_toast_has(m, "Reviewing " BAD " failed: no call to that number has failed"));
    CHECK(numlist_find(l, BAD) >= 0);
    /* someone else reviews the number being confirmed: the question goes */
    ax_key(m, 'n', cmds);
    CHECK_INT(FX_EV(m, 30, "number.reviewed",
                    "{\"number\":\"%s\",\"state\":\"fixed\",\"reviewer\":\"bob\"}", BAD),
              0);
    CHECK_INT(l->mode, NUMLIST_IDLE);
    CHECK(fx_toast_has(m, BAD " was just reviewed by bob"));
    /* nothing selected: said */
    FX_EV(m, 31, "number.reviewed", "{\"number\":\"%s\"}", FAIL);
    CHECK_INT(l->n, 0);
    CHECK_INT(ax_key(m, 'f', cmds), 0);
    CHECK_INT(l->mode, NUMLIST_IDLE);
    CHECK(fx_toast_has(m, "No number is selected"));
    model_free(m);
}

TEST(hostile_json)
{
    struct model *m = on_numbers();
    struct numlist *l = &m->numbers;
    fx_result(m, MODEL_TAG_NUMBERS, 200, "{\"numbers\":\"none\"}", NULL);
    CHECK_STR(l->message, "the answer has no list of numbers");
    CHECK_INT(l->n, 3); /* the last list stays */
    fx_result(m, MODEL_TAG_NUMBERS, 403, NULL, "only a supervisor reviews numbers");
    CHECK_STR(l->message, "only a supervisor reviews numbers");
    /* wrong types read as nothing; escapes cleaned; a huge reason cut */
    CHECK_INT(FX_EV(m, 11, "number.flagged",
                    "{\"number\":\"+15005550006\",\"reason\":\"\\u001b[31m%s\",\"code\":\"13224\","
                    "\"count\":-4,\"in_row\":1e30,\"last_seen\":17}",
                    ax_huge('r', 6000)),
              0);
    CHECK_STR(l->rows[0].number, "+15005550006");
    CHECK(strchr(l->rows[0].reason, 0x1b) == NULL);
    CHECK(strlen(l->rows[0].reason) < NUMLIST_TEXT_SIZE);
    CHECK_INT(l->rows[0].code, 0);
    CHECK_STR(l->rows[0].badge, "");
    CHECK_INT(l->rows[0].count, 0);
    CHECK_INT(l->rows[0].in_row, 0);
    CHECK(l->rows[0].last_ms == 0);
    /* not numbers: ignored */
    size_t n = l->n;
    FX_EV(m, 12, "number.flagged", "%s", "{\"number\":\"+1415\\u001b[2J5550100\"}");
    FX_EV(m, 13, "number.flagged", "%s", "{\"number\":\"sip:x@y\"}");
    FX_EV(m, 14, "number.flagged", "%s", "{\"number\":14155550100}");
    FX_EV(m, 15, "number.flagged", "%s", "{\"number\":\"+1234567890123456789012345\"}");
    FX_EV(m, 16, "number.reviewed", "%s", "{}");
    CHECK_INT(l->n, n);
    /* more than NUMLIST_MAX flagged: the oldest drop out */
    for (int i = 0; i < NUMLIST_MAX + 10; i++)
        FX_EV(m, 100 + i, "number.flagged", "{\"number\":\"+1415666%04d\",\"reason\":\"r\"}", i);
    CHECK_INT(l->n, NUMLIST_MAX);
    CHECK_STR(l->rows[0].number, "+14156660209");
    model_free(m);
}

int main(void)
{
    RUN(list_read);
    RUN(live_from_events);
    RUN(fixed_with_a_replacement);
    RUN(do_not_call_after_yes);
    RUN(hostile_json);
    km_free(ax_km);
    return check_done();
}

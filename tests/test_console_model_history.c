/*
 * Tests of the console model's history: keyset pages asked as the selection nears the end,
 * their rows and error badges, the filter turned into a new query (and a late answer to the
 * old one dropped), a stale history asked again, and one call's detail.
 */
#include "console_model_fixture.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

static struct model_cmd cmds[MODEL_CMDS_MAX];

/* A history page of n calls from index first; the last with a busy error. */
static const char *page(int first, int n, const char *next)
{
    static char b[65536];
    size_t k = (size_t)snprintf(b, sizeof b, "{\"calls\":[");
    for (int i = 0; i < n; i++) {
        char sid[16];
        snprintf(sid, sizeof sid, "CA%d", first + i);
        int busy = i == n - 1;
        k += (size_t)snprintf(
            b + k, sizeof b - k, "%s%s", i ? "," : "",
            fx_call(sid, "Ann Lee", "+14155550123", "+15005550006", "support",
                    busy ? "busy" : "completed",
                    busy ? "{\"code\":31486,\"message\":\"Busy Here\",\"sip_code\":486,"
                           "\"category\":\"busy\",\"category_label\":\"busy\","
                           "\"action\":"
                           "\"The line was busy; try again later.\",\"retryable\":true,"
                           "\"bad_number\":false}"
                         : NULL));
    }
    snprintf(b + k, sizeof b - k, "],\"next_cursor\":%s%s%s}", next ? "\"" : "",
             next ? next : "null", next ? "\"" : "");
    return b;
}

TEST(history_pages_with_a_cursor)
{
    struct model *m = fx_new();
    model_resize(m, 20, 100); /* 20 rows fill the screen: no page follows on its own */
    CHECK_INT(fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds), 1);
    CHECK_STR(cmds[0].method, "GET");
    CHECK_STR(cmds[0].path, "/api/v1/calls?limit=50");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_HISTORY);
    CHECK(m->history.loading);
    fx_result(m, cmds[0].tag, 200, page(0, 20, "1767323025000.CA19"), NULL);
    CHECK_INT(m->history.count, 20);
    CHECK(m->history.has_more);
    CHECK(!m->history.loading);
    const struct model_hist_row *r = &m->history.rows[19];
    CHECK_STR(r->badge, "31486 busy");
    CHECK_INT(r->category, DT_ERRCAT_BUSY);
    CHECK_STR(r->number, "+14155550123");
    CHECK_STR(m->history.rows[0].badge, "");
    /* F4 again does not ask again */
    CHECK_INT(fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds), 0);
    /* moving down: near the end the next page is asked for, once */
    int asked = 0, tag = 0;
    for (int i = 0; i < 15; i++) {
        int n = fx_key(m, 'j', KA_DOWN, cmds);
        if (n) {
            asked++;
            tag = cmds[0].tag;
            CHECK_STR(cmds[0].path, "/api/v1/calls?limit=50&cursor=1767323025000.CA19");
        }
    }
    CHECK_INT(asked, 1);
    fx_result(m, tag, 200, page(20, 5, NULL), NULL);
    CHECK_INT(m->history.count, 25);
    CHECK(!m->history.has_more);
    CHECK_STR(m->history.rows[20].sid, "CA20");
    CHECK_INT(fx_key(m, 'G', KA_END, cmds), 0); /* the last page is in */
    CHECK_INT(m->history.selected, 24);
    /* a failed page says why */
    CHECK_INT(fx_key(m, 'r', KA_REFRESH, cmds), 1);
    CHECK_INT(m->history.count, 0);
    fx_result(m, cmds[0].tag, 0, NULL, "could not reach the daemon");
    CHECK_STR(m->history.message, "could not reach the daemon");
    CHECK(!m->history.loading);
    model_free(m);
}

/* The daemon explains a failure known only by its SIP response with code null: the badge and
 * the detail carry Twilio's code for it from the dictionary; a SIP code the dictionary has no
 * Twilio code for keeps "SIP N"; the texts the daemon leaves out come from the dictionary. */
TEST(history_sip_only_errors_get_twilio_codes)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds);
    char body[8192], c1[2048], c2[2048], c3[2048];
    snprintf(c1, sizeof c1, "%s",
             fx_call("CA1", "Ann Lee", "+14155550123", "+15005550006", "", "busy",
                     "{\"code\":null,\"message\":\"Busy Here\",\"sip_code\":486,"
                     "\"category\":\"busy\",\"category_label\":\"busy\",\"action\":\"Try "
                     "later.\",\"retryable\":true,\"bad_number\":false}"));
    snprintf(
        c2, sizeof c2, "%s",
        fx_call("CA2", "Bo", "+14155550124", "+15005550006", "", "failed", "{\"sip_code\":499}"));
    snprintf(c3, sizeof c3, "%s",
             fx_call("CA3", "Cy", "+14155550125", "+15005550006", "", "failed",
                     "{\"code\":32009,\"sip_code\":404,\"category\":\"nonsense\"}"));
    snprintf(body, sizeof body, "{\"calls\":[%s,%s,%s],\"next_cursor\":null}", c1, c2, c3);
    fx_result(m, cmds[0].tag, 200, body, NULL);
    CHECK_INT(m->history.count, 3);
    CHECK_STR(m->history.rows[0].badge, "31486 busy");
    CHECK_INT(m->history.rows[0].error_code, 31486);
    CHECK_INT(m->history.rows[0].sip_code, 486);
    CHECK_INT(m->history.rows[0].category, DT_ERRCAT_BUSY);
    CHECK(strncmp(m->history.rows[1].badge, "SIP 499 ", 8) == 0);
    CHECK_INT(m->history.rows[1].error_code, 0);
    /* an unknown category name: the dictionary's, by the code */
    const struct errors_entry *e = errors_explain(32009);
    char want[64];
    snprintf(want, sizeof want, "32009 %s", errors_category_name(e->category));
    CHECK_STR(m->history.rows[2].badge, want);
    /* the detail of the busy call: Twilio's code, the daemon's texts, the SIP code */
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    snprintf(body, sizeof body, "%s", c1);
    fx_result(m, cmds[0].tag, 200, body, NULL);
    CHECK_INT(m->detail.error_code, 31486);
    CHECK_INT(m->detail.sip_code, 486);
    CHECK_STR(m->detail.error_message, "Busy Here");
    CHECK_STR(m->detail.action, "Try later.");
    CHECK_STR(m->detail.category_label, errors_category_label(DT_ERRCAT_BUSY));
    /* a bare SIP error: message and action from the dictionary */
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    snprintf(body, sizeof body, "%s",
             fx_call("CA2", "Bo", "+14155550124", "+15005550006", "", "failed",
                     "{\"code\":null,\"sip_code\":486}"));
    fx_result(m, cmds[0].tag, 200, body, NULL);
    CHECK_INT(m->detail.error_code, 31486);
    CHECK_STR(m->detail.error_message, errors_lookup_sip(486)->message);
    CHECK_STR(m->detail.action, errors_lookup_sip(486)->action);
    CHECK_INT(m->detail.category, DT_ERRCAT_BUSY);
    fx_check(m);
    model_free(m);
}

TEST(history_filter_is_a_new_query)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds);
    int old = cmds[0].tag;
    CHECK_INT(fx_key(m, '/', KA_FILTER, cmds), 0);
    CHECK(model_text_focus(m));
    fx_type(m, "busy +14155550123 lee queue:support");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls?limit=50&outcome=busy&number=%2B14155550123"
                            "&queue=support&text=lee");
    CHECK_STR(m->history.filter, "busy +14155550123 lee queue:support");
    CHECK(!model_text_focus(m));
    int cur = cmds[0].tag;
    CHECK(cur != old);
    /* the first query's late answer is dropped */
    fx_result(m, old, 200, page(0, 3, NULL), NULL);
    CHECK_INT(m->history.count, 0);
    fx_result(m, cur, 200, page(0, 3, NULL), NULL);
    CHECK_INT(m->history.count, 3);
    /* a bare error code is matched here */
    fx_key(m, '/', KA_FILTER, cmds);
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "31486");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls?limit=50");
    fx_result(m, cmds[0].tag, 200, page(0, 3, NULL), NULL);
    CHECK_INT(m->history.count, 1);
    CHECK_INT(m->history.rows[0].error_code, 31486);
    /* Esc leaves the filter as it was */
    fx_key(m, '/', KA_FILTER, cmds);
    fx_type(m, "zzz");
    CHECK_INT(fx_key(m, KM_KEY_ESC, KA_BACK, cmds), 0);
    CHECK_STR(m->history.filter, "31486");
    /* text with spaces and odd bytes is escaped */
    fx_key(m, '/', KA_FILTER, cmds);
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "a&b=c");
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    CHECK_STR(cmds[0].path, "/api/v1/calls?limit=50&text=a%26b%3Dc");
    model_free(m);
}

/* The daemon filters outcome within each page, so a page may be empty while older calls
 * match: the next page is asked at once (model_take_cmds) until the screen is full, at most
 * MODEL_HISTORY_FOLLOW pages in a row; then Down goes on searching. */
TEST(history_filter_follows_empty_pages)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds);
    fx_key(m, '/', KA_FILTER, cmds);
    fx_type(m, "busy");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    int tag = cmds[0].tag;
    for (int i = 0; i < MODEL_HISTORY_FOLLOW; i++) {
        char cur[48];
        snprintf(cur, sizeof cur, "17673230%02d000.CA%d", i, i);
        fx_result(m, tag, 200, page(0, 0, cur), NULL);
        CHECK_INT(m->history.count, 0);
        CHECK(m->history.has_more);
        int n = model_take_cmds(m, cmds, MODEL_CMDS_MAX);
        if (i == MODEL_HISTORY_FOLLOW - 1) {
            CHECK_INT(n, 0); /* the bound: no more pages on its own */
            break;
        }
        CHECK_INT(n, 1);
        char want[128];
        snprintf(want, sizeof want, "/api/v1/calls?limit=50&outcome=busy&cursor=%s", cur);
        CHECK_STR(cmds[0].path, want);
        CHECK(m->history.loading);
        CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0); /* one at a time */
        tag = cmds[0].tag;
    }
    CHECK(!m->history.loading);
    CHECK(!m->history.follow_due);
    /* Down searches on: a page with two matches (and more below) */
    CHECK_INT(fx_key(m, 'j', KA_DOWN, cmds), 1);
    CHECK(strstr(cmds[0].path, "&cursor=") != NULL);
    fx_result(m, cmds[0].tag, 200, page(100, 2, "1767323000000.CA999"), NULL);
    CHECK_INT(m->history.count, 2);
    /* two rows do not fill a 30-row screen: the next page is due, and its answer fills it */
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls?limit=50&outcome=busy&cursor=1767323000000.CA999");
    fx_result(m, cmds[0].tag, 200, page(200, 40, "1767322000000.CA1"), NULL);
    CHECK_INT(m->history.count, 42);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    /* a new query stops a search under way */
    fx_key(m, '/', KA_FILTER, cmds);
    fx_key(m, KM_CTRL('u'), KA_NONE, cmds);
    fx_type(m, "31486");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    int old = cmds[0].tag;
    fx_result(m, old, 200, page(0, 0, "1767323045000.CA7"), NULL);
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 1);
    fx_key(m, '/', KA_FILTER, cmds);
    fx_type(m, "0");
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    fx_result(m, cmds[0].tag, 500, NULL, "the daemon answered 500");
    CHECK_INT(model_take_cmds(m, cmds, MODEL_CMDS_MAX), 0);
    fx_check(m);
    model_free(m);
}

TEST(a_call_ended_makes_the_history_stale)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds);
    fx_result(m, cmds[0].tag, 200, page(0, 2, NULL), NULL);
    fx_key(m, KM_KEY_F(2), KA_VIEW_QUEUE, cmds);
    FX_EV(m, 11, "call.ended", "{\"call\":%s}",
          fx_call("CA1", "Ann Lee", "+14155550123", "+1500", "support", "completed", NULL));
    CHECK_INT(fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds), 1);
    model_free(m);
}

TEST(call_detail)
{
    struct model *m = fx_new();
    fx_key(m, KM_KEY_F(4), KA_VIEW_HISTORY, cmds);
    fx_result(m, cmds[0].tag, 200, page(0, 2, NULL), NULL);
    fx_key(m, 'j', KA_DOWN, cmds);
    CHECK_INT(fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds), 1);
    CHECK_STR(cmds[0].path, "/api/v1/calls/CA1");
    CHECK_INT(MODEL_TAG_KIND(cmds[0].tag), MODEL_TAG_DETAIL);
    CHECK_INT(m->screen, MODEL_SCR_DETAIL);
    CHECK(m->detail.loading);
    char body[4096];
    const char *call = fx_call("CA1", "Ann Lee", "+14155550123", "+15005550006", "support", "busy",
                               "{\"code\":31486,\"message\":\"Busy Here\",\"sip_code\":486,"
                               "\"category\":\"busy\",\"category_label\":\"busy\",\"action\":"
                               "\"The line was busy; try again later.\",\"retryable\":true,"
                               "\"bad_number\":false}");
    snprintf(body, sizeof body,
             "%.*s,\"timeline\":[{\"ts\":\"" FX_TS "\",\"type\":\"status\",\"status\":"
             "\"ringing\",\"seq\":1},{\"ts\":\"" FX_TS "\",\"type\":\"status\",\"status\":"
             "\"busy\",\"seq\":2},{\"ts\":\"" FX_TS "\",\"type\":\"recording\",\"status\":"
             "null}]}",
             (int)strlen(call) - 1, call);
    fx_result(m, cmds[0].tag, 200, body, NULL);
    const struct model_detail *d = &m->detail;
    CHECK(d->loaded);
    CHECK_STR(d->sid, "CA1");
    CHECK(d->has_error);
    CHECK_INT(d->error_code, 31486);
    CHECK_INT(d->sip_code, 486);
    CHECK_INT(d->category, DT_ERRCAT_BUSY);
    CHECK_STR(d->action, "The line was busy; try again later.");
    CHECK(d->retryable);
    CHECK_INT(d->n_events, 3);
    CHECK_STR(d->events[1].status, "busy");
    CHECK_STR(d->events[2].status, "");
    CHECK(!d->has_recording);
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    CHECK_INT(m->screen, MODEL_SCR_HISTORY);
    /* a failed load, and an answer that is not an object */
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    fx_result(m, cmds[0].tag, 404, NULL, "no such call");
    CHECK_STR(m->detail.message, "no such call");
    fx_key(m, KM_KEY_ESC, KA_BACK, cmds);
    fx_key(m, KM_KEY_ENTER, KA_SELECT, cmds);
    fx_result(m, cmds[0].tag, 200, "[1]", NULL);
    CHECK_STR(m->detail.message, "the daemon's answer is not JSON");
    model_free(m);
}

int main(void)
{
    RUN(history_pages_with_a_cursor);
    RUN(history_sip_only_errors_get_twilio_codes);
    RUN(history_filter_is_a_new_query);
    RUN(history_filter_follows_empty_pages);
    RUN(a_call_ended_makes_the_history_stale);
    RUN(call_detail);
    return check_done();
}

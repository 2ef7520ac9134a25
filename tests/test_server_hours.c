/*
 * Tests for business hours per queue in the voice webhooks: the TwiML of the voice entry and
 * of the menu's keys when one queue is open and another closed at the same instant, a queue
 * in a zone with daylight saving time, the menu choosing a closed queue, and the after-hours
 * messages (the queue's, [hours]', the built-in one). Handlers run as pure functions on an
 * in-memory store.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "dialtone/webhooks.h"
#include "xml_tree.h"

#define BASE "https://dt.example.com"
#define CONF                                                                                       \
    "[twilio]\npublic_base_url = " BASE "\n"                                                       \
    "[hours]\ntimezone = America/New_York\nclosed_message = Everyone has gone home.\n"             \
    "mon = 09:00-17:00\n"                                                                          \
    "[queue \"support\"]\n"                                                                        \
    "[queue \"sales\"]\ntimezone = Europe/London\n"                                                \
    "mon = 09:00-17:00\nclosed_message = Sales is closed.\n"

static struct {
    struct config cfg;
    struct store *st;
    int64_t now_ms;
    int nev;
} fx;

static int on_emit(void *user, const char *type, const char *data)
{
    (void)user;
    (void)type;
    (void)data;
    fx.nev++;
    return 0;
}

static int64_t utc_ms(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {
        .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi};
    return (int64_t)timegm(&tm) * 1000;
}

static void setup(const char *extra)
{
    char err[256];
    config_init(&fx.cfg);
    char *text = xasprintf("%s%s", CONF, extra ? extra : "");
    if (config_load_string(&fx.cfg, "t.conf", text, err, sizeof err) != 0)
        printf("  config: %s\n", err);
    free(text);
    if (store_open(":memory:", &fx.st, err, sizeof err) != 0)
        printf("  store: %s\n", err);
    fx.nev = 0;
}

static void teardown(void)
{
    store_close(fx.st);
    config_done(&fx.cfg);
}

/* Sends a webhook of kind with CallSid sid and Digits digits (may be NULL); returns the TwiML's
 * verbs, space-separated, into v, and the text of the first <Say> into say. */
static int hook(enum webhooks_kind kind, const char *sid, const char *digits, char *v, size_t vn,
                char *say, size_t sayn)
{
    struct form f;
    form_init(&f);
    form_add(&f, "CallSid", sid);
    form_add(&f, "CallStatus", "in-progress");
    if (digits)
        form_add(&f, "Digits", digits);
    char *body = form_encode(&f);
    struct webhooks_ctx c = {
        .cfg = &fx.cfg, .store = fx.st, .now_ms = fx.now_ms + fx.nev, .emit = on_emit};
    struct webhooks_req r = {.kind = kind, .params = &f, .body = body, .body_len = strlen(body)};
    char err[256] = "", *tw = NULL;
    int rc = webhooks_handle(&c, &r, &tw, err, sizeof err);
    v[0] = say[0] = '\0';
    struct xt_node *x = tw ? xt_parse(tw) : NULL;
    for (int i = 0; x && i < x->nkids; i++) {
        const struct xt_node *k = x->kids[i];
        if (i)
            strncat(v, " ", vn - strlen(v) - 1);
        strncat(v, k->name, vn - strlen(v) - 1);
        if (strcmp(k->name, "Enqueue") == 0) {
            strncat(v, ":", vn - strlen(v) - 1);
            strncat(v, xt_text(k), vn - strlen(v) - 1);
        }
        if (!say[0] && strcmp(k->name, "Say") == 0)
            dt_strlcpy(say, xt_text(k), sayn);
    }
    xt_free(x);
    free(tw);
    free(body);
    form_done(&f);
    return rc;
}

/* The stored queue of call sid, into buf ("" for none). */
static const char *stored_queue(const char *sid, char *buf, size_t n)
{
    struct store_call c;
    char err[256];
    buf[0] = '\0';
    if (store_call_get(fx.st, sid, &c, err, sizeof err) == 0) {
        if (c.queue)
            dt_strlcpy(buf, c.queue, n);
        store_call_done(&c);
    }
    return buf;
}

/* Without a menu: the first queue's hours decide; after hours its message, else [hours]'. */
TEST(first_queue_hours)
{
    char v[256], say[256], q[40];
    setup(NULL);
    /* Monday 2026-03-02 15:00 UTC: 10:00 in New York */
    fx.now_ms = utc_ms(2026, 3, 2, 15, 0);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA1", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:support");
    CHECK_STR(stored_queue("CA1", q, sizeof q), "support");
    /* 23:00 UTC: 18:00 in New York */
    fx.now_ms = utc_ms(2026, 3, 2, 23, 0);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA2", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    CHECK_STR(say, "Everyone has gone home.");
    CHECK_STR(stored_queue("CA2", q, sizeof q), "");
    teardown();

    /* sales first: London's hours and message; 15:00 UTC is 15:00 in London, 17:30 is not */
    config_init(&fx.cfg);
    char err[256];
    CHECK_INT(config_load_string(&fx.cfg, "t.conf",
                                 "[twilio]\npublic_base_url = " BASE "\n"
                                 "[queue \"sales\"]\ntimezone = Europe/London\n"
                                 "mon = 09:00-17:00\nclosed_message = Sales is closed.\n"
                                 "[queue \"support\"]\n",
                                 err, sizeof err),
              0);
    CHECK_INT(store_open(":memory:", &fx.st, err, sizeof err), 0);
    fx.now_ms = utc_ms(2026, 3, 2, 15, 0);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA3", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:sales");
    fx.now_ms = utc_ms(2026, 3, 2, 17, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA4", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    CHECK_STR(say, "Sales is closed.");
    teardown();
}

/* The menu: one queue open and the other closed at the same instant. */
TEST(menu_open_and_closed_queue)
{
    char v[256], say[256], q[40];
    setup("[ivr]\nprompt = Press 1 for sales, 2 for support.\n1 = sales\n2 = support\n"
          "default = support\n");
    /* Monday 2026-03-02 18:30 UTC: 13:30 in New York (support open), 18:30 in London */
    fx.now_ms = utc_ms(2026, 3, 2, 18, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA1", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Gather Enqueue:support");
    CHECK_INT(hook(DT_HOOK_IVR, "CA1", "1", v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    CHECK_STR(say, "Sales is closed.");
    CHECK_STR(stored_queue("CA1", q, sizeof q), ""); /* not waiting: nobody is offered it */
    CHECK_INT(hook(DT_HOOK_IVR, "CA2", "2", v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:support");
    CHECK_STR(stored_queue("CA2", q, sizeof q), "support");

    /* 13:30 UTC: 13:30 in London (sales open), 08:30 in New York (support not yet) */
    fx.now_ms = utc_ms(2026, 3, 2, 13, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA3", NULL, v, sizeof v, say, sizeof say), 0);
    /* the menu plays (sales is open); pressing nothing leads to the closed default */
    CHECK_STR(v, "Gather Say Record Say Hangup");
    CHECK_INT(hook(DT_HOOK_IVR, "CA3", "1", v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:sales");
    CHECK_INT(hook(DT_HOOK_IVR, "CA4", "2", v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    CHECK_STR(say, "Everyone has gone home."); /* support has no message of its own */
    CHECK_INT(hook(DT_HOOK_IVR, "CA5", "9", v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup"); /* an unlisted key: the default, closed */

    /* Saturday: every queue of the menu closed: no menu, [hours]' message */
    fx.now_ms = utc_ms(2026, 3, 7, 15, 0);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA6", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    CHECK_STR(say, "Everyone has gone home.");
    teardown();
}

/* A queue in a zone with daylight saving time: the same UTC time of day, a week apart. */
TEST(dst_change)
{
    char v[256], say[256];
    setup(NULL);
    /* 13:30 UTC: 08:30 EST on Monday 2026-03-02, 09:30 EDT on Monday 2026-03-09 */
    fx.now_ms = utc_ms(2026, 3, 2, 13, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA1", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    fx.now_ms = utc_ms(2026, 3, 9, 13, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA2", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:support");
    /* and back in November: 13:30 UTC is 09:30 EDT on 2026-10-26, 08:30 EST on 11-02 */
    fx.now_ms = utc_ms(2026, 11, 2, 13, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA3", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    fx.now_ms = utc_ms(2026, 10, 26, 13, 30);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA4", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:support");
    teardown();
}

/* Without any message configured: the built-in one. Holidays close an open day. */
TEST(builtin_message_and_holiday)
{
    char v[256], say[256], err[256];
    config_init(&fx.cfg);
    CHECK_INT(config_load_string(&fx.cfg, "t.conf",
                                 "[twilio]\npublic_base_url = " BASE "\n"
                                 "[queue \"support\"]\nholidays = 2026-03-02\n",
                                 err, sizeof err),
              0);
    CHECK_INT(store_open(":memory:", &fx.st, err, sizeof err), 0);
    fx.now_ms = utc_ms(2026, 3, 2, 15, 0);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA1", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Say Record Say Hangup");
    CHECK(strstr(say, "We are closed right now") != NULL);
    fx.now_ms = utc_ms(2026, 3, 3, 15, 0);
    CHECK_INT(hook(DT_HOOK_VOICE, "CA2", NULL, v, sizeof v, say, sizeof say), 0);
    CHECK_STR(v, "Enqueue:support");
    teardown();
}

int main(void)
{
    RUN(first_queue_hours);
    RUN(menu_open_and_closed_queue);
    RUN(dst_change);
    RUN(builtin_message_and_holiday);
    return check_done();
}

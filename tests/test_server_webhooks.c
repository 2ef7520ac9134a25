/*
 * Tests for the daemon's webhook handlers, run as pure functions on an in-memory store with a
 * configuration from text: the TwiML each answers (parsed back with expat), what each stores,
 * the events each emits, replays and late callbacks, error enrichment, and bad requests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "dialtone/webhooks.h"
#include "xml_tree.h"

#define BASE "https://dt.example.com/hooks"
#define CONF                                                                                       \
    "[twilio]\npublic_base_url = " BASE "\n"                                                       \
    "[queue \"support\"]\nmax_wait = 60\nhold_music_url = https://m.example.com/a.mp3\n"           \
    "[queue \"sales\"]\nmax_wait = 120\n"

#define MAX_EVENTS 32
#define TUESDAY_MS 1699920000000LL /* 2023-11-14 00:00 UTC, a Tuesday */
#define HOUR_MS    3600000LL

static struct {
    struct config cfg;
    struct store *st;
    char types[MAX_EVENTS][32];
    char *data[MAX_EVENTS];
    int nev;
    int64_t now_ms; /* the requests' time (plus the events so far) */
    const char *room; /* the URL's room= of the next request */
} fx;

static int on_emit(void *user, const char *type, const char *data)
{
    (void)user;
    if (fx.nev < MAX_EVENTS) {
        dt_strlcpy(fx.types[fx.nev], type, sizeof fx.types[0]);
        fx.data[fx.nev] = xstrdup(data);
    }
    fx.nev++;
    return 0;
}

static void reset_events(void)
{
    for (int i = 0; i < fx.nev && i < MAX_EVENTS; i++)
        free(fx.data[i]);
    fx.nev = 0;
}

/* Sets up a fresh store and the configuration CONF plus extra. */
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
    fx.now_ms = TUESDAY_MS + 10 * HOUR_MS;
}

static void teardown(void)
{
    store_close(fx.st);
    config_done(&fx.cfg);
    reset_events();
}

/*
 * Sends one webhook of kind with the URL's queue (may be NULL) and the body made of key,
 * value pairs ending in NULL. Returns the handler's code; *twiml gets the answer (to free).
 */
static int hook(enum webhooks_kind kind, const char *queue, char **twiml, const char *key, ...)
{
    struct form f;
    form_init(&f);
    va_list ap;
    va_start(ap, key);
    for (const char *k = key; k; k = va_arg(ap, const char *))
        form_add(&f, k, va_arg(ap, const char *));
    va_end(ap);
    char *body = form_encode(&f);
    struct webhooks_ctx c = {.cfg = &fx.cfg,
                             .store = fx.st,
                             .now_ms = fx.now_ms + fx.nev,
                             .emit = on_emit};
    struct webhooks_req r = {.kind = kind,
                             .params = &f,
                             .queue = queue,
                             .room = fx.room,
                             .body = body,
                             .body_len = strlen(body)};
    char err[256] = "";
    char *out = NULL;
    int rc = webhooks_handle(&c, &r, &out, err, sizeof err);
    if (twiml)
        *twiml = out;
    else
        free(out);
    free(body);
    form_done(&f);
    return rc;
}

static struct store_call get_call(const char *sid)
{
    struct store_call c;
    char err[256];
    if (store_call_get(fx.st, sid, &c, err, sizeof err) != 0)
        printf("  no call %s: %s\n", sid, err);
    return c;
}

/* The verb names of a TwiML document, space-separated, into buf. */
static const char *verbs(const struct xt_node *root, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; root && i < root->nkids; i++) {
        if (i)
            strncat(buf, " ", n - strlen(buf) - 1);
        strncat(buf, root->kids[i]->name, n - strlen(buf) - 1);
    }
    return buf;
}

TEST(voice_enqueues_in_first_queue)
{
    setup(NULL);
    char *tw = NULL, v[128];
    CHECK_INT(hook(DT_HOOK_VOICE, NULL, &tw, "CallSid", "CA1", "CallStatus", "ringing", "From",
                   "+14155550123", "To", "+14155550100", "Direction", "inbound", "CallerName",
                   "Ann <Lee>", NULL),
              0);
    struct xt_node *x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Enqueue");
    const struct xt_node *e = xt_kid(x, 0);
    if (e) {
        CHECK_STR(xt_text(e), "support");
        CHECK_STR(xt_attr(e, "waitUrl"), BASE "/twilio/wait?queue=support");
        CHECK_STR(xt_attr(e, "action"), BASE "/twilio/enqueue?queue=support");
        CHECK_STR(xt_attr(e, "method"), "POST");
    }
    xt_free(x);
    free(tw);
    struct store_call c = get_call("CA1");
    CHECK_STR(c.queue, "support");
    CHECK_STR(c.caller_name, "Ann <Lee>");
    CHECK_STR(c.direction, "inbound");
    CHECK_INT(c.has_status, 1);
    CHECK_INT(c.status, DT_CALL_RINGING);
    store_call_done(&c);
    CHECK_INT(fx.nev, 1);
    CHECK_STR(fx.types[0], "call.queued");
    cJSON *j = cJSON_Parse(fx.data[0]);
    const cJSON *call = cJSON_GetObjectItemCaseSensitive(j, "call");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "sid")), "CA1");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "queue")), "support");
    cJSON_Delete(j);

    /* Twilio retrying the same request: same answer, nothing new stored or emitted */
    CHECK_INT(hook(DT_HOOK_VOICE, NULL, &tw, "CallSid", "CA1", "CallStatus", "ringing", NULL), 0);
    CHECK(tw && strstr(tw, "<Enqueue"));
    free(tw);
    CHECK_INT(fx.nev, 1);
    teardown();
}

TEST(voice_after_hours_voicemail)
{
    setup("[hours]\ntue = 09:00-17:00\n");
    fx.now_ms = TUESDAY_MS + 18 * HOUR_MS; /* Tuesday, 18:00 UTC */
    char *tw = NULL, v[128];
    CHECK_INT(hook(DT_HOOK_VOICE, NULL, &tw, "CallSid", "CA2", "CallStatus", "ringing", NULL), 0);
    struct xt_node *x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Say Record Say Hangup");
    const struct xt_node *rec = xt_kid(x, 1);
    if (rec) {
        CHECK_STR(xt_attr(rec, "action"), BASE "/twilio/voicemail");
        CHECK_STR(xt_attr(rec, "recordingStatusCallback"), BASE "/twilio/recording");
        CHECK_STR(xt_attr(rec, "maxLength"), "120");
    }
    CHECK(strstr(xt_text(xt_kid(x, 0)), "closed") != NULL);
    xt_free(x);
    free(tw);
    struct store_call c = get_call("CA2");
    CHECK(c.queue == NULL);
    store_call_done(&c);
    CHECK_STR(fx.types[0], "call.updated");

    /* open at 09:00 the same day */
    fx.now_ms = TUESDAY_MS + 9 * HOUR_MS;
    CHECK_INT(hook(DT_HOOK_VOICE, NULL, &tw, "CallSid", "CA3", "CallStatus", "ringing", NULL), 0);
    CHECK(tw && strstr(tw, "<Enqueue"));
    free(tw);

    /* the Record action: the recording is kept, goodbye */
    CHECK_INT(hook(DT_HOOK_VOICEMAIL, NULL, &tw, "CallSid", "CA2", "CallStatus", "in-progress",
                   "RecordingSid", "RE1", "RecordingUrl", "https://api.twilio.com/r/RE1",
                   "RecordingDuration", "7", "Digits", "#", NULL),
              0);
    x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Say Hangup");
    xt_free(x);
    free(tw);
    c = get_call("CA2");
    CHECK_STR(c.recording_sid, "RE1");
    CHECK_INT(c.recording_duration_s, 7);
    store_call_done(&c);
    teardown();
}

TEST(ivr_menu)
{
    setup("[ivr]\nprompt = \"Sales: 1 & <support>: 2\"\ntimeout = 7\n1 = sales\n2 = support\n"
          "default = support\n");
    char *tw = NULL, v[128];
    CHECK_INT(hook(DT_HOOK_VOICE, NULL, &tw, "CallSid", "CA4", "CallStatus", "ringing", NULL), 0);
    struct xt_node *x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Gather Enqueue");
    const struct xt_node *g = xt_kid(x, 0);
    if (g) {
        CHECK_STR(xt_attr(g, "action"), BASE "/twilio/ivr");
        CHECK_STR(xt_attr(g, "numDigits"), "1");
        CHECK_STR(xt_attr(g, "timeout"), "7");
        CHECK_STR(xt_text(xt_kid(g, 0)), "Sales: 1 & <support>: 2"); /* escaped, read back */
    }
    CHECK_STR(xt_text(xt_kid(x, 1)), "support"); /* nobody pressed anything: the default */
    xt_free(x);
    free(tw);
    CHECK_STR(fx.types[0], "call.updated");
    struct store_call c = get_call("CA4");
    CHECK(c.queue == NULL);
    store_call_done(&c);

    CHECK_INT(hook(DT_HOOK_IVR, NULL, &tw, "CallSid", "CA4", "CallStatus", "in-progress", "Digits",
                   "1", NULL),
              0);
    x = xt_parse(tw);
    CHECK_STR(xt_text(xt_kid(x, 0)), "sales");
    CHECK_STR(xt_attr(xt_kid(x, 0), "waitUrl"), BASE "/twilio/wait?queue=sales");
    xt_free(x);
    free(tw);
    c = get_call("CA4");
    CHECK_STR(c.queue, "sales");
    store_call_done(&c);
    CHECK_STR(fx.types[1], "call.queued");

    CHECK_INT(hook(DT_HOOK_IVR, NULL, &tw, "CallSid", "CA5", "CallStatus", "in-progress", "Digits",
                   "9", NULL),
              0);
    CHECK(tw && strstr(tw, ">support</Enqueue>"));
    free(tw);
    teardown();
}

TEST(wait_url)
{
    setup(NULL);
    char *tw = NULL, v[128];
    CHECK_INT(hook(DT_HOOK_WAIT, "support", &tw, "CallSid", "CA6", "CallStatus", "in-progress",
                   "QueuePosition", "3", "QueueTime", "12", "AvgQueueTime", "50", NULL),
              0);
    struct xt_node *x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Say Play");
    CHECK_STR(xt_text(xt_kid(x, 0)),
              "You are caller number 3 in line. The estimated wait is about 3 minutes.");
    CHECK_STR(xt_text(xt_kid(x, 1)), "https://m.example.com/a.mp3");
    xt_free(x);
    free(tw);
    struct store_call c = get_call("CA6");
    CHECK_STR(c.queue, "support");
    store_call_done(&c);

    /* past max_wait (60 s): leave */
    CHECK_INT(hook(DT_HOOK_WAIT, "support", &tw, "CallSid", "CA6", "CallStatus", "in-progress",
                   "QueuePosition", "1", "QueueTime", "60", NULL),
              0);
    x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Leave");
    xt_free(x);
    free(tw);

    /* no hold music: a pause, never past max_wait */
    CHECK_INT(hook(DT_HOOK_WAIT, "sales", &tw, "CallSid", "CA7", "CallStatus", "in-progress",
                   "QueuePosition", "1", "QueueTime", "110", NULL),
              0);
    x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Say Pause");
    CHECK_STR(xt_text(xt_kid(x, 0)),
              "You are caller number 1 in line. The estimated wait is about 1 minute.");
    CHECK_STR(xt_attr(xt_kid(x, 1), "length"), "10");
    xt_free(x);
    free(tw);

    CHECK_INT(hook(DT_HOOK_WAIT, "nope", &tw, "CallSid", "CA7", NULL), DT_EINVAL);
    CHECK(tw == NULL);
    CHECK_INT(hook(DT_HOOK_WAIT, NULL, &tw, "CallSid", "CA7", NULL), DT_EINVAL);
    teardown();
}

TEST(enqueue_action)
{
    setup(NULL);
    char *tw = NULL, v[128];
    CHECK_INT(hook(DT_HOOK_ENQUEUE, "support", &tw, "CallSid", "CA8", "CallStatus", "in-progress",
                   "QueueResult", "leave", "QueueTime", "61", NULL),
              0);
    struct xt_node *x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Say Record Say Hangup");
    CHECK(strstr(xt_text(xt_kid(x, 0)), "busy") != NULL);
    xt_free(x);
    free(tw);
    struct store_call c = get_call("CA8");
    CHECK_STR(c.queue_result, "leave");
    CHECK_INT(c.queue_time_s, 61);
    store_call_done(&c);

    CHECK_INT(hook(DT_HOOK_ENQUEUE, "support", &tw, "CallSid", "CA9", "CallStatus", "completed",
                   "QueueResult", "hangup", "QueueTime", "5", NULL),
              0);
    x = xt_parse(tw);
    CHECK(x != NULL);
    CHECK_STR(verbs(x, v, sizeof v), ""); /* the call is over */
    xt_free(x);
    free(tw);
    CHECK_INT(hook(DT_HOOK_ENQUEUE, "support", &tw, "CallSid", "CA9", NULL), DT_EINVAL);
    teardown();
}

TEST(status_callbacks_merge)
{
    setup(NULL);
    char *tw = NULL;
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, &tw, "CallSid", "CA10", "CallStatus", "ringing",
                   "SequenceNumber", "1", "Direction", "outbound-api", "To", "+14155550310", NULL),
              0);
    CHECK_STR(tw, webhooks_empty_twiml);
    free(tw);
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallSid", "CA10", "CallStatus", "failed",
                   "SequenceNumber", "2", "ErrorCode", "31005", "ErrorMessage", "Connection error",
                   "SipResponseCode", "503", NULL),
              0);
    CHECK_INT(fx.nev, 2);
    CHECK_STR(fx.types[0], "call.updated");
    CHECK_STR(fx.types[1], "call.ended");
    cJSON *j = cJSON_Parse(fx.data[1]);
    const cJSON *err =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "call"), "error");
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(err, "code")), 31005);
    CHECK_INT(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(err, "sip_code")), 503);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "category")), "network");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "message")),
              "Connection error");
    CHECK(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(err, "action")) != NULL);
    CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(err, "retryable")));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(err, "bad_number")));
    cJSON_Delete(j);

    /* a replay changes nothing and emits nothing */
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallSid", "CA10", "CallStatus", "failed",
                   "SequenceNumber", "2", "ErrorCode", "31005", NULL),
              0);
    CHECK_INT(fx.nev, 2);
    /* a late ringing keeps failed */
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallSid", "CA10", "CallStatus", "ringing",
                   "SequenceNumber", "0", NULL),
              0);
    struct store_call c = get_call("CA10");
    CHECK_INT(c.status, DT_CALL_FAILED);
    CHECK_INT(c.error_code, 31005);
    CHECK_INT(c.sip_code, 503);
    CHECK_INT(c.status_seq, 2);
    store_call_done(&c);

    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallStatus", "ringing", NULL), DT_EINVAL);
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallSid", "CA11", NULL), DT_EINVAL);
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallSid", "CA11", "CallStatus", "Ringing", NULL),
              DT_EINVAL);
    /* numbers that are not numbers are absent, not garbage */
    CHECK_INT(hook(DT_HOOK_STATUS, NULL, NULL, "CallSid", "CA12", "CallStatus", "completed",
                   "CallDuration", "12x", "SequenceNumber", "-3", NULL),
              0);
    c = get_call("CA12");
    CHECK_INT(c.duration_s, STORE_ABSENT);
    store_call_done(&c);
    teardown();
}

TEST(conference_recording_amd)
{
    setup(NULL);
    CHECK_INT(hook(DT_HOOK_CONFERENCE, NULL, NULL, "ConferenceSid", "CF1", "FriendlyName",
                   "room-CA13", "StatusCallbackEvent", "participant-join", "CallSid", "CA13",
                   "SequenceNumber", "1", NULL),
              0);
    CHECK_INT(hook(DT_HOOK_CONFERENCE, NULL, NULL, "ConferenceSid", "CF1", "FriendlyName",
                   "room-CA13", "StatusCallbackEvent", "participant-join", "CallSid", "CA14",
                   "SequenceNumber", "2", NULL),
              0);
    CHECK_INT(hook(DT_HOOK_CONFERENCE, NULL, NULL, "ConferenceSid", "CF1", "StatusCallbackEvent",
                   "conference-start", "SequenceNumber", "3", NULL),
              0);
    CHECK_INT(fx.nev, 3);
    CHECK_STR(fx.types[2], "conference.updated");
    cJSON *j = cJSON_Parse(fx.data[0]);
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "event")),
              "participant-join");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(j, "conference")), "room-CA13");
    cJSON_Delete(j);
    struct store_call c = get_call("CA13");
    CHECK_STR(c.conference, "room-CA13");
    CHECK_STR(c.conference_sid, "CF1");
    CHECK(c.has_status == 0);
    store_call_done(&c);

    /* a conference recording without CallSid goes to both calls */
    CHECK_INT(hook(DT_HOOK_RECORDING, NULL, NULL, "ConferenceSid", "CF1", "RecordingSid", "RE2",
                   "RecordingStatus", "completed", "RecordingDuration", "30", "RecordingChannels",
                   "2", "RecordingSource", "Conference", "RecordingUrl", "https://r/RE2", NULL),
              0);
    c = get_call("CA14");
    CHECK_STR(c.recording_sid, "RE2");
    CHECK_INT(c.recording_channels, 2);
    CHECK_STR(c.recording_source, "Conference");
    CHECK_STR(c.recording_status, "completed");
    store_call_done(&c);
    /* a second recording of the call that completes is an event of its own */
    int before = fx.nev;
    CHECK_INT(hook(DT_HOOK_RECORDING, NULL, NULL, "CallSid", "CA14", "RecordingSid", "RE3",
                   "RecordingStatus", "completed", "RecordingDuration", "4", "ErrorCode", "0",
                   NULL),
              0);
    CHECK_INT(fx.nev, before + 1);
    c = get_call("CA14");
    CHECK_STR(c.recording_sid, "RE3");
    CHECK_INT(c.error_code, STORE_ABSENT);
    store_call_done(&c);
    CHECK_INT(hook(DT_HOOK_RECORDING, NULL, NULL, "RecordingSid", "RE4", "RecordingStatus",
                   "completed", NULL),
              DT_EINVAL);

    CHECK_INT(hook(DT_HOOK_AMD, NULL, NULL, "CallSid", "CA15", "AnsweredBy", "machine_start",
                   "MachineDetectionDuration", "3000", NULL),
              0);
    c = get_call("CA15");
    CHECK_STR(c.answered_by, "machine_start");
    store_call_done(&c);
    CHECK_INT(hook(DT_HOOK_AMD, NULL, NULL, "CallSid", "CA15", NULL), DT_EINVAL);
    teardown();
}

TEST(join_conference)
{
    setup(NULL);
    char *tw = NULL, v[128];
    fx.room = "room-CA20";
    CHECK_INT(hook(DT_HOOK_JOIN, NULL, &tw, "CallSid", "CA20", "CallStatus", "in-progress", NULL),
              0);
    struct xt_node *x = xt_parse(tw);
    CHECK_STR(verbs(x, v, sizeof v), "Dial");
    const struct xt_node *conf = xt_kid(xt_kid(x, 0), 0);
    CHECK(conf && strcmp(conf->name, "Conference") == 0);
    if (conf) {
        CHECK_STR(xt_text(conf), "room-CA20");
        CHECK_STR(xt_attr(conf, "statusCallback"), BASE "/twilio/conference");
        CHECK_STR(xt_attr(conf, "recordingStatusCallback"), BASE "/twilio/recording");
        CHECK_STR(xt_attr(conf, "record"), "record-from-start");
        CHECK_STR(xt_attr(conf, "endConferenceOnExit"), "true");
        CHECK_STR(xt_attr(conf, "startConferenceOnEnter"), "false");
    }
    xt_free(x);
    free(tw);
    struct store_call c = get_call("CA20");
    CHECK_STR(c.conference, "room-CA20");
    store_call_done(&c);
    fx.room = "room 1";
    CHECK_INT(hook(DT_HOOK_JOIN, NULL, &tw, "CallSid", "CA20", NULL), DT_EINVAL);
    fx.room = "";
    CHECK_INT(hook(DT_HOOK_JOIN, NULL, &tw, "CallSid", "CA20", NULL), DT_EINVAL);
    fx.room = NULL;
    CHECK_INT(hook(DT_HOOK_JOIN, NULL, &tw, "CallSid", "CA20", NULL), DT_EINVAL);
    fx.room = "r";
    CHECK_INT(hook(DT_HOOK_JOIN, NULL, &tw, "CallStatus", "in-progress", NULL), DT_EINVAL);
    fx.room = NULL;
    teardown();
}

TEST(paths)
{
    enum webhooks_kind k;
    for (int i = 0; i < DT_HOOK_COUNT; i++) {
        CHECK_INT(webhooks_kind_of(webhooks_path((enum webhooks_kind)i), &k), 0);
        CHECK_INT(k, i);
    }
    CHECK_STR(webhooks_path(DT_HOOK_VOICE), "/twilio/voice");
    CHECK_STR(webhooks_path((enum webhooks_kind)99), "");
    CHECK_INT(webhooks_kind_of("/twilio/voice/", &k), DT_ENOTFOUND);
    CHECK_INT(webhooks_kind_of("/twilio/", &k), DT_ENOTFOUND);
    CHECK_INT(webhooks_kind_of(NULL, &k), DT_ENOTFOUND);
}

int main(void)
{
    RUN(voice_enqueues_in_first_queue);
    RUN(voice_after_hours_voicemail);
    RUN(ivr_menu);
    RUN(wait_url);
    RUN(enqueue_action);
    RUN(status_callbacks_merge);
    RUN(conference_recording_amd);
    RUN(join_conference);
    RUN(paths);
    return check_done();
}

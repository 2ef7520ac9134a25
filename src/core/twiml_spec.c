/*
 * twiml_spec: the TwiML vocabulary as tables, from Twilio's TwiML voice reference, and the
 * checks of attribute values by type. A new attribute is a new row. See core/twiml_spec.h.
 */
#include "core/twiml_spec.h"

#include <stdbool.h>
#include <string.h>

#define DT_TWIML_VERBS                                                                             \
    (DT_TWIML_BIT(DT_TWIML_SAY) | DT_TWIML_BIT(DT_TWIML_PLAY) | DT_TWIML_BIT(DT_TWIML_PAUSE) |     \
     DT_TWIML_BIT(DT_TWIML_GATHER) | DT_TWIML_BIT(DT_TWIML_RECORD) |                               \
     DT_TWIML_BIT(DT_TWIML_ENQUEUE) | DT_TWIML_BIT(DT_TWIML_LEAVE) | DT_TWIML_BIT(DT_TWIML_DIAL) | \
     DT_TWIML_BIT(DT_TWIML_REDIRECT) | DT_TWIML_BIT(DT_TWIML_HANGUP))
#define DT_TWIML_NOUNS                                                                             \
    (DT_TWIML_BIT(DT_TWIML_NUMBER) | DT_TWIML_BIT(DT_TWIML_SIP) | DT_TWIML_BIT(DT_TWIML_CLIENT) |  \
     DT_TWIML_BIT(DT_TWIML_CONFERENCE) | DT_TWIML_BIT(DT_TWIML_QUEUE))

static const char *const trim_values[] = {"trim-silence", "do-not-trim", NULL};
static const char *const dial_record_values[] = {
    "do-not-record",           "record-from-answer",       "record-from-ringing",
    "record-from-answer-dual", "record-from-ringing-dual", NULL};
static const char *const conf_record_values[] = {"do-not-record", "record-from-start", NULL};
static const char *const beep_values[] = {"true", "false", "onEnter", "onExit", NULL};
static const char *const jitter_values[] = {"off", "small", "medium", "large", NULL};
static const char *const track_values[] = {"both", "inbound", "outbound", NULL};
static const char *const input_values[] = {"dtmf", "speech", NULL};
static const char *const call_events[] = {"initiated", "ringing", "answered", "completed", NULL};
static const char *const rec_events[] = {"in-progress", "completed", "absent", NULL};
static const char *const conf_events[] = {"start", "end",    "join",    "leave",        "mute",
                                          "hold",  "modify", "speaker", "announcement", NULL};

/* Groups shared by several elements. */
static const struct twiml_attrdef action_defs[] = {
    {.name = "action"}, {.name = "method", .type = DT_TWIML_V_METHOD}, {.name = NULL}};
static const struct twiml_attrdef url_defs[] = {
    {.name = "url"}, {.name = "method", .type = DT_TWIML_V_METHOD}, {.name = NULL}};
static const struct twiml_attrdef call_status_defs[] = {
    {.name = "statusCallback"},
    {.name = "statusCallbackEvent", .type = DT_TWIML_V_LIST, .values = call_events},
    {.name = "statusCallbackMethod", .type = DT_TWIML_V_METHOD},
    {.name = NULL}};
static const struct twiml_attrdef rec_status_defs[] = {
    {.name = "recordingStatusCallback"},
    {.name = "recordingStatusCallbackMethod", .type = DT_TWIML_V_METHOD},
    {.name = "recordingStatusCallbackEvent", .type = DT_TWIML_V_LIST, .values = rec_events},
    {.name = NULL}};

static const struct twiml_attrdef say_defs[] = {{.name = "voice"},
                                                {.name = "language"},
                                                {.name = "loop", .type = DT_TWIML_V_UINT},
                                                {.name = NULL}};
static const struct twiml_attrdef play_defs[] = {{.name = "loop", .type = DT_TWIML_V_UINT},
                                                 {.name = "digits", .type = DT_TWIML_V_DIGITS},
                                                 {.name = NULL}};
static const struct twiml_attrdef pause_defs[] = {{.name = "length", .type = DT_TWIML_V_UINT},
                                                  {.name = NULL}};
static const struct twiml_attrdef gather_defs[] = {
    {.name = "input", .type = DT_TWIML_V_LIST, .values = input_values},
    {.name = "timeout", .type = DT_TWIML_V_UINT},
    {.name = "finishOnKey", .type = DT_TWIML_V_KEYS},
    {.name = "numDigits", .type = DT_TWIML_V_UINT},
    {.name = "speechTimeout", .type = DT_TWIML_V_TIMEOUT},
    {.name = "actionOnEmptyResult", .type = DT_TWIML_V_BOOL},
    {.name = "partialResultCallback"},
    {.name = "partialResultCallbackMethod", .type = DT_TWIML_V_METHOD},
    {.name = "language"},
    {.name = "hints"},
    {.name = "profanityFilter", .type = DT_TWIML_V_BOOL},
    {.name = "speechModel"},
    {.name = "enhanced", .type = DT_TWIML_V_BOOL},
    {.name = NULL}};
static const struct twiml_attrdef record_defs[] = {
    {.name = "timeout", .type = DT_TWIML_V_UINT},
    {.name = "finishOnKey", .type = DT_TWIML_V_KEYS},
    {.name = "maxLength", .type = DT_TWIML_V_UINT},
    {.name = "playBeep", .type = DT_TWIML_V_BOOL},
    {.name = "trim", .type = DT_TWIML_V_ENUM, .values = trim_values},
    {.name = "transcribe", .type = DT_TWIML_V_BOOL},
    {.name = "transcribeCallback"},
    {.name = NULL}};
static const struct twiml_attrdef enqueue_defs[] = {
    {.name = "waitUrl"},
    {.name = "waitUrlMethod", .type = DT_TWIML_V_METHOD},
    {.name = "workflowSid"},
    {.name = NULL}};
static const struct twiml_attrdef dial_defs[] = {
    {.name = "timeout", .type = DT_TWIML_V_UINT},
    {.name = "hangupOnStar", .type = DT_TWIML_V_BOOL},
    {.name = "timeLimit", .type = DT_TWIML_V_UINT},
    {.name = "callerId"},
    {.name = "record", .type = DT_TWIML_V_ENUM, .values = dial_record_values},
    {.name = "trim", .type = DT_TWIML_V_ENUM, .values = trim_values},
    {.name = "recordingTrack", .type = DT_TWIML_V_ENUM, .values = track_values},
    {.name = "answerOnBridge", .type = DT_TWIML_V_BOOL},
    {.name = "ringTone"},
    {.name = "sequential", .type = DT_TWIML_V_BOOL},
    {.name = "referUrl"},
    {.name = "referMethod", .type = DT_TWIML_V_METHOD},
    {.name = NULL}};
static const struct twiml_attrdef number_defs[] = {
    {.name = "sendDigits", .type = DT_TWIML_V_DIGITS}, {.name = "byoc"}, {.name = NULL}};
static const struct twiml_attrdef sip_defs[] = {
    {.name = "username"}, {.name = "password"}, {.name = NULL}};
static const struct twiml_attrdef conference_defs[] = {
    {.name = "muted", .type = DT_TWIML_V_BOOL},
    {.name = "beep", .type = DT_TWIML_V_ENUM, .values = beep_values},
    {.name = "startConferenceOnEnter", .type = DT_TWIML_V_BOOL},
    {.name = "endConferenceOnExit", .type = DT_TWIML_V_BOOL},
    {.name = "waitUrl"},
    {.name = "waitMethod", .type = DT_TWIML_V_METHOD},
    {.name = "maxParticipants", .type = DT_TWIML_V_UINT},
    {.name = "record", .type = DT_TWIML_V_ENUM, .values = conf_record_values},
    {.name = "region"},
    {.name = "trim", .type = DT_TWIML_V_ENUM, .values = trim_values},
    {.name = "coach"},
    {.name = "statusCallback"},
    {.name = "statusCallbackEvent", .type = DT_TWIML_V_LIST, .values = conf_events},
    {.name = "statusCallbackMethod", .type = DT_TWIML_V_METHOD},
    {.name = "eventCallbackUrl"},
    {.name = "jitterBufferSize", .type = DT_TWIML_V_ENUM, .values = jitter_values},
    {.name = "participantLabel"},
    {.name = NULL}};
static const struct twiml_attrdef queue_defs[] = {
    {.name = "reservationSid"}, {.name = "postWorkActivitySid"}, {.name = NULL}};
static const struct twiml_attrdef redirect_defs[] = {{.name = "method", .type = DT_TWIML_V_METHOD},
                                                     {.name = NULL}};

const struct twiml_elemdef twiml_elems[DT_TWIML_NELEMS] = {
    [DT_TWIML_RESPONSE] = {.name = "Response", .children = DT_TWIML_VERBS},
    [DT_TWIML_SAY] = {.name = "Say",
                      .attrs = {say_defs},
                      .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT},
    [DT_TWIML_PLAY] = {.name = "Play", .attrs = {play_defs}, .flags = DT_TWIML_F_TEXT},
    [DT_TWIML_PAUSE] = {.name = "Pause", .attrs = {pause_defs}},
    [DT_TWIML_GATHER] = {.name = "Gather",
                         .attrs = {gather_defs, action_defs},
                         .children = DT_TWIML_BIT(DT_TWIML_SAY) | DT_TWIML_BIT(DT_TWIML_PLAY) |
                                     DT_TWIML_BIT(DT_TWIML_PAUSE)},
    [DT_TWIML_RECORD] = {.name = "Record", .attrs = {record_defs, action_defs, rec_status_defs}},
    [DT_TWIML_ENQUEUE] = {.name = "Enqueue",
                          .attrs = {enqueue_defs, action_defs},
                          .flags = DT_TWIML_F_TEXT},
    [DT_TWIML_LEAVE] = {.name = "Leave"},
    [DT_TWIML_DIAL] = {.name = "Dial",
                       .attrs = {dial_defs, action_defs, rec_status_defs},
                       .children = DT_TWIML_NOUNS,
                       .max_children = 10,
                       .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT},
    [DT_TWIML_NUMBER] = {.name = "Number",
                         .attrs = {number_defs, url_defs, call_status_defs},
                         .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT},
    [DT_TWIML_SIP] = {.name = "Sip",
                      .attrs = {sip_defs, url_defs, call_status_defs},
                      .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT},
    [DT_TWIML_CLIENT] = {.name = "Client",
                         .attrs = {url_defs, call_status_defs},
                         .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT},
    [DT_TWIML_CONFERENCE] = {.name = "Conference",
                             .attrs = {conference_defs, rec_status_defs},
                             .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT | DT_TWIML_F_SOLO},
    [DT_TWIML_QUEUE] = {.name = "Queue",
                        .attrs = {queue_defs, url_defs},
                        .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT | DT_TWIML_F_SOLO},
    [DT_TWIML_REDIRECT] = {.name = "Redirect",
                           .attrs = {redirect_defs},
                           .flags = DT_TWIML_F_TEXT | DT_TWIML_F_NEEDS_CONTENT},
    [DT_TWIML_HANGUP] = {.name = "Hangup"},
};

/* ---- lookups ------------------------------------------------------------------------------- */

int twiml_spec_element(const char *name)
{
    for (int i = 0; i < DT_TWIML_NELEMS; i++)
        if (strcmp(twiml_elems[i].name, name) == 0)
            return i;
    return -1;
}

int twiml_spec_attr(enum twiml_el el, const char *name, const struct twiml_attrdef **def)
{
    const struct twiml_elemdef *e = &twiml_elems[el];
    int idx = 0;
    for (size_t g = 0; g < sizeof e->attrs / sizeof e->attrs[0] && e->attrs[g]; g++)
        for (const struct twiml_attrdef *a = e->attrs[g]; a->name; a++, idx++)
            if (strcmp(a->name, name) == 0) {
                *def = a;
                return idx < 64 ? idx : -1;
            }
    return -1;
}

/* ---- values --------------------------------------------------------------------------------- */

static bool tw_in(const char *const *values, const char *s, size_t n)
{
    for (; *values; values++)
        if (strlen(*values) == n && memcmp(*values, s, n) == 0)
            return true;
    return false;
}

static bool tw_all_of(const char *s, const char *set)
{
    return s[strspn(s, set)] == '\0';
}

static bool tw_valid_uint(const char *v)
{
    size_t n = strlen(v);
    return n > 0 && n <= 9 && tw_all_of(v, "0123456789");
}

static bool tw_valid_list(const char *v, const char *const *values)
{
    bool any = false;
    while (*v) {
        size_t n = strcspn(v, " ");
        if (n > 0) {
            if (!tw_in(values, v, n))
                return false;
            any = true;
        }
        v += n + (v[n] == ' ');
    }
    return any;
}

const char *twiml_spec_check(const struct twiml_attrdef *a, const char *v)
{
    static const char *const bools[] = {"true", "false", NULL};
    static const char *const methods[] = {"GET", "POST", NULL};
    switch (a->type) {
    case DT_TWIML_V_ANY:
        return NULL;
    case DT_TWIML_V_UINT:
        return tw_valid_uint(v) ? NULL : "a whole number";
    case DT_TWIML_V_BOOL:
        return tw_in(bools, v, strlen(v)) ? NULL : "true or false";
    case DT_TWIML_V_METHOD:
        return tw_in(methods, v, strlen(v)) ? NULL : "GET or POST";
    case DT_TWIML_V_KEYS:
        return tw_all_of(v, "0123456789*#") ? NULL : "keys 0-9, * and #";
    case DT_TWIML_V_DIGITS:
        return *v && tw_all_of(v, "0123456789*#wW") ? NULL : "keys 0-9, *, # and pauses w, W";
    case DT_TWIML_V_TIMEOUT:
        return strcmp(v, "auto") == 0 || tw_valid_uint(v) ? NULL : "a whole number or auto";
    case DT_TWIML_V_ENUM:
        return tw_in(a->values, v, strlen(v)) ? NULL : "one of the documented values";
    case DT_TWIML_V_LIST:
        return tw_valid_list(v, a->values) ? NULL : "documented values separated by spaces";
    }
    return "a known type";
}

/*
 * Tests for twiml: every document is parsed back with expat into a small tree, and names,
 * nesting, attribute values and text are checked to round-trip exactly, hostile text included.
 * Also every verb and noun, the documented attributes, each rejection rule, the first error
 * sticking, and the size cap.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/twiml.h"
#include "dialtone/util.h"
#include "xml_tree.h"

#define HEAD "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>"

/* Finishes t, checks success and the XML declaration, frees t, returns the parsed tree. */
static struct xt_node *finish_parse(struct twiml *t)
{
    char err[256];
    char *doc = twiml_finish(t, err, sizeof err);
    CHECK(doc != NULL);
    if (!doc)
        printf("  twiml_finish: %s\n", err);
    twiml_free(t);
    if (!doc)
        return NULL;
    CHECK(strncmp(doc, HEAD, strlen(HEAD)) == 0);
    struct xt_node *root = xt_parse(doc);
    CHECK(root != NULL);
    if (root)
        CHECK_STR(root->name, "Response");
    free(doc);
    return root;
}

/* Expects rc == code, the same code and a message holding needle at finish, then frees t. */
static void expect_fail(struct twiml *t, int rc, int code, const char *needle)
{
    char err[256] = "untouched";
    CHECK_INT(rc, code);
    CHECK_INT(twiml_error(t, NULL, 0), code);
    char *doc = twiml_finish(t, err, sizeof err);
    CHECK(doc == NULL);
    free(doc);
    if (!strstr(err, needle))
        CHECK_FAIL_("message \"%s\" lacks \"%s\"", err, needle);
    twiml_free(t);
}

/* ---- documents ------------------------------------------------------------------------------ */

TEST(empty_response_exact)
{
    struct twiml *t = twiml_new();
    char err[64] = "x";
    char *doc = twiml_finish(t, err, sizeof err);
    CHECK_STR(doc, HEAD "</Response>");
    CHECK_STR(err, "");
    free(doc);
    twiml_free(t);
    twiml_free(NULL);
}

TEST(exact_bytes)
{
    struct twiml *t = twiml_new();
    CHECK_INT(twiml_say(t, "Hello & welcome", "alice", "en-GB"), 0);
    CHECK_INT(twiml_pause(t, 2), 0);
    CHECK_INT(twiml_enqueue(t, "support", "/twilio/wait", "/twilio/dequeued"), 0);
    CHECK_INT(twiml_hangup(t), 0);
    char *doc = twiml_finish(t, NULL, 0);
    CHECK_STR(doc, HEAD "<Say voice=\"alice\" language=\"en-GB\">Hello &amp; welcome</Say>"
                        "<Pause length=\"2\"/>"
                        "<Enqueue waitUrl=\"/twilio/wait\" action=\"/twilio/dequeued\">support"
                        "</Enqueue><Hangup/></Response>");
    free(doc);
    twiml_free(t);
}

TEST(every_verb_and_noun)
{
    struct twiml *t = twiml_new();
    twiml_add(t, "Say", "one", NULL);
    twiml_add(t, "Play", "https://x.test/a.mp3", NULL);
    twiml_add(t, "Pause", NULL, NULL);
    twiml_open(t, "Gather", NULL);
    twiml_add(t, "Say", "press 1", NULL);
    twiml_add(t, "Play", "https://x.test/b.mp3", NULL);
    twiml_add(t, "Pause", NULL, NULL);
    twiml_close(t);
    twiml_add(t, "Record", NULL, NULL);
    twiml_add(t, "Enqueue", "sales", NULL);
    twiml_add(t, "Leave", NULL, NULL);
    twiml_add(t, "Dial", "+15550001111", NULL);
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Number", "+15550002222", NULL);
    twiml_add(t, "Sip", "sip:a@x.test", NULL);
    twiml_add(t, "Client", "alice", NULL);
    twiml_close(t);
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Conference", "room-1", NULL);
    twiml_close(t);
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Queue", "support", NULL);
    twiml_close(t);
    twiml_add(t, "Redirect", "/twilio/next", NULL);
    CHECK_INT(twiml_add(t, "Hangup", NULL, NULL), 0);
    struct xt_node *r = finish_parse(t);
    static const char *const names[] = {"Say",     "Play",     "Pause", "Gather", "Record",
                                        "Enqueue", "Leave",    "Dial",  "Dial",   "Dial",
                                        "Dial",    "Redirect", "Hangup"};
    CHECK_INT(r ? r->nkids : -1, 13);
    for (int i = 0; r && i < 13; i++)
        CHECK_STR(xt_kid(r, i)->name, names[i]);
    const struct xt_node *g = xt_kid(r, 3);
    CHECK_INT(g->nkids, 3);
    CHECK_STR(xt_kid(g, 0)->name, "Say");
    CHECK_STR(xt_text(xt_kid(g, 0)), "press 1");
    CHECK_STR(xt_kid(g, 1)->name, "Play");
    CHECK_STR(xt_kid(g, 2)->name, "Pause");
    CHECK_STR(xt_text(xt_kid(r, 0)), "one");
    CHECK_STR(xt_text(xt_kid(r, 5)), "sales");
    CHECK_STR(xt_text(xt_kid(r, 7)), "+15550001111");
    const struct xt_node *d = xt_kid(r, 8);
    CHECK_INT(d->nkids, 3);
    CHECK_STR(xt_kid(d, 0)->name, "Number");
    CHECK_STR(xt_text(xt_kid(d, 0)), "+15550002222");
    CHECK_STR(xt_kid(d, 1)->name, "Sip");
    CHECK_STR(xt_text(xt_kid(d, 1)), "sip:a@x.test");
    CHECK_STR(xt_kid(d, 2)->name, "Client");
    CHECK_STR(xt_text(xt_kid(d, 2)), "alice");
    CHECK_STR(xt_kid(xt_kid(r, 9), 0)->name, "Conference");
    CHECK_STR(xt_text(xt_kid(xt_kid(r, 9), 0)), "room-1");
    CHECK_STR(xt_kid(xt_kid(r, 10), 0)->name, "Queue");
    CHECK_STR(xt_text(xt_kid(r, 11)), "/twilio/next");
    xt_free(r);
}

/* One documented attribute on its element, with a valid value: {parent, element, attr, value}. */
static const struct attr_case {
    const char *parent, *el, *name, *value;
} attr_cases[] = {
    {NULL, "Say", "voice", "Polly.Joanna"},
    {NULL, "Say", "language", "fr-FR"},
    {NULL, "Say", "loop", "3"},
    {NULL, "Play", "loop", "0"},
    {NULL, "Play", "digits", "wwww3"},
    {NULL, "Pause", "length", "5"},
    {NULL, "Gather", "input", "dtmf speech"},
    {NULL, "Gather", "action", "/g?x=1&y=2"},
    {NULL, "Gather", "method", "GET"},
    {NULL, "Gather", "timeout", "7"},
    {NULL, "Gather", "finishOnKey", ""},
    {NULL, "Gather", "numDigits", "1"},
    {NULL, "Gather", "speechTimeout", "auto"},
    {NULL, "Gather", "actionOnEmptyResult", "true"},
    {NULL, "Record", "action", "/rec"},
    {NULL, "Record", "method", "POST"},
    {NULL, "Record", "timeout", "10"},
    {NULL, "Record", "finishOnKey", "#*1"},
    {NULL, "Record", "maxLength", "120"},
    {NULL, "Record", "playBeep", "false"},
    {NULL, "Record", "trim", "do-not-trim"},
    {NULL, "Record", "recordingStatusCallback", "/rs"},
    {NULL, "Record", "recordingStatusCallbackMethod", "GET"},
    {NULL, "Record", "recordingStatusCallbackEvent", "in-progress completed absent"},
    {NULL, "Record", "transcribe", "true"},
    {NULL, "Enqueue", "action", "/after"},
    {NULL, "Enqueue", "method", "POST"},
    {NULL, "Enqueue", "waitUrl", "/wait"},
    {NULL, "Enqueue", "waitUrlMethod", "GET"},
    {NULL, "Enqueue", "workflowSid", "WW0123"},
    {NULL, "Dial", "action", "/dialed"},
    {NULL, "Dial", "method", "GET"},
    {NULL, "Dial", "timeout", "20"},
    {NULL, "Dial", "hangupOnStar", "true"},
    {NULL, "Dial", "timeLimit", "14400"},
    {NULL, "Dial", "callerId", "+15550009999"},
    {NULL, "Dial", "record", "record-from-answer-dual"},
    {NULL, "Dial", "recordingStatusCallback", "/drs"},
    {NULL, "Dial", "recordingStatusCallbackMethod", "POST"},
    {NULL, "Dial", "recordingStatusCallbackEvent", "completed"},
    {NULL, "Dial", "answerOnBridge", "true"},
    {NULL, "Dial", "ringTone", "de"},
    {"Dial", "Number", "sendDigits", "ww1234#"},
    {"Dial", "Number", "url", "/whisper"},
    {"Dial", "Number", "method", "GET"},
    {"Dial", "Number", "statusCallback", "/st"},
    {"Dial", "Number", "statusCallbackEvent", "initiated ringing answered completed"},
    {"Dial", "Number", "statusCallbackMethod", "POST"},
    {"Dial", "Sip", "username", "u"},
    {"Dial", "Sip", "password", "p\"w'd"},
    {"Dial", "Sip", "url", "/s"},
    {"Dial", "Sip", "method", "POST"},
    {"Dial", "Sip", "statusCallback", "/sst"},
    {"Dial", "Client", "url", "/c"},
    {"Dial", "Client", "method", "GET"},
    {"Dial", "Client", "statusCallback", "/cst"},
    {"Dial", "Conference", "muted", "true"},
    {"Dial", "Conference", "beep", "onExit"},
    {"Dial", "Conference", "startConferenceOnEnter", "false"},
    {"Dial", "Conference", "endConferenceOnExit", "true"},
    {"Dial", "Conference", "waitUrl", ""},
    {"Dial", "Conference", "waitMethod", "GET"},
    {"Dial", "Conference", "maxParticipants", "250"},
    {"Dial", "Conference", "record", "record-from-start"},
    {"Dial", "Conference", "region", "ie1"},
    {"Dial", "Conference", "trim", "trim-silence"},
    {"Dial", "Conference", "coach", "CA123"},
    {"Dial", "Conference", "statusCallback", "/conf"},
    {"Dial", "Conference", "statusCallbackEvent", "start end join leave mute hold speaker"},
    {"Dial", "Conference", "statusCallbackMethod", "POST"},
    {"Dial", "Conference", "recordingStatusCallback", "/crs"},
    {"Dial", "Conference", "recordingStatusCallbackMethod", "GET"},
    {"Dial", "Conference", "recordingStatusCallbackEvent", "completed"},
    {"Dial", "Conference", "eventCallbackUrl", "/ev"},
    {"Dial", "Conference", "jitterBufferSize", "large"},
    {"Dial", "Conference", "participantLabel", "agent 7"},
    {"Dial", "Queue", "url", "/q"},
    {"Dial", "Queue", "method", "POST"},
    {NULL, "Redirect", "method", "GET"},
};

TEST(documented_attributes)
{
    for (size_t i = 0; i < sizeof attr_cases / sizeof attr_cases[0]; i++) {
        const struct attr_case *c = &attr_cases[i];
        const struct twiml_attr attrs[] = {{c->name, c->value}, {.name = NULL}};
        int needs_text =
            strcmp(c->el, "Pause") && strcmp(c->el, "Gather") && strcmp(c->el, "Record");
        struct twiml *t = twiml_new();
        if (c->parent)
            twiml_open(t, c->parent, NULL);
        int rc = twiml_add(t, c->el, needs_text ? "x" : NULL, attrs);
        if (c->parent)
            twiml_close(t);
        if (rc != 0)
            CHECK_FAIL_("%s %s=\"%s\" refused", c->el, c->name, c->value);
        struct xt_node *r = finish_parse(t);
        const struct xt_node *n = c->parent ? xt_kid(xt_kid(r, 0), 0) : xt_kid(r, 0);
        CHECK_STR(n->name, c->el);
        CHECK_STR(xt_attr(n, c->name), c->value);
        CHECK_INT(n->attrs ? xt_nattrs(n) : -1, 1);
        xt_free(r);
    }
}

TEST(helpers)
{
    struct twiml *t = twiml_new();
    CHECK_INT(twiml_say(t, "hi", NULL, NULL), 0);
    CHECK_INT(twiml_play(t, "/hold.mp3", 0), 0);
    CHECK_INT(twiml_play(t, "/ding.mp3", -1), 0);
    CHECK_INT(twiml_leave(t), 0);
    CHECK_INT(twiml_redirect(t, "/twilio/voicemail", "POST"), 0);
    const struct twiml_attr dial[] = {{"action", "/twilio/after"}, {"timeout", "30"}, {NULL, NULL}};
    const struct twiml_attr conf[] = {{"beep", "false"},
                                      {"waitUrl", NULL}, /* left out */
                                      {"endConferenceOnExit", "true"},
                                      {NULL, NULL}};
    CHECK_INT(twiml_dial_conference(t, "CF-room", dial, conf), 0);
    const struct twiml_attr g[] = {{"numDigits", "1"}, {"action", "/twilio/menu"}, {NULL, NULL}};
    CHECK_INT(twiml_gather_say(t, "Press 1 for sales", g), 0);
    CHECK_INT(twiml_gather_say(t, NULL, NULL), 0);
    const struct twiml_attr rec[] = {{"maxLength", "60"}, {"playBeep", "true"}, {NULL, NULL}};
    CHECK_INT(twiml_record(t, rec), 0);
    CHECK_INT(twiml_open(t, "Gather", NULL), 0);
    CHECK_INT(twiml_set_int(t, "timeout", 5), 0);
    CHECK_INT(twiml_set(t, "action", NULL), 0);
    CHECK_INT(twiml_close(t), 0);
    struct xt_node *r = finish_parse(t);
    CHECK_INT(r ? r->nkids : -1, 10);
    CHECK_INT(xt_nattrs(xt_kid(r, 0)), 0);
    CHECK_STR(xt_attr(xt_kid(r, 1), "loop"), "0");
    CHECK_STR(xt_text(xt_kid(r, 1)), "/hold.mp3");
    CHECK(xt_attr(xt_kid(r, 2), "loop") == NULL);
    CHECK_STR(xt_kid(r, 3)->name, "Leave");
    CHECK_STR(xt_attr(xt_kid(r, 4), "method"), "POST");
    const struct xt_node *d = xt_kid(r, 5);
    CHECK_STR(xt_attr(d, "action"), "/twilio/after");
    CHECK_STR(xt_attr(d, "timeout"), "30");
    CHECK_STR(xt_text(xt_kid(d, 0)), "CF-room");
    CHECK_STR(xt_attr(xt_kid(d, 0), "beep"), "false");
    CHECK_STR(xt_attr(xt_kid(d, 0), "endConferenceOnExit"), "true");
    CHECK_INT(xt_nattrs(xt_kid(d, 0)), 2);
    CHECK_STR(xt_attr(xt_kid(r, 6), "numDigits"), "1");
    CHECK_STR(xt_kid(xt_kid(r, 6), 0)->name, "Say");
    CHECK_STR(xt_text(xt_kid(xt_kid(r, 6), 0)), "Press 1 for sales");
    CHECK_INT(xt_kid(r, 7)->nkids, 0);
    CHECK_STR(xt_attr(xt_kid(r, 8), "maxLength"), "60");
    CHECK_STR(xt_attr(xt_kid(r, 9), "timeout"), "5");
    CHECK_INT(xt_nattrs(xt_kid(r, 9)), 1);
    xt_free(r);
}

/* ---- hostile text --------------------------------------------------------------------------- */

/* Strings that must come back exactly as they went in. */
static const char *const kept[] = {
    "<script>alert(1)</script>",
    "]]><![CDATA[x]]>",
    "\"double\" and 'single' quotes",
    "AT&T &amp; &#60; &lt;",
    "tab\there, line\nbreak, carriage\r\nreturn, lone\rCR",
    "emoji \xF0\x9F\x93\x9E\xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD",
    "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D "
    "\xE2\x80\x8F\xD9\x85\xD8\xB1\xD8\xAD\xD8\xA8\xD8\xA7\xE2\x80\xAE",
    "U+FFFD itself \xEF\xBF\xBD and U+10FFFF \xF4\x8F\xBF\xBF",
    "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e \"boom\">]>&e;",
    "",
};

/* Strings that are changed, and what they must become. */
static const struct {
    const char *in, *out;
} changed[] = {
    {"\x1b[31mred\x1b[0m", "[31mred[0m"},
    {"bell\a nul-free \x01\x02\x1f\x7f end", "bell nul-free  end"},
    {"C1 \xC2\x9B"
     "2J and \xC2\x85 gone",
     "C1 2J and  gone"},
    {"not chars \xEF\xBF\xBE\xEF\xBF\xBF.", "not chars ."},
    {"bad \xFF!", "bad \xEF\xBF\xBD!"},
    {"overlong \xC0\xAF", "overlong \xEF\xBF\xBD\xEF\xBF\xBD"},
    {"surrogate \xED\xA0\x80.", "surrogate \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD."},
    {"too big \xF4\x90\x80\x80.", "too big \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD."},
    {"truncated \xE2\x82", "truncated \xEF\xBF\xBD"},
    {"truncated \xF0\x9F\x93 mid", "truncated \xEF\xBF\xBD mid"},
    {"stray \x80\xBF", "stray \xEF\xBF\xBD\xEF\xBF\xBD"},
};

/* Independent check: doc is valid UTF-8 made only of XML 1.0 characters. */
static int xml_chars_ok(const char *doc)
{
    const unsigned char *p = (const unsigned char *)doc;
    while (*p) {
        uint32_t c;
        int n;
        if (*p < 0x80)
            c = *p, n = 1;
        else if ((*p & 0xE0) == 0xC0)
            c = *p & 0x1F, n = 2;
        else if ((*p & 0xF0) == 0xE0)
            c = *p & 0x0F, n = 3;
        else if ((*p & 0xF8) == 0xF0)
            c = *p & 0x07, n = 4;
        else
            return 0;
        for (int i = 1; i < n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (p[i] & 0x3F);
        }
        static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (c < min[n] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
            return 0;
        if ((c < 0x20 && c != 9 && c != 10 && c != 13) || c == 0xFFFE || c == 0xFFFF)
            return 0;
        if (c == 13) /* a raw CR would not read back as written */
            return 0;
        p += n;
    }
    return 1;
}

/* Puts s in text and in attribute values; checks what expat reads back is want. */
static void round_trip(const char *s, const char *want)
{
    struct twiml *t = twiml_new();
    const struct twiml_attr a[] = {{"waitUrl", s}, {"action", s}, {NULL, NULL}};
    CHECK_INT(twiml_add(t, "Enqueue", s, a), 0);
    CHECK_INT(twiml_open(t, "Dial", NULL), 0);
    CHECK_INT(twiml_set(t, "callerId", s), 0);
    CHECK_INT(twiml_text(t, "+1555"), 0);
    CHECK_INT(twiml_text(t, s), 0); /* text appends */
    CHECK_INT(twiml_close(t), 0);
    char *doc = twiml_finish(t, NULL, 0);
    twiml_free(t);
    CHECK(doc != NULL);
    if (!doc)
        return;
    if (!xml_chars_ok(doc))
        CHECK_FAIL_("output for \"%s\" holds a character XML cannot carry", want);
    struct xt_node *r = xt_parse(doc);
    CHECK(r != NULL);
    CHECK_STR(xt_text(xt_kid(r, 0)), want);
    CHECK_STR(xt_attr(xt_kid(r, 0), "waitUrl"), want);
    CHECK_STR(xt_attr(xt_kid(r, 0), "action"), want);
    CHECK_STR(xt_attr(xt_kid(r, 1), "callerId"), want);
    char *dial = xasprintf("+1555%s", want);
    CHECK_STR(xt_text(xt_kid(r, 1)), dial);
    free(dial);
    xt_free(r);
    free(doc);
}

TEST(hostile_text_round_trips)
{
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        round_trip(kept[i], kept[i]);
    for (size_t i = 0; i < sizeof changed / sizeof changed[0]; i++)
        round_trip(changed[i].in, changed[i].out);
}

TEST(escaped_forms)
{
    struct twiml *t = twiml_new();
    twiml_add(t, "Say", "]]> <b> \"q\" 'a' & \r", NULL);
    twiml_add(t, "Redirect", "x", (const struct twiml_attr[]){{"method", "GET"}, {NULL, NULL}});
    twiml_add(t, "Enqueue", "q",
              (const struct twiml_attr[]){{"waitUrl", "a\tb\nc\rd<"}, {NULL, NULL}});
    char *doc = twiml_finish(t, NULL, 0);
    CHECK(doc &&
          strstr(doc, "<Say>]]&gt; &lt;b&gt; &quot;q&quot; &apos;a&apos; &amp; &#13;</Say>"));
    CHECK(doc && strstr(doc, "waitUrl=\"a&#9;b&#10;c&#13;d&lt;\""));
    CHECK(doc && !strstr(doc, "]]>"));
    free(doc);
    twiml_free(t);
}

/* ---- rejections ----------------------------------------------------------------------------- */

TEST(rejects_unknown_names)
{
    struct twiml *t = twiml_new();
    expect_fail(t, twiml_add(t, "Sms", "hi", NULL), DT_EINVAL, "unknown element <Sms>");
    t = twiml_new();
    expect_fail(t, twiml_add(t, "say", "hi", NULL), DT_EINVAL, "unknown element <say>");
    t = twiml_new();
    expect_fail(t, twiml_open(t, NULL, NULL), DT_EINVAL, "unknown element");
    t = twiml_new();
    expect_fail(t, twiml_add(t, "\x1b[2J<x>", "hi", NULL), DT_EINVAL, "unknown element <?[2J<x>>");
    t = twiml_new();
    const struct twiml_attr a[] = {{"Voice", "alice"}, {NULL, NULL}};
    expect_fail(t, twiml_add(t, "Say", "hi", a), DT_EINVAL, "unknown attribute Voice on <Say>");
    t = twiml_new();
    /* Known names, wrong element: waitUrl is Enqueue's and Conference's, not Dial's. */
    const struct twiml_attr b[] = {{"waitUrl", "/w"}, {NULL, NULL}};
    expect_fail(t, twiml_add(t, "Dial", "+1", b), DT_EINVAL, "unknown attribute waitUrl");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    expect_fail(t, twiml_add(t, "Number", "+1", b), DT_EINVAL, "on <Number>");
    t = twiml_new();
    expect_fail(t, twiml_set(t, "voice", "x"), DT_EINVAL, "unknown attribute voice on <Response>");
    t = twiml_new();
    twiml_open(t, "Say", NULL);
    expect_fail(t, twiml_set(t, NULL, "x"), DT_EINVAL, "without a name");
    /* A NULL value leaves the attribute out, but a misspelt name is still caught. */
    t = twiml_new();
    twiml_open(t, "Say", NULL);
    expect_fail(t, twiml_set(t, "lang", NULL), DT_EINVAL, "unknown attribute lang");
}

/* Values that fail their attribute's type: {element, attr, value}. */
static const struct {
    const char *el, *name, *value, *needle;
} bad_values[] = {
    {"Say", "loop", "two", "a whole number"},
    {"Say", "loop", "-1", "a whole number"},
    {"Say", "loop", "", "a whole number"},
    {"Say", "loop", "1234567890", "a whole number"},
    {"Pause", "length", "1.5", "a whole number"},
    {"Play", "digits", "12a", "pauses w, W"},
    {"Play", "digits", "", "pauses w, W"},
    {"Gather", "method", "post", "GET or POST"},
    {"Gather", "method", "PUT", "GET or POST"},
    {"Gather", "finishOnKey", "a", "keys 0-9"},
    {"Gather", "speechTimeout", "soon", "or auto"},
    {"Gather", "input", "voice", "separated by spaces"},
    {"Gather", "input", " ", "separated by spaces"},
    {"Gather", "actionOnEmptyResult", "yes", "true or false"},
    {"Record", "playBeep", "TRUE", "true or false"},
    {"Record", "trim", "trim", "documented values"},
    {"Record", "recordingStatusCallbackEvent", "completed done", "separated by spaces"},
    {"Dial", "record", "true-ish", "documented values"},
    {"Dial", "answerOnBridge", "1", "true or false"},
};

TEST(rejects_bad_values)
{
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        struct twiml *t = twiml_new();
        const struct twiml_attr a[] = {{bad_values[i].name, bad_values[i].value}, {NULL, NULL}};
        expect_fail(t, twiml_open(t, bad_values[i].el, a), DT_EINVAL, bad_values[i].needle);
    }
    struct twiml *t = twiml_new();
    twiml_open(t, "Dial", NULL);
    const struct twiml_attr c[] = {{"statusCallbackEvent", "join leave"}, {NULL, NULL}};
    /* Conference events are not call events. */
    expect_fail(t, twiml_add(t, "Number", "+1", c), DT_EINVAL, "statusCallbackEvent on <Number>");
    t = twiml_new();
    const struct twiml_attr d[] = {{"timeout", "5"}, {"timeout", "6"}, {NULL, NULL}};
    expect_fail(t, twiml_open(t, "Gather", d), DT_EINVAL, "timeout given twice on <Gather>");
    t = twiml_new();
    /* The same name from a shared group counts too. */
    const struct twiml_attr e[] = {
        {"method", "GET"}, {"action", "/a"}, {"method", "POST"}, {NULL, NULL}};
    expect_fail(t, twiml_open(t, "Record", e), DT_EINVAL, "method given twice");
    t = twiml_new();
    expect_fail(t, twiml_pause(t, -1), DT_EINVAL, "below zero");
    t = twiml_new();
    expect_fail(t, twiml_play(t, NULL, 1), DT_EINVAL, "<Play> needs a URL");
}

TEST(rejects_misplaced_children)
{
    static const struct {
        const char *parent, *child;
    } cases[] = {
        {"Dial", "Say"},      {"Gather", "Gather"}, {"Gather", "Dial"}, {"Gather", "Hangup"},
        {"Gather", "Record"}, {"Dial", "Dial"},     {"Dial", "Pause"},  {"Record", "Say"},
        {"Enqueue", "Say"},   {"Say", "Play"},      {"Pause", "Say"},   {"Leave", "Say"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct twiml *t = twiml_new();
        CHECK_INT(twiml_open(t, cases[i].parent, NULL), 0);
        char *want = xasprintf("<%s> is not allowed in <%s>", cases[i].child, cases[i].parent);
        expect_fail(t, twiml_open(t, cases[i].child, NULL), DT_EINVAL, want);
        free(want);
    }
    static const char *const nouns[] = {"Number", "Sip", "Client", "Conference", "Queue"};
    for (size_t i = 0; i < sizeof nouns / sizeof nouns[0]; i++) {
        struct twiml *t = twiml_new();
        expect_fail(t, twiml_add(t, nouns[i], "x", NULL), DT_EINVAL, "not allowed in <Response>");
        t = twiml_new();
        twiml_open(t, "Dial", NULL);
        twiml_open(t, nouns[i], NULL);
        expect_fail(t, twiml_open(t, "Number", NULL), DT_EINVAL, "<Number> is not allowed");
    }
}

TEST(rejects_text_where_none_allowed)
{
    static const char *const silent[] = {"Pause", "Gather", "Record", "Leave", "Hangup"};
    for (size_t i = 0; i < sizeof silent / sizeof silent[0]; i++) {
        struct twiml *t = twiml_new();
        twiml_open(t, silent[i], NULL);
        char *want = xasprintf("<%s> takes no text", silent[i]);
        expect_fail(t, twiml_text(t, "x"), DT_EINVAL, want);
        free(want);
    }
    struct twiml *t = twiml_new();
    expect_fail(t, twiml_text(t, "loose"), DT_EINVAL, "<Response> takes no text");
    t = twiml_new();
    twiml_open(t, "Say", NULL);
    expect_fail(t, twiml_text(t, NULL), DT_EINVAL, "NULL text");
}

TEST(rejects_bad_dial_content)
{
    struct twiml *t = twiml_new();
    twiml_open(t, "Dial", NULL);
    twiml_text(t, "+15550001111");
    expect_fail(t, twiml_add(t, "Number", "+1", NULL), DT_EINVAL, "already has text");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Number", "+1", NULL);
    expect_fail(t, twiml_text(t, "+2"), DT_EINVAL, "cannot also hold text");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Number", "+1", NULL);
    expect_fail(t, twiml_add(t, "Conference", "c", NULL), DT_EINVAL, "nothing else");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Queue", "q", NULL);
    expect_fail(t, twiml_add(t, "Client", "c", NULL), DT_EINVAL, "nothing else");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    twiml_add(t, "Conference", "a", NULL);
    expect_fail(t, twiml_add(t, "Conference", "b", NULL), DT_EINVAL, "nothing else");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    for (int i = 0; i < 10; i++)
        CHECK_INT(twiml_add(t, i % 2 ? "Number" : "Client", "x", NULL), 0);
    expect_fail(t, twiml_add(t, "Sip", "sip:x", NULL), DT_EINVAL, "at most 10");
    t = twiml_new();
    expect_fail(t, twiml_add(t, "Dial", NULL, NULL), DT_EINVAL, "<Dial> needs text or an element");
    t = twiml_new();
    twiml_open(t, "Dial", NULL);
    twiml_open(t, "Number", NULL);
    twiml_text(t, "\x01\x02"); /* dropped entirely: nothing left to dial */
    expect_fail(t, twiml_close(t), DT_EINVAL, "<Number> needs text");
    t = twiml_new();
    expect_fail(t, twiml_say(t, "", NULL, NULL), DT_EINVAL, "<Say> needs text");
    t = twiml_new();
    expect_fail(t, twiml_redirect(t, NULL, NULL), DT_EINVAL, "<Redirect> needs text");
}

TEST(rejects_bad_order)
{
    struct twiml *t = twiml_new();
    expect_fail(t, twiml_close(t), DT_ESTATE, "no element open");
    t = twiml_new();
    twiml_open(t, "Say", NULL);
    twiml_text(t, "hi");
    expect_fail(t, twiml_set(t, "voice", "alice"), DT_ESTATE, "after the content of <Say>");
    t = twiml_new();
    twiml_open(t, "Gather", NULL);
    twiml_add(t, "Say", "x", NULL);
    expect_fail(t, twiml_set_int(t, "timeout", 3), DT_ESTATE, "after the content of <Gather>");
}

TEST(unclosed_element_fails_finish)
{
    struct twiml *t = twiml_new();
    twiml_open(t, "Gather", NULL);
    char err[128];
    char *doc = twiml_finish(t, err, sizeof err);
    CHECK(doc == NULL);
    CHECK(strstr(err, "<Gather> is not closed") != NULL);
    CHECK_INT(twiml_error(t, NULL, 0), DT_ESTATE);
    twiml_free(t);
}

TEST(finish_twice_and_after)
{
    struct twiml *t = twiml_new();
    twiml_hangup(t);
    char *doc = twiml_finish(t, NULL, 0);
    CHECK(doc != NULL);
    free(doc);
    char err[128];
    CHECK_INT(twiml_hangup(t), DT_ESTATE);
    CHECK(twiml_finish(t, err, sizeof err) == NULL);
    CHECK(strstr(err, "already finished") != NULL);
    twiml_free(t);
}

TEST(first_error_sticks)
{
    struct twiml *t = twiml_new();
    CHECK_INT(twiml_say(t, "ok", NULL, NULL), 0);
    int rc =
        twiml_add(t, "Pause", NULL, (const struct twiml_attr[]){{"length", "x"}, {NULL, NULL}});
    CHECK_INT(rc, DT_EINVAL);
    char first[128], later[128];
    CHECK_INT(twiml_error(t, first, sizeof first), DT_EINVAL);
    CHECK(strstr(first, "length on <Pause>") != NULL);
    /* Valid calls and other errors alike now report the first error and change nothing. */
    CHECK_INT(twiml_close(t), DT_EINVAL);
    CHECK_INT(twiml_hangup(t), DT_EINVAL);
    CHECK_INT(twiml_text(t, "x"), DT_EINVAL);
    CHECK_INT(twiml_open(t, "Nope", NULL), DT_EINVAL);
    CHECK_INT(twiml_set(t, "loop", "1"), DT_EINVAL);
    CHECK_INT(twiml_play(t, NULL, 0), DT_EINVAL);
    CHECK_INT(twiml_pause(t, -5), DT_EINVAL);
    CHECK_INT(twiml_dial_conference(t, "r", NULL, NULL), DT_EINVAL);
    CHECK_INT(twiml_error(t, later, sizeof later), DT_EINVAL);
    CHECK_STR(later, first);
    char small[8];
    CHECK(twiml_finish(t, small, sizeof small) == NULL);
    CHECK_INT((int)strlen(small), 7); /* truncated, terminated */
    CHECK(strncmp(small, first, 7) == 0);
    twiml_free(t);
    /* A state error sticks over a later invalid-input error too. */
    t = twiml_new();
    CHECK_INT(twiml_close(t), DT_ESTATE);
    CHECK_INT(twiml_add(t, "Bogus", NULL, NULL), DT_ESTATE);
    expect_fail(t, DT_ESTATE, DT_ESTATE, "no element open");
}

/* ---- size cap ------------------------------------------------------------------------------- */

/* A Say whose text makes the whole document `extra` bytes over the cap. */
static char *doc_of_size(long extra, char *err, size_t errlen)
{
    const size_t fixed = strlen(HEAD "<Say></Say></Response>");
    size_t n = (size_t)((long)(DT_TWIML_MAX_BYTES - fixed) + extra);
    char *s = xmalloc(n + 1);
    memset(s, 'a', n);
    s[n] = '\0';
    struct twiml *t = twiml_new();
    twiml_say(t, s, NULL, NULL);
    free(s);
    char *doc = twiml_finish(t, err, errlen);
    if (!doc)
        CHECK_INT(twiml_error(t, NULL, 0), DT_ETOOBIG);
    twiml_free(t);
    return doc;
}

TEST(size_cap)
{
    char err[128];
    char *doc = doc_of_size(0, err, sizeof err);
    CHECK(doc != NULL);
    CHECK_INT(doc ? strlen(doc) : 0, DT_TWIML_MAX_BYTES);
    struct xt_node *r = doc ? xt_parse(doc) : NULL;
    CHECK_INT(r ? strlen(xt_text(xt_kid(r, 0))) : 0, DT_TWIML_MAX_BYTES - strlen(HEAD) - 22);
    xt_free(r);
    free(doc);
    CHECK(doc_of_size(1, err, sizeof err) == NULL);
    CHECK(strstr(err, "document over") != NULL);
    CHECK(doc_of_size(100, err, sizeof err) == NULL);

    /* Escaping counts: 300,000 ampersands are 1.5 MB once escaped. */
    char *amp = xmalloc(300001);
    memset(amp, '&', 300000);
    amp[300000] = '\0';
    struct twiml *t = twiml_new();
    expect_fail(t, twiml_say(t, amp, NULL, NULL), DT_ETOOBIG, "document over");
    t = twiml_new();
    const struct twiml_attr a[] = {{"voice", amp}, {NULL, NULL}};
    CHECK_INT(twiml_say(t, "x", NULL, NULL), 0);
    expect_fail(t, twiml_add(t, "Say", "y", a), DT_ETOOBIG, "document over");
    free(amp);

    /* Many small verbs reach the cap as well. */
    t = twiml_new();
    int rc = 0;
    for (int i = 0; rc == 0 && i < 200000; i++)
        rc = twiml_hangup(t);
    expect_fail(t, rc, DT_ETOOBIG, "document over");
}

int main(void)
{
    RUN(empty_response_exact);
    RUN(exact_bytes);
    RUN(every_verb_and_noun);
    RUN(documented_attributes);
    RUN(helpers);
    RUN(hostile_text_round_trips);
    RUN(escaped_forms);
    RUN(rejects_unknown_names);
    RUN(rejects_bad_values);
    RUN(rejects_misplaced_children);
    RUN(rejects_text_where_none_allowed);
    RUN(rejects_bad_dial_content);
    RUN(rejects_bad_order);
    RUN(unclosed_element_fails_finish);
    RUN(finish_twice_and_after);
    RUN(first_error_sticks);
    RUN(size_cap);
    return check_done();
}

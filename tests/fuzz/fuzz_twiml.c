/*
 * fuzz_twiml: drives the TwiML builder with arbitrary text, attribute values and call
 * sequences. Whatever comes in, a returned document must parse with expat, a refused one must
 * carry an error code and message, and text that went through once must come back unchanged
 * when put through again (abort() otherwise).
 *
 * Input: the first byte picks the mode. Even: the rest is one text, put into a fixed document
 * as Say text, Dial text and attribute values, which must always succeed. Odd: the rest is a
 * program of (op, arg) byte pairs, ops that need a string taking it up to the next NUL byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../xml_tree.h"
#include "dialtone/twiml.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const elements[] = {
    "Response", "Say",        "Play",   "Pause", "Gather", "Record",     "Enqueue",
    "Leave",    "Dial",       "Number", "Sip",   "Client", "Queue",      "Redirect",
    "Hangup",   "Conference", "say",    "Sms",   "",       "Say\x01<x>",
};
static const char *const attributes[] = {
    "voice",   "language", "loop",     "length",    "action",      "method",
    "timeout", "waitUrl",  "callerId", "numDigits", "url",         "statusCallbackEvent",
    "beep",    "record",   "trim",     "digits",    "finishOnKey", "Voice",
};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The next string: up to a NUL byte or the end, copied and NUL-terminated. */
static char *take_string(const uint8_t **p, size_t *n)
{
    const uint8_t *end = memchr(*p, 0, *n);
    size_t len = end ? (size_t)(end - *p) : *n;
    char *s = xstrndup((const char *)*p, len);
    size_t used = len + (end != NULL);
    *p += used;
    *n -= used;
    return s;
}

/* Finishes t; checks the outcome is consistent; returns the parsed tree or NULL if refused. */
static struct xt_node *finish_and_parse(struct twiml *t)
{
    char err[256];
    char *doc = twiml_finish(t, err, sizeof err);
    if (!doc) {
        if (twiml_error(t, NULL, 0) >= 0 || err[0] == '\0')
            abort();
        return NULL;
    }
    if (twiml_error(t, NULL, 0) != 0 || strlen(doc) > DT_TWIML_MAX_BYTES)
        abort();
    struct xt_node *root = xt_parse(doc);
    if (!root || strcmp(root->name, "Response") != 0)
        abort();
    free(doc);
    return root;
}

/* A fixed document carrying s everywhere text goes. Must never be refused. */
static char *text_once(const char *s)
{
    struct twiml *t = twiml_new();
    const struct twiml_attr a[] = {{"waitUrl", s}, {"action", s}, {NULL, NULL}};
    twiml_add(t, "Enqueue", s, a);
    twiml_open(t, "Dial", NULL);
    twiml_set(t, "callerId", s);
    twiml_text(t, "1");
    twiml_text(t, s);
    twiml_close(t);
    struct xt_node *r = finish_and_parse(t);
    twiml_free(t);
    if (!r || r->nkids != 2)
        abort();
    const char *text = xt_text(xt_kid(r, 0));
    if (strcmp(xt_attr(xt_kid(r, 0), "waitUrl"), text) != 0 ||
        strcmp(xt_attr(xt_kid(r, 1), "callerId"), text) != 0 ||
        strcmp(xt_text(xt_kid(r, 1)) + 1, text) != 0)
        abort();
    char *out = xstrdup(text);
    xt_free(r);
    return out;
}

static void run_text(const uint8_t *data, size_t size)
{
    char *s = xstrndup((const char *)data, size); /* stops at an embedded NUL */
    char *once = text_once(s);
    char *twice = text_once(once);
    if (strcmp(once, twice) != 0)
        abort();
    free(twice);
    free(once);
    free(s);
}

static void run_program(const uint8_t *p, size_t n)
{
    struct twiml *t = twiml_new();
    while (n >= 2) {
        uint8_t op = p[0], arg = p[1];
        p += 2, n -= 2;
        const char *el = elements[arg % COUNT(elements)];
        const char *name = attributes[arg % COUNT(attributes)];
        char *s = op % 8 == 1 || op % 8 == 2 || op % 8 == 5 ? take_string(&p, &n) : NULL;
        switch (op % 8) {
        case 0:
            twiml_open(t, el, NULL);
            break;
        case 1:
            twiml_set(t, name, s);
            break;
        case 2:
            twiml_text(t, s);
            break;
        case 3:
        case 4:
            twiml_close(t);
            break;
        case 5:
            twiml_add(t, el, s, NULL);
            break;
        case 6:
            twiml_set_int(t, name, (long)arg - 8);
            break;
        default:
            twiml_pause(t, arg % 4);
            break;
        }
        free(s);
    }
    xt_free(finish_and_parse(t));
    twiml_free(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] % 2 == 0)
        run_text(data + 1, size - 1);
    else
        run_program(data + 1, size - 1);
    return 0;
}

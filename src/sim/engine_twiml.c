/*
 * engine_twiml: TwiML documents for the engine. Parses a body with expat into a small tree
 * and checks it the way Twilio fails a call: not well-formed XML, a DTD, or an element where
 * TwiML does not allow it is 12100; a root other than <Response> is 12102; a body over 64 KB
 * is 11750. An element Twilio does not know is a 12200 warning and is skipped with its content.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine_int.h"

#define B(e) (1u << (e))
#define VERBS                                                                                      \
    (B(TW_SAY) | B(TW_PLAY) | B(TW_PAUSE) | B(TW_GATHER) | B(TW_RECORD) | B(TW_ENQUEUE) |          \
     B(TW_LEAVE) | B(TW_DIAL) | B(TW_REDIRECT) | B(TW_HANGUP) | B(TW_REJECT) | B(TW_OTHER))

static const struct {
    const char *name;
    unsigned kids; /* elements allowed inside */
} elems[TW_NELEMS] = {
    [TW_RESPONSE] = {"Response", VERBS},
    [TW_SAY] = {"Say", B(TW_SSML)},
    [TW_PLAY] = {"Play", 0},
    [TW_PAUSE] = {"Pause", 0},
    [TW_GATHER] = {"Gather", B(TW_SAY) | B(TW_PLAY) | B(TW_PAUSE)},
    [TW_RECORD] = {"Record", 0},
    [TW_ENQUEUE] = {"Enqueue", B(TW_OTHER)},
    [TW_LEAVE] = {"Leave", 0},
    [TW_DIAL] = {"Dial", B(TW_NUMBER) | B(TW_SIP) | B(TW_CLIENT) | B(TW_CONFERENCE) | B(TW_QUEUE) |
                             B(TW_OTHER)},
    [TW_NUMBER] = {"Number", 0},
    [TW_SIP] = {"Sip", 0},
    [TW_CLIENT] = {"Client", B(TW_IDENTITY) | B(TW_PARAMETER)},
    [TW_CONFERENCE] = {"Conference", 0},
    [TW_QUEUE] = {"Queue", 0},
    [TW_REDIRECT] = {"Redirect", 0},
    [TW_HANGUP] = {"Hangup", 0},
    [TW_REJECT] = {"Reject", 0},
    [TW_IDENTITY] = {"Identity", 0},
    [TW_PARAMETER] = {"Parameter", 0},
    [TW_OTHER] = {"", ~0u},
    [TW_SSML] = {"", B(TW_SSML)},
};

/* TwiML elements Twilio knows that the emulator accepts and skips. */
static const char *const other_names[] = {
    "Connect",
    "Start",
    "Stop",
    "Stream",
    "Siprec",
    "Transcription",
    "Refer",
    "Pay",
    "Prompt",
    "Echo",
    "Sms",
    "Message",
    "Task",
    "Room",
    "Application",
    "VirtualAgent",
    "ConversationRelay",
    "Autopilot",
    NULL,
};

const char *tw_el_name(enum tw_el el)
{
    return (unsigned)el < TW_NELEMS && elems[el].name[0] ? elems[el].name : "?";
}

static int lookup(const char *name)
{
    for (int i = 0; i < TW_NELEMS; i++)
        if (elems[i].name[0] && strcmp(elems[i].name, name) == 0)
            return i;
    for (int i = 0; other_names[i]; i++)
        if (strcmp(other_names[i], name) == 0)
            return TW_OTHER;
    return -1;
}

struct pstate {
    XML_Parser xp;
    struct tw_doc *doc;
    struct tw_node *stack[ENG_MAX_DEPTH + 1];
    struct dt_buf text[ENG_MAX_DEPTH + 1];
    int depth; /* elements open, skipped ones included */
    int skip;  /* depth at which a skipped subtree started, 0 = none */
    size_t nodes;
    int code;
    char *msg;
    size_t msglen;
};

static void fail(struct pstate *ps, int code, const char *what)
{
    if (ps->code)
        return;
    ps->code = code;
    snprintf(ps->msg, ps->msglen, "%s", what);
    XML_StopParser(ps->xp, XML_FALSE);
}

static struct tw_node *node_new(struct pstate *ps, enum tw_el el, const XML_Char **atts)
{
    struct tw_node *n = xcalloc(1, sizeof *n);
    n->el = el;
    ps->doc->bytes += sizeof *n;
    size_t na = 0;
    while (atts[na])
        na++;
    if (na) {
        n->attrs = xcalloc(na + 1, sizeof *n->attrs);
        for (size_t i = 0; i < na; i++) {
            n->attrs[i] = xstrdup(atts[i]);
            ps->doc->bytes += strlen(atts[i]) + 1 + sizeof(char *);
        }
    }
    return n;
}

static void add_kid(struct pstate *ps, struct tw_node *parent, struct tw_node *kid)
{
    parent->kids = xrealloc(parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
    parent->kids[parent->nkids++] = kid;
    ps->doc->bytes += sizeof kid;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    struct pstate *ps = ud;
    ps->depth++;
    if (ps->skip || ps->code)
        return;
    if (ps->depth > ENG_MAX_DEPTH || ++ps->nodes > ENG_MAX_NODES) {
        fail(ps, 12100, "document nested too deep or too large");
        return;
    }
    if (ps->depth == 1) {
        if (strcmp(name, "Response") != 0) {
            char what[120];
            snprintf(what, sizeof what, "the root element is <%.64s>, not <Response>", name);
            fail(ps, 12102, what);
            return;
        }
        ps->doc->root = ps->stack[1] = node_new(ps, TW_RESPONSE, atts);
        return;
    }
    struct tw_node *parent = ps->stack[ps->depth - 1];
    int el = (parent->el == TW_SAY || parent->el == TW_SSML) ? TW_SSML : lookup(name);
    if (el < 0) {
        ps->doc->warnings++; /* 12200: unknown element, skipped with its content */
        ps->skip = ps->depth;
        return;
    }
    if (!(elems[parent->el].kids & (1u << el))) {
        char what[160];
        snprintf(what, sizeof what, "<%.64s> is not allowed in <%.64s>", name,
                 parent->el == TW_OTHER ? "?" : tw_el_name(parent->el));
        fail(ps, 12100, what);
        return;
    }
    struct tw_node *n = node_new(ps, (enum tw_el)el, atts);
    add_kid(ps, parent, n);
    if (el == TW_OTHER) {
        n->text = xstrdup(""); /* kept as a node, its content ignored */
        ps->skip = ps->depth;
        return;
    }
    ps->stack[ps->depth] = n;
    dt_buf_reset(&ps->text[ps->depth]);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct pstate *ps = ud;
    (void)name;
    int d = ps->depth--;
    if (ps->skip) {
        if (ps->skip == d)
            ps->skip = 0;
        return;
    }
    if (ps->code || d > ENG_MAX_DEPTH)
        return;
    struct tw_node *n = ps->stack[d];
    if (n->el == TW_SSML) {
        /* markup inside <Say> only contributes its text */
        dt_buf_append(&ps->text[d - 1], ps->text[d].data ? ps->text[d].data : "", ps->text[d].len);
        return;
    }
    n->text = dt_buf_take(&ps->text[d]);
    ps->doc->bytes += strlen(n->text) + 1;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct pstate *ps = ud;
    if (ps->skip || ps->code || ps->depth < 1 || ps->depth > ENG_MAX_DEPTH)
        return;
    dt_buf_append(&ps->text[ps->depth], s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal;
    fail(ud, 12100, "a document type declaration is not allowed");
}

static void node_free(struct tw_node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    if (n->attrs)
        for (char **a = n->attrs; *a; a++)
            free(*a);
    free(n->attrs);
    free(n->text);
    free(n);
}

void tw_free(struct tw_doc *d)
{
    if (!d)
        return;
    node_free(d->root);
    free(d);
}

/* Nodes still open when parsing stopped are in the tree already; their text buffers are not. */
static void pstate_done(struct pstate *ps)
{
    for (int i = 0; i <= ENG_MAX_DEPTH; i++)
        dt_buf_done(&ps->text[i]);
}

/* Texts of nodes never closed are NULL: a failed parse frees the tree, so only success needs
 * every text set, and on success every element was closed. */
int tw_parse(const char *body, size_t len, struct tw_doc **out, char *msg, size_t msglen)
{
    *out = NULL;
    if (len > ENG_MAX_TWIML) {
        snprintf(msg, msglen, "TwiML response body of %zu bytes is over 64 KB", len);
        return 11750;
    }
    struct pstate ps = {.msg = msg, .msglen = msglen};
    ps.doc = xcalloc(1, sizeof *ps.doc);
    ps.doc->bytes = sizeof *ps.doc;
    ps.xp = XML_ParserCreate(NULL);
    if (!ps.xp) {
        free(ps.doc);
        snprintf(msg, msglen, "out of memory");
        return 12100;
    }
    XML_SetUserData(ps.xp, &ps);
    XML_SetElementHandler(ps.xp, on_start, on_end);
    XML_SetCharacterDataHandler(ps.xp, on_text);
    XML_SetStartDoctypeDeclHandler(ps.xp, on_doctype);
    enum XML_Status st = XML_Parse(ps.xp, body, (int)len, XML_TRUE);
    if (st != XML_STATUS_OK && !ps.code) {
        ps.code = 12100;
        snprintf(msg, msglen, "line %lu: %s", (unsigned long)XML_GetCurrentLineNumber(ps.xp),
                 XML_ErrorString(XML_GetErrorCode(ps.xp)));
    }
    if (!ps.code && !ps.doc->root) {
        ps.code = 12100;
        snprintf(msg, msglen, "empty document");
    }
    XML_ParserFree(ps.xp);
    pstate_done(&ps);
    if (ps.code) {
        tw_free(ps.doc);
        return ps.code;
    }
    *out = ps.doc;
    return 0;
}

const char *tw_attr(const struct tw_node *n, const char *name)
{
    if (!n || !n->attrs)
        return NULL;
    for (char **a = n->attrs; a[0] && a[1]; a += 2)
        if (strcmp(a[0], name) == 0)
            return a[1];
    return NULL;
}

long tw_attr_int(const struct tw_node *n, const char *name, long def, long lo, long hi)
{
    long v;
    return eng_parse_int(tw_attr(n, name), lo, hi, &v) == 0 ? v : def;
}

int tw_attr_bool(const struct tw_node *n, const char *name, int def)
{
    int v;
    return eng_parse_bool(tw_attr(n, name), &v) == 0 ? v : def;
}

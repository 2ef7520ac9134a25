/*
 * twiml: builds TwiML voice documents, `<?xml ...?><Response>...</Response>`, the answers to
 * Twilio's webhooks. A static table lists each verb and noun, the attributes Twilio documents
 * for it (with a type check on numbers, booleans, methods and enumerations) and the elements it
 * may contain; the builder refuses anything else, so every document it returns is well formed
 * and structurally valid TwiML whatever text it was given.
 */
#ifndef DIALTONE_TWIML_H
#define DIALTONE_TWIML_H

#include <stddef.h>

/*
 * Largest document twiml_finish returns, in bytes, XML declaration included. (TwiML sent in a
 * call's Twiml parameter is capped far lower by Twilio, at 4,000 characters: check that there.)
 */
#define DT_TWIML_MAX_BYTES (1024 * 1024)

/*
 * Elements:  Response  contains the verbs below, no text.
 *            Say (text required), Play (URL; may be empty with `digits`), Pause, Leave,
 *            Hangup (empty), Record (empty), Enqueue (queue name), Redirect (URL required),
 *            Gather (contains Say, Play, Pause; no text),
 *            Dial (either a number as text, or nouns: up to ten of Number, Sip, Client rung
 *            together, or exactly one Conference or Queue).
 *            Number, Sip, Client, Conference, Queue: nouns inside Dial, text required.
 * Names of elements and attributes are case-sensitive, as in TwiML.
 *
 * Text and attribute values are UTF-8 and always come out as well-formed XML 1.0:
 *  - & < > " ' are escaped as entities (so `]]>` and markup stay text);
 *  - tab, LF and CR are kept, written as character references where an XML parser would
 *    otherwise change them (all three in attribute values, CR in text), so that they read
 *    back exactly;
 *  - other control characters are dropped, not rejected: C0 controls, DEL and the C1
 *    controls U+0080..U+009F (so `\x1b[31m` arrives as `[31m`), and the non-characters
 *    U+FFFE and U+FFFF, which XML cannot carry. Outside text such as a caller's name must
 *    never stop the daemon from answering a call;
 *  - each ill-formed UTF-8 sequence (stray continuation byte, overlong form, surrogate, code
 *    point above U+10FFFF, truncated sequence) becomes one U+FFFD per maximal invalid part.
 *
 * Errors: each call below returns 0 or a negative DT_E* code. The first error is recorded
 * with its message and sticks: later calls do nothing and return that code, and twiml_finish
 * returns NULL with the message, so a chain of calls can be checked once at the end.
 */

/* One attribute. Arrays of them end with an entry whose name is NULL. */
struct twiml_attr {
    const char *name;
    const char *value; /* NULL: the attribute is left out */
};

struct twiml;

/* A new document with its <Response> open. Never returns NULL (aborts on out-of-memory). */
struct twiml *twiml_new(void);

/* Frees t and everything it holds. t may be NULL. */
void twiml_free(struct twiml *t);

/*
 * Opens element (e.g. "Gather") as a child of the innermost open element, with attrs (may be
 * NULL). DT_EINVAL: unknown element, element not allowed there, text already in the parent,
 * unknown, duplicate or badly typed attribute. DT_ETOOBIG: document over the cap.
 */
int twiml_open(struct twiml *t, const char *element, const struct twiml_attr *attrs);

/*
 * Adds one attribute to the element just opened, before it has any content. A NULL value
 * adds nothing. DT_ESTATE if the element already has content; otherwise as twiml_open.
 */
int twiml_set(struct twiml *t, const char *name, const char *value);

/* The same with a number written in decimal. */
int twiml_set_int(struct twiml *t, const char *name, long value);

/*
 * Appends text (escaped as above) to the innermost open element; may be called repeatedly.
 * DT_EINVAL if that element takes no text or already holds elements; DT_ETOOBIG over the cap.
 */
int twiml_text(struct twiml *t, const char *text);

/*
 * Closes the innermost open element. DT_ESTATE if only <Response> is open; DT_EINVAL if the
 * element needs content it lacks (Say without text, Dial without a number or noun...).
 */
int twiml_close(struct twiml *t);

/* Opens element with attrs, adds text (may be NULL), closes it. Errors as those three. */
int twiml_add(struct twiml *t, const char *element, const char *text,
              const struct twiml_attr *attrs);

/* Typed helpers for common verbs. A NULL string argument leaves its attribute out. */

/* <Say voice language>text</Say>. */
int twiml_say(struct twiml *t, const char *text, const char *voice, const char *language);
/* <Play loop>url</Play>; loop < 0 leaves the attribute out (Twilio: 0 = until stopped). */
int twiml_play(struct twiml *t, const char *url, int loop);
/* <Pause length="seconds"/>. DT_EINVAL if seconds < 0. */
int twiml_pause(struct twiml *t, int seconds);
/* <Enqueue waitUrl action>queue</Enqueue>. */
int twiml_enqueue(struct twiml *t, const char *queue, const char *wait_url, const char *action);
/* <Leave/> and <Hangup/>. */
int twiml_leave(struct twiml *t);
int twiml_hangup(struct twiml *t);
/* <Redirect method>url</Redirect>. */
int twiml_redirect(struct twiml *t, const char *url, const char *method);
/* <Dial dial_attrs><Conference conf_attrs>room</Conference></Dial>; attrs may be NULL. */
int twiml_dial_conference(struct twiml *t, const char *room, const struct twiml_attr *dial_attrs,
                          const struct twiml_attr *conf_attrs);
/* <Gather attrs><Say>prompt</Say></Gather>; a NULL prompt gives an empty Gather. */
int twiml_gather_say(struct twiml *t, const char *prompt, const struct twiml_attr *attrs);
/* <Record attrs/>. */
int twiml_record(struct twiml *t, const struct twiml_attr *attrs);

/*
 * Closes <Response> and returns the whole document, NUL-terminated, for the caller to free.
 * NULL, with the message in err (may be NULL), on a recorded error, on an element left open
 * (DT_ESTATE), over DT_TWIML_MAX_BYTES (DT_ETOOBIG), or when called a second time
 * (DT_ESTATE). t still has to be freed with twiml_free.
 */
char *twiml_finish(struct twiml *t, char *err, size_t errlen);

/* The recorded error code (0 if none) and its message into err (may be NULL). */
int twiml_error(const struct twiml *t, char *err, size_t errlen);

#endif

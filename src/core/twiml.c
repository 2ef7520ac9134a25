/*
 * twiml: the TwiML document builder. The tables in twiml_spec.c say which verbs and nouns
 * exist, which attributes each takes (and of what type) and what each may contain; the code
 * only walks them. Output is streamed into one buffer; the start tag of the innermost element
 * stays open until its first content, so attributes can still be added and empty elements end
 * in "/>". See dialtone/twiml.h.
 */
#include "dialtone/twiml.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/twiml_spec.h"
#include "dialtone/util.h"

/* ---- the builder ---------------------------------------------------------------------------- */

/* Response > Gather > Say is the deepest the tables allow. */
#define TW_MAX_DEPTH 4

struct tw_frame {
    enum twiml_el el;
    uint64_t attrs_set; /* bit i: the element's i-th attribute (counted across groups) */
    unsigned nchildren;
    bool solo_child; /* holds a DT_TWIML_F_SOLO child */
    bool has_text;
    bool start_open; /* "<Name attr=..." written, ">" not yet */
};

struct twiml {
    struct dt_buf buf;
    struct tw_frame stack[TW_MAX_DEPTH];
    int depth;
    int err;
    bool finished;
    char errmsg[192];
};

/* Records the first error only; returns the recorded code. */
__attribute__((format(printf, 3, 4))) static int tw_fail(struct twiml *t, int code, const char *fmt,
                                                         ...)
{
    if (t->err == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(t->errmsg, sizeof t->errmsg, fmt, ap);
        va_end(ap);
        t->err = code;
    }
    return t->err;
}

/* A name passed in by the caller, shortened and made printable for an error message. */
static const char *tw_show(const char *s, char out[40])
{
    size_t i = 0;
    for (; s[i] && i < 32; i++)
        out[i] = s[i] > 0x20 && s[i] < 0x7f ? s[i] : '?';
    if (s[i])
        out[i++] = '~';
    out[i] = '\0';
    return out;
}

static int tw_ready(struct twiml *t)
{
    if (t->err)
        return t->err;
    if (t->finished)
        return tw_fail(t, DT_ESTATE, "document already finished");
    return 0;
}

static struct tw_frame *tw_top(struct twiml *t)
{
    return &t->stack[t->depth - 1];
}

/* ---- escaping ------------------------------------------------------------------------------- */

/*
 * Decodes one UTF-8 character from s (NUL-terminated, s[0] != 0) into *cp and returns the bytes
 * it used. An ill-formed sequence gives TW_BAD and the length of its maximal invalid part
 * (Unicode's "substitution of maximal subparts"), at least 1.
 */
#define TW_BAD UINT32_MAX

static size_t tw_utf8_next(const unsigned char *s, uint32_t *cp)
{
    unsigned char b = s[0], lo = 0x80, hi = 0xBF;
    size_t need;
    uint32_t c;
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1, c = b & 0x1F;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2, c = b & 0x0F;
        lo = b == 0xE0 ? 0xA0 : 0x80; /* no overlongs */
        hi = b == 0xED ? 0x9F : 0xBF; /* no surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3, c = b & 0x07;
        lo = b == 0xF0 ? 0x90 : 0x80; /* no overlongs */
        hi = b == 0xF4 ? 0x8F : 0xBF; /* nothing above U+10FFFF */
    } else {
        *cp = TW_BAD;
        return 1;
    }
    for (size_t i = 1; i <= need; i++) {
        if (s[i] < lo || s[i] > hi) {
            *cp = TW_BAD;
            return i;
        }
        c = c << 6 | (s[i] & 0x3F);
        lo = 0x80, hi = 0xBF;
    }
    *cp = c;
    return need + 1;
}

/* What an ASCII character becomes: NULL to copy it as it is. */
static const char *tw_entity(unsigned char c, bool attr)
{
    static const char *const common[128] = {['&'] = "&amp;",  ['<'] = "&lt;",    ['>'] = "&gt;",
                                            ['"'] = "&quot;", ['\''] = "&apos;", ['\r'] = "&#13;"};
    static const char *const in_attr[128] = {['\t'] = "&#9;", ['\n'] = "&#10;"};
    if (attr && in_attr[c])
        return in_attr[c];
    return common[c];
}

/* Characters dropped: the controls XML cannot carry or a terminal would obey. */
static bool tw_dropped(uint32_t cp)
{
    if (cp < 0x20)
        return cp != '\t' && cp != '\n' && cp != '\r';
    return (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
}

/* Appends s escaped; *wrote tells whether anything was written. DT_ETOOBIG over the cap. */
static int tw_escape(struct twiml *t, const char *s, bool attr, bool *wrote)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t start = t->buf.len;
    *wrote = false;
    while (*p) {
        uint32_t cp;
        size_t n = tw_utf8_next(p, &cp);
        const char *ent = cp < 0x80 ? tw_entity((unsigned char)cp, attr) : NULL;
        if (ent)
            dt_buf_puts(&t->buf, ent);
        else if (cp == TW_BAD)
            dt_buf_puts(&t->buf, "\xEF\xBF\xBD"); /* U+FFFD for an ill-formed sequence */
        else if (!tw_dropped(cp))
            dt_buf_append(&t->buf, p, n);
        p += n;
        if (t->buf.len > DT_TWIML_MAX_BYTES)
            return tw_fail(t, DT_ETOOBIG, "document over %d bytes", DT_TWIML_MAX_BYTES);
    }
    *wrote = t->buf.len > start;
    return 0;
}

/* ---- public functions ----------------------------------------------------------------------- */

struct twiml *twiml_new(void)
{
    struct twiml *t = xcalloc(1, sizeof *t);
    dt_buf_init(&t->buf);
    dt_buf_puts(&t->buf, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>");
    t->stack[0] = (struct tw_frame){.el = DT_TWIML_RESPONSE};
    t->depth = 1;
    return t;
}

void twiml_free(struct twiml *t)
{
    if (!t)
        return;
    dt_buf_done(&t->buf);
    free(t);
}

/* Ends the innermost start tag before content goes in. */
static void tw_content(struct twiml *t)
{
    struct tw_frame *f = tw_top(t);
    if (f->start_open) {
        dt_buf_putc(&t->buf, '>');
        f->start_open = false;
    }
}

int twiml_set(struct twiml *t, const char *name, const char *value)
{
    char show[40];
    int rc = tw_ready(t);
    if (rc)
        return rc;
    struct tw_frame *f = tw_top(t);
    const struct twiml_elemdef *e = &twiml_elems[f->el];
    if (!name)
        return tw_fail(t, DT_EINVAL, "attribute without a name on <%s>", e->name);
    const struct twiml_attrdef *a = NULL;
    int idx = twiml_spec_attr(f->el, name, &a);
    if (idx < 0)
        return tw_fail(t, DT_EINVAL, "unknown attribute %s on <%s>", tw_show(name, show), e->name);
    if (!f->start_open)
        return tw_fail(t, DT_ESTATE, "attribute %s after the content of <%s>", name, e->name);
    if (!value)
        return 0;
    if (f->attrs_set & (UINT64_C(1) << idx))
        return tw_fail(t, DT_EINVAL, "attribute %s given twice on <%s>", name, e->name);
    const char *want = twiml_spec_check(a, value);
    if (want)
        return tw_fail(t, DT_EINVAL, "attribute %s on <%s> must be %s", name, e->name, want);
    f->attrs_set |= UINT64_C(1) << idx;
    dt_buf_printf(&t->buf, " %s=\"", name);
    bool wrote;
    rc = tw_escape(t, value, true, &wrote);
    if (rc)
        return rc;
    dt_buf_putc(&t->buf, '"');
    return 0;
}

int twiml_set_int(struct twiml *t, const char *name, long value)
{
    char num[32];
    snprintf(num, sizeof num, "%ld", value);
    return twiml_set(t, name, num);
}

/* Checks that element el may go into the innermost open element now. */
static int tw_check_child(struct twiml *t, enum twiml_el el)
{
    const struct tw_frame *f = tw_top(t);
    const struct twiml_elemdef *p = &twiml_elems[f->el], *c = &twiml_elems[el];
    if (!(p->children & DT_TWIML_BIT(el)))
        return tw_fail(t, DT_EINVAL, "<%s> is not allowed in <%s>", c->name, p->name);
    if (f->has_text)
        return tw_fail(t, DT_EINVAL, "<%s> already has text, it cannot also hold <%s>", p->name,
                       c->name);
    if (f->solo_child || ((c->flags & DT_TWIML_F_SOLO) && f->nchildren > 0))
        return tw_fail(t, DT_EINVAL, "<%s> holds one <Conference> or <Queue> and nothing else",
                       p->name);
    if (p->max_children && f->nchildren >= p->max_children)
        return tw_fail(t, DT_EINVAL, "<%s> holds at most %u elements", p->name, p->max_children);
    if (t->depth >= TW_MAX_DEPTH)
        return tw_fail(t, DT_EINVAL, "elements nested too deeply");
    return 0;
}

int twiml_open(struct twiml *t, const char *element, const struct twiml_attr *attrs)
{
    char show[40];
    int rc = tw_ready(t);
    if (rc)
        return rc;
    int el = element ? twiml_spec_element(element) : -1;
    if (el < 0)
        return tw_fail(t, DT_EINVAL, "unknown element <%s>",
                       element ? tw_show(element, show) : "(null)");
    rc = tw_check_child(t, (enum twiml_el)el);
    if (rc)
        return rc;
    tw_content(t);
    struct tw_frame *parent = tw_top(t);
    parent->nchildren++;
    parent->solo_child = parent->solo_child || (twiml_elems[el].flags & DT_TWIML_F_SOLO);
    t->stack[t->depth++] = (struct tw_frame){.el = (enum twiml_el)el, .start_open = true};
    dt_buf_printf(&t->buf, "<%s", twiml_elems[el].name);
    for (; attrs && attrs->name; attrs++)
        if ((rc = twiml_set(t, attrs->name, attrs->value)) != 0)
            return rc;
    return t->buf.len > DT_TWIML_MAX_BYTES
               ? tw_fail(t, DT_ETOOBIG, "document over %d bytes", DT_TWIML_MAX_BYTES)
               : 0;
}

int twiml_text(struct twiml *t, const char *text)
{
    int rc = tw_ready(t);
    if (rc)
        return rc;
    struct tw_frame *f = tw_top(t);
    const struct twiml_elemdef *e = &twiml_elems[f->el];
    if (!text)
        return tw_fail(t, DT_EINVAL, "NULL text for <%s>", e->name);
    if (!(e->flags & DT_TWIML_F_TEXT))
        return tw_fail(t, DT_EINVAL, "<%s> takes no text", e->name);
    if (f->nchildren > 0)
        return tw_fail(t, DT_EINVAL, "<%s> already holds elements, it cannot also hold text",
                       e->name);
    tw_content(t);
    bool wrote;
    rc = tw_escape(t, text, false, &wrote);
    f->has_text = f->has_text || wrote;
    return rc;
}

int twiml_close(struct twiml *t)
{
    int rc = tw_ready(t);
    if (rc)
        return rc;
    if (t->depth <= 1)
        return tw_fail(t, DT_ESTATE, "no element open to close");
    struct tw_frame *f = tw_top(t);
    const struct twiml_elemdef *e = &twiml_elems[f->el];
    if ((e->flags & DT_TWIML_F_NEEDS_CONTENT) && !f->has_text && f->nchildren == 0)
        return tw_fail(t, DT_EINVAL, "<%s> needs %s", e->name,
                       e->children ? "text or an element" : "text");
    if (f->start_open)
        dt_buf_puts(&t->buf, "/>");
    else
        dt_buf_printf(&t->buf, "</%s>", e->name);
    t->depth--;
    return t->buf.len > DT_TWIML_MAX_BYTES
               ? tw_fail(t, DT_ETOOBIG, "document over %d bytes", DT_TWIML_MAX_BYTES)
               : 0;
}

int twiml_add(struct twiml *t, const char *element, const char *text,
              const struct twiml_attr *attrs)
{
    int rc = twiml_open(t, element, attrs);
    if (rc == 0 && text)
        rc = twiml_text(t, text);
    return rc ? rc : twiml_close(t);
}

char *twiml_finish(struct twiml *t, char *err, size_t errlen)
{
    static const char end[] = "</Response>";
    if (err && errlen)
        err[0] = '\0';
    if (tw_ready(t) == 0 && t->depth > 1)
        tw_fail(t, DT_ESTATE, "<%s> is not closed", twiml_elems[tw_top(t)->el].name);
    if (t->err == 0 && t->buf.len + sizeof end - 1 > DT_TWIML_MAX_BYTES)
        tw_fail(t, DT_ETOOBIG, "document over %d bytes", DT_TWIML_MAX_BYTES);
    if (t->err) {
        twiml_error(t, err, errlen);
        return NULL;
    }
    dt_buf_puts(&t->buf, end);
    t->finished = true;
    t->depth = 0;
    return dt_buf_take(&t->buf);
}

int twiml_error(const struct twiml *t, char *err, size_t errlen)
{
    if (err && errlen)
        dt_strlcpy(err, t->err ? t->errmsg : "", errlen);
    return t->err;
}

/* ---- typed helpers -------------------------------------------------------------------------- */

int twiml_say(struct twiml *t, const char *text, const char *voice, const char *language)
{
    const struct twiml_attr attrs[] = {{"voice", voice}, {"language", language}, {.name = NULL}};
    return twiml_add(t, "Say", text, attrs);
}

int twiml_play(struct twiml *t, const char *url, int loop)
{
    if (!url)
        return tw_ready(t) ? t->err : tw_fail(t, DT_EINVAL, "<Play> needs a URL");
    int rc = twiml_open(t, "Play", NULL);
    if (rc == 0 && loop >= 0)
        rc = twiml_set_int(t, "loop", loop);
    if (rc == 0)
        rc = twiml_text(t, url);
    return rc ? rc : twiml_close(t);
}

int twiml_pause(struct twiml *t, int seconds)
{
    if (seconds < 0)
        return tw_ready(t) ? t->err : tw_fail(t, DT_EINVAL, "<Pause> length below zero");
    int rc = twiml_open(t, "Pause", NULL);
    if (rc == 0)
        rc = twiml_set_int(t, "length", seconds);
    return rc ? rc : twiml_close(t);
}

int twiml_enqueue(struct twiml *t, const char *queue, const char *wait_url, const char *action)
{
    const struct twiml_attr attrs[] = {{"waitUrl", wait_url}, {"action", action}, {.name = NULL}};
    return twiml_add(t, "Enqueue", queue, attrs);
}

int twiml_leave(struct twiml *t)
{
    return twiml_add(t, "Leave", NULL, NULL);
}

int twiml_hangup(struct twiml *t)
{
    return twiml_add(t, "Hangup", NULL, NULL);
}

int twiml_redirect(struct twiml *t, const char *url, const char *method)
{
    const struct twiml_attr attrs[] = {{"method", method}, {.name = NULL}};
    return twiml_add(t, "Redirect", url, attrs);
}

int twiml_dial_conference(struct twiml *t, const char *room, const struct twiml_attr *dial_attrs,
                          const struct twiml_attr *conf_attrs)
{
    int rc = twiml_open(t, "Dial", dial_attrs);
    if (rc == 0)
        rc = twiml_add(t, "Conference", room, conf_attrs);
    return rc ? rc : twiml_close(t);
}

int twiml_gather_say(struct twiml *t, const char *prompt, const struct twiml_attr *attrs)
{
    int rc = twiml_open(t, "Gather", attrs);
    if (rc == 0 && prompt)
        rc = twiml_say(t, prompt, NULL, NULL);
    return rc ? rc : twiml_close(t);
}

int twiml_record(struct twiml *t, const struct twiml_attr *attrs)
{
    return twiml_add(t, "Record", NULL, attrs);
}

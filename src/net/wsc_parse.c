/*
 * wsc_parse: checks and copies what a websocket client connects to: the ws:// URL, the
 * subprotocol and the extra request headers. See wsc_int.h.
 */
#include "wsc_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HOST_MAX  253
#define PATH_MAX_ 2048
#define NAME_MAX_ 64

/* Headers lws writes for the handshake itself. */
static const char *const reserved[] = {
    "host", "upgrade", "connection", "origin", "content-length", "transfer-encoding",
};

static int is_token_char(int c)
{
    return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_token(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!is_token_char((unsigned char)s[i]))
            return 0;
    return 1;
}

static int span_all(const char *s, size_t n, const char *extra, int hexonly)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int ok = hexonly ? isxdigit(c) : isalnum(c);
        if (!ok && !strchr(extra, c))
            return 0;
    }
    return 1;
}

/* Host (name, IPv4 or [IPv6]) and port; *rest is what follows. */
static int parse_authority(struct wsc_target *t, const char *p, const char **rest, char *err,
                           size_t errlen)
{
    const char *hs = p, *he;
    int v6 = *p == '[';
    if (v6) {
        hs = p + 1;
        he = strchr(hs, ']');
        if (!he || !span_all(hs, (size_t)(he - hs), ":.", 1))
            return dt_seterr(err, errlen, DT_EINVAL, "bad IPv6 address in URL");
        p = he + 1;
    } else {
        p += strcspn(p, ":/?#");
        he = p;
        if (!span_all(hs, (size_t)(he - hs), ".-_", 0))
            return dt_seterr(err, errlen, DT_EINVAL, "bad host name in URL");
    }
    if (he == hs || he - hs > HOST_MAX)
        return dt_seterr(err, errlen, DT_EINVAL, "URL without a usable host");
    t->host = xstrndup(hs, (size_t)(he - hs));
    t->port = 80;
    if (*p == ':') {
        p++;
        size_t nd = strspn(p, "0123456789");
        long port = nd >= 1 && nd <= 5 ? strtol(p, NULL, 10) : 0;
        if (port < 1 || port > 65535)
            return dt_seterr(err, errlen, DT_EINVAL, "bad port in URL");
        t->port = (int)port;
        p += nd;
    }
    t->hosthdr = xasprintf(v6 ? "[%s]:%d" : "%s:%d", t->host, t->port);
    *rest = p;
    return DT_OK;
}

static int parse_path(struct wsc_target *t, const char *p, char *err, size_t errlen)
{
    if (*p != '\0' && *p != '/' && *p != '?')
        return dt_seterr(err, errlen, DT_EINVAL, "bad character after the host in URL");
    size_t n = strlen(p);
    if (n > PATH_MAX_)
        return dt_seterr(err, errlen, DT_EINVAL, "URL path too long");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        if (c <= 0x20 || c >= 0x7f || c == '#')
            return dt_seterr(err, errlen, DT_EINVAL,
                             "URL path with a space, control, fragment or non-ASCII character");
    }
    t->path = xasprintf("%s%s", *p == '/' ? "" : "/", p);
    return DT_OK;
}

static int is_reserved(const char *name)
{
    if (strncasecmp(name, "sec-websocket-", 14) == 0)
        return 1;
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (strcasecmp(name, reserved[i]) == 0)
            return 1;
    return 0;
}

static int copy_headers(struct wsc_target *t, const struct wsc_header *h, size_t n, char *err,
                        size_t errlen)
{
    if (n > WSC_MAX_HEADERS)
        return dt_seterr(err, errlen, DT_EINVAL, "more than %d headers", WSC_MAX_HEADERS);
    size_t total = 0;
    t->headers = n ? xcalloc(n, sizeof *t->headers) : NULL;
    for (size_t i = 0; i < n; i++) {
        if (!h[i].name || !h[i].value || !is_token(h[i].name, NAME_MAX_) || is_reserved(h[i].name))
            return dt_seterr(err, errlen, DT_EINVAL, "bad or reserved header name");
        if (strpbrk(h[i].value, "\r\n"))
            return dt_seterr(err, errlen, DT_EINVAL, "header %s: CR or LF in value", h[i].name);
        total += strlen(h[i].name) + strlen(h[i].value) + 4;
        if (total > WSC_MAX_HEADER_BYTES)
            return dt_seterr(err, errlen, DT_EINVAL, "headers longer than %d bytes",
                             WSC_MAX_HEADER_BYTES);
        char *name = xasprintf("%s:", h[i].name);
        for (char *q = name; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        t->headers[i].name = name;
        t->headers[i].value = xstrdup(h[i].value);
        t->nheaders = i + 1;
    }
    return DT_OK;
}

int wsc_target_init(struct wsc_target *t, const char *url, const char *subprotocol,
                    const struct wsc_header *headers, size_t nheaders, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    const char *rest = NULL;
    int rc;
    if (!url || strncasecmp(url, "ws://", 5) != 0)
        rc = dt_seterr(err, errlen, DT_EINVAL, "only ws:// URLs are supported");
    else if ((rc = parse_authority(t, url + 5, &rest, err, errlen)) == DT_OK &&
             (rc = parse_path(t, rest, err, errlen)) == DT_OK &&
             (rc = copy_headers(t, headers, nheaders, err, errlen)) == DT_OK && subprotocol &&
             !is_token(subprotocol, NAME_MAX_))
        rc = dt_seterr(err, errlen, DT_EINVAL, "bad subprotocol name");
    if (rc != DT_OK) {
        wsc_target_done(t);
        return rc;
    }
    t->subprotocol = subprotocol ? xstrdup(subprotocol) : NULL;
    return DT_OK;
}

void wsc_target_done(struct wsc_target *t)
{
    free(t->host);
    free(t->path);
    free(t->hosthdr);
    free(t->subprotocol);
    for (size_t i = 0; i < t->nheaders; i++) {
        free(t->headers[i].name);
        free(t->headers[i].value);
    }
    free(t->headers);
    memset(t, 0, sizeof *t);
}

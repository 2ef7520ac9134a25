/*
 * wsc_int: the websocket client's connection target, checked and copied from its options by
 * wsc_parse.c and used by wsc.c. Not for use outside src/net.
 */
#ifndef DIALTONE_WSC_INT_H
#define DIALTONE_WSC_INT_H

#include "dialtone/wsc.h"
#include "ws_int.h"

struct wsc_target_header {
    char *name; /* lower case with its colon, "authorization:", as lws writes it */
    char *value;
};

struct wsc_target {
    char *host;    /* "example.com", "127.0.0.1", "::1" */
    int port;      /* 80 when the URL gives none */
    char *path;    /* "/api/v1/events?after_seq=3": always begins with '/' */
    char *hosthdr; /* the Host header: "example.com:8080", "[::1]:8080" */
    char *subprotocol;
    struct wsc_target_header *headers;
    size_t nheaders;
};

/*
 * Parses url (ws:// only) and copies the subprotocol and headers. Returns 0, or DT_EINVAL with
 * err filled (and nothing to free) for a bad URL, subprotocol or header, or too many or too
 * long headers.
 */
int wsc_target_init(struct wsc_target *t, const char *url, const char *subprotocol,
                    const struct wsc_header *headers, size_t nheaders, char *err, size_t errlen);

/* Frees what wsc_target_init copied. */
void wsc_target_done(struct wsc_target *t);

#endif

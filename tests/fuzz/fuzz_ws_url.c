/*
 * fuzz_ws_url: the websocket client's checks on what it connects to. The first line is a URL,
 * each further line a "name:value" header. wsc_target_init must refuse cleanly (with a message)
 * or give a target that is safe to put on the wire: a host, a port in range, a path that
 * begins with '/' and holds only visible ASCII, header names as lws wants them and values
 * without CR or LF. The same bytes also go through the UTF-8 check and the close-frame reader,
 * whose reason must come out as clean, short UTF-8. abort() on any breach.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/util.h"
#include "net/wsc_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LINES 24

static void check_target(const struct wsc_target *t)
{
    if (!t->host || !t->host[0] || t->port < 1 || t->port > 65535 || !t->path ||
        t->path[0] != '/' || !t->hosthdr || !strstr(t->hosthdr, t->host))
        abort();
    for (const char *p = t->path; *p; p++)
        if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '#')
            abort();
    for (size_t i = 0; i < t->nheaders; i++) {
        const char *n = t->headers[i].name;
        size_t nl = strlen(n);
        if (nl < 2 || n[nl - 1] != ':' || strpbrk(t->headers[i].value, "\r\n"))
            abort();
        for (size_t k = 0; k + 1 < nl; k++)
            if (n[k] >= 'A' && n[k] <= 'Z')
                abort();
    }
}

static void check_close_frame(const uint8_t *data, size_t size)
{
    struct ws_close c;
    ws_close_from_frame(&c, data, size);
    size_t n = strlen(c.reason);
    if (n > WS_REASON_MAX || !ws_utf8_valid(c.reason, n))
        abort();
    if (size < 2 && c.code != 1005)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ws_utf8_valid(data, size);
    check_close_frame(data, size);

    char *text = xstrndup((const char *)data, size); /* stops at a NUL, like a C string */
    char *lines[MAX_LINES];
    size_t nlines = 0;
    for (char *p = text; p && nlines < MAX_LINES;) {
        lines[nlines++] = p;
        p = strchr(p, '\n');
        if (p)
            *p++ = '\0';
    }
    struct wsc_header h[MAX_LINES];
    size_t nh = 0;
    for (size_t i = 1; i < nlines; i++) {
        char *colon = strchr(lines[i], ':');
        if (!colon)
            continue;
        *colon = '\0';
        h[nh++] = (struct wsc_header){.name = lines[i], .value = colon + 1};
    }
    struct wsc_target t;
    char err[256] = "";
    int rc =
        wsc_target_init(&t, lines[0], nh % 3 ? "dialtone-events.v1" : NULL, h, nh, err, sizeof err);
    if (rc == DT_OK) {
        check_target(&t);
        wsc_target_done(&t);
    } else if (rc != DT_EINVAL || !err[0]) {
        abort();
    }
    free(text);
    return 0;
}

/*
 * fuzz_console_url: client_url_parse on arbitrary bytes. A URL it takes gives an http:// base,
 * a ws:// URL ending in the events path and a HOST[:PORT] that agree with each other, with
 * printable ASCII only and no '?', '#', '@' or '\\'; parsing the base again gives the same
 * parts. A URL it refuses leaves nothing allocated (abort() otherwise).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "console/client.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f || strchr("?#@\\", *s))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = xmalloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char err[256];
    struct client_url u, again;
    if (client_url_parse(s, &u, err, sizeof err) != DT_OK) {
        if (u.base || u.ws_url || u.hostport || err[0] == '\0')
            abort();
        free(s);
        return 0;
    }
    check_text(u.base);
    check_text(u.ws_url);
    check_text(u.hostport);
    size_t hl = strlen(u.hostport), wl = strlen(u.ws_url), ev = strlen("/api/v1/events");
    if (hl == 0 || strncmp(u.base, "http://", 7) != 0 || strncmp(u.base + 7, u.hostport, hl) ||
        strncmp(u.ws_url, "ws://", 5) != 0 || strncmp(u.ws_url + 5, u.hostport, hl) || wl < ev ||
        strcmp(u.ws_url + wl - ev, "/api/v1/events") != 0 ||
        strncmp(u.ws_url + 5, u.base + 7, strlen(u.base + 7)) != 0 ||
        u.base[strlen(u.base) - 1] == '/')
        abort();
    if (client_url_parse(u.base, &again, err, sizeof err) != DT_OK || strcmp(again.base, u.base) ||
        strcmp(again.ws_url, u.ws_url) || strcmp(again.hostport, u.hostport))
        abort();
    client_url_done(&again);
    client_url_done(&u);
    free(s);
    return 0;
}

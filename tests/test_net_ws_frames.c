/* Websocket framing tests through a raw client: fragmented messages reassembled (with a
 * ping between fragments and a character cut across two), messages over the cap (whole,
 * fragmented, or announced by a lying frame header) closed with 1009, text that is not UTF-8
 * closed with 1007; and the shared internals: UTF-8 checks, bounded queues of shared messages,
 * close frames read and reasons cut. */
#include "check.h"
#include "net/ws_int.h"
#include "ws_fixture.h"

/* ---- raw frames: fragments, caps, UTF-8 --------------------------------------------------- */

struct raw_frames {
    int port;
    int (*send)(struct raw_ws *r, struct raw_frames *x);
    int status;
    int close_code; /* from the server's close frame, or -1 */
    int pongs;
    int eof;
};

static void raw_frames_run(void *arg)
{
    struct raw_frames *x = arg;
    struct raw_ws r;
    x->close_code = -1;
    x->status = raw_ws_open(&r, x->port, "/events", "Authorization: Bearer good\r\n");
    if (x->status == 101 && x->send(&r, x) == 0) {
        struct dt_buf p;
        dt_buf_init(&p);
        int op, fin, rc;
        while ((rc = raw_ws_read(&r, 3000, &op, &fin, &p)) == 1) {
            if (op == RAW_WS_PONG)
                x->pongs++;
            if (op == RAW_WS_CLOSE) {
                x->close_code = raw_ws_close_code(&p);
                raw_ws_send(r.fd, RAW_WS_CLOSE, 1, p.data, p.len);
            }
        }
        x->eof = rc == 0;
        dt_buf_done(&p);
    }
    raw_ws_close(&r);
}

static void raw_frames(struct wsfx *fx, struct raw_frames *x,
                       int (*send)(struct raw_ws *r, struct raw_frames *x))
{
    memset(x, 0, sizeof *x);
    x->port = fx->port;
    x->send = send;
    CHECK(net_run_client(fx->loop, raw_frames_run, x, 15000));
    CHECK_INT(x->status, 101);
}

static int send_fragments(struct raw_ws *r, struct raw_frames *x)
{
    static const unsigned char frame[] = {0x01, 0x83, 0, 0, 0, 0, 'H', 'e', 'l'};
    int fd = r->fd;
    /* the first frame a byte at a time, its header included */
    for (size_t i = 0; i < sizeof frame; i++) {
        if (raw_send(fd, frame + i, 1) != 0)
            return -1;
        usleep(2000);
    }
    /* control frames may come between fragments: a ping is answered at once */
    if (raw_ws_send(fd, RAW_WS_PING, 1, "p", 1) != 0)
        return -1;
    struct dt_buf p;
    dt_buf_init(&p);
    int op = -1, fin;
    int rc = raw_ws_read(r, 3000, &op, &fin, &p);
    if (rc == 1 && op == RAW_WS_PONG && p.len == 1 && p.data[0] == 'p')
        x->pongs++;
    dt_buf_done(&p);
    return raw_ws_send(fd, RAW_WS_CONT, 0, "lo, w\xc3", 6) || /* a character cut in two */
           raw_ws_send(fd, RAW_WS_CONT, 0, "", 0) ||
           raw_ws_send(fd, RAW_WS_CONT, 1, "\xb6rld", 4) ||
           raw_ws_send(fd, RAW_WS_TEXT, 1, "next", 4) ||
           raw_ws_send(fd, RAW_WS_CLOSE, 1, "\x03\xe8", 2);
}

TEST(fragmented_messages_are_reassembled)
{
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct raw_frames x;
    raw_frames(&fx, &x, send_fragments);
    CHECK_INT(x.pongs, 1);
    CHECK_INT(x.close_code, 1000);
    CHECK_INT(fx.msgs.n, 2);
    if (fx.msgs.n == 2) {
        CHECK_STR(fx.msgs.data[0], "Hello, w\xc3\xb6rld");
        CHECK_STR(fx.msgs.data[1], "next");
    }
    CHECK(run_until_ge(&fx, &fx.closes, 1, 5000));
    CHECK_INT(fx.close_code, 1000);
    wsfx_done(&fx);
}

static int send_oversize(struct raw_ws *r, struct raw_frames *x)
{
    int fd = r->fd;
    (void)x;
    char *big = xmalloc(70 * 1024);
    memset(big, 'x', 70 * 1024);
    int rc = raw_ws_send(fd, RAW_WS_TEXT, 1, big, 70 * 1024);
    free(big);
    return rc;
}

static int send_oversize_in_fragments(struct raw_ws *r, struct raw_frames *x)
{
    int fd = r->fd;
    (void)x;
    char *part = xmalloc(30 * 1024);
    memset(part, 'y', 30 * 1024);
    int rc = raw_ws_send(fd, RAW_WS_TEXT, 0, part, 30 * 1024) ||
             raw_ws_send(fd, RAW_WS_CONT, 0, part, 30 * 1024) ||
             raw_ws_send(fd, RAW_WS_CONT, 1, part, 30 * 1024);
    free(part);
    return rc;
}

static int send_huge_announcement(struct raw_ws *r, struct raw_frames *x)
{
    int fd = r->fd;
    (void)x;
    unsigned char h[14];
    size_t n = raw_ws_header(h, RAW_WS_BINARY, 1, (uint64_t)1 << 30);
    return raw_send(fd, h, n) || raw_send(fd, "0123456789", 10);
}

static int send_bad_utf8(struct raw_ws *r, struct raw_frames *x)
{
    int fd = r->fd;
    (void)x;
    return raw_ws_send(fd, RAW_WS_TEXT, 1, "ok \xc0\xaf overlong", 14);
}

TEST(oversize_and_bad_messages_close_the_client)
{
    static const struct {
        int (*send)(struct raw_ws *r, struct raw_frames *x);
        int code;
    } cases[] = {
        {.send = send_oversize, .code = WSD_CLOSE_TOO_BIG},
        {.send = send_oversize_in_fragments, .code = WSD_CLOSE_TOO_BIG},
        {.send = send_huge_announcement, .code = WSD_CLOSE_TOO_BIG},
        {.send = send_bad_utf8, .code = WSD_CLOSE_BAD_DATA},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct wsfx fx;
        CHECK_INT(wsfx_init(&fx, NULL), 0);
        struct raw_frames x;
        raw_frames(&fx, &x, cases[i].send);
        CHECK_INT(x.close_code, cases[i].code);
        CHECK_INT(x.eof, 1);
        CHECK_INT(fx.msgs.n, 0);
        CHECK(run_until_ge(&fx, &fx.closes, 1, 5000));
        CHECK_INT(fx.close_code, cases[i].code);
        CHECK_INT(wsd_client_count(fx.s), 0);
        wsfx_done(&fx);
    }
}

/* ---- internals ---------------------------------------------------------------------------- */

TEST(utf8_checks)
{
    static const struct {
        const char *s;
        int ok;
    } cases[] = {
        {"", 1},
        {"plain", 1},
        {"\xc3\xa9\xe2\x98\x8e\xf0\x9f\x98\x80", 1},
        {"\xf4\x8f\xbf\xbf", 1},     /* U+10FFFF */
        {"\xc0\xaf", 0},             /* overlong '/' */
        {"\xe0\x80\xaf", 0},         /* overlong, 3 bytes */
        {"\xed\xa0\x80", 0},         /* surrogate */
        {"\xf4\x90\x80\x80", 0},     /* past U+10FFFF */
        {"\x80", 0},                 /* lone continuation */
        {"\xe2\x98", 0},             /* cut short */
        {"\xf0\x9f\x98\x80\xff", 0}, /* 0xFF never appears */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK_INT(ws_utf8_valid(cases[i].s, strlen(cases[i].s)), cases[i].ok);
}

TEST(queue_bounds_and_shared_messages)
{
    struct ws_queue q;
    ws_queue_init(&q, 3, 10);
    struct ws_msg *a = ws_msg_new("abcd", 4);
    CHECK(ws_queue_fits(&q, 4));
    ws_queue_push(&q, a);
    ws_queue_push(&q, a);
    CHECK_INT(a->refs, 3);
    CHECK(!ws_queue_fits(&q, 3)); /* 8 + 3 > 10 bytes */
    CHECK(ws_queue_fits(&q, 2));
    ws_queue_push(&q, a);
    CHECK_INT(q.bytes, 12);       /* pushed past the check on purpose: counted exactly */
    CHECK(!ws_queue_fits(&q, 0)); /* 3 messages */
    CHECK(!ws_queue_fits(&q, 11));
    struct ws_msg *m = ws_queue_pop(&q);
    CHECK(m == a);
    ws_msg_unref(m);
    ws_queue_clear(&q);
    CHECK_INT(q.n, 0);
    CHECK_INT(q.bytes, 0);
    CHECK_INT(a->refs, 1);
    ws_queue_done(&q);
    /* wrap around the ring, growing it */
    ws_queue_init(&q, 100, 1000);
    char txt[16];
    for (int i = 0; i < 40; i++) {
        snprintf(txt, sizeof txt, "%d", i);
        struct ws_msg *k = ws_msg_new(txt, strlen(txt));
        ws_queue_push(&q, k);
        ws_msg_unref(k);
        if (i % 3 == 0)
            ws_msg_unref(ws_queue_pop(&q));
    }
    m = ws_queue_pop(&q);
    CHECK_STR((const char *)m->data + LWS_PRE, "14"); /* 0..13: 14 popped on the way */
    ws_msg_unref(m);
    ws_queue_done(&q);
    ws_msg_unref(a);
}

TEST(close_frames_read_and_cut)
{
    struct ws_close c;
    ws_close_from_frame(&c, "\x0f\xa0gone", 6);
    CHECK_INT(c.code, 4000);
    CHECK_STR(c.reason, "gone");
    ws_close_from_frame(&c, "", 0);
    CHECK_INT(c.code, 1005);
    ws_close_from_frame(&c, "\x03\xe8\xff\xfe", 4); /* not UTF-8: dropped */
    CHECK_INT(c.code, 1000);
    CHECK_STR(c.reason, "");
    char longr[300];
    memset(longr, 'a', sizeof longr);
    memcpy(longr + 122, "\xe2\x98\x8e", 3); /* a character across byte 123 */
    longr[299] = '\0';
    ws_close_set(&c, 1000, longr);
    CHECK_INT(strlen(c.reason), 122);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    RUN(fragmented_messages_are_reassembled);
    RUN(oversize_and_bad_messages_close_the_client);
    RUN(utf8_checks);
    RUN(queue_bounds_and_shared_messages);
    RUN(close_frames_read_and_cut);
    return check_done();
}

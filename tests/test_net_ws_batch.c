/* Websocket tests of the server writing a client's queued messages together: messages of every
 * frame-length class (empty, 125 and 126 bytes, 64 KiB either side, more than one write's
 * worth) queued at once arrive whole, in order and unchanged, and so do many short ones
 * queued between two runs of the loop. */
#include "check.h"
#include "ws_fixture.h"

#define N_SHORT 500

static char *filled(size_t len, unsigned seed)
{
    char *p = xmalloc(len + 1);
    for (size_t i = 0; i < len; i++)
        p[i] = (char)('a' + (i * 7 + seed) % 26);
    p[len] = '\0';
    return p;
}

TEST(queued_messages_of_every_length_arrive_whole_and_in_order)
{
    static const size_t sizes[] = {0, 1, 125, 126, 127, 1000, 65535, 65536, 70000, 200000, 3};
    enum { N = sizeof sizes / sizeof sizes[0] };
    struct wsfx fx;
    CHECK_INT(wsfx_init(&fx, NULL), 0);
    struct cli r;
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    CHECK(run_until_ge(&fx, &r.opened, 1, 5000));
    char *msgs[N];
    for (int i = 0; i < N; i++) {
        msgs[i] = filled(sizes[i], (unsigned)i);
        if (fx.clients[0])
            CHECK_INT(wsd_send(fx.clients[0], msgs[i], sizes[i]), 0);
    }
    CHECK(run_until_ge(&fx, &r.msgs.n, N, 10000));
    CHECK_INT(r.msgs.n, N);
    for (int i = 0; i < N && i < r.msgs.n; i++) {
        CHECK_INT(r.msgs.len[i], sizes[i]);
        CHECK(r.msgs.len[i] == sizes[i] && memcmp(r.msgs.data[i], msgs[i], sizes[i]) == 0);
    }
    for (int i = 0; i < N; i++)
        free(msgs[i]);
    cli_done(&r);
    wsfx_done(&fx);
}

TEST(many_short_messages_queued_together)
{
    struct wsfx fx;
    struct wsd_options o;
    memset(&fx, 0, sizeof fx);
    o = wsfx_options(&fx);
    o.queue_msgs = 2 * N_SHORT;
    CHECK_INT(wsfx_init(&fx, &o), 0);
    struct cli r;
    CHECK_INT(cli_connect(&fx, &r, NULL, NULL), 0);
    CHECK(run_until_ge(&fx, &fx.opens, 1, 5000));
    CHECK(run_until_ge(&fx, &r.opened, 1, 5000));
    char m[32];
    for (int i = 0; i < N_SHORT && fx.clients[0]; i++) {
        snprintf(m, sizeof m, "event %d", i);
        CHECK_INT(wsd_send(fx.clients[0], m, strlen(m)), 0);
    }
    CHECK(run_until_ge(&fx, &r.msgs.n, N_SHORT, 10000));
    CHECK_INT(r.msgs.n, N_SHORT);
    int ordered = r.msgs.n == N_SHORT;
    for (int i = 0; ordered && i < N_SHORT; i++) {
        snprintf(m, sizeof m, "event %d", i);
        ordered = strcmp(r.msgs.data[i], m) == 0;
    }
    CHECK(ordered);
    cli_done(&r);
    wsfx_done(&fx);
}

int main(void)
{
    RUN(queued_messages_of_every_length_arrive_whole_and_in_order);
    RUN(many_short_messages_queued_together);
    return check_done();
}

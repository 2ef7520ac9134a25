/*
 * sim_bench: how much `dialtone sim` sustains. Starts the emulator (the binary named on the
 * command line) on a free loopback port with this program as its webhook receiver, then
 * creates CALLS outbound calls through the REST API whose TwiML is one long <Pause>, so that
 * they all stay in progress at once. Reports the REST call set-ups per second, how long the
 * emulator took to bring every call to in-progress (calls answered per second), the resident
 * memory of the emulator's process before and with every call live, per call, and against the
 * aim of 1,000 concurrent calls under 50 MB. Figures only: no pass or fail on timing.
 *
 *   sim_bench DIALTONE_BINARY [CALLS]    (run by `make bench`)
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "bench_util.h"
#include "dialtone/httpd.h"
#include "dialtone/netloop.h"
#include "dialtone/util.h"

#define BENCH_ACCOUNT "AC0123456789abcdef0123456789abcdef"
#define BENCH_TOKEN   "bench-auth-token"
#define BENCH_AIM_MB  50.0
#define BENCH_AIM_N   1000

static struct {
    struct netloop *loop;
    struct httpd *httpd;
    pthread_t thread;
    char recv_url[64];
    pid_t child;
    int port;
    unsigned long fetches;
    pthread_mutex_t mu;
    CURL *curl;
} b;

static const char *const bench_twiml = "<Response><Pause length=\"36000\"/></Response>";

static void on_hook(struct httpd_req *req, void *user)
{
    (void)user;
    pthread_mutex_lock(&b.mu);
    b.fetches++;
    pthread_mutex_unlock(&b.mu);
    httpd_respond_str(req, 200, "text/xml", bench_twiml);
}

static const struct httpd_route routes[] = {{.path = "/", .prefix = 1, .fn = on_hook}};

static void *loop_main(void *arg)
{
    (void)arg;
    netloop_run(b.loop);
    httpd_free(b.httpd);
    netloop_free(b.loop);
    return NULL;
}

static double now_s(void)
{
    return (double)now_ns() / 1e9;
}

static size_t write_cb(char *p, size_t sz, size_t n, void *user)
{
    dt_buf_append(user, p, sz * n);
    return sz * n;
}

/* One request on the kept-alive handle; returns the HTTP status and the parsed JSON. */
static long request(const char *method, const char *path, const char *body, cJSON **json)
{
    char url[512];
    struct dt_buf out;
    dt_buf_init(&out);
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", b.port, path);
    curl_easy_setopt(b.curl, CURLOPT_URL, url);
    curl_easy_setopt(b.curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(b.curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(b.curl, CURLOPT_POSTFIELDSIZE, body ? (long)strlen(body) : 0L);
    curl_easy_setopt(b.curl, CURLOPT_HTTPGET, body ? 0L : 1L);
    if (!body)
        curl_easy_setopt(b.curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(b.curl, CURLOPT_WRITEDATA, &out);
    long status = 0;
    if (curl_easy_perform(b.curl) == CURLE_OK)
        curl_easy_getinfo(b.curl, CURLINFO_RESPONSE_CODE, &status);
    if (json)
        *json = out.len ? cJSON_ParseWithLength(out.data, out.len) : NULL;
    dt_buf_done(&out);
    return status;
}

static double stat_of(const char *key)
{
    cJSON *j = NULL;
    request("GET", "/sim/stats", NULL, &j);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, key);
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
    cJSON_Delete(j);
    return d;
}

/* Counts the calls the control API lists as in-progress. */
static int in_progress(void)
{
    cJSON *j = NULL;
    request("GET", "/sim/calls", NULL, &j);
    const cJSON *it;
    int n = 0;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(j, "calls"))
    {
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(it, "status");
        n += cJSON_IsString(st) && strcmp(st->valuestring, "in-progress") == 0;
    }
    cJSON_Delete(j);
    return n;
}

static int start_sim(const char *bin, const char *scenario_path)
{
    int out[2];
    if (pipe(out) < 0)
        return -1;
    b.child = fork();
    if (b.child == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM); /* never outlive the benchmark */
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        setenv("BENCH_TOKEN", BENCH_TOKEN, 1);
        execl(bin, bin, "sim", "--port", "0", "--scenario", scenario_path, "--account",
              BENCH_ACCOUNT, "--auth-token-env", "BENCH_TOKEN", "--log-level", "warn",
              (char *)NULL);
        _exit(127);
    }
    close(out[1]);
    char line[256];
    size_t n = 0;
    struct pollfd pfd = {.fd = out[0], .events = POLLIN};
    while (n < sizeof line - 1 && poll(&pfd, 1, 15000) > 0 && read(out[0], line + n, 1) == 1 &&
           line[n] != '\n')
        n++;
    line[n] = '\0';
    close(out[0]);
    const char *p = strstr(line, "127.0.0.1:");
    b.port = p ? atoi(p + 10) : 0;
    return b.port > 0 ? 0 : -1;
}

/* A scenario file with the account's number pointing at the receiver; returns its path. */
static const char *write_scenario(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/dialtone-bench-%d.ini", (int)getpid());
    FILE *f = fopen(path, "w");
    if (!f)
        return NULL;
    fprintf(f,
            "[scenario]\nseed = 1\n\n[number \"+14155550100\"]\nvoice_url = %s/voice\n\n"
            "[endpoint \"+141560*\"]\nanswer = human\nring = 1\n",
            b.recv_url);
    fclose(f);
    return path;
}

static void stop_sim(void)
{
    stop_child(b.child);
    b.child = 0;
}

/* Creates calls [from, to) through REST; returns how many the API accepted (201). */
static int create_calls(int from, int to)
{
    char body[512];
    int created = 0;
    for (int i = from; i < to; i++) {
        snprintf(body, sizeof body,
                 "To=%%2B141560%05d&From=%%2B14155550100&Url=%s%%2Fvoice&Timeout=60", i,
                 b.recv_url);
        /* the receiver URL holds ':' and '/', which a form value may carry as they are */
        if (request("POST", "/2010-04-01/Accounts/" BENCH_ACCOUNT "/Calls.json", body, NULL) == 201)
            created++;
    }
    return created;
}

/* Brings the number of live calls to target, then prints the figures. */
static void stage(int *have, int target, double rss0)
{
    double t0 = now_s();
    int created = create_calls(*have, target);
    double t_create = now_s() - t0;
    *have += created;
    int live = 0;
    double deadline = now_s() + 120;
    while ((live = in_progress()) < *have && now_s() < deadline)
        usleep(100000);
    double t_live = now_s() - t0;
    usleep(300000);
    double rss1 = rss_mb(b.child) * 1048576.0;
    double eng = stat_of("memory_bytes");
    double per_call = live ? (rss1 - rss0) / live : 0;
    printf("\n  %d calls in progress at once (target %d)\n", live, target);
    printf("    created through REST            %6d in %.2f s: %.0f set-ups/s\n", created, t_create,
           created / t_create);
    printf("    all in progress after           %6.2f s (1 s of ringing included)\n", t_live);
    printf("    emulator RSS                    %6.1f MB (%.1f KB per live call over rest)\n",
           rss1 / 1048576, per_call / 1024);
    printf("    engine's own accounting         %6.1f MB (%.2f KB per call)\n", eng / 1048576,
           live ? eng / live / 1024 : 0);
    if (target == BENCH_AIM_N)
        printf("    against the aim                 %6.0f%% of %.0f MB for %d calls\n",
               100 * rss1 / (BENCH_AIM_MB * 1048576), BENCH_AIM_MB, BENCH_AIM_N);
}

static int run(const char *bin, int calls)
{
    const char *scen = write_scenario();
    if (!scen || start_sim(bin, scen) < 0) {
        fprintf(stderr, "sim_bench: cannot start %s\n", bin);
        return 1;
    }
    usleep(200000);
    double rss0 = rss_mb(b.child) * 1048576.0;
    printf("sim_bench: outbound calls through the REST API, each a 10-hour <Pause>\n");
    printf("  emulator RSS at rest              %6.1f MB\n", rss0 / 1048576);
    int have = 0;
    stage(&have, calls, rss0);
    stage(&have, calls * 5, rss0);
    printf("\n  TwiML fetches answered            %6lu\n", b.fetches);
    stop_sim();
    unlink(scen);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sim_bench DIALTONE_BINARY [CALLS]\n");
        return 2;
    }
    int calls = argc > 2 ? atoi(argv[2]) : BENCH_AIM_N;
    if (calls < 1 || calls > 20000)
        calls = BENCH_AIM_N;
    char err[256];
    pthread_mutex_init(&b.mu, NULL);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    b.loop = netloop_new(NULL, err, sizeof err);
    struct httpd_options o = {.iface = "127.0.0.1"};
    b.httpd = b.loop ? httpd_new(b.loop, &o, err, sizeof err) : NULL;
    if (!b.httpd || httpd_add_routes(b.httpd, routes, 1, NULL) < 0) {
        fprintf(stderr, "sim_bench: receiver: %s\n", err);
        return 1;
    }
    snprintf(b.recv_url, sizeof b.recv_url, "http://127.0.0.1:%d", httpd_port(b.httpd));
    pthread_create(&b.thread, NULL, loop_main, NULL);
    b.curl = curl_easy_init();
    curl_easy_setopt(b.curl, CURLOPT_USERPWD, BENCH_ACCOUNT ":" BENCH_TOKEN);
    curl_easy_setopt(b.curl, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(b.curl, CURLOPT_TIMEOUT, 30L);
    struct curl_slist *hdr = curl_slist_append(NULL, "Expect:");
    curl_easy_setopt(b.curl, CURLOPT_HTTPHEADER, hdr);
    int rc = run(argv[1], calls);
    curl_easy_cleanup(b.curl);
    curl_slist_free_all(hdr);
    netloop_stop(b.loop);
    pthread_join(b.thread, NULL);
    curl_global_cleanup();
    return rc;
}

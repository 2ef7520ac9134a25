/*
 * api_http: one request to an in-process daemon's agent API, made with libcurl on a thread
 * while the test's thread runs the loop (net_run_client), with a bearer token and a JSON body
 * or none; the status and the parsed answer. For the tests that run the server in process.
 */
#ifndef DIALTONE_TEST_API_HTTP_H
#define DIALTONE_TEST_API_HTTP_H

#include <stdio.h>

#include <cjson/cJSON.h>
#include <curl/curl.h>

#include "dialtone/netloop.h"
#include "dialtone/util.h"
#include "net_helper.h"

struct api_http_req {
    int port;
    const char *method, *path, *token, *body;
    long status;
    struct dt_buf out;
};

static inline size_t api_http_data(char *p, size_t sz, size_t n, void *user)
{
    dt_buf_append(user, p, sz * n);
    return sz * n;
}

static inline void api_http_run(void *arg)
{
    struct api_http_req *r = arg;
    CURL *c = curl_easy_init();
    char url[512], auth[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", r->port, r->path);
    struct curl_slist *h = NULL;
    if (r->token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", r->token);
        h = curl_slist_append(h, auth);
    }
    h = curl_slist_append(h, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r->method);
    if (r->body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, r->body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, api_http_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r->out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
}

/* Sends method path (with token unless NULL, body unless NULL) to 127.0.0.1:port while loop
 * runs; returns the status (0: no answer) with the parsed JSON answer in *out (NULL when it is
 * none; cJSON_Delete). */
static inline long api_http(struct netloop *loop, int port, const char *method, const char *path,
                            const char *token, const char *body, cJSON **out)
{
    struct api_http_req r = {
        .port = port, .method = method, .path = path, .token = token, .body = body};
    dt_buf_init(&r.out);
    net_run_client(loop, api_http_run, &r, 15000);
    *out = cJSON_Parse(r.out.data ? r.out.data : "");
    dt_buf_done(&r.out);
    return r.status;
}

#endif

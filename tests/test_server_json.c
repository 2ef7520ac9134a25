/*
 * test_server_json: server_json_print gives the bytes cJSON_PrintUnformatted gives, for every
 * kind of value, every byte in strings and keys, integers on both sides of the fast path's
 * bounds, fractions, non-finite numbers, and random trees; and refuses what cJSON refuses.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "check.h"
#include "server/server_int.h"

/* Checks that both printers agree on item; 1 when they did. */
static int same(const cJSON *item)
{
    char *want = cJSON_PrintUnformatted(item);
    size_t len = 0;
    char *got = server_json_print(item, &len);
    int ok = want && got && strcmp(want, got) == 0 && len == strlen(want);
    if (!ok)
        printf("  want %s\n  got  %s\n", want ? want : "(null)", got ? got : "(null)");
    cJSON_free(want);
    free(got);
    return ok;
}

TEST(test_scalars)
{
    cJSON *v[] = {cJSON_CreateNull(),
                  cJSON_CreateTrue(),
                  cJSON_CreateFalse(),
                  cJSON_CreateString(""),
                  cJSON_CreateRaw("{\"raw\":1}"),
                  cJSON_CreateObject(),
                  cJSON_CreateArray()};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        CHECK(same(v[i]));
        cJSON_Delete(v[i]);
    }
}

TEST(test_numbers)
{
    const double nums[] = {0.0,
                           -0.0,
                           1,
                           -1,
                           7,
                           42,
                           INT_MAX,
                           (double)INT_MAX + 1,
                           INT_MIN,
                           (double)INT_MIN - 1,
                           1763700000000.0,
                           -1763700000000.0,
                           999999999999999.0,
                           -999999999999999.0,
                           1e15,
                           -1e15,
                           1e15 + 2,
                           1e16,
                           9007199254740993.0,
                           1e300,
                           -1e300,
                           0.5,
                           -0.25,
                           0.1,
                           1.0 / 3,
                           2.5e-10,
                           123456.789,
                           1e-300,
                           4.9e-324,
                           NAN,
                           INFINITY,
                           -INFINITY};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        cJSON *n = cJSON_CreateNumber(nums[i]);
        if (!same(n))
            CHECK_FAIL_("number %zu (%g) differs", i, nums[i]);
        cJSON_Delete(n);
    }
}

TEST(test_every_byte)
{
    char s[256];
    for (int i = 1; i < 256; i++)
        s[i - 1] = (char)i;
    s[255] = '\0';
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, s, s); /* the key escaped like the value */
    cJSON_AddStringToObject(o, "q\"b\\n\n", "tab\there\r\b\f\x01\x1f\x7f\xc3\xa9 end");
    CHECK(same(o));
    char *got = server_json_print(o, NULL);
    CHECK(got && strstr(got, "\\u0001") && strstr(got, "\\\"") && strstr(got, "\\\\"));
    free(got);
    cJSON_Delete(o);
}

TEST(test_nested)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *call = cJSON_AddObjectToObject(root, "call");
    cJSON_AddStringToObject(call, "sid", "CA0123456789abcdef0123456789abcdef");
    cJSON_AddNumberToObject(call, "created_ms", 1763700000123.0);
    cJSON_AddNullToObject(call, "price");
    cJSON_AddBoolToObject(call, "final", 1);
    cJSON *a = cJSON_AddArrayToObject(root, "events");
    cJSON_AddItemToArray(a, cJSON_CreateNumber(-3));
    cJSON_AddItemToArray(a, cJSON_CreateArray());
    cJSON_AddItemToArray(a, cJSON_CreateObject());
    cJSON_AddItemToArray(a, cJSON_CreateString("x"));
    CHECK(same(root));
    CHECK(same(a)); /* an item inside a tree: itself, not its siblings */
    CHECK(same(cJSON_GetObjectItem(call, "created_ms")));
    cJSON_Delete(root);
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static char *rand_text(char *buf, size_t cap)
{
    size_t n = next_rand() % cap;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)(1 + next_rand() % 255);
    buf[n] = '\0';
    return buf;
}

static cJSON *rand_value(int depth)
{
    char text[24];
    switch (next_rand() % (depth > 4 ? 5 : 7)) {
    case 0:
        return cJSON_CreateNull();
    case 1:
        return cJSON_CreateBool(next_rand() & 1);
    case 2:
        return cJSON_CreateNumber((double)(int64_t)next_rand() /
                                  (double)(1 + next_rand() % 1000000));
    case 3:
        return cJSON_CreateNumber((double)((int64_t)next_rand() >> (next_rand() % 64)));
    case 4:
        return cJSON_CreateString(rand_text(text, sizeof text));
    case 5: {
        cJSON *a = cJSON_CreateArray();
        for (int i = (int)(next_rand() % 5); i > 0; i--)
            cJSON_AddItemToArray(a, rand_value(depth + 1));
        return a;
    }
    default: {
        cJSON *o = cJSON_CreateObject();
        for (int i = (int)(next_rand() % 5); i > 0; i--)
            cJSON_AddItemToObject(o, rand_text(text, sizeof text), rand_value(depth + 1));
        return o;
    }
    }
}

TEST(test_random_trees)
{
    int bad = 0;
    for (int i = 0; i < 2000 && bad < 3; i++) {
        cJSON *v = rand_value(0);
        bad += !same(v);
        cJSON_Delete(v);
    }
    CHECK_INT(bad, 0);
}

TEST(test_refused)
{
    CHECK(server_json_print(NULL, NULL) == NULL);
    cJSON *raw = cJSON_CreateRaw("1");
    free(raw->valuestring);
    raw->valuestring = NULL;
    CHECK(cJSON_PrintUnformatted(raw) == NULL);
    CHECK(server_json_print(raw, NULL) == NULL);
    cJSON *bad = cJSON_CreateObject();
    cJSON_AddItemToObject(bad, "ok", cJSON_CreateNumber(1));
    cJSON_AddItemToObject(bad, "raw", raw);
    CHECK(server_json_print(bad, NULL) == NULL);
    cJSON_Delete(bad);
    cJSON *deep = cJSON_CreateArray(), *in = deep;
    for (int i = 0; i < 1200; i++) {
        cJSON *next = cJSON_CreateArray();
        cJSON_AddItemToArray(in, next);
        in = next;
    }
    CHECK(server_json_print(deep, NULL) == NULL);
    cJSON_Delete(deep);
}

int main(void)
{
    RUN(test_scalars);
    RUN(test_numbers);
    RUN(test_every_byte);
    RUN(test_nested);
    RUN(test_random_trees);
    RUN(test_refused);
    return check_done();
}

/* Tests for form: parsing, escapes, errors and caps, building, encoding, round trips. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/form.h"
#include "dialtone/util.h"

/* Parses a NUL-terminated body; returns form_parse's code. */
static int parse_str(struct form *f, const char *body, char *err, size_t errlen)
{
    return form_parse(f, body, strlen(body), err, errlen);
}

/* 1 when a and b hold the same pairs in the same order. */
static int same_pairs(const struct form *a, const struct form *b)
{
    if (form_count(a) != form_count(b))
        return 0;
    for (size_t i = 0; i < form_count(a); i++)
        if (strcmp(form_at(a, i)->key, form_at(b, i)->key) != 0 ||
            strcmp(form_at(a, i)->value, form_at(b, i)->value) != 0)
            return 0;
    return 1;
}

TEST(parse_keeps_order_and_repeats)
{
    struct form f;
    form_init(&f);
    CHECK_INT(parse_str(&f, "a=1&b=2&a=3", NULL, 0), 0);
    CHECK_INT(form_count(&f), 3);
    CHECK_STR(form_at(&f, 0)->key, "a");
    CHECK_STR(form_at(&f, 1)->key, "b");
    CHECK_STR(form_at(&f, 2)->value, "3");
    CHECK(form_at(&f, 3) == NULL);
    CHECK_STR(form_get(&f, "a"), "1");
    CHECK_STR(form_get(&f, "b"), "2");
    CHECK(form_get(&f, "c") == NULL);
    CHECK(form_get(&f, "A") == NULL);
    form_done(&f);
    CHECK_INT(form_count(&f), 0);
}

TEST(parse_decodes_plus_and_escapes)
{
    struct form f;
    form_init(&f);
    CHECK_INT(
        parse_str(&f, "Caller=%2B14158675309&CallerName=John+Doe&x=%41%62%2b%2B%e2%82%AC", NULL, 0),
        0);
    CHECK_STR(form_get(&f, "Caller"), "+14158675309");
    CHECK_STR(form_get(&f, "CallerName"), "John Doe");
    CHECK_STR(form_get(&f, "x"), "Ab++\xe2\x82\xac");
    CHECK_INT(parse_str(&f, "k%20ey+x=v", NULL, 0), 0);
    CHECK_STR(form_get(&f, "k ey x"), "v");
    form_done(&f);
}

TEST(parse_tolerates_empty_pairs_and_missing_values)
{
    struct form f;
    form_init(&f);
    CHECK_INT(parse_str(&f, "&&a=1&&b=2&", NULL, 0), 0);
    CHECK_INT(form_count(&f), 2);
    CHECK_STR(form_get(&f, "b"), "2");
    CHECK_INT(parse_str(&f, "flag&a=b=c&=v&e=", NULL, 0), 0);
    CHECK_INT(form_count(&f), 4);
    CHECK_STR(form_get(&f, "flag"), "");
    CHECK_STR(form_get(&f, "a"), "b=c");
    CHECK_STR(form_get(&f, ""), "v");
    CHECK_STR(form_get(&f, "e"), "");
    CHECK_INT(form_parse(&f, NULL, 0, NULL, 0), 0);
    CHECK_INT(form_count(&f), 0);
    CHECK_INT(parse_str(&f, "&&&", NULL, 0), 0);
    CHECK_INT(form_count(&f), 0);
    /* Only len bytes are read. */
    CHECK_INT(form_parse(&f, "a=12345", 3, NULL, 0), 0);
    CHECK_STR(form_get(&f, "a"), "1");
    form_done(&f);
}

TEST(parse_rejects_bad_escapes_naming_the_pair)
{
    static const struct {
        const char *body;
        const char *where;
    } bad[] = {
        {.body = "a=%4", .where = "pair 1"},
        {.body = "a=1&b=%G1", .where = "pair 2"},
        {.body = "a=1&&b=2&c=%4g&d=1", .where = "pair 3"},
        {.body = "a=%", .where = "pair 1"},
        {.body = "%zz=1", .where = "pair 1: invalid percent escape in key"},
        {.body = "a=1&b=%00", .where = "pair 2: NUL byte in value"},
        {.body = "a=%%41", .where = "pair 1"},
    };
    struct form f;
    form_init(&f);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "";
        CHECK_INT(parse_str(&f, bad[i].body, err, sizeof err), DT_EINVAL);
        CHECK(strstr(err, bad[i].where) != NULL);
        CHECK_INT(form_count(&f), 0);
    }
    char err[128] = "";
    CHECK_INT(form_parse(&f, "a=1&b=x\0y", 9, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "pair 2: NUL byte in value at byte 7") != NULL);
    form_done(&f);
}

TEST(parse_replaces_and_error_leaves_empty)
{
    struct form f;
    form_init(&f);
    CHECK_INT(parse_str(&f, "a=1&b=2", NULL, 0), 0);
    CHECK_INT(parse_str(&f, "c=3", NULL, 0), 0);
    CHECK_INT(form_count(&f), 1);
    CHECK(form_get(&f, "a") == NULL);
    CHECK_INT(parse_str(&f, "d=4&e=%ZZ", NULL, 0), DT_EINVAL);
    CHECK_INT(form_count(&f), 0);
    CHECK(form_get(&f, "d") == NULL);
    form_done(&f);
}

/* A body of n pairs "k=v&k=v...". */
static char *pairs_body(size_t n)
{
    struct dt_buf b;
    dt_buf_init(&b);
    for (size_t i = 0; i < n; i++)
        dt_buf_puts(&b, i ? "&k=v" : "k=v");
    return dt_buf_take(&b);
}

TEST(parse_caps)
{
    struct form f;
    form_init(&f);
    char err[128];
    char *body = pairs_body(DT_FORM_MAX_PAIRS);
    CHECK_INT(parse_str(&f, body, NULL, 0), 0);
    CHECK_INT(form_count(&f), DT_FORM_MAX_PAIRS);
    free(body);
    body = pairs_body(DT_FORM_MAX_PAIRS + 1);
    CHECK_INT(parse_str(&f, body, err, sizeof err), DT_ETOOBIG);
    CHECK(strstr(err, "pair 513") != NULL);
    free(body);

    /* The body cap counts received bytes. */
    body = xmalloc(DT_FORM_MAX_BODY + 2);
    memset(body, 'a', DT_FORM_MAX_BODY + 1);
    CHECK_INT(form_parse(&f, body, DT_FORM_MAX_BODY + 1, err, sizeof err), DT_ETOOBIG);
    CHECK(strstr(err, "65537 bytes") != NULL);

    /* Key and value caps count decoded bytes. */
    memcpy(body, "v=", 2);
    CHECK_INT(form_parse(&f, body, DT_FORM_MAX_VALUE + 2, NULL, 0), 0);
    CHECK_INT(strlen(form_get(&f, "v")), DT_FORM_MAX_VALUE);
    CHECK_INT(form_parse(&f, body, DT_FORM_MAX_VALUE + 3, err, sizeof err), DT_ETOOBIG);
    CHECK(strstr(err, "pair 1: value") != NULL);
    for (size_t i = 0; i < DT_FORM_MAX_VALUE; i++)
        memcpy(body + 2 + 3 * i, "%41", 3);
    CHECK_INT(form_parse(&f, body, 2 + 3 * DT_FORM_MAX_VALUE, NULL, 0), 0);
    CHECK_INT(strlen(form_get(&f, "v")), DT_FORM_MAX_VALUE);
    memset(body, 'k', DT_FORM_MAX_KEY + 1);
    CHECK_INT(form_parse(&f, body, DT_FORM_MAX_KEY, NULL, 0), 0);
    CHECK_INT(form_parse(&f, body, DT_FORM_MAX_KEY + 1, err, sizeof err), DT_ETOOBIG);
    CHECK(strstr(err, "pair 1: key") != NULL);
    free(body);
    form_done(&f);
}

TEST(add_get_and_caps)
{
    struct form f;
    form_init(&f);
    CHECK_INT(form_add(&f, "To", "+14155550100"), 0);
    CHECK_INT(form_add(&f, "StatusCallbackEvent", "initiated"), 0);
    CHECK_INT(form_add(&f, "StatusCallbackEvent", "answered"), 0);
    CHECK_INT(form_count(&f), 3);
    CHECK_STR(form_get(&f, "StatusCallbackEvent"), "initiated");
    CHECK_STR(form_at(&f, 2)->value, "answered");
    CHECK_INT(form_add(&f, NULL, "x"), DT_EINVAL);
    CHECK_INT(form_add(&f, "x", NULL), DT_EINVAL);
    char *big = xmalloc(DT_FORM_MAX_VALUE + 2);
    memset(big, 'x', DT_FORM_MAX_VALUE + 1);
    big[DT_FORM_MAX_VALUE + 1] = '\0';
    CHECK_INT(form_add(&f, "v", big), DT_ETOOBIG);
    big[DT_FORM_MAX_KEY + 1] = '\0';
    CHECK_INT(form_add(&f, big, "v"), DT_ETOOBIG);
    big[DT_FORM_MAX_KEY] = '\0';
    CHECK_INT(form_add(&f, big, "v"), 0);
    free(big);
    CHECK_INT(form_count(&f), 4);
    while (form_count(&f) < DT_FORM_MAX_PAIRS)
        CHECK_INT(form_add(&f, "k", "v"), 0);
    CHECK_INT(form_add(&f, "k", "v"), DT_ETOOBIG);
    CHECK_INT(form_count(&f), DT_FORM_MAX_PAIRS);
    form_done(&f);
    form_done(NULL);
}

TEST(encode_exact_bytes)
{
    struct form f;
    form_init(&f);
    char *s = form_encode(&f);
    CHECK_STR(s, "");
    free(s);
    form_add(&f, "To", "+1 415 555-0100");
    form_add(&f, "Url", "https://x.example/a?b=c&d=\xc3\xa9");
    form_add(&f, "Empty", "");
    form_add(&f, "Safe", "AZaz09-._~");
    form_add(&f, "Odd", "*'()!/\x7f\x01");
    s = form_encode(&f);
    CHECK_STR(s, "To=%2B1+415+555-0100&Url=https%3A%2F%2Fx.example%2Fa%3Fb%3Dc%26d%3D%C3%A9"
                 "&Empty=&Safe=AZaz09-._~&Odd=%2A%27%28%29%21%2F%7F%01");
    free(s);
    form_done(&f);
}

/* Encodes f, parses the result, checks the pairs came back and a second encoding is equal. */
static void check_round_trip(const struct form *f)
{
    char *enc = form_encode(f);
    for (const char *p = enc; *p; p++)
        CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+%=&",
                     *p) != NULL);
    struct form g;
    form_init(&g);
    char err[128] = "";
    CHECK_INT(parse_str(&g, enc, err, sizeof err), 0);
    CHECK(same_pairs(f, &g));
    char *enc2 = form_encode(&g);
    CHECK_STR(enc2, enc);
    free(enc2);
    free(enc);
    form_done(&g);
}

TEST(round_trip_every_byte)
{
    char all[256];
    for (int i = 1; i < 256; i++)
        all[i - 1] = (char)i;
    all[255] = '\0';
    struct form f;
    form_init(&f);
    CHECK_INT(form_add(&f, all, all), 0);
    CHECK_INT(form_add(&f, "", ""), 0);
    CHECK_INT(form_add(&f, "a&b=c", "d=e&f"), 0);
    check_round_trip(&f);

    /* Every %XX from 01 to FF, in lower case, decodes to its byte; then round-trips. */
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_puts(&b, "v=");
    for (int i = 1; i < 256; i++)
        dt_buf_printf(&b, "%%%02x", i);
    CHECK_INT(form_parse(&f, b.data, b.len, NULL, 0), 0);
    CHECK_INT(strlen(form_get(&f, "v")), 255);
    CHECK_MEM(form_get(&f, "v"), all, 255);
    check_round_trip(&f);
    dt_buf_done(&b);
    form_done(&f);
}

TEST(round_trip_twilio_webhook)
{
    static const char body[] =
        "AccountSid=AC0123456789abcdef0123456789abcdef&ApiVersion=2010-04-01"
        "&CallSid=CA0123456789abcdef0123456789abcdef&CallStatus=ringing&Called=%2B18005551212"
        "&CallerName=O%27Brien%2C+Mary&Direction=inbound&From=%2B14158675309"
        "&StirVerstat=TN-Validation-Passed-A&To=%2B18005551212&Digits=&SipHeader_X-Foo=a%3Db";
    struct form f, g;
    form_init(&f);
    form_init(&g);
    CHECK_INT(form_parse(&f, body, sizeof body - 1, NULL, 0), 0);
    CHECK_INT(form_count(&f), 12);
    CHECK_STR(form_get(&f, "CallerName"), "O'Brien, Mary");
    CHECK_STR(form_get(&f, "SipHeader_X-Foo"), "a=b");
    CHECK_STR(form_get(&f, "Digits"), "");
    char *enc = form_encode(&f);
    CHECK_STR(enc, body);
    CHECK_INT(parse_str(&g, enc, NULL, 0), 0);
    CHECK(same_pairs(&f, &g));
    free(enc);
    form_done(&f);
    form_done(&g);
}

int main(void)
{
    RUN(parse_keeps_order_and_repeats);
    RUN(parse_decodes_plus_and_escapes);
    RUN(parse_tolerates_empty_pairs_and_missing_values);
    RUN(parse_rejects_bad_escapes_naming_the_pair);
    RUN(parse_replaces_and_error_leaves_empty);
    RUN(parse_caps);
    RUN(add_get_and_caps);
    RUN(encode_exact_bytes);
    RUN(round_trip_every_byte);
    RUN(round_trip_twilio_webhook);
    return check_done();
}

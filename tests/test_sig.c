/*
 * Tests for sig: the published vectors of Twilio's helper libraries (auth token 12345), port
 * variants, sorting, JSON bodies, malformed URLs and signatures. Expected values that are not
 * published vectors are computed here independently with OpenSSL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "check.h"
#include "dialtone/form.h"
#include "dialtone/sig.h"
#include "dialtone/util.h"

#define TOKEN       "12345"
#define URL         "https://mycompany.com/myapp.php?foo=1&bar=2"
#define URL_443     "https://mycompany.com:443/myapp.php?foo=1&bar=2"
#define SIG_URL     "RSOYDt4T1cUTdK1PDd93/VVr8B8="
#define SIG_URL_443 "kvajT1Ptam85bY51eRf/AJRuM3w="
/* sha256("abc"), FIPS 180-2's first example. */
#define SHA256_ABC "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void twilio_params(struct form *f)
{
    form_init(f);
    form_add(f, "CallSid", "CA1234567890ABCDE");
    form_add(f, "Caller", "+14158675309");
    form_add(f, "Digits", "1234");
    form_add(f, "From", "+14158675309");
    form_add(f, "To", "+18005551212");
}

/* base64(HMAC-SHA1(key, data)), computed without the module. */
static void ref_sig(const char *key, const char *data, char out[DT_SIG_BUFSZ])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    HMAC(EVP_sha1(), key, (int)strlen(key), (const unsigned char *)data, strlen(data), md, &n);
    EVP_EncodeBlock((unsigned char *)out, md, (int)n);
}

/* sig_validate's result for url, params and signature, with err checked for the token. */
static int validate(const char *url, const struct form *p, const char *sig)
{
    char err[128] = "";
    int rc = sig_validate(TOKEN, url, p, sig, err, sizeof err);
    if (rc != 0)
        CHECK(err[0] != '\0' && strstr(err, TOKEN) == NULL);
    return rc;
}

TEST(twilio_vectors)
{
    struct form p;
    twilio_params(&p);
    char sig[DT_SIG_BUFSZ];
    CHECK_INT(sig_compute(TOKEN, URL, &p, sig, NULL, 0), 0);
    CHECK_STR(sig, SIG_URL);
    CHECK_INT(sig_compute(TOKEN, URL_443, &p, sig, NULL, 0), 0);
    CHECK_STR(sig, SIG_URL_443);
    CHECK_INT(validate(URL, &p, SIG_URL), 0);
    CHECK_INT(validate(URL_443, &p, SIG_URL_443), 0);
    /* With the default port added, and with it removed. */
    CHECK_INT(validate(URL, &p, SIG_URL_443), 0);
    CHECK_INT(validate(URL_443, &p, SIG_URL), 0);
    /* http: 80 added (a published vector). */
    CHECK_INT(
        validate("http://mycompany.com/myapp.php?foo=1&bar=2", &p, "0ZXoZLH/DfblKGATFgpif+LLRf4="),
        0);
    form_add(&p, "ReasonConferenceEnded", "test");
    form_add(&p, "Reason", "Participant");
    CHECK_INT(sig_compute(TOKEN, URL, &p, sig, NULL, 0), 0);
    CHECK_STR(sig, "vOEb5UThFn24KEfnOFLQY2AE5FY=");
    CHECK_INT(validate(URL, &p, "vOEb5UThFn24KEfnOFLQY2AE5FY="), 0);
    form_done(&p);
}

TEST(tampering_and_wrong_token_rejected)
{
    struct form p;
    twilio_params(&p);
    CHECK_INT(validate(URL, &p, SIG_URL), 0);
    free(p.pairs[2].value);
    p.pairs[2].value = xstrdup("1235");
    CHECK_INT(validate(URL, &p, SIG_URL), DT_EPERM);
    form_done(&p);
    twilio_params(&p);
    form_add(&p, "Extra", "");
    CHECK_INT(validate(URL, &p, SIG_URL), DT_EPERM);
    form_done(&p);
    twilio_params(&p);
    CHECK_INT(validate("https://mycompany.com/myapp.php?foo=1&bar=3", &p, SIG_URL), DT_EPERM);
    CHECK_INT(validate("http://mycompany.com/myapp.php?foo=1&bar=2", &p, SIG_URL), DT_EPERM);
    char err[128] = "";
    CHECK_INT(sig_validate("12346", URL, &p, SIG_URL, err, sizeof err), DT_EPERM);
    CHECK_STR(err, "signature does not match");
    CHECK_INT(sig_validate("1234", URL, &p, SIG_URL, err, sizeof err), DT_EPERM);
    form_done(&p);
}

TEST(repeated_keys_sorted_by_value)
{
    /* A published vector: Digits=5678 and Digits=1234 sign as Digits1234Digits5678. */
    struct form p;
    form_init(&p);
    form_add(&p, "Sid", "CA123");
    form_add(&p, "SidAccount", "AC123");
    form_add(&p, "Digits", "5678");
    form_add(&p, "Digits", "1234");
    char sig[DT_SIG_BUFSZ], want[DT_SIG_BUFSZ];
    CHECK_INT(sig_compute(TOKEN, URL, &p, sig, NULL, 0), 0);
    CHECK_STR(sig, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
    ref_sig(TOKEN, URL "Digits1234Digits5678SidCA123SidAccountAC123", want);
    CHECK_STR(sig, want);
    ref_sig(TOKEN, URL "Digits5678Digits1234SidCA123SidAccountAC123", want);
    CHECK(strcmp(sig, want) != 0);
    form_done(&p);

    /* Byte order: 'Z' (0x5a) sorts before 'a', "a" before "a\xc3\xa9", values too. */
    form_init(&p);
    form_add(&p, "a\xc3\xa9", "1");
    form_add(&p, "a", "z");
    form_add(&p, "Z", "x");
    form_add(&p, "a", "B");
    CHECK_INT(sig_compute("k", "https://h/x", &p, sig, NULL, 0), 0);
    ref_sig("k",
            "https://h/xZxaBaza\xc3\xa9"
            "1",
            want);
    CHECK_STR(sig, want);
    form_done(&p);
}

TEST(port_variants)
{
    struct form p;
    twilio_params(&p);
    char sig[DT_SIG_BUFSZ];
    /* A custom port is removed (a published vector for http, port 1234). */
    CHECK_INT(validate("https://mycompany.com:1234/myapp.php?foo=1&bar=2", &p, SIG_URL), 0);
    CHECK_INT(validate("http://mycompany.com:1234/myapp.php?foo=1&bar=2", &p,
                       "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="),
              0);
    /* ...but not swapped for the default one. */
    CHECK_INT(validate("https://mycompany.com:1234/myapp.php?foo=1&bar=2", &p, SIG_URL_443),
              DT_EPERM);
    /* The URL as given, with its custom port. */
    sig_compute(TOKEN, "https://mycompany.com:8443/a", &p, sig, NULL, 0);
    CHECK_INT(validate("https://mycompany.com:8443/a", &p, sig), 0);
    CHECK_INT(validate("https://mycompany.com/a", &p, sig), DT_EPERM);
    /* IPv6 literal, userinfo, no path, query right after the host. */
    sig_compute(TOKEN, "https://[::1]/x", &p, sig, NULL, 0);
    CHECK_INT(validate("https://[::1]:8443/x", &p, sig), 0);
    CHECK_INT(validate("https://[::1]/x", &p, sig), 0);
    sig_compute(TOKEN, "https://u:p@h.example:443/x", &p, sig, NULL, 0);
    CHECK_INT(validate("https://u:p@h.example/x", &p, sig), 0);
    sig_compute(TOKEN, "HTTPS://h.example:443", &p, sig, NULL, 0);
    CHECK_INT(validate("HTTPS://h.example", &p, sig), 0);
    sig_compute(TOKEN, "http://h.example:80?a=b", &p, sig, NULL, 0);
    CHECK_INT(validate("http://h.example?a=b", &p, sig), 0);
    /* Other schemes have no default port to add, but a port is still removed. */
    sig_compute(TOKEN, "wss://h.example:443/x", &p, sig, NULL, 0);
    CHECK_INT(validate("wss://h.example/x", &p, sig), DT_EPERM);
    sig_compute(TOKEN, "wss://h.example/x", &p, sig, NULL, 0);
    CHECK_INT(validate("wss://h.example:443/x", &p, sig), 0);
    form_done(&p);
}

TEST(bad_urls_rejected_cleanly)
{
    static const char *const bad[] = {
        "",
        "mycompany.com/myapp.php",
        "/twilio/voice",
        "https:/h/x",
        "https://",
        "https:///x",
        "https://:443/x",
        "https://u@/x",
        "https://[::1/x",
        "https://[]/x",
        "https://[::1]x/y",
        "https://h:abc/x",
        "https://h:/x",
        "https://h:99999/x",
        "https://h:123456/x",
        "https://a:b:c/x",
        "https://h]/x",
        "https://h x/y",
        "https://h/x\ty",
        "1https://h/x",
    };
    struct form p;
    twilio_params(&p);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128] = "";
        CHECK_INT(sig_validate(TOKEN, bad[i], &p, SIG_URL, err, sizeof err), DT_EINVAL);
        CHECK(err[0] != '\0');
    }
    CHECK_INT(sig_validate(TOKEN, NULL, &p, SIG_URL, NULL, 0), DT_EINVAL);
    char *huge = xmalloc(DT_SIG_MAX_URL + 2);
    memcpy(huge, "https://h/", 10);
    memset(huge + 10, 'x', DT_SIG_MAX_URL - 9);
    huge[DT_SIG_MAX_URL + 1] = '\0';
    char sig[DT_SIG_BUFSZ];
    CHECK_INT(sig_validate(TOKEN, huge, &p, SIG_URL, NULL, 0), DT_ETOOBIG);
    CHECK_INT(sig_compute(TOKEN, huge, &p, sig, NULL, 0), DT_ETOOBIG);
    CHECK_STR(sig, "");
    huge[DT_SIG_MAX_URL] = '\0';
    CHECK_INT(sig_compute(TOKEN, huge, &p, sig, NULL, 0), 0);
    CHECK_INT(sig_validate(TOKEN, huge, &p, sig, NULL, 0), 0);
    free(huge);
    form_done(&p);
}

TEST(bad_tokens_and_signatures)
{
    struct form p;
    twilio_params(&p);
    char err[128] = "", sig[DT_SIG_BUFSZ];
    CHECK_INT(sig_compute(NULL, URL, &p, sig, err, sizeof err), DT_EINVAL);
    CHECK_INT(sig_compute("", URL, &p, sig, err, sizeof err), DT_EINVAL);
    CHECK_INT(sig_compute(TOKEN, "", &p, sig, err, sizeof err), DT_EINVAL);
    CHECK_INT(sig_validate("", URL, &p, SIG_URL, err, sizeof err), DT_EINVAL);
    CHECK_INT(validate(URL, &p, ""), DT_EPERM);
    CHECK_INT(validate(URL, &p, NULL), DT_EPERM);
    CHECK_INT(validate(URL, &p, "garbage"), DT_EPERM);
    CHECK_INT(validate(URL, &p, "!!!!!!!!!!!!!!!!!!!!!!!!!!!!"), DT_EPERM);
    CHECK_INT(validate(URL, &p, SIG_URL "="), DT_EPERM);
    CHECK_INT(validate(URL, &p, "RSOYDt4T1cUTdK1PDd93/VVr8B8"), DT_EPERM);
    CHECK_INT(validate(URL, &p, " " SIG_URL), DT_EPERM);
    char *long_sig = xmalloc(4097);
    memset(long_sig, 'A', 4096);
    long_sig[4096] = '\0';
    CHECK_INT(validate(URL, &p, long_sig), DT_EPERM);
    free(long_sig);
    /* No params at all signs the URL alone. */
    char want[DT_SIG_BUFSZ];
    ref_sig(TOKEN, URL, want);
    CHECK_INT(sig_compute(TOKEN, URL, NULL, sig, NULL, 0), 0);
    CHECK_STR(sig, want);
    CHECK_INT(validate(URL, NULL, want), 0);
    form_done(&p);
}

TEST(sha256_and_url_with_body_hash)
{
    char hex[DT_SIG_SHA256_HEX_BUFSZ];
    sig_sha256_hex("abc", 3, hex);
    CHECK_STR(hex, SHA256_ABC);
    sig_sha256_hex(NULL, 0, hex);
    CHECK_STR(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    char *u = sig_url_with_body_hash("https://h/x", "abc", 3);
    CHECK_STR(u, "https://h/x?bodySHA256=" SHA256_ABC);
    free(u);
    u = sig_url_with_body_hash("https://h/x?a=1", "abc", 3);
    CHECK_STR(u, "https://h/x?a=1&bodySHA256=" SHA256_ABC);
    free(u);
    u = sig_url_with_body_hash("https://h/x?", "abc", 3);
    CHECK_STR(u, "https://h/x?bodySHA256=" SHA256_ABC);
    free(u);
    u = sig_url_with_body_hash("https://h/x#f?g", "abc", 3);
    CHECK_STR(u, "https://h/x?bodySHA256=" SHA256_ABC "#f?g");
    free(u);
}

TEST(json_body)
{
    /* A published vector: this body, its hash in the query, the URL alone signed. */
    static const char body[] = "{\"property\": \"value\", \"boolean\": true}";
    static const char url[] =
        URL "&bodySHA256=0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    static const char sig[] = "a9nBmqA0ju/hNViExpshrM61xv4=";
    char err[128] = "";
    size_t n = sizeof body - 1;
    CHECK_INT(sig_validate_json(TOKEN, url, body, n, sig, err, sizeof err), 0);
    CHECK_INT(sig_validate_json(TOKEN, url, body, n - 1, sig, err, sizeof err), DT_EPERM);
    CHECK_STR(err, "body does not match bodySHA256");
    CHECK_INT(sig_validate_json(TOKEN, url, body, n, SIG_URL, err, sizeof err), DT_EPERM);
    CHECK_STR(err, "signature does not match");
    CHECK_INT(sig_validate_json("54321", url, body, n, sig, err, sizeof err), DT_EPERM);
    CHECK_INT(sig_validate_json(TOKEN, URL, body, n, sig, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "bodySHA256") != NULL);
    CHECK_INT(sig_validate_json(TOKEN, url, body, n, "", err, sizeof err), DT_EPERM);

    /* "abc", hashed by its known vector; port variants apply; the hash's case does not matter. */
    static const char *const urls[] = {
        "https://h.example:443/hook?bodySHA256=" SHA256_ABC,
        "https://h.example/hook?x=1&bodySHA256=" SHA256_ABC "&y=2",
        "https://h.example/hook?bodySHA256=BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF"
        "61F20015AD",
    };
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char s[DT_SIG_BUFSZ];
        ref_sig(TOKEN, urls[i], s);
        CHECK_INT(sig_validate_json(TOKEN, urls[i], "abc", 3, s, err, sizeof err), 0);
        CHECK_INT(sig_validate_json(TOKEN, urls[i], "abd", 3, s, err, sizeof err), DT_EPERM);
        CHECK_INT(sig_validate_json(TOKEN, urls[i], "", 0, s, err, sizeof err), DT_EPERM);
    }
    char s[DT_SIG_BUFSZ];
    ref_sig(TOKEN, "https://h.example:443/hook?bodySHA256=" SHA256_ABC, s);
    CHECK_INT(sig_validate_json(TOKEN, "https://h.example/hook?bodySHA256=" SHA256_ABC, "abc", 3, s,
                                NULL, 0),
              0);
    /* A truncated or padded hash, and one only in the fragment, do not pass. */
    static const char *const bad[] = {
        "https://h.example/hook?bodySHA256=ba7816bf",
        "https://h.example/hook?bodySHA256=" SHA256_ABC "0",
        "https://h.example/hook?bodySHA256=",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ref_sig(TOKEN, bad[i], s);
        CHECK_INT(sig_validate_json(TOKEN, bad[i], "abc", 3, s, err, sizeof err), DT_EPERM);
    }
    ref_sig(TOKEN, "https://h.example/hook#bodySHA256=" SHA256_ABC, s);
    CHECK_INT(sig_validate_json(TOKEN, "https://h.example/hook#bodySHA256=" SHA256_ABC, "abc", 3, s,
                                err, sizeof err),
              DT_EINVAL);
}

/* Keys of every length around SHA-1's 64-byte block (longer ones are hashed first) sign as
 * OpenSSL's one-shot HMAC does, and a signature validates only under its own key. */
/* The keyed HMAC is kept between calls: each token in turn (a rotation back and forth, one
 * byte changed, a prefix, one longer than a block) must be keyed afresh, never served the last. */
TEST(token_changes_rekey)
{
    char longtok[101];
    memset(longtok, 'k', sizeof longtok - 1);
    longtok[sizeof longtok - 1] = '\0';
    const char *tokens[] = {"12345", "12346", "12345", "1234", "123456", longtok, "12345", "12345"};
    size_t n = sizeof tokens / sizeof tokens[0];
    struct form p;
    twilio_params(&p);
    char data[512], want[DT_SIG_BUFSZ], got[DT_SIG_BUFSZ], prev[DT_SIG_BUFSZ] = "";
    snprintf(data, sizeof data, "%s%s", URL,
             "CallSidCA1234567890ABCDECaller+14158675309Digits1234From+14158675309To+18005551212");
    for (size_t i = 0; i < n; i++) {
        ref_sig(tokens[i], data, want);
        CHECK_INT(sig_compute(tokens[i], URL, &p, got, NULL, 0), 0);
        CHECK_STR(got, want);
        CHECK_INT(sig_validate(tokens[i], URL, &p, want, NULL, 0), 0);
        if (i > 0 && strcmp(tokens[i], tokens[i - 1]) != 0) {
            /* the last token's signature fails under this one, and this one's under the last */
            CHECK_INT(sig_validate(tokens[i], URL, &p, prev, NULL, 0), DT_EPERM);
            CHECK_INT(sig_validate(tokens[i - 1], URL, &p, want, NULL, 0), DT_EPERM);
            CHECK_INT(sig_validate(tokens[i], URL_443, &p, prev, NULL, 0), DT_EPERM);
        }
        dt_strlcpy(prev, want, sizeof prev);
    }
    /* the published vector still holds after all the rekeying */
    CHECK_INT(sig_validate("longer-than-anything-before", URL, &p, SIG_URL, NULL, 0), DT_EPERM);
    CHECK_INT(sig_compute(TOKEN, URL, &p, got, NULL, 0), 0);
    CHECK_STR(got, SIG_URL);
    form_done(&p);
}

TEST(keys_of_every_length)
{
    char key[DT_SIG_MAX_TOKEN + 1], data[256], want[DT_SIG_BUFSZ], got[DT_SIG_BUFSZ];
    for (size_t len = 1; len <= DT_SIG_MAX_TOKEN; len = len < 70 ? len + 1 : len * 2) {
        for (size_t i = 0; i < len; i++)
            key[i] = (char)('!' + (i * 7 + len) % 90);
        key[len] = '\0';
        snprintf(data, sizeof data, "https://h.example/hook/%zu", len);
        ref_sig(key, data, want);
        CHECK_INT(sig_compute(key, data, NULL, got, NULL, 0), 0);
        CHECK_STR(got, want);
        CHECK_INT(sig_validate(key, data, NULL, want, NULL, 0), 0);
        key[len - 1] = key[len - 1] == 'A' ? 'B' : 'A';
        CHECK_INT(sig_validate(key, data, NULL, want, NULL, 0), DT_EPERM);
    }
}

int main(void)
{
    RUN(twilio_vectors);
    RUN(tampering_and_wrong_token_rejected);
    RUN(repeated_keys_sorted_by_value);
    RUN(port_variants);
    RUN(bad_urls_rejected_cleanly);
    RUN(bad_tokens_and_signatures);
    RUN(sha256_and_url_with_body_hash);
    RUN(json_body);
    RUN(keys_of_every_length);
    RUN(token_changes_rekey);
    return check_done();
}

/* sig: Twilio request signatures. See dialtone/sig.h. */
#include "dialtone/sig.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/crypto.h>

#include "dialtone/util.h"

/* Longest signature header looked at; a real one is DT_SIG_LEN characters. */
#define SIG_MAX_HEADER 256

struct scheme_port {
    const char *scheme;
    const char *port;
};

static const struct scheme_port default_ports[] = {
    {.scheme = "https", .port = "443"},
    {.scheme = "http", .port = "80"},
};

/* Offsets into a URL scheme://[userinfo@]host[:port]rest, as url_parse found them. */
struct url_parts {
    size_t host_end;          /* just past the host (at ':' when there is a port) */
    size_t rest;              /* start of path, query or fragment (may be the end) */
    int has_port;             /* a ":digits" between host_end and rest */
    const char *default_port; /* the scheme's default port, or NULL */
};

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int check_token(const char *token, char *err, size_t errlen)
{
    if (!token || !token[0])
        return dt_seterr(err, errlen, DT_EINVAL, "no auth token");
    if (strnlen(token, DT_SIG_MAX_TOKEN + 1) > DT_SIG_MAX_TOKEN)
        return dt_seterr(err, errlen, DT_EINVAL, "auth token longer than %d bytes",
                         DT_SIG_MAX_TOKEN);
    return 0;
}

static int check_url(const char *url, char *err, size_t errlen)
{
    if (!url || !url[0])
        return dt_seterr(err, errlen, DT_EINVAL, "no URL");
    if (strnlen(url, DT_SIG_MAX_URL + 1) > DT_SIG_MAX_URL)
        return dt_seterr(err, errlen, DT_ETOOBIG, "URL longer than %d bytes", DT_SIG_MAX_URL);
    return 0;
}

/* Scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then "://". Returns its length or 0. */
static size_t scheme_length(const char *url)
{
    size_t i = 0;
    if (!is_alpha((unsigned char)url[0]))
        return 0;
    while (is_alpha((unsigned char)url[i]) || is_digit((unsigned char)url[i]) || url[i] == '+' ||
           url[i] == '-' || url[i] == '.')
        i++;
    return strncmp(url + i, "://", 3) == 0 ? i : 0;
}

/* Host from start to auth_end: a bracketed IP literal or a name without ':'. Sets host_end. */
static int parse_host(const char *url, size_t start, size_t auth_end, size_t *host_end, char *err,
                      size_t errlen)
{
    if (url[start] == '[') {
        const char *close = memchr(url + start, ']', auth_end - start);
        if (!close)
            return dt_seterr(err, errlen, DT_EINVAL, "URL host has an unclosed '['");
        *host_end = (size_t)(close - url) + 1;
        if (*host_end - start < 3)
            return dt_seterr(err, errlen, DT_EINVAL, "URL host '[]' is empty");
        return 0;
    }
    const char *colon = memchr(url + start, ':', auth_end - start);
    *host_end = colon ? (size_t)(colon - url) : auth_end;
    if (*host_end == start)
        return dt_seterr(err, errlen, DT_EINVAL, "URL has no host");
    if (memchr(url + start, '[', *host_end - start) || memchr(url + start, ']', *host_end - start))
        return dt_seterr(err, errlen, DT_EINVAL, "URL host has a stray bracket");
    return 0;
}

/* Port from host_end to auth_end: empty, or ':' and 1 to 5 digits up to 65535. */
static int parse_port(const char *url, size_t host_end, size_t auth_end, int *has_port, char *err,
                      size_t errlen)
{
    *has_port = host_end < auth_end;
    if (!*has_port)
        return 0;
    size_t n = auth_end - host_end - 1;
    if (url[host_end] != ':')
        return dt_seterr(err, errlen, DT_EINVAL, "URL has junk after its host");
    if (n < 1 || n > 5)
        return dt_seterr(err, errlen, DT_EINVAL, "URL port must be 1 to 5 digits");
    long port = 0;
    for (size_t i = host_end + 1; i < auth_end; i++) {
        if (!is_digit((unsigned char)url[i]))
            return dt_seterr(err, errlen, DT_EINVAL, "URL port is not a number");
        port = port * 10 + (url[i] - '0');
    }
    if (port > 65535)
        return dt_seterr(err, errlen, DT_EINVAL, "URL port is over 65535");
    return 0;
}

/* Splits url (checked by check_url) into its parts. Returns 0 or DT_EINVAL with a reason. */
static int url_parse(const char *url, struct url_parts *u, char *err, size_t errlen)
{
    for (size_t i = 0; url[i]; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= ' ' || c == 0x7f)
            return dt_seterr(err, errlen, DT_EINVAL, "URL has a space or control byte at %zu", i);
    }
    size_t slen = scheme_length(url);
    if (slen == 0)
        return dt_seterr(err, errlen, DT_EINVAL, "URL does not start with scheme://");
    size_t auth = slen + 3;
    size_t auth_end = auth + strcspn(url + auth, "/?#");
    size_t host = auth;
    for (size_t i = auth; i < auth_end; i++)
        if (url[i] == '@')
            host = i + 1;
    if (host == auth_end)
        return dt_seterr(err, errlen, DT_EINVAL, "URL has no host");
    int rc = parse_host(url, host, auth_end, &u->host_end, err, errlen);
    if (rc == 0)
        rc = parse_port(url, u->host_end, auth_end, &u->has_port, err, errlen);
    if (rc < 0)
        return rc;
    u->rest = auth_end;
    u->default_port = NULL;
    for (size_t i = 0; i < sizeof default_ports / sizeof default_ports[0]; i++)
        if (strlen(default_ports[i].scheme) == slen &&
            strncasecmp(url, default_ports[i].scheme, slen) == 0)
            u->default_port = default_ports[i].port;
    return 0;
}

static int pair_cmp(const void *a, const void *b)
{
    const struct form_pair *pa = *(const struct form_pair *const *)a;
    const struct form_pair *pb = *(const struct form_pair *const *)b;
    int c = strcmp(pa->key, pb->key);
    return c ? c : strcmp(pa->value, pb->value);
}

/* Appends params sorted by key, then value, each as key followed by value. */
static void append_sorted(struct dt_buf *b, const struct form *params)
{
    size_t n = params ? form_count(params) : 0;
    if (n == 0)
        return;
    const struct form_pair **v = xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = form_at(params, i);
    qsort(v, n, sizeof *v, pair_cmp);
    for (size_t i = 0; i < n; i++) {
        dt_buf_puts(b, v[i]->key);
        dt_buf_puts(b, v[i]->value);
    }
    free(v);
}

/* ---- HMAC-SHA1 -------------------------------------------------------------------------------
 * Keyed once per token and used for every URL variant: the SHA-1 states after the inner and the
 * outer pad (RFC 2104) are kept, and each MAC starts from copies of them. SHA-1 is fetched from
 * the provider once per process: fetching it (as HMAC() and EVP_Q_mac() do at every call) costs
 * several times the hashing of a webhook. */

#define HMAC_BLOCK 64 /* SHA-1's block size */
#define SHA1_LEN   20

static pthread_once_t sha1_once = PTHREAD_ONCE_INIT;
static EVP_MD *sha1_fetched; /* never freed: it lives as long as the process */

static void sha1_fetch(void)
{
    sha1_fetched = EVP_MD_fetch(NULL, "SHA1", NULL);
}

static const EVP_MD *sha1_md(void)
{
    pthread_once(&sha1_once, sha1_fetch);
    return sha1_fetched ? sha1_fetched : EVP_sha1();
}

struct hmac_key {
    EVP_MD_CTX *inner, *outer, *work;
};

static void hmac_key_done(struct hmac_key *k)
{
    EVP_MD_CTX_free(k->inner);
    EVP_MD_CTX_free(k->outer);
    EVP_MD_CTX_free(k->work);
    *k = (struct hmac_key){0};
}

/* Starts ctx on key XOR pad, the key as one block. Returns 1 or 0 when OpenSSL fails. */
static int start_padded(EVP_MD_CTX *ctx, const EVP_MD *md, const unsigned char *key, size_t len,
                        unsigned char pad)
{
    unsigned char block[HMAC_BLOCK];
    for (size_t i = 0; i < HMAC_BLOCK; i++)
        block[i] = (unsigned char)((i < len ? key[i] : 0) ^ pad);
    int ok = EVP_DigestInit_ex(ctx, md, NULL) && EVP_DigestUpdate(ctx, block, HMAC_BLOCK);
    OPENSSL_cleanse(block, sizeof block);
    return ok;
}

/* Keys k with token (checked by check_token). Returns 0 or DT_EIO; k is ready for
 * hmac_key_done either way. */
static int hmac_key_init(struct hmac_key *k, const char *token, char *err, size_t errlen)
{
    const EVP_MD *md = sha1_md();
    unsigned char hashed[SHA1_LEN];
    const unsigned char *key = (const unsigned char *)token;
    size_t len = strlen(token);
    unsigned int hlen = 0;
    int ok = 1;
    k->inner = EVP_MD_CTX_new();
    k->outer = EVP_MD_CTX_new();
    k->work = EVP_MD_CTX_new();
    if (len > HMAC_BLOCK) { /* a longer key is its hash */
        ok = EVP_Digest(token, len, hashed, &hlen, md, NULL) && hlen == SHA1_LEN;
        key = hashed;
        len = SHA1_LEN;
    }
    ok = ok && k->inner && k->outer && k->work && start_padded(k->inner, md, key, len, 0x36) &&
         start_padded(k->outer, md, key, len, 0x5c);
    OPENSSL_cleanse(hashed, sizeof hashed);
    return ok ? 0 : dt_seterr(err, errlen, DT_EIO, "HMAC-SHA1 failed");
}

/* ---- the keyed HMAC, kept per process ------------------------------------------------------
 * A daemon validates every webhook with the one configured token: the key's pads are hashed
 * once and kept with a copy of the token, and another token (a rotated or changed one) replaces
 * them. The lock makes the cache safe for threads; the MACs run under it. */

static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hmac_key key_cached; /* never freed: reachable until the process ends */
static char *key_token;            /* the token key_cached was keyed with, or NULL */
static size_t key_token_len;

/* Is token (checked by check_token) the cached one? Constant time in its bytes. */
static int key_is_cached(const char *token, size_t len)
{
    return key_token && key_token_len == len && dt_consttime_eq(key_token, len, token, len);
}

/* Locks the cache and returns the HMAC keyed with token, keying it when the token is not the
 * cached one. NULL (and unlocked, DT_EIO in err) if OpenSSL fails. Release with key_release. */
static struct hmac_key *key_acquire(const char *token, char *err, size_t errlen)
{
    size_t len = strlen(token);
    pthread_mutex_lock(&key_lock);
    if (key_is_cached(token, len))
        return &key_cached;
    struct hmac_key k = {0};
    if (hmac_key_init(&k, token, err, errlen) < 0) {
        hmac_key_done(&k);
        pthread_mutex_unlock(&key_lock);
        return NULL;
    }
    hmac_key_done(&key_cached);
    key_cached = k;
    if (key_token)
        OPENSSL_clear_free(key_token, key_token_len);
    key_token = xstrdup(token);
    key_token_len = len;
    return &key_cached;
}

static void key_release(void)
{
    pthread_mutex_unlock(&key_lock);
}

/* base64(HMAC-SHA1(key, url[0..url_len) + tail)) into out. Returns 0 or DT_EIO. */
static int hmac_b64(struct hmac_key *k, const char *url, size_t url_len, const struct dt_buf *tail,
                    char out[DT_SIG_BUFSZ], char *err, size_t errlen)
{
    unsigned char ih[EVP_MAX_MD_SIZE], md[EVP_MAX_MD_SIZE];
    unsigned int ilen = 0, mdlen = 0;
    int ok = EVP_MD_CTX_copy_ex(k->work, k->inner) && EVP_DigestUpdate(k->work, url, url_len) &&
             EVP_DigestUpdate(k->work, tail->data ? tail->data : "", tail->len) &&
             EVP_DigestFinal_ex(k->work, ih, &ilen) && ilen == SHA1_LEN &&
             EVP_MD_CTX_copy_ex(k->work, k->outer) && EVP_DigestUpdate(k->work, ih, ilen) &&
             EVP_DigestFinal_ex(k->work, md, &mdlen) && mdlen == SHA1_LEN;
    out[0] = '\0';
    if (!ok)
        return dt_seterr(err, errlen, DT_EIO, "HMAC-SHA1 failed");
    EVP_EncodeBlock((unsigned char *)out, md, (int)mdlen);
    return 0;
}

int sig_compute(const char *token, const char *url, const struct form *params,
                char out[DT_SIG_BUFSZ], char *err, size_t errlen)
{
    out[0] = '\0';
    int rc = check_token(token, err, errlen);
    if (rc == 0)
        rc = check_url(url, err, errlen);
    if (rc < 0)
        return rc;
    struct dt_buf tail;
    dt_buf_init(&tail);
    append_sorted(&tail, params);
    struct hmac_key *k = key_acquire(token, err, errlen);
    rc = k ? hmac_b64(k, url, strlen(url), &tail, out, err, errlen) : DT_EIO;
    if (k)
        key_release();
    dt_buf_done(&tail);
    return rc;
}

/* Does signature match the one over variant + tail? Constant time in the signature. */
static int variant_matches(struct hmac_key *k, const struct dt_buf *variant,
                           const struct dt_buf *tail, const char *signature, int *match, char *err,
                           size_t errlen)
{
    char want[DT_SIG_BUFSZ];
    int rc = hmac_b64(k, variant->data, variant->len, tail, want, err, errlen);
    if (rc < 0)
        return rc;
    size_t slen = strnlen(signature, SIG_MAX_HEADER);
    *match |= dt_consttime_eq(signature, slen, want, DT_SIG_LEN);
    return 0;
}

/*
 * Checks signature against url as given, then (when that does not match) with the default
 * port added or the port removed, each followed by tail. Sets *match. Returns 0 or an error
 * from hmac_b64. Which variant matched may show in the time taken; the signature does not.
 */
static int match_variants(const char *token, const char *url, const struct url_parts *u,
                          const struct dt_buf *tail, const char *signature, int *match, char *err,
                          size_t errlen)
{
    struct dt_buf v;
    dt_buf_init(&v);
    *match = 0;
    dt_buf_puts(&v, url);
    struct hmac_key *k = key_acquire(token, err, errlen);
    int rc = k ? variant_matches(k, &v, tail, signature, match, err, errlen) : DT_EIO;
    if (rc == 0 && !*match && (u->has_port || u->default_port)) {
        dt_buf_reset(&v);
        dt_buf_append(&v, url, u->host_end);
        if (!u->has_port) {
            dt_buf_putc(&v, ':');
            dt_buf_puts(&v, u->default_port);
        }
        dt_buf_puts(&v, url + u->rest);
        rc = variant_matches(k, &v, tail, signature, match, err, errlen);
    }
    if (k)
        key_release();
    dt_buf_done(&v);
    return rc;
}

/* Common checks of sig_validate and sig_validate_json: token, URL, signature present. */
static int validate_prepare(const char *token, const char *url, const char *signature,
                            struct url_parts *u, char *err, size_t errlen)
{
    int rc = check_token(token, err, errlen);
    if (rc == 0)
        rc = check_url(url, err, errlen);
    if (rc == 0)
        rc = url_parse(url, u, err, errlen);
    if (rc < 0)
        return rc;
    if (!signature || !signature[0])
        return dt_seterr(err, errlen, DT_EPERM, "no signature");
    return 0;
}

int sig_validate(const char *token, const char *url, const struct form *params,
                 const char *signature, char *err, size_t errlen)
{
    struct url_parts u;
    int rc = validate_prepare(token, url, signature, &u, err, errlen);
    if (rc < 0)
        return rc;
    struct dt_buf tail;
    dt_buf_init(&tail);
    append_sorted(&tail, params);
    int match = 0;
    rc = match_variants(token, url, &u, &tail, signature, &match, err, errlen);
    dt_buf_done(&tail);
    if (rc < 0)
        return rc;
    return match ? 0 : dt_seterr(err, errlen, DT_EPERM, "signature does not match");
}

/* Finds the first bodySHA256 in url's query; sets *val and *len. Returns 1 if found. */
static int find_body_hash(const char *url, const char **val, size_t *len)
{
    static const char name[] = "bodySHA256=";
    size_t end = strcspn(url, "#");
    const char *q = memchr(url, '?', end);
    if (!q)
        return 0;
    const char *p = q + 1, *stop = url + end;
    while (p < stop) {
        const char *amp = memchr(p, '&', (size_t)(stop - p));
        const char *seg_end = amp ? amp : stop;
        size_t seg = (size_t)(seg_end - p);
        if (seg >= sizeof name - 1 && memcmp(p, name, sizeof name - 1) == 0) {
            *val = p + sizeof name - 1;
            *len = seg - (sizeof name - 1);
            return 1;
        }
        p = seg_end + 1;
    }
    return 0;
}

/* Does the query's hash (any case) equal the body's? Constant time in the hash. */
static int body_hash_matches(const char *qval, size_t qlen, const void *body, size_t len)
{
    char want[DT_SIG_SHA256_HEX_BUFSZ], got[DT_SIG_SHA256_HEX_LEN];
    sig_sha256_hex(body, len, want);
    if (qlen != DT_SIG_SHA256_HEX_LEN)
        return 0;
    for (size_t i = 0; i < qlen; i++) {
        char c = qval[i];
        got[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return dt_consttime_eq(got, qlen, want, DT_SIG_SHA256_HEX_LEN);
}

int sig_validate_json(const char *token, const char *url, const void *body, size_t len,
                      const char *signature, char *err, size_t errlen)
{
    struct url_parts u;
    int rc = validate_prepare(token, url, signature, &u, err, errlen);
    if (rc < 0)
        return rc;
    const char *qval;
    size_t qlen;
    if (!find_body_hash(url, &qval, &qlen))
        return dt_seterr(err, errlen, DT_EINVAL, "URL has no bodySHA256 in its query");
    if (len > 0 && !body)
        return dt_seterr(err, errlen, DT_EINVAL, "no body");
    struct dt_buf tail;
    dt_buf_init(&tail);
    int match = 0;
    rc = match_variants(token, url, &u, &tail, signature, &match, err, errlen);
    dt_buf_done(&tail);
    if (rc < 0)
        return rc;
    if (!match)
        return dt_seterr(err, errlen, DT_EPERM, "signature does not match");
    if (!body_hash_matches(qval, qlen, body, len))
        return dt_seterr(err, errlen, DT_EPERM, "body does not match bodySHA256");
    return 0;
}

void sig_sha256_hex(const void *body, size_t len, char out[DT_SIG_SHA256_HEX_BUFSZ])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    static const unsigned char empty[1];
    if (!EVP_Digest(len ? body : empty, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
        abort(); /* SHA-256 with the default provider does not fail */
    for (unsigned int i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[DT_SIG_SHA256_HEX_LEN] = '\0';
}

char *sig_url_with_body_hash(const char *url, const void *body, size_t len)
{
    char hash[DT_SIG_SHA256_HEX_BUFSZ];
    sig_sha256_hex(body, len, hash);
    size_t at = strcspn(url, "#");
    const char *q = memchr(url, '?', at);
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_append(&b, url, at);
    if (!q)
        dt_buf_putc(&b, '?');
    else if (url[at - 1] != '?' && url[at - 1] != '&')
        dt_buf_putc(&b, '&');
    dt_buf_puts(&b, "bodySHA256=");
    dt_buf_puts(&b, hash);
    dt_buf_puts(&b, url + at);
    return dt_buf_take(&b);
}

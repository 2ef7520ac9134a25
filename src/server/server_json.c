/*
 * server_json: a cJSON tree printed as cJSON_PrintUnformatted prints it, byte for byte, in
 * less time: integers (timestamps, seqs, durations) are written as integers instead of through
 * "%1.15g" and a sscanf to check it, and strings are copied by runs between the bytes that
 * need escaping. See server/server_int.h.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/util.h"
#include "server/server_int.h"

#define JSON_DEPTH_MAX 1000 /* cJSON's own nesting limit when parsing */

/* The text being written: appends are inline, a function call costing as much as a byte. */
struct out {
    char *p;
    size_t len, cap;
};

static void grow(struct out *o, size_t n)
{
    size_t cap = o->cap ? o->cap : 512;
    while (cap - o->len < n + 1)
        cap *= 2;
    o->p = xrealloc(o->p, cap);
    o->cap = cap;
}

static inline void put(struct out *o, const void *p, size_t n)
{
    if (o->cap - o->len < n + 1)
        grow(o, n);
    memcpy(o->p + o->len, p, n);
    o->len += n;
}

static inline void putc1(struct out *o, char c)
{
    if (o->cap - o->len < 2)
        grow(o, 1);
    o->p[o->len++] = c;
}

static inline void puts0(struct out *o, const char *s)
{
    put(o, s, strlen(s));
}

/* The bytes cJSON escapes: below 32, '"' and '\\'. */
static int needs_escape(unsigned char ch)
{
    return ch < 32 || ch == '"' || ch == '\\';
}

static void put_string(struct out *b, const char *s)
{
    putc1(b, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        const unsigned char *run = p;
        while (*p && !needs_escape(*p))
            p++;
        put(b, run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '"':
            puts0(b, "\\\"");
            break;
        case '\\':
            puts0(b, "\\\\");
            break;
        case '\b':
            puts0(b, "\\b");
            break;
        case '\f':
            puts0(b, "\\f");
            break;
        case '\n':
            puts0(b, "\\n");
            break;
        case '\r':
            puts0(b, "\\r");
            break;
        case '\t':
            puts0(b, "\\t");
            break;
        default: {
            static const char hex[] = "0123456789abcdef";
            const char u[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
            put(b, u, sizeof u);
            break;
        }
        }
        p++;
    }
    putc1(b, '"');
}

/* An integer below 10^15 prints the same through "%d", "%1.15g" and this; anything else (-0
 * too, which cJSON prints "-0") is left to cJSON. 0 when cJSON cannot print it. */
static int put_number(struct out *b, const cJSON *item)
{
    double d = item->valuedouble;
    if (isfinite(d) && fabs(d) < 1e15 && d == (double)(long long)d && !(d == 0 && signbit(d))) {
        char num[24], *p = num + sizeof num;
        long long v = (long long)d;
        unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
        do {
            *--p = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (v < 0)
            *--p = '-';
        put(b, p, (size_t)(num + sizeof num - p));
        return 1;
    }
    char *text = cJSON_PrintUnformatted(item); /* the number alone, not its siblings */
    if (!text)
        return 0;
    puts0(b, text);
    cJSON_free(text);
    return 1;
}

static int put_value(struct out *b, const cJSON *item, int depth)
{
    if (depth > JSON_DEPTH_MAX)
        return 0;
    switch (item->type & 0xff) {
    case cJSON_NULL:
        puts0(b, "null");
        return 1;
    case cJSON_False:
        puts0(b, "false");
        return 1;
    case cJSON_True:
        puts0(b, "true");
        return 1;
    case cJSON_Number:
        return put_number(b, item);
    case cJSON_Raw:
        if (!item->valuestring)
            return 0;
        puts0(b, item->valuestring);
        return 1;
    case cJSON_String:
        put_string(b, item->valuestring);
        return 1;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (item->type & 0xff) == cJSON_Object;
        putc1(b, obj ? '{' : '[');
        for (const cJSON *c = item->child; c; c = c->next) {
            if (obj)
                put_string(b, c->string);
            if (obj)
                putc1(b, ':');
            if (!put_value(b, c, depth + 1))
                return 0;
            if (c->next)
                putc1(b, ',');
        }
        putc1(b, obj ? '}' : ']');
        return 1;
    }
    default:
        return 0;
    }
}

char *server_json_print(const cJSON *item, size_t *len)
{
    if (!item)
        return NULL;
    struct out b = {0};
    grow(&b, 0);
    if (!put_value(&b, item, 0)) {
        free(b.p);
        return NULL;
    }
    b.p[b.len] = '\0';
    if (len)
        *len = b.len;
    return b.p;
}

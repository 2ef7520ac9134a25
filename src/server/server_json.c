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

/* The bytes cJSON escapes: below 32, '"' and '\\'. */
static int needs_escape(unsigned char ch)
{
    return ch < 32 || ch == '"' || ch == '\\';
}

static void put_string(struct dt_buf *b, const char *s)
{
    dt_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        const unsigned char *run = p;
        while (*p && !needs_escape(*p))
            p++;
        dt_buf_append(b, run, (size_t)(p - run));
        if (!*p)
            break;
        switch (*p) {
        case '"':
            dt_buf_puts(b, "\\\"");
            break;
        case '\\':
            dt_buf_puts(b, "\\\\");
            break;
        case '\b':
            dt_buf_puts(b, "\\b");
            break;
        case '\f':
            dt_buf_puts(b, "\\f");
            break;
        case '\n':
            dt_buf_puts(b, "\\n");
            break;
        case '\r':
            dt_buf_puts(b, "\\r");
            break;
        case '\t':
            dt_buf_puts(b, "\\t");
            break;
        default:
            dt_buf_printf(b, "\\u%04x", *p);
            break;
        }
        p++;
    }
    dt_buf_putc(b, '"');
}

/* An integer below 10^15 prints the same through "%d", "%1.15g" and this; anything else (-0
 * too, which cJSON prints "-0") is left to cJSON. 0 when cJSON cannot print it. */
static int put_number(struct dt_buf *b, const cJSON *item)
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
        dt_buf_append(b, p, (size_t)(num + sizeof num - p));
        return 1;
    }
    char *text = cJSON_PrintUnformatted(item); /* the number alone, not its siblings */
    if (!text)
        return 0;
    dt_buf_puts(b, text);
    cJSON_free(text);
    return 1;
}

static int put_value(struct dt_buf *b, const cJSON *item, int depth)
{
    if (depth > JSON_DEPTH_MAX)
        return 0;
    switch (item->type & 0xff) {
    case cJSON_NULL:
        dt_buf_puts(b, "null");
        return 1;
    case cJSON_False:
        dt_buf_puts(b, "false");
        return 1;
    case cJSON_True:
        dt_buf_puts(b, "true");
        return 1;
    case cJSON_Number:
        return put_number(b, item);
    case cJSON_Raw:
        if (!item->valuestring)
            return 0;
        dt_buf_puts(b, item->valuestring);
        return 1;
    case cJSON_String:
        put_string(b, item->valuestring);
        return 1;
    case cJSON_Array:
    case cJSON_Object: {
        int obj = (item->type & 0xff) == cJSON_Object;
        dt_buf_putc(b, obj ? '{' : '[');
        for (const cJSON *c = item->child; c; c = c->next) {
            if (obj)
                put_string(b, c->string);
            if (obj)
                dt_buf_putc(b, ':');
            if (!put_value(b, c, depth + 1))
                return 0;
            if (c->next)
                dt_buf_putc(b, ',');
        }
        dt_buf_putc(b, obj ? '}' : ']');
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
    struct dt_buf b;
    dt_buf_init(&b);
    if (!put_value(&b, item, 0)) {
        dt_buf_done(&b);
        return NULL;
    }
    if (len)
        *len = b.len;
    return dt_buf_take(&b);
}

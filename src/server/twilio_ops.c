/*
 * twilio_ops: the REST operations the daemon uses (see dialtone/twilio.h), each a path and a
 * form on top of twilio_request. Sids and names are checked and percent-encoded into paths.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/form.h"
#include "dialtone/twilio.h"
#include "dialtone/util.h"

/* Appends s as one path segment: unreserved bytes as they are, others as %XX. DT_EINVAL for
 * an empty or over-long segment, or one with a control character. */
static int put_segment(struct dt_buf *b, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > TWILIO_SEGMENT_MAX)
        return DT_EINVAL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return DT_EINVAL;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~')
            dt_buf_putc(b, (char)c);
        else
            dt_buf_printf(b, "%%%02X", c);
    }
    return DT_OK;
}

/*
 * Builds "A/{s1}/B/{s2}...json" from fmt, in which each '%' stands for the next segment of
 * segs (n of them), then sends it. Errors as twilio_request.
 */
static int send_path(struct twilio *tw, const char *method, const char *fmt,
                     const char *const *segs, size_t n, const struct form *params,
                     twilio_done_fn fn, void *arg)
{
    struct dt_buf b;
    dt_buf_init(&b);
    size_t used = 0;
    int rc = DT_OK;
    for (const char *p = fmt; *p && rc == DT_OK; p++) {
        if (*p != '%')
            dt_buf_putc(&b, *p);
        else if (used < n)
            rc = put_segment(&b, segs[used++]);
        else
            rc = DT_EINVAL;
    }
    if (rc == DT_OK)
        rc = twilio_request(tw, method, b.data, params, fn, arg);
    dt_buf_done(&b);
    return rc;
}

int twilio_queues_list(struct twilio *tw, const char *next_page_uri, twilio_done_fn fn, void *arg)
{
    if (next_page_uri) {
        if (next_page_uri[0] != '/')
            return DT_EINVAL;
        return twilio_request(tw, "GET", next_page_uri, NULL, fn, arg);
    }
    return twilio_request(tw, "GET", "Queues.json?PageSize=1000", NULL, fn, arg);
}

int twilio_queue_create(struct twilio *tw, const char *friendly_name, int max_size,
                        twilio_done_fn fn, void *arg)
{
    if (!friendly_name || !*friendly_name || strlen(friendly_name) > TWILIO_SEGMENT_MAX)
        return DT_EINVAL;
    struct form f;
    form_init(&f);
    int rc = form_add(&f, "FriendlyName", friendly_name);
    if (rc == DT_OK && max_size > 0) {
        char n[24];
        snprintf(n, sizeof n, "%d", max_size);
        rc = form_add(&f, "MaxSize", n);
    }
    if (rc == DT_OK)
        rc = twilio_request(tw, "POST", "Queues.json", &f, fn, arg);
    form_done(&f);
    return rc;
}

int twilio_call_create(struct twilio *tw, const struct form *params, twilio_done_fn fn, void *arg)
{
    return twilio_request(tw, "POST", "Calls.json", params, fn, arg);
}

int twilio_call_update(struct twilio *tw, const char *call_sid, const struct form *params,
                       twilio_done_fn fn, void *arg)
{
    const char *segs[] = {call_sid};
    return send_path(tw, "POST", "Calls/%.json", segs, 1, params, fn, arg);
}

int twilio_member_dequeue(struct twilio *tw, const char *queue_sid, const char *call_sid,
                          const char *url, const char *method, twilio_done_fn fn, void *arg)
{
    if (!url || !*url)
        return DT_EINVAL;
    struct form f;
    form_init(&f);
    int rc = form_add(&f, "Url", url);
    if (rc == DT_OK && method)
        rc = form_add(&f, "Method", method);
    const char *segs[] = {queue_sid, call_sid};
    if (rc == DT_OK)
        rc = send_path(tw, "POST", "Queues/%/Members/%.json", segs, 2, &f, fn, arg);
    form_done(&f);
    return rc;
}

int twilio_participant_create(struct twilio *tw, const char *conference, const struct form *params,
                              twilio_done_fn fn, void *arg)
{
    const char *segs[] = {conference};
    return send_path(tw, "POST", "Conferences/%/Participants.json", segs, 1, params, fn, arg);
}

int twilio_participant_update(struct twilio *tw, const char *conference, const char *call_sid,
                              const struct form *params, twilio_done_fn fn, void *arg)
{
    const char *segs[] = {conference, call_sid};
    return send_path(tw, "POST", "Conferences/%/Participants/%.json", segs, 2, params, fn, arg);
}

int twilio_participant_delete(struct twilio *tw, const char *conference, const char *call_sid,
                              twilio_done_fn fn, void *arg)
{
    const char *segs[] = {conference, call_sid};
    return send_path(tw, "DELETE", "Conferences/%/Participants/%.json", segs, 2, NULL, fn, arg);
}

int twilio_conference_update(struct twilio *tw, const char *conference, const struct form *params,
                             twilio_done_fn fn, void *arg)
{
    const char *segs[] = {conference};
    return send_path(tw, "POST", "Conferences/%.json", segs, 1, params, fn, arg);
}

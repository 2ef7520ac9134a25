/*
 * retry: the retry policy's decision (see dialtone/retry.h).
 */
#include <stddef.h>

#include "dialtone/retry.h"
#include "dialtone/util.h"

#define RETRY_DAY_S 86400

void retry_config_defaults(struct retry_config *cfg)
{
    cfg->delay = 60;
    cfg->max_attempts = 3;
    cfg->busy_callback = 600;
}

const char *retry_verdict_name(enum retry_verdict v)
{
    static const char *const names[] = {
        [RETRY_NEVER] = "never", [RETRY_AGAIN] = "retry", [RETRY_CALLBACK] = "callback"};
    return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "never";
}

static int never(struct retry_decision *out, const char *reason)
{
    out->verdict = RETRY_NEVER;
    out->at_ms = 0;
    out->reason = reason;
    return DT_OK;
}

static int valid_policy(const struct retry_config *cfg)
{
    return cfg->delay >= 0 && cfg->delay <= RETRY_DAY_S && cfg->busy_callback >= 0 &&
           cfg->busy_callback <= RETRY_DAY_S && cfg->max_attempts >= 1 &&
           cfg->max_attempts <= RETRY_MAX_ATTEMPTS;
}

int retry_decide(const struct errors_entry *e, int attempt, int64_t now_ms,
                 const struct retry_config *cfg, struct retry_decision *out)
{
    if (!out)
        return DT_EINVAL;
    never(out, "invalid");
    if (!e || !cfg || attempt < 1 || now_ms < 0 || !valid_policy(cfg))
        return DT_EINVAL;
    if (e->bad_number || e->category == DT_ERRCAT_BAD_NUMBER)
        return never(out, "bad number");
    if (e->category == DT_ERRCAT_DECLINED)
        return never(out, "declined");
    if (e->category == DT_ERRCAT_CANCELED)
        return never(out, "canceled");
    if (e->category == DT_ERRCAT_BUSY) {
        if (cfg->busy_callback == 0)
            return never(out, "busy, callbacks off");
        if (attempt >= cfg->max_attempts)
            return never(out, "attempts exhausted");
        out->verdict = RETRY_CALLBACK;
        out->at_ms = now_ms + (int64_t)cfg->busy_callback * 1000;
        out->reason = "busy";
        return DT_OK;
    }
    if (!e->retryable)
        return never(out, "not retryable");
    if (attempt >= cfg->max_attempts)
        return never(out, "attempts exhausted");
    out->verdict = RETRY_AGAIN;
    out->at_ms = now_ms + (int64_t)cfg->delay * 1000;
    out->reason = "retryable";
    return DT_OK;
}

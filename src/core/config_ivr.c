/*
 * config_ivr: the [ivr] menu of dialtone.conf: its key names, the checks made once the whole
 * file is read (the queues it names may come after it), and where a caller's keys lead. See
 * dialtone/config.h.
 */
#include <stdio.h>
#include <string.h>

#include "core/config_internal.h"
#include "dialtone/util.h"

int config_ivr_key_index(const char *name)
{
    if (!name || !name[0] || name[1])
        return -1;
    if (name[0] >= '0' && name[0] <= '9')
        return name[0] - '0';
    return name[0] == '*' ? 10 : -1;
}

static char key_char(int i)
{
    return i == 10 ? '*' : (char)('0' + i);
}

/* Respells name as the queue's section does; DT_ENOTFOUND if no such queue. */
static int resolve(const struct config *cfg, char *name, size_t n)
{
    const struct config_queue *q = config_queue_find(cfg, name);
    if (!q)
        return DT_ENOTFOUND;
    dt_strlcpy(name, q->name, n);
    return DT_OK;
}

int config_ivr_check(struct config *cfg, const struct config_ivr_lines *lines, int *line, char *why,
                     size_t whylen)
{
    struct config_ivr *m = &cfg->ivr;
    if (!m->configured)
        return DT_OK;
    *line = lines->section;
    if (!m->prompt[0])
        return dt_seterr(why, whylen, DT_EINVAL, "[ivr] needs a prompt");
    int any = 0;
    for (int i = 0; i < DT_CONFIG_IVR_KEYS; i++) {
        if (!m->keys[i][0])
            continue;
        any = 1;
        if (resolve(cfg, m->keys[i], sizeof m->keys[i]) != DT_OK) {
            *line = lines->keys[i];
            return dt_seterr(why, whylen, DT_EINVAL,
                             "key '%c' in [ivr] names a queue that has no [queue \"NAME\"] "
                             "section",
                             key_char(i));
        }
    }
    if (!any)
        return dt_seterr(why, whylen, DT_EINVAL,
                         "[ivr] needs at least one key: 1 = QUEUE (keys 0-9 and *)");
    if (m->fallback[0] && resolve(cfg, m->fallback, sizeof m->fallback) != DT_OK) {
        *line = lines->fallback;
        return dt_seterr(why, whylen, DT_EINVAL,
                         "default in [ivr] names a queue that has no [queue \"NAME\"] section");
    }
    return DT_OK;
}

const char *config_ivr_route(const struct config *cfg, const char *digits)
{
    if (cfg->n_queues == 0)
        return NULL;
    const struct config_ivr *m = &cfg->ivr;
    if (m->configured && digits && digits[0]) {
        char k[2] = {digits[0], '\0'};
        int i = config_ivr_key_index(k);
        if (i >= 0 && m->keys[i][0])
            return m->keys[i];
    }
    if (m->configured && m->fallback[0])
        return m->fallback;
    return cfg->queues[0].name;
}

/*
 * reducer_text: the console's text fields (the `:` command line, the transfer target, the history
 * filter, the wrap-up notes and the dialpad) and the command line's commands: `:dial NUMBER`,
 * `:state available|break REASON|offline`, `:theme NAME`, `:help`, `:q`. Printable keys are typed
 * at the end of a field, Backspace removes the last character, C-u clears the field, Enter submits
 * and Esc leaves.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "console/dialnum.h"
#include "console/model.h"
#include "console/reducer.h"
#include "dialtone/util.h"

#define KEY_CLEAR KM_CTRL('u')

int rd_dialnum(const struct model *st, const char *typed, char *out, size_t n, char *why,
               size_t whylen)
{
    char buf[DIALNUM_MAX];
    char w[MODEL_TEXT_SIZE] = "";
    int rc = dialnum_normalize(typed, st->country, buf, sizeof buf, w, sizeof w);
    if (rc == DT_ETOOBIG || (rc == DT_OK && strlen(buf) >= n))
        return dt_seterr(why, whylen, DT_EINVAL, "the number is too long");
    if (rc != DT_OK) {
        rd_copy(why, whylen, w[0] ? w : "not a number that can be dialled");
        return DT_EINVAL;
    }
    rd_copy(out, n, buf);
    return DT_OK;
}

/* ---- the command line ------------------------------------------------------------------------ */

static void prompt_say(struct model *st, enum model_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void prompt_say(struct model *st, enum model_level level, const char *fmt, ...)
{
    char msg[MODEL_TEXT_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    rd_copy(st->prompt.message, sizeof st->prompt.message, msg);
    st->prompt.message_level = level;
}

/* Splits the first word off line: returns the rest, without leading spaces. */
static const char *first_word(const char *line, char *word, size_t n)
{
    while (*line == ' ')
        line++;
    size_t k = 0;
    while (*line && *line != ' ') {
        if (k + 1 < n)
            word[k++] = *line;
        line++;
    }
    word[k] = '\0';
    while (*line == ' ')
        line++;
    return line;
}

static void cmd_dial(struct model *st, const char *arg, struct rd_out *o)
{
    char e164[MODEL_NUMBER_SIZE], why[MODEL_TEXT_SIZE];
    if (!*arg) {
        prompt_say(st, MODEL_WARN, "%s", "Usage: :dial NUMBER");
        return;
    }
    if (rd_dialnum(st, arg, e164, sizeof e164, why, sizeof why) != DT_OK) {
        prompt_say(st, MODEL_ERROR, "Cannot dial: %s", why);
        return;
    }
    rd_dial(st, o, e164);
}

static void cmd_state(struct model *st, const char *arg, struct rd_out *o)
{
    char state[MODEL_WORD_SIZE];
    const char *reason = first_word(arg, state, sizeof state);
    if (strcmp(state, "available") == 0 || strcmp(state, "offline") == 0) {
        rd_state(st, o, state, NULL);
    } else if (strcmp(state, "break") == 0) {
        if (!*reason)
            prompt_say(st, MODEL_WARN, "%s", "A break needs a reason: :state break lunch");
        else
            rd_state(st, o, "break", reason);
    } else {
        prompt_say(st, MODEL_WARN, "%s", "Usage: :state available|break REASON|offline");
    }
}

void rd_command(struct model *st, const char *line, struct rd_out *o)
{
    char word[MODEL_WORD_SIZE];
    const char *arg = first_word(line, word, sizeof word);
    if (!word[0])
        return;
    if (strcmp(word, "q") == 0 || strcmp(word, "quit") == 0) {
        rd_simple(o, MODEL_CMD_QUIT, NULL);
    } else if (strcmp(word, "dial") == 0) {
        cmd_dial(st, arg, o);
    } else if (strcmp(word, "state") == 0) {
        cmd_state(st, arg, o);
    } else if (strcmp(word, "theme") == 0) {
        if (*arg)
            rd_simple(o, MODEL_CMD_THEME, arg);
        else
            prompt_say(st, MODEL_WARN, "%s", "Usage: :theme NAME");
    } else if (strcmp(word, "complete") == 0 || strcmp(word, "cancel") == 0) {
        rd_xfer_end(st, o, word[1] == 'o');
    } else if (strcmp(word, "help") == 0) {
        st->help_open = 1;
        st->help_scroll = 0;
    } else if (strcmp(word, "alerts") == 0 || strcmp(word, "numbers") == 0) {
        (word[0] == 'a' ? rd_alerts_open : rd_numbers_open)(st, o);
    } else if (strcmp(word, "reports") == 0 && !*arg) {
        rd_reports_open(st, o);
    } else if (strcmp(word, "report") == 0 || strcmp(word, "reports") == 0) {
        rd_reports_command(st, arg, o);
    } else {
        prompt_say(st, MODEL_WARN,
                   "Unknown command: %s (try dial, state, theme, complete, cancel, help, q)", word);
    }
}

/* ---- fields ---------------------------------------------------------------------------------- */

/* The editing keys common to every field; 1 when key was one of them. */
static int edit(char *buf, size_t n, int key)
{
    if (key == KM_KEY_BACKSPACE) {
        rd_text_backspace(buf);
        return 1;
    }
    if (key == KEY_CLEAR) {
        buf[0] = '\0';
        return 1;
    }
    if (key >= 0x20 && key < KM_KEY_BASE) {
        rd_text_add(buf, n, key); /* unprintable characters are dropped */
        return 1;
    }
    return 0;
}

static int prompt_key(struct model *st, int key, struct rd_out *o)
{
    struct model_prompt *p = &st->prompt;
    if (key == KM_KEY_ESC || (key == KM_KEY_BACKSPACE && !p->text[0])) {
        p->open = 0;
    } else if (key == KM_KEY_ENTER) {
        char line[MODEL_INPUT_SIZE];
        memcpy(line, p->text, sizeof line);
        p->open = 0;
        p->text[0] = '\0';
        rd_command(st, line, o);
    } else {
        edit(p->text, sizeof p->text, key);
    }
    return 1; /* the command line takes every key */
}

/* The body of a transfer to target: a queue's name, an agent's ("agent:NAME" or a name the
 * agents list has), else a number or address; 0, or DT_EINVAL with why. */
static int transfer_body(struct model *st, const char *target, cJSON *b, char *why, size_t n)
{
    struct model_transfer *t = &st->transfer;
    int queue = 0, agent = strncmp(target, "agent:", 6) == 0;
    for (size_t i = 0; i < st->n_queues; i++)
        queue |= strcmp(st->queues[i].name, target) == 0;
    for (size_t i = 0; !agent && i < t->n_agents; i++)
        agent |= strcmp(t->agents[i], target) == 0;
    char to[MODEL_NUMBER_SIZE];
    if (agent) {
        const char *name = strncmp(target, "agent:", 6) == 0 ? target + 6 : target;
        if (!*name)
            return dt_seterr(why, n, DT_EINVAL, "agent: needs a name");
        cJSON_AddStringToObject(b, "agent", name);
    } else if (queue) {
        if (t->warm)
            return dt_seterr(why, n, DT_EINVAL, "a warm transfer needs an agent or a number");
        cJSON_AddStringToObject(b, "queue", target);
    } else if (rd_dialnum(st, target, to, sizeof to, why, n) == DT_OK) {
        cJSON_AddStringToObject(b, "to", to);
    } else {
        return DT_EINVAL;
    }
    if (t->warm)
        cJSON_AddTrueToObject(b, "warm");
    return DT_OK;
}

static void transfer_submit(struct model *st, struct rd_out *o)
{
    struct model_transfer *t = &st->transfer;
    const char *target = t->target;
    while (*target == ' ')
        target++;
    if (!*target || !st->call.sid[0]) {
        rd_copy(t->message, sizeof t->message, "Type a number, an address, an agent or a queue");
        return;
    }
    cJSON *b = cJSON_CreateObject();
    char why[MODEL_TEXT_SIZE], esc[MODEL_SID_SIZE * 3];
    if (transfer_body(st, target, b, why, sizeof why) != DT_OK)
        rd_copy(t->message, sizeof t->message, why);
    else if (rd_request(st, o, "POST", MODEL_TAG_TRANSFER, b, "/api/v1/calls/%s/transfer",
                        rd_esc(st->call.sid, esc, sizeof esc)) == DT_OK)
        rd_copy(t->message, sizeof t->message, "Transferring...");
    cJSON_Delete(b);
}

/* Tab: the next queue, then the next available agent, round and round. */
static void transfer_pick(struct model *st)
{
    struct model_transfer *t = &st->transfer;
    size_t avail = 0;
    while (avail < t->n_agents && strcmp(t->agent_states[avail], "available") == 0)
        avail++;
    size_t n = st->n_queues + avail;
    if (n == 0)
        return;
    t->queue_pick %= n;
    if (t->queue_pick < st->n_queues)
        dt_strlcpy(t->target, st->queues[t->queue_pick].name, sizeof t->target);
    else
        dt_strlcpy(t->target, t->agents[t->queue_pick - st->n_queues], sizeof t->target);
    t->queue_pick = (t->queue_pick + 1) % n;
    t->message[0] = '\0';
}

static int transfer_key(struct model *st, int key, struct rd_out *o)
{
    struct model_transfer *t = &st->transfer;
    if (key == KM_KEY_ESC) {
        t->open = 0;
    } else if (key == KM_KEY_ENTER) {
        transfer_submit(st, o);
    } else if (key == KM_KEY_TAB) {
        transfer_pick(st);
    } else if (key == KM_CTRL('w')) {
        t->warm = !t->warm;
        t->message[0] = '\0';
    } else if (edit(t->target, sizeof t->target, key)) {
        t->message[0] = '\0';
    }
    return 1;
}

/* The history filter: a bare error code is matched here (the daemon has no such filter). */
static int filter_key(struct model *st, int key, struct rd_out *o)
{
    struct model_history *h = &st->history;
    if (st->screen == MODEL_SCR_QUEUE) { /* the waiting callers, filtered as it is typed */
        if (key == KM_KEY_ESC)
            st->queue_filter[0] = '\0';
        if (key == KM_KEY_ESC || key == KM_KEY_ENTER)
            st->queue_filter_editing = 0;
        else
            edit(st->queue_filter, sizeof st->queue_filter, key);
        rd_queue_sel_fix(st);
        return 1;
    }
    if (key == KM_KEY_ESC) {
        h->filter_editing = 0;
    } else if (key == KM_KEY_ENTER) {
        h->filter_editing = 0;
        memcpy(h->filter, h->filter_edit, sizeof h->filter);
        rd_history_query(st, o);
    } else {
        edit(h->filter_edit, sizeof h->filter_edit, key);
    }
    return 1;
}

static int notes_key(struct model *st, int key)
{
    struct model_wrapup *w = &st->wrapup;
    if (key == KM_KEY_ESC || key == KM_KEY_TAB || key == KM_KEY_BTAB) {
        w->notes_focus = 0;
        return 1;
    }
    if (key == KM_KEY_ENTER)
        return 0; /* submits, as from the list */
    return edit(w->notes, sizeof w->notes, key);
}

static int dialpad_key(struct model *st, int key, struct rd_out *o)
{
    struct model_dialpad *d = &st->dialpad;
    if (key == KM_KEY_ESC) {
        if (d->buf[0]) {
            d->buf[0] = '\0';
            d->message[0] = '\0';
        } else {
            st->screen = MODEL_SCR_QUEUE;
        }
        return 1;
    }
    if (key == KM_KEY_ENTER) {
        char e164[MODEL_NUMBER_SIZE], why[MODEL_TEXT_SIZE];
        if (!d->buf[0]) {
            rd_copy(d->message, sizeof d->message, "Type a number first");
            d->message_level = MODEL_WARN;
        } else if (rd_dialnum(st, d->buf, e164, sizeof e164, why, sizeof why) != DT_OK) {
            rd_copy(d->message, sizeof d->message, why);
            d->message_level = MODEL_ERROR;
        } else {
            rd_dial(st, o, e164);
        }
        return 1;
    }
    if (edit(d->buf, sizeof d->buf, key)) {
        d->message[0] = '\0';
        d->recent_sel = -1;
        return 1;
    }
    return 0;
}

int rd_text_key(struct model *st, int key, struct rd_out *o)
{
    switch (rd_layer(st)) {
    case RD_PROMPT:
        return prompt_key(st, key, o);
    case RD_TRANSFER:
        return transfer_key(st, key, o);
    case RD_FILTER:
        return filter_key(st, key, o);
    case RD_WRAPUP:
        return st->wrapup.notes_focus ? notes_key(st, key) : 0;
    case RD_SCREEN:
        return st->screen == MODEL_SCR_DIALPAD ? dialpad_key(st, key, o) : 0;
    default:
        return 0;
    }
}

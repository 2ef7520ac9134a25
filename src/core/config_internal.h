/*
 * config_internal: what config.c (file, environment, validation) shares with config_value.c
 * (the table of keys and the value parsers). Not part of the public API.
 */
#ifndef DIALTONE_CONFIG_INTERNAL_H
#define DIALTONE_CONFIG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/config.h"

enum config_sec {
    CONFIG_SEC_NONE = 0,
    CONFIG_SEC_TWILIO,
    CONFIG_SEC_SERVER,
    CONFIG_SEC_QUEUE,
    CONFIG_SEC_HOURS,
    CONFIG_SEC_DISPOSITIONS,
    CONFIG_SEC_IVR,
    CONFIG_SEC_WALLBOARD,
    CONFIG_SEC_ALERTS,
    CONFIG_SEC_RETRY,
    CONFIG_SEC_RETENTION,
};

enum config_kind {
    CONFIG_K_TEXT,     /* non-empty text */
    CONFIG_K_SECRET,   /* text, may be empty (unset) */
    CONFIG_K_SID,      /* prefix + 32 hex digits, or empty */
    CONFIG_K_URL,      /* http(s) URL, or empty */
    CONFIG_K_NUMBERS,  /* E.164 list; appends */
    CONFIG_K_INT,      /* int in [min, max] */
    CONFIG_K_SIZE,     /* size_t in [min, max] */
    CONFIG_K_LEVEL,    /* log level name */
    CONFIG_K_ROUTING,  /* ringall | longest-idle */
    CONFIG_K_LISTEN,   /* IP address */
    CONFIG_K_TZ,       /* IANA zone name */
    CONFIG_K_DAY,      /* business hours of day min (tm_wday) */
    CONFIG_K_NAME,     /* a queue name: 1-32 letters, digits, '-' or '_' */
    CONFIG_K_HOLIDAYS, /* dates closed; appends */
    CONFIG_K_MESSAGE,  /* after-hours message */
    CONFIG_K_CLOCK,    /* HH:MM as a minute of the day (int) */
    CONFIG_K_ZONE,     /* IANA zone name into a struct config_wallboard */
    CONFIG_K_DAYS,     /* int days in [min, max], or 0 for ever */
};

struct config_key {
    enum config_sec sec;
    const char *name;
    enum config_kind kind;
    size_t off;  /* into struct config, or struct config_queue for CONFIG_SEC_QUEUE; for
                    the hours' kinds (TZ, DAY, HOLIDAYS, MESSAGE) the struct config_hours */
    size_t size; /* of a string field */
    long min, max;
    const char *prefix; /* of a SID */
};

/* The key called name in section sec, or NULL; *index (may be NULL) gets its table index,
 * which is below 64. */
const struct config_key *config_key_find(enum config_sec sec, const char *name, unsigned *index);

/*
 * Parses value for key k into cfg (into cfg->queues[queue] for a queue key). Returns 0, or
 * DT_EINVAL with a message in why that names the key and never quotes the value; cfg may then
 * hold part of the value.
 */
int config_key_set(struct config *cfg, size_t queue, const struct config_key *k, const char *value,
                   char *why, size_t whylen);

/* 1 if s is 1..DT_CONFIG_NAME_SIZE-1 letters, digits, '-' or '_' (n bytes). */
int config_name_ok(const char *s, size_t n);

/* Fills q with the queue defaults and the given name. */
void config_queue_defaults(struct config_queue *q, const char *name, size_t n);

/* The index in config_ivr.keys of an [ivr] key name ("0".."9", "*"), or -1. */
int config_ivr_key_index(const char *name);

/* Where each [ivr] line was met, for the checks made once the whole file is read. */
struct config_ivr_lines {
    int section;                  /* the [ivr] header, 0 if none */
    int keys[DT_CONFIG_IVR_KEYS]; /* each key's line, 0 if not given */
    int fallback;                 /* the default's line, 0 if not given */
};

/*
 * Checks the menu once the whole file is read: a prompt and at least one key, and every queue
 * it names defined (ignoring case; the name is then spelled as its section spells it).
 * Returns 0, or DT_EINVAL with *line set and the reason in why.
 */
int config_ivr_check(struct config *cfg, const struct config_ivr_lines *lines, int *line, char *why,
                     size_t whylen);

/* [alerts] (config_alerts.c): the defaults; one key = value (seen: the keys met so far, for
 * duplicates), 0 or DT_EINVAL with why; the whole set checked once the file is read, 0 or
 * DT_EINVAL with why. */
void config_alerts_defaults(struct config_alerts *al);
int config_alerts_set(struct config_alerts *al, const char *name, const char *v, uint64_t *seen,
                      char *why, size_t whylen);
int config_alerts_check(const struct config *cfg, char *why, size_t whylen);

/* 1 if s looks like an IANA zone name: letters, digits, '_', '+', '-', '/' parts. */
int config_tz_name_ok(const char *s);

/* Parses the len bytes of a TZif file into a new zone (config_zone_free), or NULL when they
 * are not a sound one (config_tz.c). */
struct config_zone *config_zone_parse(const unsigned char *p, size_t len);

/* A copy of z (NULL for NULL); aborts on out-of-memory (config_tz.c). */
struct config_zone *config_zone_dup(const struct config_zone *z);

/* For tests: the offset in seconds east of UTC that POSIX TZ rule gives at unix_s, into *off.
 * DT_EINVAL when rule does not parse. */
int config_zone_rule_test(const char *rule, int64_t unix_s, int32_t *off);

#endif

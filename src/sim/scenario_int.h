/*
 * scenario_int: what the scenario loader's files share. scenario.c walks the text (sections,
 * lines, continuation lines, the checks at the end), scenario_keys.c sets each key's value,
 * scenario_text.c reads values (quoted text and its escapes, numbers, ranges, durations,
 * ${NAME} expansion). Not part of the public API.
 */
#ifndef DIALTONE_SIM_SCENARIO_INT_H
#define DIALTONE_SIM_SCENARIO_INT_H

#include <stddef.h>
#include <stdint.h>

#include "dialtone/sim_scenario.h"
#include "dialtone/inifile.h"
#include "dialtone/util.h"

enum scen_sec {
    SCEN_SEC_NONE = 0,
    SCEN_SEC_SCENARIO,
    SCEN_SEC_NUMBER,
    SCEN_SEC_ARRIVALS,
    SCEN_SEC_CALLERS,
    SCEN_SEC_ENDPOINT,
    SCEN_SEC_RATES,
    SCEN_SEC_SCRIPT,
};

/* What a continuation line (blanks, then a quoted string) extends. */
enum scen_cont { SCEN_CONT_NONE = 0, SCEN_CONT_CALLER, SCEN_CONT_FRIENDLY };

struct scen_parse {
    struct sim_scenario *sc; /* the scenario being filled */
    const char *file;
    struct inifile ini; /* the lines, and the first error */
    const char *raw;    /* the current line as in the text (not NUL-terminated) */
    size_t raw_len;
    int cont;                 /* the current line is a continuation line */
    enum scen_cont cont_kind; /* what the line above left open for continuation */
    size_t cont_index;        /* which caller or number */
    enum scen_sec sec;
    size_t index;           /* the number or endpoint of the current section */
    char sec_label[96];     /* the header's text, printable, for messages */
    int sec_line;           /* the line of the current section's header */
    uint64_t seen;          /* keys given in the current section, by table index */
    unsigned sections_seen; /* singleton sections met, by enum scen_sec */
    sim_scenario_lookup_fn lookup;
    void *ctx;
    int *script_lines; /* the line of each script entry, parallel to sc->script */
    int key_lines[64]; /* where each key of the table was given last, 0 = never */
};

/* ---- scenario_keys.c ----------------------------------------------------------------------- */

/* Applies key = value (the value being raw[p..end) of the current line) in the current
 * section. Returns 1, or 0 after inifile_fail. */
int scen_key(struct scen_parse *ps, const char *key, const char *p, const char *end);

/* A continuation line: appends its quoted string to the text it continues. 1, or 0. */
int scen_continue(struct scen_parse *ps, const char *p, const char *end);

/* The checks when a section ends (at the next header or the end of the text). 1, or 0. */
int scen_close_section(struct scen_parse *ps);

/* Whether the key named name of section sec was given in the current section. */
int scen_seen(const struct scen_parse *ps, enum scen_sec sec, const char *name);

/* The line where that key was given last (in any section of that kind), 0 if never. */
int scen_key_line(const struct scen_parse *ps, enum scen_sec sec, const char *name);

/* ---- scenario_script.c --------------------------------------------------------------------- */

/* A line of [callers], [rates] or [script]. 1, or 0 after inifile_fail. */
int scen_caller(struct scen_parse *ps, const char *key, const char *p, const char *end);
int scen_rate(struct scen_parse *ps, const char *key, const char *p, const char *end);
int scen_script(struct scen_parse *ps, const char *key, const char *p, const char *end);

/* ---- scenario_text.c ----------------------------------------------------------------------- */

/*
 * Reads the value at p..end: a quoted string (decoded, then only blanks or a comment may
 * follow) or bare text (up to a ';' after a blank, trimmed). Sets *quoted. out gets the text,
 * NUL-terminated; more than cap bytes is an error. Returns 0, or -1 with a reason in why that
 * names what ("name").
 */
int scen_value(const char *p, const char *end, const char *what, size_t cap, struct dt_buf *out,
               int *quoted, char *why, size_t whylen);

/* Decodes the quoted string at *pp (which is at '"') into out, appending, and moves *pp past
 * its closing quote. Returns 0, or -1 with why. */
int scen_quoted(const char **pp, const char *end, const char *what, size_t cap, struct dt_buf *out,
                char *why, size_t whylen);

/* Splits p..end into at most max blank-separated tokens (a quoted token is decoded, with cap
 * bytes at most) up to the end or a comment. out holds them one after another, each
 * NUL-terminated; starts[i] is the offset of token i and quoted[i] whether it was quoted.
 * Returns the count, or -1 with why. */
int scen_tokens(const char *p, const char *end, size_t cap, struct dt_buf *out, size_t *starts,
                int *quoted, int max, char *why, size_t whylen);

/* A decimal number without sign or exponent ("12", "0.5", ".5") within [min, max]. 0 or -1. */
int scen_number(const char *s, double min, double max, double *out);

/* A duration: a number with an optional unit s, m or h ("90", "1.5s", "2m"), in seconds,
 * within [0, max]. 0 or -1. */
int scen_duration(const char *s, double max, double *out);

/* "MIN-MAX" or one number (both ends the same), within [min, max], MIN <= MAX. 0 or -1. */
int scen_range(const char *s, double min, double max, double *lo, double *hi);

/* 1 if s is 1 to DT_SIM_DIGITS_MAX of 0-9, '*' and '#'. */
int scen_digits_ok(const char *s);

/* Expands ${NAME} and ${NAME:-default} in s into out. Returns 0, or -1 with why. */
int scen_expand(const char *s, sim_scenario_lookup_fn lookup, void *ctx, struct dt_buf *out,
                char *why, size_t whylen);

/* 1 if s is a valid endpoint pattern (see struct sim_endpoint). */
int scen_pattern_ok(const char *s);

#endif

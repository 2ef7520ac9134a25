/*
 * inifile: the INI reading that dialtone.conf, scenario files, the console's config file and
 * theme files share, on inih. Lines come from textfile (capped, no control characters, BOM
 * and CR dropped, counted), each caller's hooks strip them and open sections, and the first
 * error, whoever finds it, is reported once as "NAME:LINE: message".
 */
#ifndef DIALTONE_INIFILE_H
#define DIALTONE_INIFILE_H

#include <stdarg.h>
#include <stddef.h>

#include "dialtone/textfile.h"

/* One reading, held by value (zero it, or let inifile_parse set it up). */
struct inifile {
    struct textfile_lines lines; /* lines.lineno: the line read last */
    int failed;
    int fail_line;
    char msg[256]; /* the first error's message, without NAME:LINE */
    const struct inifile_ops *ops;
    void *user;
};

/* What a reader adds to inih. user is inifile_parse's. Hooks return 1 to go on, or 0 after
 * inifile_fail. */
struct inifile_ops {
    size_t line_max; /* longest line, in bytes, without its line end */
    /* The caller's inih handler, called for each key = value unless an error was recorded. */
    int (*pair)(void *user, const char *section, const char *name, const char *value);
    /* Optional: called with each line as read, instead of stripping its leading blanks; may
     * move *line and *len within the line. */
    int (*line)(void *user, const char **line, size_t *len);
    /* Called, with the line stripped and NUL-terminated, for each line starting with '['. */
    int (*header)(void *user, const char *line, size_t len);
    /* The message for a line inih cannot read, e.g. "expected [section], key = value, or a
     * comment". */
    const char *expected;
};

/*
 * Reads text[0..len) (borrowed; need not be NUL-terminated) with inih through ops. Returns 0
 * when no error was recorded, else DT_EINVAL with f->fail_line and f->msg saying the first one
 * (a hook's, an over-long line, a control character, or inih's ops->expected). Allocates
 * nothing that outlives the call.
 */
int inifile_parse(struct inifile *f, const char *text, size_t len, const struct inifile_ops *ops,
                  void *user);

/* Records an error at the line read last (inifile_fail) or at line, unless one was recorded
 * already: the first one wins. Return 0, which is also inih's "error" for a handler. */
int inifile_fail(struct inifile *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int inifile_fail_at(struct inifile *f, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int inifile_vfail_at(struct inifile *f, int line, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));

/* 0 when f recorded no error, else DT_EINVAL with "NAME:LINE: message" in err. */
int inifile_error(const struct inifile *f, const char *name, char *err, size_t errlen);

/*
 * A section header line[0..len) (line[0] is '[', line[len] is NUL): *name and *n get the text
 * between the brackets. Returns 1, or 0 after inifile_fail when there is no ']' or anything
 * but blanks and a comment follows it.
 */
int inifile_section(struct inifile *f, const char *line, size_t len, const char **name, size_t *n);

/* value without one pair of enclosing double quotes into dst (size >= 1 bytes, NUL-terminated,
 * cut to fit). Returns the length written. */
size_t inifile_unquote(char *dst, size_t size, const char *value);

/* Copies s[0..n) into dst (size >= 1 bytes, NUL-terminated) for a message: at most 60 bytes, each
 * one outside printable ASCII as '?', "..." when cut. */
void inifile_printable(char *dst, size_t size, const char *s, size_t n);

/* s as a whole number of 1 to max_digits (at most 18) decimal digits (no sign, no blanks) within
 * [min, max] into *out. Returns 0, or -1 leaving *out alone. */
int inifile_long(const char *s, size_t max_digits, long min, long max, long *out);

#endif

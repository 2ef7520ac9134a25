/*
 * log: dialtone's process-wide logger. One line per message, by default on stderr:
 * "2025-01-02T03:04:05.678Z INFO  message" (UTC, milliseconds). Safe to call from any thread.
 * Every line is redacted, escaped and capped before it is written, so that neither a secret
 * nor a terminal escape sequence from outside input can reach the log through it.
 */
#ifndef DIALTONE_LOG_H
#define DIALTONE_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

enum log_level {
    DT_LOG_ERROR = 0,
    DT_LOG_WARN = 1,
    DT_LOG_INFO = 2, /* the default threshold */
    DT_LOG_DEBUG = 3,
};

/* A written line (timestamp, level, message, newline) is at most this many bytes; a longer
 * message is cut and ends in DT_LOG_TRUNCATED. */
#define DT_LOG_LINE_MAX  2048
#define DT_LOG_TRUNCATED " [truncated]"
/* What a secret or a credential-shaped value is replaced by. */
#define DT_LOG_REDACTED "[redacted]"
/* At most this many registered secrets, each at most DT_LOG_SECRET_MAX bytes. */
#define DT_LOG_SECRETS    64
#define DT_LOG_SECRET_MAX 1024

/*
 * Parses a level name: "error", "warn" (or "warning"), "info", "debug", in any case. Returns 0
 * and sets *out, or DT_EINVAL (and leaves *out alone) for anything else, NULL included.
 */
int log_level_parse(const char *name, enum log_level *out);

/* The lower-case name of a level ("warn"); "unknown" for a value out of range. Static. */
const char *log_level_name(enum log_level level);

/* Sets the threshold: messages above it (less severe) are dropped. Out-of-range values are
 * clamped to the nearest level. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);
/* 1 if a message at this level would be written, so callers can skip costly arguments. */
int log_enabled(enum log_level level);

/*
 * Sends lines to f (borrowed: never closed; flushed after each line), or to stderr when f is
 * NULL. log_set_output_fd does the same for a descriptor (one write(2) per line, retried on
 * EINTR and short writes); a negative fd means stderr. The last call wins.
 */
void log_set_output(FILE *f);
void log_set_output_fd(int fd);

/*
 * Registers a secret (an auth token, an API secret, an agent token): from now on every
 * occurrence of it in a line is written as DT_LOG_REDACTED. The value is copied. Returns 0
 * (also when it is already registered), DT_EINVAL for NULL or "", DT_ETOOBIG when it is longer
 * than DT_LOG_SECRET_MAX or DT_LOG_SECRETS are already registered; a secret that was refused
 * is not redacted, so callers should treat an error as fatal.
 *
 * Whether registered or not, these shapes are always redacted: the credentials after
 * "Authorization:" (the scheme, such as Basic or Bearer, is kept), the value after a key
 * ending in "token", "secret" or "password" followed by '=' or ':' (AuthToken=..., auth_token=,
 * "token": "..."), and the password in a URL's "user:password@".
 */
int log_add_secret(const char *s);

/* Forgets every registered secret and wipes the copies. For tests. */
void log_clear_secrets(void);

/*
 * Writes one line at the given level if it passes the threshold. The message is formatted,
 * a single trailing newline is dropped, secrets are redacted (on the formatted text, so a
 * secret split across arguments is still found), and then bytes are escaped: backslash as
 * "\\", newline, carriage return and tab as "\n", "\r", "\t", and other control characters,
 * DEL, C1 controls and invalid UTF-8 as "\xHH". Output errors are ignored: logging never fails.
 */
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Redacts and escapes msg (len bytes; NULs are escaped too) as log_msg does, into out (outlen
 * bytes, always NUL-terminated when outlen > 0); cuts at a character boundary and appends
 * DT_LOG_TRUNCATED when the result does not fit. Returns the length written. Uses the
 * registered secrets; thread-safe.
 */
size_t log_sanitize(const char *msg, size_t len, char *out, size_t outlen);

#endif

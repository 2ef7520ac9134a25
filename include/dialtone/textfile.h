/*
 * textfile: reading a whole file into memory under a size cap, and walking text line by line
 * while counting lines: inih hands its handler no line number and Debian's inih holds at most
 * 199 bytes of a line, so inifile feeds ini_parse_stream from textfile_line_next and names
 * FILE:LINE in every message.
 */
#ifndef DIALTONE_TEXTFILE_H
#define DIALTONE_TEXTFILE_H

#include <stddef.h>

#include "dialtone/util.h"

/*
 * Reads the regular file at path into b (appending), at most max bytes. *mode (may be NULL)
 * gets its permission bits. Returns 0; DT_EIO (cannot open or read), DT_EINVAL (not a regular
 * file) or DT_ETOOBIG (over max) with "PATH: reason" in err. On error b may hold part of the
 * file: the caller empties it (and wipes it when the file may hold secrets).
 */
int textfile_read(const char *path, size_t max, struct dt_buf *b, unsigned *mode, char *err,
                  size_t errlen);

/* A walk over text[0..len), held by value; borrows the text. */
struct textfile_lines {
    const char *p, *end;
    int lineno; /* the number of the line returned last, 1-based; 0 before the first */
    size_t max; /* longest line accepted, in bytes, without its line end */
};

void textfile_lines_init(struct textfile_lines *r, const char *text, size_t len, size_t max);

/*
 * The next line, in *line (borrowed from the text, not NUL-terminated) and *len: without its
 * "\n" or "\r\n", and without a UTF-8 byte order mark on line 1. Returns 1, 0 at the end of
 * the text, or DT_EINVAL when the line is longer than max ("line too long (at most N bytes)")
 * or holds a control character other than tab ("control character (byte 0xNN) in line"), with
 * that reason in err; r->lineno then counts the bad line.
 */
int textfile_line_next(struct textfile_lines *r, const char **line, size_t *len, char *err,
                       size_t errlen);

#endif

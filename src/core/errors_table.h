/*
 * errors_table: the compiled error dictionary, generated at build time by gen_errors from
 * data/twilio-errors.tsv into BUILD/gen/errors_table.c. Private to src/core/errors.c: other
 * modules use dialtone/errors.h. Entries are in strictly ascending code order.
 */
#ifndef DIALTONE_CORE_ERRORS_TABLE_H
#define DIALTONE_CORE_ERRORS_TABLE_H

#include <stddef.h>

#include "dialtone/errors.h"

extern const struct errors_entry errors_table[];
extern const size_t errors_table_len;

#endif

/*
 * Checks of a console state's invariants, shared by the model, the wallboard and the errors
 * screen (and any screen that keeps text from outside): every stored string is terminated
 * inside its array and clean for the terminal (tx_is_clean). The macros return DT_EINVAL with
 * the failing field or condition named in err; they expect `char *err, size_t errlen` in scope.
 */
#ifndef DIALTONE_CONSOLE_INVARIANT_H
#define DIALTONE_CONSOLE_INVARIANT_H

#include <string.h>

#include "console/sanitize.h"
#include "dialtone/util.h"

/* True when s is NUL-terminated within size bytes and clean text. */
static inline int inv_str_ok(const char *s, size_t size)
{
    size_t len = strnlen(s, size);
    return len < size && tx_is_clean(s, len);
}

#define INV_STR(field)                                                                             \
    do {                                                                                           \
        if (!inv_str_ok((field), sizeof(field)))                                                   \
            return dt_seterr(err, errlen, DT_EINVAL, "%s is not clean text", #field);              \
    } while (0)
#define INV(cond)                                                                                  \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return dt_seterr(err, errlen, DT_EINVAL, "broken: %s", #cond);                         \
    } while (0)

#endif

/*
 * fuzz_form: form_parse on arbitrary bytes must fail cleanly or give pairs that survive
 * form_encode and a second form_parse unchanged (abort() otherwise).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/form.h"
#include "dialtone/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const struct form *a, const struct form *b)
{
    if (form_count(a) != form_count(b))
        abort();
    for (size_t i = 0; i < form_count(a); i++) {
        const struct form_pair *pa = form_at(a, i), *pb = form_at(b, i);
        if (strcmp(pa->key, pb->key) != 0 || strcmp(pa->value, pb->value) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct form f, g;
    char err[128];
    form_init(&f);
    form_init(&g);
    int rc = form_parse(&f, (const char *)data, size, err, sizeof err);
    if (rc == 0) {
        char *enc = form_encode(&f);
        size_t len = strlen(enc);
        int rc2 = form_parse(&g, enc, len, err, sizeof err);
        if (len > DT_FORM_MAX_BODY) {
            /* Escaping can lengthen a body past the cap; that must be the only refusal. */
            if (rc2 != DT_ETOOBIG)
                abort();
        } else {
            if (rc2 != 0)
                abort();
            check_same(&f, &g);
            const char *first = form_count(&f) ? form_at(&f, 0)->key : NULL;
            if (first && strcmp(form_get(&g, first), form_at(&f, 0)->value) != 0)
                abort();
        }
        free(enc);
    } else if (form_count(&f) != 0 || err[0] == '\0') {
        abort();
    }
    form_done(&f);
    form_done(&g);
    return 0;
}

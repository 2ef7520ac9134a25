/*
 * fuzz_tzif: the time zone parsers of business hours on arbitrary bytes: a TZif file (its
 * header, counts, transitions, types and POSIX TZ footer) and, as text, a POSIX TZ rule;
 * then local times from what parsed, at fixed instants and around the input's own numbers.
 * Must never crash, read out of bounds or leak.
 */
#include "core/config_internal.h"
#include "dialtone/config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int64_t instants[] = {INT64_C(-2208988800), INT64_C(0),          INT64_C(951782400),
                                   INT64_C(1700000000),  INT64_C(2145916800), INT64_C(4102444800),
                                   INT64_C(32503680000)};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 18)
        return 0;
    struct config_local l;
    struct config_zone *z = config_zone_parse(data, size);
    if (z) {
        struct config_zone *c = config_zone_dup(z);
        for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++)
            config_zone_local(c, instants[i], &l);
        config_zone_free(c);
    }
    config_zone_free(z);

    char rule[128];
    size_t n = size < sizeof rule - 1 ? size : sizeof rule - 1;
    memcpy(rule, data, n);
    rule[n] = '\0';
    int32_t off;
    for (size_t i = 0; i < sizeof instants / sizeof instants[0]; i++)
        config_zone_rule_test(rule, instants[i], &off);
    return 0;
}

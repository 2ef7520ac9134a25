/*
 * Fuzz target for callstate. The input is a sequence of callbacks, two bytes each: the status
 * (byte % 10, where 9 is an invalid value) and the SequenceNumber (byte - 1, so 0 is absent,
 * 0xff an out-of-range -1 stand-in). Each is merged into a running position, and the target
 * aborts if an invariant of the merge rule breaks: the rank never decreases, a final status is
 * never replaced, the sequence never decreases, a second identical merge changes nothing.
 * The whole input is also parsed as a status string and run through the outcome function.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dialtone/callstate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_step(const struct callstate_pos *before, const struct callstate_pos *in)
{
    struct callstate_pos after, again;
    enum callstate_merge m = callstate_merge(before, in, &after);
    if (callstate_rank(after.status) < callstate_rank(before->status))
        abort();
    if (callstate_is_final(before->status) && after.status != before->status)
        abort();
    if (after.seq < before->seq)
        abort();
    if (m != DT_MERGE_APPLY && after.status != before->status)
        abort();
    if (m == DT_MERGE_APPLY && after.status != in->status)
        abort();
    if (callstate_merge(&after, in, &again) == DT_MERGE_APPLY || again.status != after.status ||
        again.seq != after.seq)
        abort();
}

static void fuzz_merge(const uint8_t *data, size_t size)
{
    struct callstate_pos pos = {DT_CALL_QUEUED, -1};
    int seen_final = 0;
    enum callstate_status first_final = DT_CALL_QUEUED;
    for (size_t i = 0; i + 1 < size; i += 2) {
        struct callstate_pos in = {(enum callstate_status)(data[i] % 10), (int64_t)data[i + 1] - 1};
        if (data[i + 1] == 0xff)
            in.seq = INT64_MIN;
        check_step(&pos, &in);
        callstate_merge(&pos, &in, &pos);
        if (!seen_final && callstate_is_final(pos.status)) {
            seen_final = 1;
            first_final = pos.status;
        }
        if (seen_final && pos.status != first_final)
            abort();
    }
}

static void fuzz_strings(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    enum callstate_status st;
    if (callstate_parse(s, &st) == 0 && strcmp(callstate_name(st), s) != 0)
        abort();
    struct callstate_facts f = {.status = (enum callstate_status)(size ? data[0] % 12 : 0),
                                .sip_code = size > 1 ? data[1] * 4 : 0,
                                .answered_by = s,
                                .queue_result = s};
    if (callstate_outcome_label(callstate_outcome(&f)) == NULL)
        abort();
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_merge(data, size);
    fuzz_strings(data, size);
    return 0;
}

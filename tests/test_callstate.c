/* Tests for callstate: status names, the merge rule over every pair, replays, outcomes. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/callstate.h"
#include "dialtone/util.h"

#define N DT_CALL_STATUS_COUNT

TEST(parse_and_name_round_trip)
{
    static const char *const names[N] = {"queued",      "initiated", "ringing",
                                         "in-progress", "completed", "busy",
                                         "failed",      "no-answer", "canceled"};
    for (int i = 0; i < N; i++) {
        enum callstate_status st = DT_CALL_CANCELED;
        CHECK_INT(callstate_parse(names[i], &st), DT_OK);
        CHECK_INT(st, i);
        CHECK_STR(callstate_name(st), names[i]);
    }
    CHECK_INT(callstate_is_final(DT_CALL_IN_PROGRESS), 0);
    CHECK_INT(callstate_is_final(DT_CALL_QUEUED), 0);
    CHECK_INT(callstate_is_final(DT_CALL_NO_ANSWER), 1);
    CHECK_INT(callstate_is_final(DT_CALL_COMPLETED), 1);
    CHECK_INT(callstate_rank(DT_CALL_RINGING), 2);
    CHECK_INT(callstate_rank(DT_CALL_CANCELED), 4);
}

TEST(parse_rejects_unknown)
{
    static const char *const bad[] = {"",           "Ringing",     "in_progress", "in-progress ",
                                      "inprogress", "completed\n", "answered",    "no answer",
                                      "queue",      "cancelled"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        enum callstate_status st = DT_CALL_BUSY;
        CHECK_INT(callstate_parse(bad[i], &st), DT_EINVAL);
        CHECK_INT(st, DT_CALL_BUSY);
    }
    enum callstate_status st = DT_CALL_BUSY;
    CHECK_INT(callstate_parse(NULL, &st), DT_EINVAL);
    CHECK_STR(callstate_name((enum callstate_status)99), "unknown");
    CHECK_STR(callstate_name((enum callstate_status) - 1), "unknown");
    CHECK_INT(callstate_rank((enum callstate_status)99), -1);
    CHECK_INT(callstate_is_final((enum callstate_status)99), 0);
}

/*
 * The rule written out as a table, independently of the code: rows are the current status,
 * columns the incoming one, in enum order (queued initiated ringing in-progress completed busy
 * failed no-answer canceled). A apply, D duplicate, S stale, K final kept.
 */
static const char expected_rule[N][N + 1] = {
    "DAAAAAAAA", /* queued */
    "SDAAAAAAA", /* initiated */
    "SSDAAAAAA", /* ringing */
    "SSSDAAAAA", /* in-progress */
    "SSSSDKKKK", /* completed */
    "SSSSKDKKK", /* busy */
    "SSSSKKDKK", /* failed */
    "SSSSKKKDK", /* no-answer */
    "SSSSKKKKD", /* canceled */
};

static enum callstate_merge letter_merge(char c)
{
    switch (c) {
    case 'A':
        return DT_MERGE_APPLY;
    case 'D':
        return DT_MERGE_DUPLICATE;
    case 'S':
        return DT_MERGE_STALE;
    default:
        return DT_MERGE_FINAL_KEPT;
    }
}

TEST(every_pair_follows_the_rule)
{
    static const int64_t cur_seqs[] = {-1, 0, 5};
    static const int64_t in_seqs[] = {-7, -1, 0, 3, 5, 9};
    for (int c = 0; c < N; c++) {
        for (int i = 0; i < N; i++) {
            enum callstate_merge want = letter_merge(expected_rule[c][i]);
            for (size_t a = 0; a < 3; a++) {
                for (size_t b = 0; b < 6; b++) {
                    struct callstate_pos cur = {(enum callstate_status)c, cur_seqs[a]};
                    struct callstate_pos in = {(enum callstate_status)i, in_seqs[b]};
                    struct callstate_pos out;
                    enum callstate_merge got = callstate_merge(&cur, &in, &out);
                    if (got != want)
                        printf("  cur %s/%lld in %s/%lld\n", callstate_name(cur.status),
                               (long long)cur.seq, callstate_name(in.status), (long long)in.seq);
                    CHECK_INT(got, want);
                    int64_t inseq = in.seq < -1 ? -1 : in.seq;
                    int64_t maxseq = inseq > cur.seq ? inseq : cur.seq;
                    if (want == DT_MERGE_APPLY) {
                        CHECK_INT(out.status, i);
                        CHECK_INT(out.seq, maxseq);
                    } else if (want == DT_MERGE_DUPLICATE) {
                        CHECK_INT(out.status, c);
                        CHECK_INT(out.seq, maxseq);
                    } else {
                        CHECK_INT(out.status, c);
                        CHECK_INT(out.seq, cur.seq);
                    }
                }
            }
        }
    }
}

TEST(named_cases)
{
    struct callstate_pos out, cur = {DT_CALL_COMPLETED, 4};
    /* A late ringing after completed changes nothing, even with a higher sequence. */
    struct callstate_pos in = {DT_CALL_RINGING, 9};
    CHECK_INT(callstate_merge(&cur, &in, &out), DT_MERGE_STALE);
    CHECK_INT(out.status, DT_CALL_COMPLETED);
    CHECK_INT(out.seq, 4);
    /* Ringing after in-progress changes nothing. */
    cur = (struct callstate_pos){DT_CALL_IN_PROGRESS, 2};
    in = (struct callstate_pos){DT_CALL_RINGING, 3};
    CHECK_INT(callstate_merge(&cur, &in, &out), DT_MERGE_STALE);
    CHECK_INT(out.status, DT_CALL_IN_PROGRESS);
    /* A higher rank wins with a lower or absent sequence. */
    in = (struct callstate_pos){DT_CALL_COMPLETED, 1};
    CHECK_INT(callstate_merge(&cur, &in, &out), DT_MERGE_APPLY);
    CHECK_INT(out.status, DT_CALL_COMPLETED);
    CHECK_INT(out.seq, 2);
    in.seq = -1;
    CHECK_INT(callstate_merge(&cur, &in, &out), DT_MERGE_APPLY);
    /* First final wins even against a higher sequence. */
    cur = (struct callstate_pos){DT_CALL_NO_ANSWER, 1};
    in = (struct callstate_pos){DT_CALL_COMPLETED, 8};
    CHECK_INT(callstate_merge(&cur, &in, &out), DT_MERGE_FINAL_KEPT);
    CHECK_INT(out.status, DT_CALL_NO_ANSWER);
    CHECK_INT(out.seq, 1);
    /* Same status, higher sequence: the sequence advances. out may alias cur. */
    cur = (struct callstate_pos){DT_CALL_RINGING, 1};
    in = (struct callstate_pos){DT_CALL_RINGING, 2};
    CHECK_INT(callstate_merge(&cur, &in, &cur), DT_MERGE_DUPLICATE);
    CHECK_INT(cur.seq, 2);
    /* An invalid incoming status changes nothing. */
    in = (struct callstate_pos){(enum callstate_status)42, 100};
    CHECK_INT(callstate_merge(&cur, &in, &out), DT_MERGE_INVALID);
    CHECK_INT(out.status, DT_CALL_RINGING);
    CHECK_INT(out.seq, 2);
    CHECK_STR(callstate_merge_name(DT_MERGE_FINAL_KEPT), "final kept");
    CHECK_STR(callstate_merge_name((enum callstate_merge)77), "unknown");
}

/* Applies callbacks in the given order from a first callback, returns the final position. */
static struct callstate_pos replay(const struct callstate_pos *ev, const int *order, int n)
{
    struct callstate_pos pos = ev[order[0]];
    for (int k = 1; k < n; k++)
        callstate_merge(&pos, &ev[order[k]], &pos);
    return pos;
}

static int next_perm(int *a, int n)
{
    int i = n - 2;
    while (i >= 0 && a[i] >= a[i + 1])
        i--;
    if (i < 0)
        return 0;
    int j = n - 1;
    while (a[j] <= a[i])
        j--;
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = n - 1; l < r; l++, r--) {
        t = a[l];
        a[l] = a[r];
        a[r] = t;
    }
    return 1;
}

TEST(every_delivery_order_ends_in_the_same_place)
{
    /* An outbound call's callbacks, one of them delivered twice. */
    static const struct callstate_pos ev[] = {
        {DT_CALL_INITIATED, 0}, {DT_CALL_RINGING, 1}, {DT_CALL_IN_PROGRESS, 2},
        {DT_CALL_COMPLETED, 3}, {DT_CALL_RINGING, 1}, {DT_CALL_IN_PROGRESS, -1},
    };
    int order[] = {0, 1, 2, 3, 4, 5};
    int perms = 0;
    do {
        struct callstate_pos end = replay(ev, order, 6);
        CHECK_INT(end.status, DT_CALL_COMPLETED);
        CHECK_INT(end.seq, 3);
        perms++;
    } while (next_perm(order, 6));
    CHECK_INT(perms, 720);
}

TEST(duplicates_are_idempotent)
{
    for (int c = 0; c < N; c++) {
        for (int i = 0; i < N; i++) {
            struct callstate_pos cur = {(enum callstate_status)c, 2};
            struct callstate_pos in = {(enum callstate_status)i, 4};
            struct callstate_pos once, twice;
            callstate_merge(&cur, &in, &once);
            enum callstate_merge m = callstate_merge(&once, &in, &twice);
            CHECK_INT(twice.status, once.status);
            CHECK_INT(twice.seq, once.seq);
            CHECK(m != DT_MERGE_APPLY);
        }
    }
}

struct outcome_case {
    enum callstate_status status;
    int error, sip;
    const char *answered_by, *queue_result;
    enum callstate_outcome want;
};

TEST(outcome_table)
{
    static const struct outcome_case cases[] = {
        {DT_CALL_RINGING, 0, 0, NULL, NULL, DT_OUTCOME_IN_PROGRESS},
        {DT_CALL_IN_PROGRESS, 0, 0, "human", "bridged", DT_OUTCOME_IN_PROGRESS},
        {DT_CALL_QUEUED, 0, 0, NULL, NULL, DT_OUTCOME_IN_PROGRESS},
        {DT_CALL_IN_PROGRESS, 0, 0, NULL, "hangup", DT_OUTCOME_ABANDONED},
        {DT_CALL_COMPLETED, 0, 0, NULL, "hangup", DT_OUTCOME_ABANDONED},
        {DT_CALL_COMPLETED, 0, 0, NULL, NULL, DT_OUTCOME_ANSWERED},
        {DT_CALL_COMPLETED, 0, 0, "human", NULL, DT_OUTCOME_ANSWERED},
        {DT_CALL_COMPLETED, 0, 0, "unknown", "bridged", DT_OUTCOME_ANSWERED},
        {DT_CALL_COMPLETED, 0, 0, "machine_start", NULL, DT_OUTCOME_VOICEMAIL},
        {DT_CALL_COMPLETED, 0, 0, "machine_end_beep", NULL, DT_OUTCOME_VOICEMAIL},
        {DT_CALL_COMPLETED, 0, 0, "fax", NULL, DT_OUTCOME_VOICEMAIL},
        {DT_CALL_COMPLETED, 0, 0, "machine", NULL, DT_OUTCOME_ANSWERED},
        {DT_CALL_COMPLETED, 0, 0, NULL, "leave", DT_OUTCOME_VOICEMAIL},
        {DT_CALL_COMPLETED, 0, 0, NULL, "queue-full", DT_OUTCOME_FAILED},
        {DT_CALL_COMPLETED, 0, 0, NULL, "system-shutdown", DT_OUTCOME_FAILED},
        {DT_CALL_BUSY, 0, 0, NULL, NULL, DT_OUTCOME_BUSY},
        {DT_CALL_BUSY, 0, 486, NULL, NULL, DT_OUTCOME_BUSY},
        {DT_CALL_BUSY, 0, 603, NULL, NULL, DT_OUTCOME_DECLINED},
        {DT_CALL_NO_ANSWER, 0, 0, NULL, NULL, DT_OUTCOME_NO_ANSWER},
        {DT_CALL_NO_ANSWER, 0, 487, NULL, NULL, DT_OUTCOME_NO_ANSWER},
        {DT_CALL_NO_ANSWER, 0, 607, NULL, NULL, DT_OUTCOME_DECLINED},
        {DT_CALL_CANCELED, 0, 0, NULL, NULL, DT_OUTCOME_CANCELED},
        {DT_CALL_FAILED, 32009, 0, NULL, NULL, DT_OUTCOME_FAILED},
        {DT_CALL_FAILED, 0, 404, NULL, NULL, DT_OUTCOME_FAILED},
        {DT_CALL_FAILED, 0, 486, NULL, NULL, DT_OUTCOME_BUSY},
        {DT_CALL_FAILED, 0, 600, NULL, NULL, DT_OUTCOME_BUSY},
        {DT_CALL_FAILED, 0, 480, NULL, NULL, DT_OUTCOME_NO_ANSWER},
        {DT_CALL_FAILED, 0, 408, NULL, NULL, DT_OUTCOME_NO_ANSWER},
        {DT_CALL_FAILED, 0, 487, NULL, NULL, DT_OUTCOME_CANCELED},
        {DT_CALL_FAILED, 0, 608, NULL, NULL, DT_OUTCOME_DECLINED},
        {DT_CALL_FAILED, 0, 0, "machine_start", NULL, DT_OUTCOME_FAILED},
        {(enum callstate_status)50, 0, 0, NULL, NULL, DT_OUTCOME_IN_PROGRESS},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct outcome_case *c = &cases[i];
        struct callstate_facts f = {.status = c->status,
                                    .error_code = c->error,
                                    .sip_code = c->sip,
                                    .answered_by = c->answered_by,
                                    .queue_result = c->queue_result};
        enum callstate_outcome got = callstate_outcome(&f);
        if (got != c->want)
            printf("  case %zu: got %s\n", i, callstate_outcome_label(got));
        CHECK_INT(got, c->want);
    }
}

TEST(outcome_labels_and_text)
{
    static const char *const labels[DT_OUTCOME_COUNT] = {"in progress", "answered",  "busy",
                                                         "no answer",   "declined",  "canceled",
                                                         "abandoned",   "voicemail", "failed"};
    for (int i = 0; i < DT_OUTCOME_COUNT; i++)
        CHECK_STR(callstate_outcome_label((enum callstate_outcome)i), labels[i]);
    CHECK_STR(callstate_outcome_label((enum callstate_outcome) - 3), "unknown");
    char buf[32];
    CHECK_STR(callstate_outcome_text(DT_OUTCOME_FAILED, "number unreachable", buf, sizeof buf),
              "failed: number unreachable");
    CHECK_STR(callstate_outcome_text(DT_OUTCOME_FAILED, "", buf, sizeof buf), "failed");
    CHECK_STR(callstate_outcome_text(DT_OUTCOME_FAILED, NULL, buf, sizeof buf), "failed");
    CHECK_STR(callstate_outcome_text(DT_OUTCOME_BUSY, "ignored", buf, sizeof buf), "busy");
    char small[10];
    CHECK_STR(callstate_outcome_text(DT_OUTCOME_FAILED, "a long reason", small, sizeof small),
              "failed: a");
}

int main(void)
{
    RUN(parse_and_name_round_trip);
    RUN(parse_rejects_unknown);
    RUN(every_pair_follows_the_rule);
    RUN(named_cases);
    RUN(every_delivery_order_ends_in_the_same_place);
    RUN(duplicates_are_idempotent);
    RUN(outcome_table);
    RUN(outcome_labels_and_text);
    return check_done();
}

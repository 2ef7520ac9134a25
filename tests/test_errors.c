/*
 * Tests for errors: the compiled table (size, order, well-formed entries, agreement with
 * data/twilio-errors.tsv), classification of known codes, defaults for unknown codes, SIP
 * responses, search, category names, and the TSV line parser on good and bad lines.
 * Run from the repository root (tests/run-tests.sh does).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dialtone/errors.h"
#include "dialtone/util.h"

static int printable(const char *s)
{
    for (; *s; s++)
        if (*s < 0x20 || *s > 0x7e)
            return 0;
    return 1;
}

TEST(table_is_complete_sorted_and_well_formed)
{
    CHECK_INT(errors_count(), 1953);
    CHECK(errors_at(errors_count()) == NULL);
    int prev = 0;
    for (size_t i = 0; i < errors_count(); i++) {
        const struct errors_entry *e = errors_at(i);
        CHECK(e != NULL);
        if (!e)
            return;
        if (e->code <= prev)
            CHECK_FAIL_("code %d after %d", e->code, prev);
        prev = e->code;
        CHECK((unsigned)e->category < DT_ERRCAT_COUNT);
        CHECK(e->level == DT_ERRLEVEL_ERROR || e->level == DT_ERRLEVEL_WARNING);
        CHECK(e->retryable <= 1 && e->bad_number <= 1);
        if (e->retryable && e->bad_number)
            CHECK_FAIL_("%d is both retryable and a bad number", e->code);
        CHECK(e->product && e->message && e->action);
        CHECK(e->message[0] && e->action[0]);
        if (!printable(e->product) || !printable(e->message) || !printable(e->action))
            CHECK_FAIL_("%d has a character that is not printable ASCII", e->code);
    }
}

TEST(lookup_finds_every_entry_and_nothing_else)
{
    for (size_t i = 0; i < errors_count(); i++) {
        const struct errors_entry *e = errors_at(i);
        if (errors_lookup(e->code) != e)
            CHECK_FAIL_("lookup(%d) misses its entry", e->code);
        const struct errors_entry *below = errors_lookup(e->code - 1);
        if (below && (i == 0 || below != errors_at(i - 1)))
            CHECK_FAIL_("lookup(%d) found something not in the table", e->code - 1);
    }
    CHECK(errors_lookup(0) == NULL);
    CHECK(errors_lookup(-21211) == NULL);
    CHECK(errors_lookup(INT_MAX) == NULL);
    CHECK(errors_lookup(INT_MIN) == NULL);
    CHECK(errors_lookup(21221 + 10000000) == NULL);
}

struct expect {
    int code;
    enum errors_category category;
    int retryable, bad_number;
};

TEST(known_codes_are_classified)
{
    static const struct expect cases[] = {
        {21211, DT_ERRCAT_BAD_NUMBER, 0, 1},    {21217, DT_ERRCAT_BAD_NUMBER, 0, 1},
        {13224, DT_ERRCAT_BAD_NUMBER, 0, 1},    {21201, DT_ERRCAT_BAD_NUMBER, 0, 1},
        {11200, DT_ERRCAT_TWIML, 0, 0},         {11205, DT_ERRCAT_TWIML, 1, 0},
        {12100, DT_ERRCAT_TWIML, 0, 0},         {13212, DT_ERRCAT_TWIML, 0, 0},
        {31486, DT_ERRCAT_BUSY, 1, 0},          {31600, DT_ERRCAT_BUSY, 1, 0},
        {31480, DT_ERRCAT_NO_ANSWER, 1, 0},     {31408, DT_ERRCAT_NO_ANSWER, 1, 0},
        {31603, DT_ERRCAT_DECLINED, 0, 0},      {31487, DT_ERRCAT_CANCELED, 1, 0},
        {31404, DT_ERRCAT_BAD_NUMBER, 0, 1},    {31484, DT_ERRCAT_BAD_NUMBER, 0, 1},
        {31503, DT_ERRCAT_CARRIER, 1, 0},       {31500, DT_ERRCAT_CARRIER, 1, 0},
        {31502, DT_ERRCAT_CARRIER, 1, 0},       {31403, DT_ERRCAT_BLOCKED, 0, 0},
        {20429, DT_ERRCAT_RATE_LIMIT, 1, 0},    {10004, DT_ERRCAT_RATE_LIMIT, 1, 0},
        {21215, DT_ERRCAT_BLOCKED, 0, 0},       {13227, DT_ERRCAT_BLOCKED, 0, 0},
        {21216, DT_ERRCAT_BLOCKED, 0, 0},       {21210, DT_ERRCAT_CONFIGURATION, 0, 0},
        {21212, DT_ERRCAT_CONFIGURATION, 0, 0}, {20003, DT_ERRCAT_ACCOUNT, 0, 0},
        {10001, DT_ERRCAT_ACCOUNT, 0, 0},       {20500, DT_ERRCAT_PLATFORM, 1, 0},
        {31201, DT_ERRCAT_MEDIA, 0, 0},         {31005, DT_ERRCAT_NETWORK, 1, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct errors_entry *e = errors_lookup(cases[i].code);
        if (!e) {
            CHECK_FAIL_("%d is missing", cases[i].code);
            continue;
        }
        if (e->category != cases[i].category)
            CHECK_FAIL_("%d is %s, expected %s", e->code, errors_category_name(e->category),
                        errors_category_name(cases[i].category));
        if (e->retryable != cases[i].retryable || e->bad_number != cases[i].bad_number)
            CHECK_FAIL_("%d has flags %d/%d", e->code, e->retryable, e->bad_number);
    }
    const struct errors_entry *e = errors_lookup(31486);
    CHECK_STR(e->product, "Programmable Voice");
    CHECK_STR(e->message, "Busy Here");
    CHECK(e->level == DT_ERRLEVEL_ERROR);
    CHECK_STR(errors_lookup(11200)->product, "");
    CHECK(errors_lookup(12200)->level == DT_ERRLEVEL_WARNING);
}

static int is_priority(const struct errors_entry *e)
{
    return strcmp(e->product, "Programmable Voice") == 0 ||
           strcmp(e->product, "Elastic SIP Trunking") == 0 || strcmp(e->product, "Platform") == 0 ||
           (e->code >= 10000 && e->code <= 21999);
}

TEST(voice_sip_platform_and_core_ranges_are_classified)
{
    size_t n = 0;
    for (size_t i = 0; i < errors_count(); i++) {
        const struct errors_entry *e = errors_at(i);
        if (!is_priority(e))
            continue;
        n++;
        if (e->category == DT_ERRCAT_OTHER)
            CHECK_FAIL_("%d (%s) is left as other", e->code, e->product);
    }
    CHECK(n > 600); /* the dictionary has hundreds of them; a wrong product name finds none */
}

TEST(bad_number_flag_goes_with_its_category)
{
    for (size_t i = 0; i < errors_count(); i++) {
        const struct errors_entry *e = errors_at(i);
        if (e->bad_number && e->category != DT_ERRCAT_BAD_NUMBER)
            CHECK_FAIL_("%d is a bad number in category %s", e->code,
                        errors_category_name(e->category));
    }
}

TEST(unknown_codes_get_a_default_by_range)
{
    CHECK(errors_explain(21211) == errors_lookup(21211));
    const struct errors_entry *e = errors_explain(11999);
    CHECK_INT(e->code, 0);
    CHECK_INT(e->category, DT_ERRCAT_TWIML);
    CHECK_STR(e->message, "Unknown Twilio error code");
    CHECK_INT(errors_explain(13999)->category, DT_ERRCAT_TWIML);
    CHECK_INT(errors_explain(10999)->category, DT_ERRCAT_ACCOUNT);
    CHECK_INT(errors_explain(21998)->category, DT_ERRCAT_CONFIGURATION);
    CHECK_INT(errors_explain(32998)->category, DT_ERRCAT_CONFIGURATION);
    CHECK_INT(errors_explain(99999)->category, DT_ERRCAT_OTHER);
    CHECK_INT(errors_explain(-5)->category, DT_ERRCAT_OTHER);
    CHECK_INT(errors_explain(99999)->code, 0);
    /* 31000 + SIP code, absent from the dictionary: read as the SIP response */
    CHECK(errors_lookup(31488) == NULL);
    CHECK_INT(errors_explain(31488)->category, DT_ERRCAT_MEDIA);
    CHECK_INT(errors_explain(31599)->category, DT_ERRCAT_CARRIER);
    CHECK(errors_explain(31599)->retryable);
}

TEST(sip_codes_map_to_twilio_entries_or_their_class)
{
    static const struct expect cases[] = {
        {486, DT_ERRCAT_BUSY, 1, 0},       {600, DT_ERRCAT_BUSY, 1, 0},
        {480, DT_ERRCAT_NO_ANSWER, 1, 0},  {408, DT_ERRCAT_NO_ANSWER, 1, 0},
        {404, DT_ERRCAT_BAD_NUMBER, 0, 1}, {484, DT_ERRCAT_BAD_NUMBER, 0, 1},
        {603, DT_ERRCAT_DECLINED, 0, 0},   {487, DT_ERRCAT_CANCELED, 1, 0},
        {503, DT_ERRCAT_CARRIER, 1, 0},    {403, DT_ERRCAT_BLOCKED, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct errors_entry *e = errors_lookup_sip(cases[i].code);
        if (!e) {
            CHECK_FAIL_("SIP %d has no entry", cases[i].code);
            continue;
        }
        if (e->code != 31000 + cases[i].code)
            CHECK_FAIL_("SIP %d gave code %d", cases[i].code, e->code);
        if (e->category != cases[i].category || e->retryable != cases[i].retryable ||
            e->bad_number != cases[i].bad_number)
            CHECK_FAIL_("SIP %d is %s %d/%d", cases[i].code, errors_category_name(e->category),
                        e->retryable, e->bad_number);
    }
    const struct errors_entry *e = errors_lookup_sip(488);
    CHECK_INT(e->code, 0);
    CHECK_STR(e->product, "SIP");
    CHECK_STR(e->message, "Not Acceptable Here");
    CHECK_INT(errors_lookup_sip(410)->bad_number, 1);
    /* codes without a row fall back to their class */
    CHECK_INT(errors_lookup_sip(599)->category, DT_ERRCAT_CARRIER);
    CHECK_INT(errors_lookup_sip(599)->retryable, 1);
    CHECK_INT(errors_lookup_sip(699)->category, DT_ERRCAT_DECLINED);
    CHECK_INT(errors_lookup_sip(399)->category, DT_ERRCAT_CONFIGURATION);
    CHECK_INT(errors_lookup_sip(499)->retryable, 0);
    /* low 31xxx codes are not SIP mirrors: SIP 100 is not Twilio 31100 */
    CHECK_INT(errors_lookup_sip(100)->code, 0);
    CHECK_INT(errors_lookup_sip(100)->category, DT_ERRCAT_OTHER);
    CHECK(errors_lookup_sip(99) == NULL);
    CHECK(errors_lookup_sip(700) == NULL);
    CHECK(errors_lookup_sip(-486) == NULL);
    CHECK_STR(errors_sip_reason(486), "Busy Here");
    CHECK_STR(errors_sip_reason(180), "Ringing");
    CHECK(errors_sip_reason(499) == NULL);
}

struct collect {
    int codes[64];
    int n;
    int stop_after;
};

static int collect_fn(const struct errors_entry *e, void *ctx)
{
    struct collect *c = ctx;
    if (c->n < 64)
        c->codes[c->n] = e->code;
    c->n++;
    return c->stop_after && c->n >= c->stop_after;
}

static int has_code(const struct collect *c, int code)
{
    for (int i = 0; i < c->n && i < 64; i++)
        if (c->codes[i] == code)
            return 1;
    return 0;
}

TEST(search_matches_text_and_code_prefixes)
{
    struct collect c = {0};
    int n = errors_search("GEO PERMISSION", collect_fn, &c);
    CHECK_INT(n, c.n);
    CHECK(has_code(&c, 21215) && has_code(&c, 13227) && has_code(&c, 32205));
    CHECK(!has_code(&c, 21211));

    memset(&c, 0, sizeof c);
    n = errors_search("2121", collect_fn, &c);
    CHECK_INT(n, 10); /* 21210 to 21219 */
    CHECK(has_code(&c, 21211) && has_code(&c, 21210) && has_code(&c, 21219));
    for (int i = 0; i < c.n && i < 64; i++)
        CHECK(c.codes[i] >= 21210 && c.codes[i] <= 21219);

    memset(&c, 0, sizeof c);
    CHECK(errors_search("bad number", collect_fn, &c) > 5); /* the category label */
    CHECK(has_code(&c, 21211));

    memset(&c, 0, sizeof c);
    c.stop_after = 2;
    CHECK_INT(errors_search("busy", collect_fn, &c), 2);

    memset(&c, 0, sizeof c);
    CHECK_INT(errors_search("zzqqxx no such words", collect_fn, &c), 0);
    CHECK_INT(errors_search("", collect_fn, &c), DT_EINVAL);
    CHECK_INT(errors_search(NULL, collect_fn, &c), DT_EINVAL);
    char big[ERRORS_SEARCH_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(errors_search(big, collect_fn, &c), DT_ETOOBIG);
    CHECK_INT(c.n, 0);
}

TEST(category_names_round_trip)
{
    for (int i = 0; i < DT_ERRCAT_COUNT; i++) {
        enum errors_category c;
        CHECK_INT(errors_category_from_name(errors_category_name(i), &c), 0);
        CHECK_INT(c, i);
        CHECK(errors_category_label(i)[0] != '\0');
    }
    enum errors_category c;
    CHECK_INT(errors_category_from_name("Busy", &c), DT_EINVAL);
    CHECK_INT(errors_category_from_name("", &c), DT_EINVAL);
    CHECK_INT(errors_category_from_name(NULL, &c), DT_EINVAL);
    CHECK_STR(errors_category_name(DT_ERRCAT_BAD_NUMBER), "bad-number");
    CHECK_STR(errors_category_label(DT_ERRCAT_BAD_NUMBER), "bad number");
    CHECK_STR(errors_category_name(DT_ERRCAT_COUNT), "other");
    CHECK_STR(errors_level_name(DT_ERRLEVEL_WARNING), "WARNING");
}

/* Parses s (copied, so that the parser may write into it); returns the parser's result. */
static int parse(const char *s, struct errors_entry *e, char *buf, size_t bufsz, char *err)
{
    size_t n = strlen(s);
    if (n >= bufsz)
        return 99;
    memcpy(buf, s, n + 1);
    return errors_tsv_parse_line(buf, n, e, err, 128);
}

TEST(tsv_parser_accepts_good_lines)
{
    char buf[2048], err[128];
    struct errors_entry e;
    CHECK_INT(parse("21211\tERROR\t\tInvalid 'To' Phone Number\tbad-number\tCheck it.\t0\t1", &e,
                    buf, sizeof buf, err),
              0);
    CHECK_INT(e.code, 21211);
    CHECK(e.level == DT_ERRLEVEL_ERROR);
    CHECK_STR(e.product, "");
    CHECK_STR(e.message, "Invalid 'To' Phone Number");
    CHECK_INT(e.category, DT_ERRCAT_BAD_NUMBER);
    CHECK_STR(e.action, "Check it.");
    CHECK_INT(e.retryable, 0);
    CHECK_INT(e.bad_number, 1);
    CHECK_INT(parse("7\tWARNING\tPlatform\tm\tother\ta\t1\t0", &e, buf, sizeof buf, err), 0);
    CHECK(e.level == DT_ERRLEVEL_WARNING && e.retryable == 1 && e.code == 7);
    CHECK_STR(e.product, "Platform");
}

TEST(tsv_parser_rejects_defects)
{
    static const char *const bad[] = {
        ERRORS_TSV_HEADER,
        "",
        "21211\tERROR\t\tm\tbusy\ta\t0",
        "21211\tERROR\t\tm\tbusy\ta\t0\t0\textra",
        "021211\tERROR\t\tm\tbusy\ta\t0\t0",
        "1234567\tERROR\t\tm\tbusy\ta\t0\t0",
        "-5\tERROR\t\tm\tbusy\ta\t0\t0",
        "12a\tERROR\t\tm\tbusy\ta\t0\t0",
        "\tERROR\t\tm\tbusy\ta\t0\t0",
        "1\terror\t\tm\tbusy\ta\t0\t0",
        "1\tERROR\t\t\tbusy\ta\t0\t0",
        "1\tERROR\t\tm\tBusy\ta\t0\t0",
        "1\tERROR\t\tm\tbusy\t\t0\t0",
        "1\tERROR\t\tm\tbusy\ta\t2\t0",
        "1\tERROR\t\tm\tbusy\ta\t0\t00",
        "1\tERROR\t\tm\tbad-number\ta\t1\t1",
        "1\tERROR\t\t m\tbusy\ta\t0\t0",
        "1\tERROR\t\tm \tbusy\ta\t0\t0",
        "1\tERROR\t\tm  n\tbusy\ta\t0\t0",
        "1\tERROR\t\tm\r\tbusy\ta\t0\t0",
        "1\tERROR\t\tm\x1b[2J\tbusy\ta\t0\t0",
        "1\tERROR\t\tcaf\xc3\xa9\tbusy\ta\t0\t0",
        "1\tERROR\t\tm\tbusy\ta\t0\t0\n",
    };
    char buf[2048], err[128];
    struct errors_entry e;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        if (parse(bad[i], &e, buf, sizeof buf, err) != DT_EINVAL)
            CHECK_FAIL_("bad line %zu accepted", i);
        else if (!err[0])
            CHECK_FAIL_("bad line %zu has no reason", i);
    }
    /* embedded NUL, and a length that does not end at the terminator */
    static const char nul_line[] = "1\tERROR\t\tm\0x\tbusy\ta\t0\t0";
    memcpy(buf, nul_line, sizeof nul_line);
    CHECK_INT(errors_tsv_parse_line(buf, sizeof nul_line - 1, &e, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "NUL") != NULL);
    strcpy(buf, "1\tERROR\t\tm\tbusy\ta\t0\t0");
    CHECK_INT(errors_tsv_parse_line(buf, 5, &e, err, sizeof err), DT_EINVAL);
    /* caps */
    char longline[ERRORS_TSV_LINE_MAX + 2];
    memset(longline, 'a', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    CHECK_INT(errors_tsv_parse_line(longline, sizeof longline - 1, &e, err, sizeof err),
              DT_ETOOBIG);
    char msg[ERRORS_TSV_MESSAGE_MAX + 2];
    memset(msg, 'm', sizeof msg - 1);
    msg[sizeof msg - 1] = '\0';
    snprintf(buf, sizeof buf, "1\tERROR\t\t%s\tbusy\ta\t0\t0", msg);
    CHECK_INT(errors_tsv_parse_line(buf, strlen(buf), &e, err, sizeof err), DT_EINVAL);
    CHECK(strstr(err, "message") != NULL);
    msg[ERRORS_TSV_MESSAGE_MAX] = '\0';
    snprintf(buf, sizeof buf, "1\tERROR\t\t%s\tbusy\ta\t0\t0", msg);
    CHECK_INT(errors_tsv_parse_line(buf, strlen(buf), &e, err, sizeof err), 0);
    CHECK_INT(errors_tsv_parse_line(NULL, 0, &e, err, sizeof err), DT_EINVAL);
}

/* The committed TSV, parsed line by line, must be exactly the compiled table. */
TEST(compiled_table_matches_the_tsv)
{
    FILE *f = fopen("data/twilio-errors.tsv", "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char *line = NULL, err[128];
    size_t cap = 0, i = 0;
    ssize_t n;
    int lineno = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        if (++lineno == 1)
            continue;
        line[--n] = '\0';
        struct errors_entry e;
        if (errors_tsv_parse_line(line, (size_t)n, &e, err, sizeof err) != 0) {
            CHECK_FAIL_("line %d: %s", lineno, err);
            break;
        }
        const struct errors_entry *t = errors_at(i++);
        if (!t || t->code != e.code || t->category != e.category || t->level != e.level ||
            t->retryable != e.retryable || t->bad_number != e.bad_number ||
            strcmp(t->product, e.product) || strcmp(t->message, e.message) ||
            strcmp(t->action, e.action)) {
            CHECK_FAIL_("line %d differs from the compiled entry", lineno);
            break;
        }
    }
    CHECK_INT(i, errors_count());
    free(line);
    fclose(f);
}

int main(void)
{
    RUN(table_is_complete_sorted_and_well_formed);
    RUN(lookup_finds_every_entry_and_nothing_else);
    RUN(known_codes_are_classified);
    RUN(voice_sip_platform_and_core_ranges_are_classified);
    RUN(bad_number_flag_goes_with_its_category);
    RUN(unknown_codes_get_a_default_by_range);
    RUN(sip_codes_map_to_twilio_entries_or_their_class);
    RUN(search_matches_text_and_code_prefixes);
    RUN(category_names_round_trip);
    RUN(tsv_parser_accepts_good_lines);
    RUN(tsv_parser_rejects_defects);
    RUN(compiled_table_matches_the_tsv);
    return check_done();
}

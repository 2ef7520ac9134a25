/* Tests for the scenario loader's errors: every kind, each with its exact FILE:LINE message,
 * and the caps on lines, counts and lengths. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim_scenario_check.h"

#define NUM "[number \"+14155550100\"]\n"

struct bad {
    const char *text;
    const char *want;
};

static void expect_all(const struct bad *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        EXPECT_ERR(b[i].text, b[i].want);
}

#define EXPECT_ALL(table) expect_all(table, sizeof table / sizeof table[0])

TEST(structure)
{
    static const struct bad t[] = {
        {"[scenaro]\n", "t.ini:1: unknown section [scenaro]"},
        {"\n[ scenario ]\n", "t.ini:2: unknown section [ scenario ]"},
        {"[scenario]\n[scenario]\n", "t.ini:2: duplicate section [scenario]"},
        {"[arrivals]\n[callers]\n[rates]\n[script]\n[arrivals]\n",
         "t.ini:5: duplicate section [arrivals]"},
        {"[scenario\n", "t.ini:1: section header without ']'"},
        {"[scenario] x\n", "t.ini:1: unexpected text after the section header"},
        {"seed = 1\n", "t.ini:1: key 'seed' outside any section"},
        {"[scenario]\n\njust words\n", "t.ini:3: expected [section], key = value, or a comment"},
        {"[scenario]\nsed = 1\n", "t.ini:2: unknown key 'sed' in [scenario]"},
        {"[scenario]\nSeed = 1\n", "t.ini:2: unknown key 'Seed' in [scenario]"},
        {"[scenario]\nseed = 1\nseed = 2\n", "t.ini:3: duplicate key 'seed' in [scenario]"},
        {NUM "seed = 1\n", "t.ini:2: unknown key 'seed' in [number \"+14155550100\"]"},
        {"[arrivals]\nanswer = busy\n", "t.ini:2: unknown key 'answer' in [arrivals]"},
        {"[endpoint \"*\"]\nrate_per_min = 1\n",
         "t.ini:2: unknown key 'rate_per_min' in [endpoint \"*\"]"},
        {"[scenario]\nseed = 1\x01\n", "t.ini:2: control character (byte 0x01) in line"},
        {"[scenario]\nseed = 1\rspeed = 2\n", "t.ini:2: control character (byte 0x0d) in line"},
        {"[callers]\n+14155550001 = \"\x1b[31m\"\n",
         "t.ini:2: control character (byte 0x1b) in line"},
        {"[scenario]\n\xc2\x9bkey = 1\n", "t.ini:2: unknown key '??key' in [scenario]"},
        {"[callers]\n  \"orphan\"\n",
         "t.ini:2: a line that starts with a blank and a quote continues a quoted name or "
         "friendly_name directly above, and there is none"},
        {"[callers]\n+14155550001 = bare\n  \"more\"\n",
         "t.ini:3: a line that starts with a blank and a quote continues a quoted name or "
         "friendly_name directly above, and there is none"},
        {"[callers]\n+14155550001 = \"a\"\n; comment\n  \"more\"\n",
         "t.ini:4: a line that starts with a blank and a quote continues a quoted name or "
         "friendly_name directly above, and there is none"},
        {"[callers]\n+14155550001 = \"a\"\n  \"b\" c\n",
         "t.ini:3: unexpected text after the quoted name"},
        {"[scenario]\nspeed = 2\n  \"x\"\n",
         "t.ini:3: a line that starts with a blank and a quote continues a quoted name or "
         "friendly_name directly above, and there is none"},
    };
    EXPECT_ALL(t);
}

TEST(named_sections)
{
    static const struct bad t[] = {
        {"[number]\n", "t.ini:1: bad number section [number]: expected [number \"+14155550100\"] "
                       "(E.164)"},
        {"[number +14155550100]\n", "t.ini:1: bad number section [number +14155550100]: expected "
                                    "[number \"+14155550100\"] (E.164)"},
        {"[number \"14155550100\"]\n", "t.ini:1: bad number section [number \"14155550100\"]: "
                                       "expected [number \"+14155550100\"] (E.164)"},
        {"[number \"+1415555\"]\n", "t.ini:1: bad number section [number \"+1415555\"]: expected "
                                    "[number \"+14155550100\"] (E.164)"},
        {"[numbers \"+14155550100\"]\n", "t.ini:1: unknown section [numbers \"+14155550100\"]"},
        {NUM "\n" NUM, "t.ini:3: duplicate section [number \"+14155550100\"]"},
        {"[endpoint \"\"]\n", "t.ini:1: bad endpoint section [endpoint \"\"]: expected [endpoint "
                              "\"PATTERN\"], PATTERN being +E164, client:NAME, sip:URI, or a "
                              "prefix ending in '*'"},
        {"[endpoint \"tel:+1415\"]\n", "t.ini:1: bad endpoint section [endpoint \"tel:+1415\"]: "
                                       "expected [endpoint \"PATTERN\"], PATTERN being +E164, "
                                       "client:NAME, sip:URI, or a prefix ending in '*'"},
        {"[endpoint \"+1415\"]\n", "t.ini:1: bad endpoint section [endpoint \"+1415\"]: expected "
                                   "[endpoint \"PATTERN\"], PATTERN being +E164, client:NAME, "
                                   "sip:URI, or a prefix ending in '*'"},
        {"[endpoint \"+0*\"]\n", "t.ini:1: bad endpoint section [endpoint \"+0*\"]: expected "
                                 "[endpoint \"PATTERN\"], PATTERN being +E164, client:NAME, "
                                 "sip:URI, or a prefix ending in '*'"},
        {"[endpoint \"client:a b\"]\n", "t.ini:1: bad endpoint section [endpoint \"client:a b\"]: "
                                        "expected [endpoint \"PATTERN\"], PATTERN being +E164, "
                                        "client:NAME, sip:URI, or a prefix ending in '*'"},
        {"[endpoint \"sip:\"]\n", "t.ini:1: bad endpoint section [endpoint \"sip:\"]: expected "
                                  "[endpoint \"PATTERN\"], PATTERN being +E164, client:NAME, "
                                  "sip:URI, or a prefix ending in '*'"},
        {"[endpoint \"client:*x\"]\n", "t.ini:1: bad endpoint section [endpoint \"client:*x\"]: "
                                       "expected [endpoint \"PATTERN\"], PATTERN being +E164, "
                                       "client:NAME, sip:URI, or a prefix ending in '*'"},
        {"[endpoint \"+1*\"]\n[endpoint \"+1*\"]\n",
         "t.ini:2: duplicate section [endpoint \"+1*\"]"},
    };
    EXPECT_ALL(t);
}

TEST(scenario_values)
{
    static const struct bad t[] = {
        {"[scenario]\naccount_sid = AC123\n",
         "t.ini:2: account_sid must be AC followed by 32 hex digits"},
        {"[scenario]\naccount_sid = SK0123456789abcdef0123456789abcdef\n",
         "t.ini:2: account_sid must be AC followed by 32 hex digits"},
        {"[scenario]\napi_key_sid = AC0123456789abcdef0123456789abcdef\n",
         "t.ini:2: api_key_sid must be SK followed by 32 hex digits"},
        {"[scenario]\nauth_token =\n",
         "t.ini:2: auth_token must be 1-128 bytes without control characters"},
        {"[scenario]\nauth_token = \"a\\nb\"\n",
         "t.ini:2: auth_token must be 1-128 bytes without control characters"},
        {"[scenario]\napi_key_sid = SK0123456789abcdef0123456789abcdef\n",
         "t.ini:2: api_key_sid and api_key_secret go together"},
        {"[scenario]\nseed = 1\napi_key_secret = x\n",
         "t.ini:3: api_key_sid and api_key_secret go together"},
        {"[scenario]\nspeed = 0.009\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = 1000.5\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = -1\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = 1e2\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = 1,5\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = 1.2.3\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = .\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed = inf\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nspeed =\n", "t.ini:2: speed must be a number from 0.01 to 1000"},
        {"[scenario]\nseed = 18446744073709551616\n",
         "t.ini:2: seed must be a whole number from 0 to 18446744073709551615"},
        {"[scenario]\nseed = -1\n",
         "t.ini:2: seed must be a whole number from 0 to 18446744073709551615"},
        {"[scenario]\nseed = 0x10\n",
         "t.ini:2: seed must be a whole number from 0 to 18446744073709551615"},
        {"[scenario]\nsay_s_per_char = 1.1\n",
         "t.ini:2: say_s_per_char must be a number from 0 to 1"},
        {"[scenario]\nplay_s = 3601\n", "t.ini:2: play_s must be a number from 0 to 3600"},
        {"[scenario]\nprice_unit = usd\n",
         "t.ini:2: price_unit must be a currency code of three capital letters (USD)"},
        {"[scenario]\nprice_unit = EURO\n",
         "t.ini:2: price_unit must be a currency code of three capital letters (USD)"},
    };
    EXPECT_ALL(t);
}

TEST(number_values)
{
    static const struct bad t[] = {
        {NUM "voice_url = example.com/voice\n",
         "t.ini:2: voice_url must be an http:// or https:// URL with a host, without blanks or "
         "user:password@"},
        {NUM "voice_url = http://u:p@example.com/\n",
         "t.ini:2: voice_url must be an http:// or https:// URL with a host, without blanks or "
         "user:password@"},
        {NUM "status_callback = http://example.com/a b\n",
         "t.ini:2: status_callback must be an http:// or https:// URL with a host, without blanks "
         "or user:password@"},
        {NUM "voice_fallback_url = ftp://x/\n",
         "t.ini:2: voice_fallback_url must be an http:// or https:// URL with a host, without "
         "blanks or user:password@"},
        {NUM "voice_url = ${NOPE}/twilio/voice\n",
         "t.ini:2: voice_url: variable NOPE is not set (write ${NOPE:-default})"},
        {NUM "voice_url = ${}/v\n",
         "t.ini:2: voice_url: bad variable: write ${NAME} or ${NAME:-default}"},
        {NUM "voice_url = ${A\n",
         "t.ini:2: voice_url: bad variable: write ${NAME} or ${NAME:-default}"},
        {NUM "voice_url = ${1A}\n",
         "t.ini:2: voice_url: bad variable: write ${NAME} or ${NAME:-default}"},
        {NUM "voice_url = ${A:-http://x\n",
         "t.ini:2: voice_url: bad variable: write ${NAME} or ${NAME:-default}"},
        {NUM "voice_url = ${A:-x y}\n",
         "t.ini:2: voice_url must be an http:// or https:// URL with a host, without blanks or "
         "user:password@"},
        {NUM "voice_method = post\n", "t.ini:2: voice_method must be GET or POST"},
        {NUM "status_callback_method = PUT\n",
         "t.ini:2: status_callback_method must be GET or POST"},
        {NUM "friendly_name = \"abc\n", "t.ini:2: friendly_name: missing closing quote"},
        {NUM "friendly_name = \"abc\" x\n",
         "t.ini:2: unexpected text after the quoted friendly_name"},
        {NUM "friendly_name = \"0123456789012345678901234567890123456789012345678901234567890123"
             "4\"\n",
         "t.ini:2: friendly_name is longer than 64 bytes"},
        {NUM "friendly_name = \"01234567890123456789012345678901\"\n"
             " \"012345678901234567890123456789012\"\n",
         "t.ini:3: friendly_name is longer than 64 bytes"},
    };
    EXPECT_ALL(t);
}

TEST(arrivals_values)
{
    static const struct bad t[] = {
        {"[arrivals]\nrate_per_min = 6001\n",
         "t.ini:2: rate_per_min must be a number from 0 to 6000"},
        {"[arrivals]\nrate_per_min = 1\n",
         "t.ini:2: rate_per_min: the scenario has no [number] to call"},
        {"[arrivals]\nto = 4155550100\n",
         "t.ini:2: to must be an E.164 number ('+' and 8-15 digits)"},
        {NUM "[arrivals]\n\nto = +14155550101\n",
         "t.ini:4: to: +14155550101 is not a [number] of this scenario"},
        {"[arrivals]\npatience = 90-20\n",
         "t.ini:2: patience must be seconds, MIN-MAX or one value, from 0 to 86400"},
        {"[arrivals]\npatience = 20-\n",
         "t.ini:2: patience must be seconds, MIN-MAX or one value, from 0 to 86400"},
        {"[arrivals]\npatience = 1-86401\n",
         "t.ini:2: patience must be seconds, MIN-MAX or one value, from 0 to 86400"},
        {"[arrivals]\ntalk = 1-2-3\n",
         "t.ini:2: talk must be seconds, MIN-MAX or one value, from 0 to 86400"},
        {"[arrivals]\ndigits = 12a\n", "t.ini:2: digits must be 1-64 of 0-9, '*' and '#'"},
        {"[arrivals]\ndigits =\n", "t.ini:2: digits must be 1-64 of 0-9, '*' and '#'"},
        {"[arrivals]\nrecord = 3601\n", "t.ini:2: record must be a number from 0 to 3600"},
        {"[arrivals]\nmax_calls = 1000001\n",
         "t.ini:2: max_calls must be a whole number from 0 to 1000000"},
        {"[arrivals]\nmax_calls = 1.5\n",
         "t.ini:2: max_calls must be a whole number from 0 to 1000000"},
        {"[arrivals]\npick = first\n", "t.ini:2: pick must be random or in-order"},
    };
    EXPECT_ALL(t);
}

TEST(callers_values)
{
    static const struct bad t[] = {
        {"[callers]\n4155550001 = Ann\n",
         "t.ini:2: caller '4155550001' must be an E.164 number ('+' and 8-15 digits)"},
        {"[callers]\n+14155550001 = Ann\n+14155550001 = Bob\n",
         "t.ini:3: duplicate caller +14155550001"},
        {"[callers]\n+14155550001 = \"\\q\"\n",
         "t.ini:2: unknown escape '\\q' in name (write \\\\ for a backslash)"},
        {"[callers]\n+14155550001 = \"\\x0\"\n", "t.ini:2: '\\x' in name needs 2 hex digits"},
        {"[callers]\n+14155550001 = \"\\xg0\"\n", "t.ini:2: '\\x' in name needs 2 hex digits"},
        {"[callers]\n+14155550001 = \"\\u12\"\n", "t.ini:2: '\\u' in name needs 4 hex digits"},
        {"[callers]\n+14155550001 = \"\\U0001F4D\"\n", "t.ini:2: '\\U' in name needs 8 hex digits"},
        {"[callers]\n+14155550001 = \"\\x00\"\n", "t.ini:2: name may not hold a NUL byte"},
        {"[callers]\n+14155550001 = \"\\u0000\"\n", "t.ini:2: name may not hold a NUL byte"},
        {"[callers]\n+14155550001 = \"\\ud800\"\n",
         "t.ini:2: '\\u' in name is not a Unicode code point"},
        {"[callers]\n+14155550001 = \"\\U00110000\"\n",
         "t.ini:2: '\\U' in name is not a Unicode code point"},
        {"[callers]\n+14155550001 = \"abc\\\"\n", "t.ini:2: name: missing closing quote"},
        {"[callers]\n+14155550001 = \"abc\\\n", "t.ini:2: name: missing closing quote"},
    };
    EXPECT_ALL(t);
}

TEST(endpoint_values)
{
    static const struct bad t[] = {
        {"[endpoint \"*\"]\nanswer = person\n",
         "t.ini:2: answer must be human, machine, fax, busy, no-answer, decline or fail"},
        {"[endpoint \"*\"]\nring = 601\n",
         "t.ini:2: ring must be seconds, MIN-MAX or one value, from 0 to 600"},
        {"[endpoint \"*\"]\nring = 4-2\n",
         "t.ini:2: ring must be seconds, MIN-MAX or one value, from 0 to 600"},
        {"[endpoint \"*\"]\ntalk = 86401\n", "t.ini:2: talk must be a number from 0 to 86400"},
        {"[endpoint \"*\"]\ngreeting = 601\n", "t.ini:2: greeting must be a number from 0 to 600"},
        {"[endpoint \"*\"]\nerror = 12345\n",
         "t.ini:2: error must be a Twilio error code (see `dialtone errors`)"},
        {"[endpoint \"*\"]\nerror = 0\n",
         "t.ini:2: error must be a Twilio error code (see `dialtone errors`)"},
        {"[endpoint \"*\"]\nsip = 399\n", "t.ini:2: sip must be a whole number from 400 to 699"},
        {"[endpoint \"*\"]\nsip = 700\n", "t.ini:2: sip must be a whole number from 400 to 699"},
        {"[endpoint \"*\"]\ndigits = 1 2\n", "t.ini:2: digits must be 1-64 of 0-9, '*' and '#'"},
        /* Keys that do not fit the answer, reported on their own line. */
        {"[endpoint \"*\"]\nerror = 31005\nanswer = busy\n",
         "t.ini:2: [endpoint \"*\"]: error applies only to answer = fail"},
        {"[endpoint \"*\"]\nerror = 31005\n[scenario]\n",
         "t.ini:2: [endpoint \"*\"]: error applies only to answer = fail"},
        {"[endpoint \"*\"]\nring = 1\nanswer = fail\n",
         "t.ini:3: [endpoint \"*\"]: answer = fail needs error, sip or both"},
        {"[endpoint \"*\"]\nanswer = human\nsip = 404\n",
         "t.ini:3: [endpoint \"*\"]: sip applies only to answer = busy, no-answer, decline or "
         "fail"},
        {"[endpoint \"*\"]\nanswer = fax\nsip = 404\n",
         "t.ini:3: [endpoint \"*\"]: sip applies only to answer = busy, no-answer, decline or "
         "fail"},
        {"[endpoint \"*\"]\ngreeting = 3\n",
         "t.ini:2: [endpoint \"*\"]: greeting applies only to answer = machine"},
        {"[endpoint \"*\"]\nanswer = busy\ntalk = 3\n",
         "t.ini:3: [endpoint \"*\"]: talk and digits apply only to answer = human, machine or fax"},
        {"[endpoint \"*\"]\nanswer = decline\ndigits = 1\n",
         "t.ini:3: [endpoint \"*\"]: talk and digits apply only to answer = human, machine or fax"},
        {"[endpoint \"*\"]\nanswer = no-answer\nring = 5\n",
         "t.ini:3: [endpoint \"*\"]: ring does not apply to answer = no-answer (it rings until "
         "the caller gives up)"},
    };
    EXPECT_ALL(t);
}

TEST(rates_and_script_values)
{
    static const struct bad t[] = {
        {"[rates]\nUK = 0.1\n",
         "t.ini:2: rate 'UK': the key must be a number prefix such as +44, or client, sip or "
         "default"},
        {"[rates]\n+ = 0.1\n",
         "t.ini:2: rate '+': the key must be a number prefix such as +44, or client, sip or "
         "default"},
        {"[rates]\n+0 = 0.1\n",
         "t.ini:2: rate '+0': the key must be a number prefix such as +44, or client, sip or "
         "default"},
        {"[rates]\n+1 = 0.1\n+1 = 0.2\n", "t.ini:3: duplicate rate '+1'"},
        {"[rates]\ndefault = 101\n", "t.ini:2: rate 'default' must be a price per minute from 0 "
                                     "to 100"},
        {"[rates]\nsip = free\n", "t.ini:2: rate 'sip' must be a price per minute from 0 to 100"},
        {"[script]\ncal = 1 +14155550001\n",
         "t.ini:2: unknown key 'cal' in [script] (expected call = TIME FROM [-> TO] [\"NAME\"] "
         "[patience=SECONDS] [digits=DIGITS])"},
        {"[script]\ncall = 1\n",
         "t.ini:2: call: expected call = TIME FROM [-> TO] [\"NAME\"] [patience=SECONDS] "
         "[digits=DIGITS]"},
        {"[script]\ncall = soon +14155550001\n",
         "t.ini:2: call: the time must be seconds from 0 to 604800 (90, 1.5s, 2m, 1h)"},
        {"[script]\ncall = 8d +14155550001\n",
         "t.ini:2: call: the time must be seconds from 0 to 604800 (90, 1.5s, 2m, 1h)"},
        {"[script]\ncall = 169h +14155550001\n",
         "t.ini:2: call: the time must be seconds from 0 to 604800 (90, 1.5s, 2m, 1h)"},
        {"[script]\ncall = 1 4155550001\n",
         "t.ini:2: call: FROM must be an E.164 number ('+' and 8-15 digits)"},
        {"[script]\ncall = 1 +14155550001 ->\n",
         "t.ini:2: call: TO after '->' must be an E.164 number"},
        {"[script]\ncall = 1 +14155550001 -> \"x\"\n",
         "t.ini:2: call: TO after '->' must be an E.164 number"},
        {"[script]\ncall = 1 +14155550001 -> +14155550100\n",
         "t.ini:2: call: +14155550100 is not a [number] of this scenario"},
        {"[script]\ncall = 1 +14155550001\n",
         "t.ini:2: call: no '-> TO' and the scenario has no [number] to call"},
        {"[script]\ncall = 1 +14155550001 \"a\" \"b\"\n",
         "t.ini:2: call: expected call = TIME FROM [-> TO] [\"NAME\"] [patience=SECONDS] "
         "[digits=DIGITS]"},
        {"[script]\ncall = 1 +14155550001 \"a\"x\n",
         "t.ini:2: call: unexpected text after a quoted name"},
        {"[script]\ncall = 1 +14155550001 \"a\n", "t.ini:2: call: name: missing closing quote"},
        {"[script]\ncall = 1 +14155550001 wait=3\n",
         "t.ini:2: call: expected call = TIME FROM [-> TO] [\"NAME\"] [patience=SECONDS] "
         "[digits=DIGITS]"},
        {"[script]\ncall = 1 +14155550001 patience=x\n",
         "t.ini:2: call: patience must be seconds from 0 to 86400"},
        {"[script]\ncall = 1 +14155550001 patience=1 patience=2\n",
         "t.ini:2: call: patience given twice"},
        {"[script]\ncall = 1 +14155550001 digits=1 digits=2\n",
         "t.ini:2: call: digits given twice"},
        {"[script]\ncall = 1 +14155550001 digits=x\n",
         "t.ini:2: call: digits must be 1-64 of 0-9, '*' and '#'"},
        {"[script]\ncall = 1 +1415555000 1 2 3 4 5 6 7\n", "t.ini:2: call: too many words (at "
                                                           "most 8)"},
        {NUM "[script]\ncall = 1 +14155550001\ncall = 2 +14155550002 -> +14155550101\n",
         "t.ini:4: call: +14155550101 is not a [number] of this scenario"},
    };
    EXPECT_ALL(t);
}

/* Sets text to head and then n lines made by the printf arguments, which may use i_. */
#define REPEAT(text, head, n, ...)                                                                 \
    do {                                                                                           \
        struct dt_buf b_;                                                                          \
        dt_buf_init(&b_);                                                                          \
        dt_buf_puts(&b_, head);                                                                    \
        for (int i_ = 0; i_ < (n); i_++)                                                           \
            dt_buf_printf(&b_, __VA_ARGS__);                                                       \
        text = dt_buf_take(&b_);                                                                   \
    } while (0)

TEST(caps)
{
    /* Lines: 199 bytes pass, 200 do not. */
    char line[256];
    snprintf(line, sizeof line, "[callers]\n+14155550001 = \"%0182d\"\n", 7);
    CHECK_INT(strlen(line), 10 + 199 + 1);
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, line);
    snprintf(line, sizeof line, "[callers]\n+14155550001 = \"%0183d\"\n", 7);
    EXPECT_ERR(line, "t.ini:2: line too long (at most 199 bytes)");

    /* A name of 257 bytes, over continuation lines. */
    char text[1024], piece[200];
    memset(piece, 'x', 64);
    piece[64] = '\0';
    snprintf(text, sizeof text, "[callers]\n+14155550001 = \"%s\"\n \"%s\"\n \"%s\"\n \"%s\"\n",
             piece, piece, piece, piece);
    EXPECT_OK(&sc, text);
    CHECK_INT(strlen(sc.callers[0].name), 256);
    snprintf(text, sizeof text,
             "[callers]\n+14155550001 = \"%s\"\n \"%s\"\n \"%s\"\n \"%s\"\n \"y\"\n", piece, piece,
             piece, piece);
    EXPECT_ERR(text, "t.ini:6: name is longer than 256 bytes");
    /* Escapes count what they make: 64 four-byte emoji are 256 bytes, 65 are too many. */
    struct dt_buf b;
    dt_buf_init(&b);
    dt_buf_puts(&b, "[callers]\n+14155550001 = \"\"\n");
    for (int i = 0; i < 65; i++)
        dt_buf_puts(&b, " \"\\U0001F600\"\n");
    EXPECT_ERR(b.data, "t.ini:67: name is longer than 256 bytes");
    dt_buf_done(&b);

    /* Counts. */
    char *t;
    REPEAT(t, "", DT_SIM_MAX_NUMBERS, "[number \"+1415555%04d\"]\n", i_);
    EXPECT_OK(&sc, t);
    CHECK_INT(sc.n_numbers, DT_SIM_MAX_NUMBERS);
    free(t);
    REPEAT(t, "", DT_SIM_MAX_NUMBERS + 1, "[number \"+1415555%04d\"]\n", i_);
    EXPECT_ERR(t, "t.ini:65: too many numbers (at most 64)");
    free(t);
    REPEAT(t, "", DT_SIM_MAX_ENDPOINTS + 1, "[endpoint \"+1415555%04d\"]\n", i_);
    EXPECT_ERR(t, "t.ini:257: too many endpoints (at most 256)");
    free(t);
    REPEAT(t, "[callers]\n", DT_SIM_MAX_CALLERS, "+1415555%04d = \"n%d\"\n", i_, i_);
    EXPECT_OK(&sc, t);
    CHECK_INT(sc.n_callers, DT_SIM_MAX_CALLERS);
    free(t);
    REPEAT(t, "[callers]\n", DT_SIM_MAX_CALLERS + 1, "+1415550%05d = n%d\n", i_, i_);
    EXPECT_ERR(t, "t.ini:4098: too many callers (at most 4096)");
    free(t);
    REPEAT(t, "[rates]\n", DT_SIM_MAX_RATES + 1, "+1%03d = 0.%d\n", i_, i_);
    EXPECT_ERR(t, "t.ini:258: too many rates (at most 256)");
    free(t);
    REPEAT(t, NUM "[script]\n", DT_SIM_MAX_SCRIPT + 1, "call = %d +14155550001 patience=%d\n", i_,
           i_ % 100);
    EXPECT_ERR(t, "t.ini:10003: too many scripted calls (at most 10000)");
    free(t);
    sim_scenario_done(&sc);
}

int main(void)
{
    RUN(structure);
    RUN(named_sections);
    RUN(scenario_values);
    RUN(number_values);
    RUN(arrivals_values);
    RUN(callers_values);
    RUN(endpoint_values);
    RUN(rates_and_script_values);
    RUN(caps);
    return check_done();
}

/* Tests for the scenario loader: defaults, every key, escapes and continuation lines in names,
 * endpoint and rate lookups, the script, ${} variables, and the shipped scenario files. The
 * errors have their own binary, test_sim_scenario_errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dialtone/textfile.h"
#include "sim_scenario_check.h"

#define SID "AC0123456789abcdef0123456789abcdef"
#define KEY "SK0123456789abcdef0123456789abcdef"

#define NUM "[number \"+14155550100\"]\n"

TEST(defaults)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    CHECK(sc.speed == 1);
    CHECK_INT(sc.seed, 1);
    CHECK(sc.say_s_per_char == 0.06);
    CHECK(sc.play_s == 5);
    CHECK_STR(sc.price_unit, "USD");
    CHECK(sc.account_sid == NULL && sc.auth_token == NULL);
    CHECK_INT(sc.n_numbers + sc.n_endpoints + sc.n_callers + sc.n_script + sc.n_rates, 0);
    const struct sim_endpoint *e = sim_scenario_endpoint(&sc, "+14155550100");
    CHECK(e != NULL && e->answer == DT_SIM_ANSWER_HUMAN && e->ring_s == 3 && e->ring_max_s == 3);
    CHECK(e == sim_scenario_endpoint(&sc, NULL));
    CHECK(sim_scenario_number(&sc, "+14155550100") == NULL);
    CHECK(sim_scenario_rate(&sc, "+14155550100") == 0);

    /* An empty text loads to the same defaults. */
    EXPECT_OK(&sc, "; nothing but a comment\n\n");
    CHECK(sc.speed == 1 && sc.seed == 1 && sc.arrivals.to == NULL);
    CHECK_STR(sc.file, "t.ini");
    sim_scenario_done(&sc);
    sim_scenario_done(&sc); /* twice is harmless */
}

TEST(scenario_keys)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, "[scenario]\n"
                   "account_sid = " SID "\n"
                   "auth_token = \"tok;en#1\"\n"
                   "api_key_sid = " KEY "\n"
                   "api_key_secret = s3cret\n"
                   "speed = 0.01\n"
                   "seed = 18446744073709551615\n"
                   "say_s_per_char = .5\n"
                   "play_s = 3600\n"
                   "price_unit = EUR\n");
    CHECK_STR(sc.account_sid, SID);
    CHECK_STR(sc.auth_token, "tok;en#1");
    CHECK_STR(sc.api_key_sid, KEY);
    CHECK_STR(sc.api_key_secret, "s3cret");
    CHECK(sc.speed == 0.01);
    CHECK(sc.seed == UINT64_MAX);
    CHECK(sc.say_s_per_char == 0.5);
    CHECK(sc.play_s == 3600);
    CHECK_STR(sc.price_unit, "EUR");
    EXPECT_OK(&sc, "[scenario]\nspeed = 1000\nseed = 0\n");
    CHECK(sc.speed == 1000);
    CHECK_INT(sc.seed, 0);
    CHECK(sc.account_sid == NULL); /* a load replaces everything */
    sim_scenario_done(&sc);
}

TEST(number_keys)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, NUM "friendly_name = Support line ; a comment\n"
                       "voice_url = https://example.com/voice?a=1&b=2#frag\n"
                       "voice_method = GET\n"
                       "voice_fallback_url = http://127.0.0.1:9/fallback\n"
                       "status_callback = http://127.0.0.1:8080/twilio/status\n"
                       "status_callback_method = GET\n"
                       "[number \"+442079460000\"]\n"
                       "[number \"+14155550101\"]\n"
                       "friendly_name = \"\"\n"
                       "voice_url =\n");
    CHECK_INT(sc.n_numbers, 3);
    const struct sim_number *n = sim_scenario_number(&sc, "+14155550100");
    CHECK(n == &sc.numbers[0]);
    CHECK_STR(n->friendly_name, "Support line");
    CHECK_STR(n->voice_url, "https://example.com/voice?a=1&b=2#frag");
    CHECK_STR(n->voice_method, "GET");
    CHECK_STR(n->voice_fallback_url, "http://127.0.0.1:9/fallback");
    CHECK_STR(n->status_callback, "http://127.0.0.1:8080/twilio/status");
    CHECK_STR(n->status_callback_method, "GET");
    n = sim_scenario_number(&sc, "+442079460000");
    CHECK(n != NULL);
    CHECK_STR(n->friendly_name, "+442079460000");
    CHECK(n->voice_url == NULL && n->voice_fallback_url == NULL && n->status_callback == NULL);
    CHECK_STR(n->voice_method, "POST");
    CHECK_STR(n->status_callback_method, "POST");
    n = sim_scenario_number(&sc, "+14155550101");
    CHECK(n->friendly_name == NULL);
    CHECK(n->voice_url == NULL);
    CHECK(sim_scenario_number(&sc, "+14155550102") == NULL);
    CHECK(sim_scenario_number(&sc, NULL) == NULL);
    /* The default friendly name of a North American number is Twilio's. */
    EXPECT_OK(&sc, NUM);
    CHECK_STR(sc.numbers[0].friendly_name, "(415) 555-0100");
    CHECK_STR(sc.arrivals.to, "+14155550100");
    sim_scenario_done(&sc);
}

TEST(arrivals_keys)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    CHECK(sc.arrivals.record_s == 5);
    EXPECT_OK(&sc, NUM "[number \"+14155550101\"]\n"
                       "[arrivals]\n"
                       "rate_per_min = 12.5\n"
                       "to = +14155550101\n"
                       "patience = 20 - 90\n"
                       "talk = 30\n"
                       "digits = 1*#\n"
                       "record = 0\n"
                       "max_calls = 1000000\n"
                       "pick = in-order\n");
    const struct sim_arrivals *a = &sc.arrivals;
    CHECK(a->rate_per_min == 12.5);
    CHECK_STR(a->to, "+14155550101");
    CHECK(a->patience_min_s == 20 && a->patience_max_s == 90);
    CHECK(a->talk_min_s == 30 && a->talk_max_s == 30);
    CHECK_STR(a->digits, "1*#");
    CHECK(a->record_s == 0);
    CHECK_INT(a->max_calls, 1000000);
    CHECK_INT(a->pick_in_order, 1);
    EXPECT_OK(&sc, NUM "[arrivals]\npatience=0-0\npick=random\n");
    CHECK_STR(sc.arrivals.to, "+14155550100");
    CHECK(sc.arrivals.patience_min_s == 0 && sc.arrivals.patience_max_s == 0);
    CHECK_INT(sc.arrivals.pick_in_order, 0);
    CHECK(sc.arrivals.rate_per_min == 0 && sc.arrivals.digits == NULL);
    sim_scenario_done(&sc);
}

TEST(caller_names_and_escapes)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, "[callers]\n"
                   "+14155550001 = Ann Lee\n"
                   "+14155550002 = \"\\e[31mRed\\e[0m\"\n"
                   "+14155550003 = \"\\\\ \\\" \\a\\b\\f\\n\\r\\t\\v\"\n"
                   "+14155550004 = \"\\x01\\x7f\\xff\\xFe\"\n"
                   "+14155550005 = \"\\u05e9\\u202e \\U0001F4DE \\u00e9\"\n"
                   "+14155550006 = \"\"\n"
                   "+14155550007 = \"semi ; colon # hash\" ; comment\n"
                   "+14155550008 = \"caf\xc3\xa9 \xf0\x9f\x8d\x95\"\n"
                   "+14155550009 = bare ;comment\n"
                   "+14155550010 = \"%s%n${x}\"\n");
    CHECK_INT(sc.n_callers, 10);
    CHECK_STR(sc.callers[0].number, "+14155550001");
    CHECK_STR(sc.callers[0].name, "Ann Lee");
    CHECK_STR(sc.callers[1].name, "\x1b[31mRed\x1b[0m");
    CHECK_STR(sc.callers[2].name, "\\ \" \a\b\f\n\r\t\v");
    CHECK_STR(sc.callers[3].name, "\x01\x7f\xff\xfe");
    CHECK_STR(sc.callers[4].name, "\xd7\xa9\xe2\x80\xae \xf0\x9f\x93\x9e \xc3\xa9");
    CHECK(sc.callers[5].name == NULL);
    CHECK_STR(sc.callers[6].name, "semi ; colon # hash");
    CHECK_STR(sc.callers[7].name, "caf\xc3\xa9 \xf0\x9f\x8d\x95");
    CHECK_STR(sc.callers[8].name, "bare");
    CHECK_STR(sc.callers[9].name, "%s%n${x}");
    sim_scenario_done(&sc);
}

TEST(continuation_lines)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    /* 256 bytes over four lines: the cap exactly. */
    char text[2048], name[300];
    memset(name, 'n', 256);
    name[256] = '\0';
    snprintf(text, sizeof text,
             "[callers]\n+14155550001 = \"%.64s\"\n  \"%.64s\"\n\t\"%.64s\" ; c\n   \"%.64s\"\n"
             "+14155550002 = \"short\"\n" NUM "friendly_name = \"Sup\"\n \"port\"\n"
             "  voice_url = http://h/v\n",
             name, name, name, name);
    EXPECT_OK(&sc, text);
    CHECK_STR(sc.callers[0].name, name);
    CHECK_STR(sc.callers[1].name, "short");
    CHECK_STR(sc.numbers[0].friendly_name, "Support");
    CHECK_STR(sc.numbers[0].voice_url, "http://h/v"); /* indented key: not a continuation */
    /* Escapes in a continuation; an empty piece. */
    EXPECT_OK(&sc, "[callers]\n+14155550001 = \"a\"\n \"\\e[0m\"\n \"\"\n \"\\u00e9\"\n");
    CHECK_STR(sc.callers[0].name, "a\x1b[0m\xc3\xa9");
    sim_scenario_done(&sc);
}

TEST(endpoints_and_lookup)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, "[endpoint \"client:*\"]\nanswer = human\nring = 2-4\ntalk = 0\ndigits = 1\n"
                   "[endpoint \"client:bob\"]\nanswer = no-answer\n"
                   "[endpoint \"+44*\"]\nring = 6\n"
                   "[endpoint \"+4420*\"]\nanswer = machine\ngreeting = 7.5\ntalk = 20\n"
                   "[endpoint \"+442079460000\"]\nanswer = fax\nring=0\n"
                   "[endpoint \"+14155550150\"]\nanswer = busy\nring = 4\nsip = 600\n"
                   "[endpoint \"+14155550151\"]\nanswer = decline\n"
                   "[endpoint \"+14155550152\"]\nanswer = fail\nerror = 31005\nring = 1\n"
                   "[endpoint \"+14155550153\"]\nanswer = fail\nsip = 503\n"
                   "[endpoint \"+14155550154\"]\nanswer = fail\nerror = 13224\nsip = 404\n"
                   "[endpoint \"sip:alice@example.com\"]\nanswer = busy\n"
                   "[endpoint \"sip:*\"]\nring = 600\n");
    CHECK_INT(sc.n_endpoints, 12);
    const struct sim_endpoint *e = sim_scenario_endpoint(&sc, "client:alice");
    CHECK_STR(e->pattern, "client:*");
    CHECK(e->answer == DT_SIM_ANSWER_HUMAN && e->ring_s == 2 && e->ring_max_s == 4);
    CHECK(e->talk_s == 0);
    CHECK_STR(e->digits, "1");
    e = sim_scenario_endpoint(&sc, "client:bob");
    CHECK(e->answer == DT_SIM_ANSWER_NO_ANSWER);
    CHECK_STR(sim_scenario_endpoint(&sc, "client:bobby")->pattern, "client:*");
    e = sim_scenario_endpoint(&sc, "+4416134960000");
    CHECK_STR(e->pattern, "+44*");
    CHECK(e->answer == DT_SIM_ANSWER_HUMAN && e->ring_s == 6 && e->ring_max_s == 6);
    CHECK(e->machine_greeting_s == 5);
    e = sim_scenario_endpoint(&sc, "+442071234567");
    CHECK_STR(e->pattern, "+4420*");
    CHECK(e->answer == DT_SIM_ANSWER_MACHINE && e->machine_greeting_s == 7.5 && e->talk_s == 20);
    e = sim_scenario_endpoint(&sc, "+442079460000");
    CHECK(e->answer == DT_SIM_ANSWER_FAX && e->ring_s == 0);
    e = sim_scenario_endpoint(&sc, "+14155550150");
    CHECK(e->answer == DT_SIM_ANSWER_BUSY && e->sip_code == 600 && e->ring_s == 4);
    CHECK(sim_scenario_endpoint(&sc, "+14155550151")->answer == DT_SIM_ANSWER_DECLINE);
    e = sim_scenario_endpoint(&sc, "+14155550152");
    CHECK(e->answer == DT_SIM_ANSWER_FAIL && e->error_code == 31005 && e->sip_code == 0);
    e = sim_scenario_endpoint(&sc, "+14155550153");
    CHECK(e->error_code == 0 && e->sip_code == 503);
    e = sim_scenario_endpoint(&sc, "+14155550154");
    CHECK(e->error_code == 13224 && e->sip_code == 404);
    CHECK(sim_scenario_endpoint(&sc, "sip:alice@example.com")->answer == DT_SIM_ANSWER_BUSY);
    CHECK(sim_scenario_endpoint(&sc, "sip:alice@example.com;transport=tls")->answer ==
          DT_SIM_ANSWER_BUSY);
    e = sim_scenario_endpoint(&sc, "sip:bob@example.com");
    CHECK_STR(e->pattern, "sip:*");
    CHECK(e->ring_s == 600);
    /* Nothing matches: a person after 3 s. */
    e = sim_scenario_endpoint(&sc, "+14155550199");
    CHECK_STR(e->pattern, "*");
    CHECK(e->answer == DT_SIM_ANSWER_HUMAN && e->ring_s == 3);
    /* "*" replaces that default; a longer prefix still wins over it. */
    EXPECT_OK(&sc, "[endpoint \"*\"]\nanswer = busy\n[endpoint \"+1*\"]\n");
    CHECK(sim_scenario_endpoint(&sc, "+4420")->answer == DT_SIM_ANSWER_BUSY);
    CHECK(sim_scenario_endpoint(&sc, "client:x")->answer == DT_SIM_ANSWER_BUSY);
    CHECK(sim_scenario_endpoint(&sc, "+14155550100")->answer == DT_SIM_ANSWER_HUMAN);
    sim_scenario_done(&sc);
}

TEST(rates)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, "[rates]\n+1 = 0.014\n+44 = 0.0188\n+447 = 0.0625\nclient = 0.004\n"
                   "sip = 0.0035\ndefault = 0.1\n");
    CHECK_INT(sc.n_rates, 6);
    CHECK(sim_scenario_rate(&sc, "+14155550100") == 0.014);
    CHECK(sim_scenario_rate(&sc, "+442079460000") == 0.0188);
    CHECK(sim_scenario_rate(&sc, "+447700900000") == 0.0625);
    CHECK(sim_scenario_rate(&sc, "client:alice") == 0.004);
    CHECK(sim_scenario_rate(&sc, "sip:a@b") == 0.0035);
    CHECK(sim_scenario_rate(&sc, "+33140000000") == 0.1);
    CHECK(sim_scenario_rate(&sc, NULL) == 0);
    EXPECT_OK(&sc, "[rates]\n+1 = 100\n");
    CHECK(sim_scenario_rate(&sc, "+14155550100") == 100);
    CHECK(sim_scenario_rate(&sc, "+33140000000") == 0);
    sim_scenario_done(&sc);
}

TEST(script)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, NUM "[number \"+14155550101\"]\n"
                       "[arrivals]\nto = +14155550101\n"
                       "[callers]\n+14155550123 = \"Ann Lee\"\n"
                       "[script]\n"
                       "call = 2m +14155550123\n"
                       "call = 5s +14155550124 -> +14155550100 \"Bob ; Stone\" patience=30 "
                       "digits=2#\n"
                       "call = 90 +14155550125 \"\" patience=0\n"
                       "call = 1.5s +14155550123 -> +14155550100 \"Someone else\" ; comment\n"
                       "call = 1h +14155550126 digits=9 patience=1m\n"
                       "call = 90 +14155550127\n");
    CHECK_INT(sc.n_script, 6);
    const struct sim_script_call *c = sc.script;
    /* Sorted by time; equal times keep the file's order. */
    CHECK(c[0].at_s == 1.5 && c[1].at_s == 5 && c[2].at_s == 90 && c[3].at_s == 90);
    CHECK(c[4].at_s == 120 && c[5].at_s == 3600);
    CHECK_STR(c[0].name, "Someone else");
    CHECK_STR(c[0].to, "+14155550100");
    CHECK_STR(c[1].from, "+14155550124");
    CHECK_STR(c[1].name, "Bob ; Stone");
    CHECK(c[1].patience_s == 30);
    CHECK_STR(c[1].digits, "2#");
    CHECK_STR(c[2].from, "+14155550125");
    CHECK(c[2].name == NULL && c[2].patience_s == 0 && c[2].digits == NULL);
    CHECK_STR(c[2].to, "+14155550101"); /* [arrivals] to */
    CHECK_STR(c[3].from, "+14155550127");
    CHECK(c[3].patience_s < 0);
    CHECK_STR(c[4].name, "Ann Lee"); /* from [callers] */
    CHECK_STR(c[4].to, "+14155550101");
    CHECK(c[5].patience_s == 60);
    CHECK_STR(c[5].digits, "9");
    sim_scenario_done(&sc);
}

TEST(variables)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    const char *text = NUM "voice_url = ${DIALTONE_URL:-http://127.0.0.1:8080}/twilio/voice\n"
                           "status_callback = ${HOST_A}${PATH_B}?x=${HOST_A:-}\n"
                           "voice_fallback_url = http://h/$x/$\n";
    const char *vars[] = {
        "DIALTONE_URL", "http://127.0.0.1:4567", "HOST_A", "http://a", "PATH_B", "/b", NULL};
    err[0] = '\0';
    CHECK_INT(sim_scenario_load_string_vars(&sc, "t.ini", text, check_vars, vars, err, sizeof err),
              0);
    CHECK_STR(err, "");
    CHECK_STR(sc.numbers[0].voice_url, "http://127.0.0.1:4567/twilio/voice");
    CHECK_STR(sc.numbers[0].status_callback, "http://a/b?x=http://a");
    CHECK_STR(sc.numbers[0].voice_fallback_url, "http://h/$x/$");

    /* Without a lookup, defaults apply; an empty value counts as unset. */
    EXPECT_OK(&sc, NUM "voice_url = ${DIALTONE_URL:-http://127.0.0.1:8080}/twilio/voice\n");
    CHECK_STR(sc.numbers[0].voice_url, "http://127.0.0.1:8080/twilio/voice");
    const char *empty[] = {"DIALTONE_URL", "", NULL};
    CHECK_INT(sim_scenario_load_string_vars(&sc, "t.ini",
                                            NUM "voice_url = ${DIALTONE_URL:-http://d}/v\n",
                                            check_vars, empty, err, sizeof err),
              0);
    CHECK_STR(sc.numbers[0].voice_url, "http://d/v");

    /* Only URL values expand. */
    EXPECT_OK(&sc, "[callers]\n+14155550001 = ${DIALTONE_URL}\n");
    CHECK_STR(sc.callers[0].name, "${DIALTONE_URL}");
    sim_scenario_done(&sc);
}

TEST(failed_load_keeps_the_scenario)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, NUM "[scenario]\nseed = 5\n");
    CHECK_INT(sim_scenario_load_string(&sc, "u.ini", "[scenario]\nseed = 6\nspeed = 0\n", err,
                                       sizeof err),
              DT_EINVAL);
    CHECK_STR(err, "u.ini:3: speed must be a number from 0.01 to 1000");
    CHECK_INT(sc.seed, 5);
    CHECK_INT(sc.n_numbers, 1);
    CHECK_STR(sc.file, "t.ini");
    CHECK_INT(sim_scenario_load_string(&sc, NULL, NULL, err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "<string>: no text");
    CHECK_INT(sc.seed, 5);
    sim_scenario_done(&sc);
}

TEST(line_ends_and_bom)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    EXPECT_OK(&sc, "\xef\xbb\xbf[scenario]\r\nseed = 9\r\n  speed = 2 ; indented\r\n"
                   "# hash comment\n[rates]\n+1 = 1");
    CHECK_INT(sc.seed, 9);
    CHECK(sc.speed == 2);
    CHECK(sim_scenario_rate(&sc, "+1415") == 1);
    sim_scenario_done(&sc);
}

TEST(files)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    CHECK_INT(sim_scenario_load_file(&sc, "data/scenarios/no-such.ini", err, sizeof err), DT_EIO);
    CHECK(strncmp(err, "data/scenarios/no-such.ini: cannot open: ", 41) == 0);
    CHECK_INT(sim_scenario_load_file(&sc, "data/scenarios", err, sizeof err), DT_EINVAL);
    CHECK_STR(err, "data/scenarios: not a regular file");
    CHECK_INT(sim_scenario_load_file(&sc, NULL, err, sizeof err), DT_EINVAL);

    char path[] = "/tmp/dialtone-scenario-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f)
        return;
    fputs("[scenario]\nseed = 3\n[rates]\n+1 = x\n", f);
    fclose(f);
    CHECK_INT(sim_scenario_load_file(&sc, path, err, sizeof err), DT_EINVAL);
    char want[256];
    snprintf(want, sizeof want, "%s:4: rate '+1' must be a price per minute from 0 to 100", path);
    CHECK_STR(err, want);
    /* A NUL byte in a file is refused with its line. */
    f = fopen(path, "w");
    fwrite("[scenario]\nseed = 3\0\n", 1, 21, f);
    fclose(f);
    CHECK_INT(sim_scenario_load_file(&sc, path, err, sizeof err), DT_EINVAL);
    snprintf(want, sizeof want, "%s:2: control character (byte 0x00) in line", path);
    CHECK_STR(err, want);
    unlink(path);
    sim_scenario_done(&sc);
}

/* The name [callers] gives a number, or NULL. */
static const char *caller_name(const struct sim_scenario *sc, const char *number)
{
    for (size_t i = 0; i < sc->n_callers; i++) {
        if (strcmp(sc->callers[i].number, number) == 0)
            return sc->callers[i].name;
    }
    return NULL;
}

TEST(shipped_demo)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    err[0] = '\0';
    CHECK_INT(sim_scenario_load_file(&sc, "data/scenarios/demo.ini", err, sizeof err), 0);
    CHECK_STR(err, "");
    CHECK_INT(sc.n_numbers, 2);
    CHECK_STR(sc.numbers[0].voice_url, "http://127.0.0.1:8080/twilio/voice");
    CHECK_STR(sc.numbers[1].status_callback, "http://127.0.0.1:8080/twilio/status");
    CHECK(sc.arrivals.rate_per_min > 0);
    CHECK(sc.n_callers >= 20);
    CHECK(sc.n_script > 0);
    /* Hostile names, byte for byte. */
    CHECK_STR(caller_name(&sc, "+15105550139"), "\x1b[31;1mRED ALERT\x1b[0m");
    CHECK_STR(caller_name(&sc, "+15105550136"), "Invoice \xe2\x80\xae"
                                                "fdp.exe");
    CHECK_STR(caller_name(&sc, "+15105550143"), "Robert'); DROP TABLE calls;--");
    CHECK_STR(caller_name(&sc, "+15105550147"), "\xff\xfe broken \xc3 UTF-8");
    const char *longest = caller_name(&sc, "+15105550150");
    CHECK(longest && strlen(longest) == DT_SIM_NAME_MAX);
    CHECK(caller_name(&sc, "+16505550111") == NULL);
    /* Agents answer after 2-4 s and never hang up first; every failure kind is there. */
    const struct sim_endpoint *e = sim_scenario_endpoint(&sc, "client:alice");
    CHECK(e->answer == DT_SIM_ANSWER_HUMAN && e->ring_s == 2 && e->ring_max_s == 4);
    CHECK(e->talk_s == 0);
    int kinds[DT_SIM_ANSWER_FAIL + 1] = {0}, has_31005 = 0, has_13224 = 0, sip404 = 0, sip503 = 0;
    for (size_t i = 0; i < sc.n_endpoints; i++) {
        kinds[sc.endpoints[i].answer]++;
        has_31005 |= sc.endpoints[i].error_code == 31005;
        has_13224 |= sc.endpoints[i].error_code == 13224;
        sip404 |= sc.endpoints[i].sip_code == 404;
        sip503 |= sc.endpoints[i].sip_code == 503;
    }
    for (int k = DT_SIM_ANSWER_HUMAN; k <= DT_SIM_ANSWER_FAIL; k++)
        CHECK(kinds[k] > 0);
    CHECK(has_31005 && has_13224 && sip404 && sip503);
    CHECK(sim_scenario_rate(&sc, "+14155550100") > 0);
    CHECK(sim_scenario_rate(&sc, "+442079460000") > 0);
    CHECK(sim_scenario_rate(&sc, "+33140000000") > 0);

    /* DIALTONE_URL moves the numbers to another receiver. */
    const char *vars[] = {"DIALTONE_URL", "http://127.0.0.1:45678", NULL};
    CHECK_INT(sim_scenario_load_file_vars(&sc, "data/scenarios/demo.ini", check_vars, vars, err,
                                          sizeof err),
              0);
    CHECK_STR(sc.numbers[0].voice_url, "http://127.0.0.1:45678/twilio/voice");
    CHECK_STR(sc.numbers[0].status_callback, "http://127.0.0.1:45678/twilio/status");
    sim_scenario_done(&sc);
}

TEST(shipped_test_scenarios)
{
    struct sim_scenario sc;
    sim_scenario_init(&sc);
    const char *vars[] = {"DIALTONE_URL", "http://127.0.0.1:5000", NULL};
    CHECK_INT(sim_scenario_load_file_vars(&sc, "data/scenarios/test-basic.ini", check_vars, vars,
                                          err, sizeof err),
              0);
    CHECK_INT(sc.n_numbers, 1);
    CHECK_STR(sc.numbers[0].voice_url, "http://127.0.0.1:5000/twilio/voice");
    CHECK(sc.arrivals.rate_per_min == 0 && sc.n_script == 0);
    int kinds[DT_SIM_ANSWER_FAIL + 1] = {0};
    for (size_t i = 0; i < sc.n_endpoints; i++) {
        kinds[sc.endpoints[i].answer]++;
        CHECK(sc.endpoints[i].ring_s <= 1 || sc.endpoints[i].answer == DT_SIM_ANSWER_NO_ANSWER);
    }
    for (int k = DT_SIM_ANSWER_HUMAN; k <= DT_SIM_ANSWER_FAIL; k++)
        CHECK(kinds[k] > 0);

    CHECK_INT(sim_scenario_load_file_vars(&sc, "data/scenarios/test-failures.ini", check_vars, vars,
                                          err, sizeof err),
              0);
    CHECK_STR(sc.numbers[0].status_callback, "http://127.0.0.1:5000/twilio/status");
    static const int errors[] = {31005, 13224, 13227, 31002, 31003, 32011};
    static const int sips[] = {404, 408, 480, 484, 500, 502, 503, 600};
    for (size_t k = 0; k < sizeof errors / sizeof errors[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < sc.n_endpoints; i++)
            found |= sc.endpoints[i].error_code == errors[k];
        CHECK(found);
    }
    for (size_t k = 0; k < sizeof sips / sizeof sips[0]; k++) {
        int found = 0;
        for (size_t i = 0; i < sc.n_endpoints; i++)
            found |= sc.endpoints[i].sip_code == sips[k];
        CHECK(found);
    }
    CHECK(sim_scenario_endpoint(&sc, "+14155550300")->answer == DT_SIM_ANSWER_BUSY);
    CHECK(sim_scenario_endpoint(&sc, "+14155550302")->answer == DT_SIM_ANSWER_NO_ANSWER);
    CHECK(sim_scenario_endpoint(&sc, "+14155550304")->answer == DT_SIM_ANSWER_DECLINE);
    CHECK(sim_scenario_endpoint(&sc, "+14155550340")->answer == DT_SIM_ANSWER_MACHINE);
    sim_scenario_done(&sc);
}

/* The example in README.md's "Scenario files" section loads. */
TEST(readme_example)
{
    struct dt_buf b;
    dt_buf_init(&b);
    CHECK_INT(textfile_read("README.md", 1 << 20, &b, NULL, err, sizeof err), 0);
    const char *sec = b.data ? strstr(b.data, "\n## Scenario files\n") : NULL;
    const char *start = sec ? strstr(sec, "```ini\n") : NULL;
    const char *end = start ? strstr(start + 7, "\n```\n") : NULL;
    CHECK(end != NULL);
    if (end) {
        char *text = xstrndup(start + 7, (size_t)(end - start - 6));
        struct sim_scenario sc;
        sim_scenario_init(&sc);
        EXPECT_OK(&sc, text);
        CHECK_INT(sc.n_numbers, 1);
        CHECK_INT(sc.n_script, 1);
        sim_scenario_done(&sc);
        free(text);
    }
    dt_buf_done(&b);
}

int main(void)
{
    RUN(defaults);
    RUN(scenario_keys);
    RUN(number_keys);
    RUN(arrivals_keys);
    RUN(caller_names_and_escapes);
    RUN(continuation_lines);
    RUN(endpoints_and_lookup);
    RUN(rates);
    RUN(script);
    RUN(variables);
    RUN(failed_load_keeps_the_scenario);
    RUN(line_ends_and_bom);
    RUN(files);
    RUN(shipped_demo);
    RUN(shipped_test_scenarios);
    RUN(readme_example);
    return check_done();
}

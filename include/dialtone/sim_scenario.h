/*
 * sim_scenario: what `dialtone sim` emulates, read from a scenario file (INI, in
 * data/scenarios/). The account and its Twilio numbers, the inbound traffic (arrival rate or a
 * script, caller names and numbers, patience, talk time, digits), how every endpoint behaves when
 * called (agents' phones that answer after a delay, numbers that are busy, unanswered,
 * declined, answered by a machine, or fail with an error or SIP code), per-destination prices,
 * and the timings of Say/Play. Plain data after parsing; the engine only reads it.
 *
 * The file format is documented in README.md ("Scenario files") and in the comments of
 * data/scenarios/demo.ini. Every error names the file and the line. In short: sections
 * [scenario], [number "E164"] (repeated), [arrivals], [callers], [endpoint "PATTERN"]
 * (repeated), [rates] and [script]; `key = value` lines; ';' or '#' comment lines; a value in
 * double quotes may hold ';' and C escapes (\\ \" \e \a \b \f \n \r \t \v \xNN \uNNNN
 * \UNNNNNNNN, never a NUL) and may go on over following lines that start with a blank and a
 * quoted string; URL values expand ${NAME} and ${NAME:-default} from the loader's lookup.
 */
#ifndef DIALTONE_SIM_SCENARIO_H
#define DIALTONE_SIM_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

/* Caps on what one scenario may hold. */
#define DT_SIM_MAX_NUMBERS   64
#define DT_SIM_MAX_ENDPOINTS 256
#define DT_SIM_MAX_CALLERS   4096
#define DT_SIM_MAX_SCRIPT    10000
#define DT_SIM_MAX_RATES     256
#define DT_SIM_NAME_MAX      256     /* bytes of a caller name, after escapes */
#define DT_SIM_TEXT_MAX      64      /* bytes of a friendly name */
#define DT_SIM_DIGITS_MAX    64      /* digits of a digits value */
#define DT_SIM_URL_MAX       1024    /* bytes of a URL, after ${} expansion */
#define DT_SIM_LINE_MAX      199     /* bytes of a line (inih's limit), line end excluded */
#define DT_SIM_FILE_MAX      1048576 /* bytes of a file */

/* How an endpoint (a phone number, `sip:` URI or `client:` identity) behaves when called. */
enum sim_answer {
    DT_SIM_ANSWER_HUMAN = 0, /* answers after ring_s; a person */
    DT_SIM_ANSWER_MACHINE,   /* answers after ring_s; an answering machine (AMD says machine_*) */
    DT_SIM_ANSWER_FAX,       /* answers; AMD says fax */
    DT_SIM_ANSWER_BUSY,      /* busy (SIP 486) after ring_s */
    DT_SIM_ANSWER_NO_ANSWER, /* rings until the caller's Timeout: no-answer */
    DT_SIM_ANSWER_DECLINE,   /* rejects after ring_s (SIP 603): status busy, SipResponseCode 603 */
    DT_SIM_ANSWER_FAIL,      /* fails after ring_s with error_code and/or sip_code: status failed */
};

struct sim_endpoint {
    char *pattern; /* exact "+14155550100", "client:alice", "sip:a@b", or a prefix
                      ending in '*' ("client:*", "+4420*"); the longest match wins */
    enum sim_answer answer;
    double ring_s;             /* seconds of ringing before the answer (or the failure) */
    double ring_max_s;         /* >= ring_s: the ring lasts uniform(ring_s, ring_max_s) seconds;
                                  equal to ring_s when the file gives one value */
    double talk_s;             /* once connected, this party hangs up after talk_s; 0 = never */
    double machine_greeting_s; /* machine answers: length of the greeting before the beep */
    int error_code;            /* DT_SIM_ANSWER_FAIL: Twilio error code (e.g. 31005), 0 = none */
    int sip_code;              /* SIP response code reported (e.g. 503), 0 = per answer kind */
    char *digits;              /* digits pressed at a <Gather>, NULL = none */
};

/* A Twilio phone number of the emulated account and where its calls go. */
struct sim_number {
    char *number; /* E.164 */
    char *friendly_name;
    char *voice_url;    /* fetched when a call arrives; NULL = the call is rejected */
    char *voice_method; /* "POST" (default) or "GET" */
    char *voice_fallback_url;
    char *status_callback; /* NULL = none */
    char *status_callback_method;
};

/* One caller of the inbound traffic: taken in turn or at random as the scenario says. */
struct sim_caller {
    char *number; /* E.164 From */
    char *name;   /* CallerName; may hold anything (hostile names are the point) */
};

/* A scripted inbound call: at at_s seconds after start. */
struct sim_script_call {
    double at_s;
    char *from;
    char *to;          /* the loader sets arrivals.to when the line names none */
    char *name;        /* NULL: none (the loader takes the [callers] name of from) */
    double patience_s; /* < 0: the scenario's patience; 0: never abandons */
    char *digits;      /* NULL: the scenario's digits */
};

struct sim_arrivals {
    double rate_per_min;   /* Poisson arrival rate; 0 = no random arrivals */
    char *to;              /* the number they call; the loader sets the first number when
                              the file names none (NULL only when there is no number) */
    double patience_min_s; /* callers hang up after uniform(min, max) seconds waiting in queue */
    double patience_max_s; /* (0, 0) = never abandon */
    double talk_min_s;     /* once connected, the caller hangs up after uniform(min, max) s */
    double talk_max_s;     /* (0, 0) = never: the agent ends the call */
    char *digits;          /* digits callers press at a <Gather> (IVR), NULL = none */
    double record_s;       /* how long a caller speaks into a <Record> before hanging up */
    int max_calls;         /* stop after this many arrivals (scripted ones included);
                              0 = unlimited */
    int pick_in_order;     /* 1: callers are taken in the listed order, round and round;
                              0: at random (the default) */
};

struct sim_rate {
    char *prefix;   /* "+1", "+44", "client:", "sip:"; "" = default */
    double per_min; /* price per started minute, in price_unit */
};

struct sim_scenario {
    char *file;        /* the file it came from, for messages */
    char *account_sid; /* AC + 32 hex */
    char *auth_token;
    char *api_key_sid; /* optional SK + 32 hex, with api_key_secret */
    char *api_key_secret;
    double speed;          /* time factor: 10 = ten emulated seconds per real second */
    uint64_t seed;         /* PRNG seed: the same seed gives the same traffic */
    double say_s_per_char; /* how long <Say> takes per character of text */
    double play_s;         /* how long one loop of <Play> takes */
    char *price_unit;      /* "USD" */

    struct sim_number *numbers;
    size_t n_numbers;
    struct sim_endpoint *endpoints;
    size_t n_endpoints;
    struct sim_caller *callers;
    size_t n_callers;
    struct sim_script_call *script;
    size_t n_script;
    struct sim_rate *rates;
    size_t n_rates;
    struct sim_arrivals arrivals;
};

/* Looks up a variable for ${NAME} in URL values: its value (borrowed until the load returns)
 * or NULL when unset. config_getenv (dialtone/config.h) fits, for the environment. */
typedef const char *(*sim_scenario_lookup_fn)(const char *name, void *ctx);

/* Defaults: speed 1, seed 1, say 0.06 s/char, play 5 s, USD, an endpoint default of
 * "answers as a person after 3 s of ringing". The caller owns sc and calls
 * sim_scenario_done. */
void sim_scenario_init(struct sim_scenario *sc);
void sim_scenario_done(struct sim_scenario *sc);

/*
 * Parses a scenario from text (name is used in messages) or from a file, replacing what sc
 * held. Returns 0, or DT_EINVAL/DT_ETOOBIG/DT_EIO with "FILE:LINE: reason" in err; on error sc
 * is left as it was before the call.
 */
int sim_scenario_load_string(struct sim_scenario *sc, const char *name, const char *text, char *err,
                             size_t errlen);
int sim_scenario_load_file(struct sim_scenario *sc, const char *path, char *err, size_t errlen);

/* The same, with lookup (may be NULL: then only ${NAME:-default} works) giving the values of
 * ${NAME} in URL values. A variable that is unset and has no default is an error. */
int sim_scenario_load_string_vars(struct sim_scenario *sc, const char *name, const char *text,
                                  sim_scenario_lookup_fn lookup, void *ctx, char *err,
                                  size_t errlen);
int sim_scenario_load_file_vars(struct sim_scenario *sc, const char *path,
                                sim_scenario_lookup_fn lookup, void *ctx, char *err, size_t errlen);

/* The endpoint behaviour for a destination: the longest matching pattern, else the default
 * (answers as a person after a short ring). Never NULL; borrowed from sc. */
const struct sim_endpoint *sim_scenario_endpoint(const struct sim_scenario *sc, const char *to);

/* The Twilio number entry for an E.164 number, or NULL. Borrowed. */
const struct sim_number *sim_scenario_number(const struct sim_scenario *sc, const char *number);

/* Price per minute for a destination (longest prefix), 0 when no rate matches. */
double sim_scenario_rate(const struct sim_scenario *sc, const char *to);

#endif

/*
 * errors: Twilio's error dictionary, compiled into dialtone. Each of Twilio's error codes comes
 * with Twilio's level, product and one-line message, and with dialtone's own reading of it: a
 * category, an action (what an agent or admin should do), and two flags (retryable, bad
 * number). SIP response codes are explained the same way. The table is generated at build
 * time from data/twilio-errors.tsv, whose line format this module also parses.
 */
#ifndef DIALTONE_ERRORS_H
#define DIALTONE_ERRORS_H

#include <stddef.h>

/*
 * Categories: a small fixed set, so that a screen can show one badge per failed call and a
 * campaign can decide what to do next. The console colours badges by category through its
 * theme's colour roles, never by raw colour. How they group:
 *
 *   the callee's side, nothing to fix:  busy, no-answer, declined, canceled
 *   the customer's data must be fixed:  bad-number (the bad_number flag is set)
 *   transient, usually retryable:       network, carrier, platform, rate-limit
 *   an admin must act:                  blocked, account, configuration, twiml, media
 *   none of the above:                  other
 *
 * network        the path between Twilio and our servers, softphones or stream servers
 * busy           the callee was busy
 * no-answer      nobody answered, or the callee was unavailable
 * declined       the callee (or a payment gateway) refused
 * canceled       the attempt was canceled before it was answered
 * bad-number     the destination number is wrong, incomplete or does not exist
 * carrier        a carrier or upstream telephone network failed
 * blocked        refused by policy: geo permissions, block lists, premium or spam rules
 * account        account status, trial limits, credentials and permissions
 * configuration  our request or our Twilio setup is wrong
 * twiml          the TwiML our webhooks return, or the webhooks themselves
 * platform       Twilio itself failed
 * rate-limit     a rate, concurrency or capacity limit was hit
 * media          audio, recordings, codecs, devices, transcriptions
 * other          none of the above; also the category of codes nobody classified
 *
 * Flags: retryable means trying again later, unchanged, may succeed (a campaign may redial);
 * bad_number means the destination number should be checked with the customer (never
 * retryable).
 */
enum errors_category {
    DT_ERRCAT_OTHER = 0,
    DT_ERRCAT_NETWORK,
    DT_ERRCAT_BUSY,
    DT_ERRCAT_NO_ANSWER,
    DT_ERRCAT_DECLINED,
    DT_ERRCAT_CANCELED,
    DT_ERRCAT_BAD_NUMBER,
    DT_ERRCAT_CARRIER,
    DT_ERRCAT_BLOCKED,
    DT_ERRCAT_ACCOUNT,
    DT_ERRCAT_CONFIGURATION,
    DT_ERRCAT_TWIML,
    DT_ERRCAT_PLATFORM,
    DT_ERRCAT_RATE_LIMIT,
    DT_ERRCAT_MEDIA,
    DT_ERRCAT_COUNT
};

enum errors_level { DT_ERRLEVEL_ERROR = 0, DT_ERRLEVEL_WARNING };

/*
 * One dictionary entry. Strings are printable ASCII, never NULL; product is "" when Twilio
 * names none. code is 0 in the entries that errors_explain and errors_lookup_sip make up for
 * codes the dictionary lacks.
 */
struct errors_entry {
    int code;
    enum errors_level level;
    enum errors_category category;
    unsigned char retryable;  /* 1: trying again later, unchanged, may succeed */
    unsigned char bad_number; /* 1: check the destination number with the customer */
    const char *product;
    const char *message; /* Twilio's one-line message */
    const char *action;  /* dialtone's advice, one imperative sentence */
};

/* Identifier of a category ("bad-number"); "other" for a value out of range. Static string. */
const char *errors_category_name(enum errors_category c);

/* Human label of a category ("bad number", "TwiML/webhook"); static string, never NULL. */
const char *errors_category_label(enum errors_category c);

/* Category from its identifier (exact, lower case). 0, or DT_EINVAL for an unknown name. */
int errors_category_from_name(const char *name, enum errors_category *out);

/* "ERROR" or "WARNING"; static string. */
const char *errors_level_name(enum errors_level level);

/* Number of codes in the compiled dictionary. */
size_t errors_count(void);

/* The i-th entry in ascending code order, or NULL when i >= errors_count(). Static data. */
const struct errors_entry *errors_at(size_t i);

/* The dictionary's entry for a Twilio error code by binary search, or NULL. Static data. */
const struct errors_entry *errors_lookup(int code);

/*
 * The entry for code, or when the dictionary lacks it a made-up entry (code 0, message
 * "Unknown Twilio error code") whose category comes from the code's range; 31400-31699
 * are read as SIP responses. Never NULL; static data.
 */
const struct errors_entry *errors_explain(int code);

/*
 * Explains a SIP response code (100-699): Twilio's 31000+code entry when the dictionary has
 * it (for 400 and up), otherwise an entry made up from the SIP code itself or its class
 * (code 0, product "SIP"). NULL for a number outside 100-699. Static data.
 */
const struct errors_entry *errors_lookup_sip(int sip_response_code);

/* The SIP reason phrase for a response code ("Busy Here"), or NULL if unknown. Static. */
const char *errors_sip_reason(int sip_response_code);

/* Called for each search match; return nonzero to stop the search. */
typedef int (*errors_search_fn)(const struct errors_entry *e, void *ctx);

#define ERRORS_SEARCH_MAX 128 /* longest search word, in bytes */

/*
 * Calls fn for every entry matching word, in code order. A word of digits matches codes that
 * start with it ("214" finds 21401...); any other word matches, ignoring case, a substring of
 * the message, product, category identifier or label, or action. Returns the number of
 * matches reported, DT_EINVAL for a NULL or empty word, DT_ETOOBIG past ERRORS_SEARCH_MAX.
 */
int errors_search(const char *word, errors_search_fn fn, void *ctx);

/*
 * The dictionary's text form, data/twilio-errors.tsv: a header line, then one line per code
 * in strictly ascending order, eight tab-separated fields: code, level (ERROR or WARNING),
 * product (may be empty), message, category identifier, action, retryable (0/1), bad_number
 * (0/1). Only printable ASCII and tabs; lines end with "\n" alone.
 */
#define ERRORS_TSV_HEADER      "code\tlevel\tproduct\tmessage\tcategory\taction\tretryable\tbad_number"
#define ERRORS_TSV_LINE_MAX    1024 /* bytes per line, without the newline */
#define ERRORS_TSV_PRODUCT_MAX 64   /* bytes per field */
#define ERRORS_TSV_MESSAGE_MAX 400
#define ERRORS_TSV_ACTION_MAX  200
#define ERRORS_TSV_CODE_MAX    999999

/*
 * Parses one data line (not the header) of len bytes, without its newline, in place: line
 * must be writable and NUL-terminated at line[len]; tabs are overwritten with NULs and the
 * entry's strings point into line (so line must outlive them). Returns 0, DT_ETOOBIG for a
 * line over ERRORS_TSV_LINE_MAX, or DT_EINVAL for any defect (embedded NUL, a byte that is not
 * printable ASCII, wrong field count, bad code, level, category or flag, an empty, padded or
 * overlong field), with the reason in err. On failure *out is unspecified.
 */
int errors_tsv_parse_line(char *line, size_t len, struct errors_entry *out, char *err,
                          size_t errlen);

#endif

/*
 * errors: lookups in the compiled error dictionary (see dialtone/errors.h): binary search by
 * code, defaults by code range for codes the dictionary lacks, SIP response codes, search.
 */
#include "dialtone/errors.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "core/errors_table.h"
#include "dialtone/util.h"

#define UNKNOWN     "Unknown Twilio error code"
#define NOT_FAILURE "Nothing to do: this SIP response is not a failure."

/* ---- codes the dictionary lacks: a default per code range ------------------------------- */

struct range_default {
    int lo, hi;
    struct errors_entry e;
};

static const struct range_default range_defaults[] = {
    {10000,
     10999,
     {.category = DT_ERRCAT_ACCOUNT,
      .product = "",
      .message = UNKNOWN,
      .action = "Check the account's status and limits in the Twilio console."}},
    {11000,
     11999,
     {.category = DT_ERRCAT_TWIML,
      .product = "",
      .message = UNKNOWN,
      .action = "Check the webhook URL and the response it returns."}},
    {12000,
     14999,
     {.category = DT_ERRCAT_TWIML,
      .product = "",
      .message = UNKNOWN,
      .action = "Check the TwiML the application returns."}},
    {20000,
     21999,
     {.category = DT_ERRCAT_CONFIGURATION,
      .product = "",
      .message = UNKNOWN,
      .action = "Check the request dialtone sent to Twilio's API."}},
    {30000,
     30099,
     {.category = DT_ERRCAT_CARRIER,
      .product = "",
      .message = UNKNOWN,
      .action = "The carrier could not deliver the message; check the number and sender."}},
    {32000,
     32999,
     {.category = DT_ERRCAT_CONFIGURATION,
      .product = "",
      .message = UNKNOWN,
      .action = "Check the SIP domain or trunk settings."}},
};

static const struct errors_entry unknown_entry = {
    .category = DT_ERRCAT_OTHER,
    .product = "",
    .message = UNKNOWN,
    .action = "Look the code up on Twilio's error page.",
};

/* ---- SIP responses: reason phrases and our reading of those Twilio may lack -------------- */

struct sip_row {
    int sip;
    struct errors_entry e;
};

/* A macro rather than designated initialisers in every row: it keeps each row to two lines. */
#define SIP_ROW(code, cat, retry, bad, reason, act)                                                \
    {                                                                                              \
        code,                                                                                      \
        {                                                                                          \
            .category = cat, .retryable = retry, .bad_number = bad, .product = "SIP",              \
            .message = reason, .action = act                                                       \
        }                                                                                          \
    }

static const struct sip_row sip_rows[] = {
    SIP_ROW(100, DT_ERRCAT_OTHER, 0, 0, "Trying", NOT_FAILURE),
    SIP_ROW(180, DT_ERRCAT_OTHER, 0, 0, "Ringing", NOT_FAILURE),
    SIP_ROW(181, DT_ERRCAT_OTHER, 0, 0, "Call Is Being Forwarded", NOT_FAILURE),
    SIP_ROW(182, DT_ERRCAT_OTHER, 0, 0, "Queued", NOT_FAILURE),
    SIP_ROW(183, DT_ERRCAT_OTHER, 0, 0, "Session Progress", NOT_FAILURE),
    SIP_ROW(200, DT_ERRCAT_OTHER, 0, 0, "OK", NOT_FAILURE),
    SIP_ROW(202, DT_ERRCAT_OTHER, 0, 0, "Accepted", NOT_FAILURE),
    SIP_ROW(300, DT_ERRCAT_CONFIGURATION, 0, 0, "Multiple Choices",
            "Dial the final address instead of one that redirects."),
    SIP_ROW(301, DT_ERRCAT_CONFIGURATION, 0, 0, "Moved Permanently",
            "Update the endpoint to its new address."),
    SIP_ROW(302, DT_ERRCAT_CONFIGURATION, 0, 0, "Moved Temporarily",
            "Dial the final address instead of one that redirects."),
    SIP_ROW(400, DT_ERRCAT_CONFIGURATION, 0, 0, "Bad Request",
            "Send SIP requests that the far end accepts."),
    SIP_ROW(401, DT_ERRCAT_CONFIGURATION, 0, 0, "Unauthorized",
            "Check the SIP username and password configured for this endpoint."),
    SIP_ROW(402, DT_ERRCAT_ACCOUNT, 0, 0, "Payment Required",
            "Check the account with the far end's provider."),
    SIP_ROW(403, DT_ERRCAT_BLOCKED, 0, 0, "Forbidden",
            "The far end refused the call; check that this call is allowed there."),
    SIP_ROW(404, DT_ERRCAT_BAD_NUMBER, 0, 1, "Not Found",
            "Check the number with the customer and update it."),
    SIP_ROW(405, DT_ERRCAT_CONFIGURATION, 0, 0, "Method Not Allowed",
            "Check the SIP server's configuration."),
    SIP_ROW(406, DT_ERRCAT_MEDIA, 0, 0, "Not Acceptable",
            "Offer media the far end accepts (codecs, encryption)."),
    SIP_ROW(407, DT_ERRCAT_CONFIGURATION, 0, 0, "Proxy Authentication Required",
            "Check the SIP credentials for the proxy."),
    SIP_ROW(408, DT_ERRCAT_NO_ANSWER, 1, 0, "Request Timeout",
            "Nobody answered; try again later or leave a message."),
    SIP_ROW(410, DT_ERRCAT_BAD_NUMBER, 0, 1, "Gone",
            "The number is no longer in service; check it with the customer."),
    SIP_ROW(413, DT_ERRCAT_CONFIGURATION, 0, 0, "Request Entity Too Large",
            "Send smaller SIP requests (fewer headers)."),
    SIP_ROW(414, DT_ERRCAT_CONFIGURATION, 0, 0, "Request-URI Too Long", "Dial a shorter SIP URI."),
    SIP_ROW(415, DT_ERRCAT_MEDIA, 0, 0, "Unsupported Media Type",
            "Offer media the far end accepts (codecs, encryption)."),
    SIP_ROW(416, DT_ERRCAT_CONFIGURATION, 0, 0, "Unsupported URI Scheme",
            "Dial a sip: or tel: address."),
    SIP_ROW(420, DT_ERRCAT_CONFIGURATION, 0, 0, "Bad Extension",
            "Check the SIP server's configuration."),
    SIP_ROW(421, DT_ERRCAT_CONFIGURATION, 0, 0, "Extension Required",
            "Check the SIP server's configuration."),
    SIP_ROW(423, DT_ERRCAT_CONFIGURATION, 0, 0, "Interval Too Brief",
            "Register SIP devices with a longer expiry."),
    SIP_ROW(480, DT_ERRCAT_NO_ANSWER, 1, 0, "Temporarily Unavailable",
            "The callee is unavailable right now; try again later."),
    SIP_ROW(481, DT_ERRCAT_CARRIER, 1, 0, "Call/Transaction Does Not Exist",
            "The carrier could not complete the call; retry later."),
    SIP_ROW(482, DT_ERRCAT_CONFIGURATION, 0, 0, "Loop Detected",
            "Fix the SIP routing loop between Twilio and the PBX."),
    SIP_ROW(483, DT_ERRCAT_CONFIGURATION, 0, 0, "Too Many Hops",
            "Fix the SIP routing loop between Twilio and the PBX."),
    SIP_ROW(484, DT_ERRCAT_BAD_NUMBER, 0, 1, "Address Incomplete",
            "Check the number with the customer and update it."),
    SIP_ROW(485, DT_ERRCAT_BAD_NUMBER, 0, 1, "Ambiguous",
            "Check the number with the customer and update it."),
    SIP_ROW(486, DT_ERRCAT_BUSY, 1, 0, "Busy Here", "The line was busy; try again later."),
    SIP_ROW(487, DT_ERRCAT_CANCELED, 1, 0, "Request Terminated",
            "The attempt was canceled before it was answered; redial if still needed."),
    SIP_ROW(488, DT_ERRCAT_MEDIA, 0, 0, "Not Acceptable Here",
            "Offer media the far end accepts (codecs, encryption)."),
    SIP_ROW(491, DT_ERRCAT_NETWORK, 1, 0, "Request Pending",
            "Retry: two requests crossed on the same call."),
    SIP_ROW(493, DT_ERRCAT_MEDIA, 0, 0, "Undecipherable",
            "Match the encryption settings of both ends."),
    SIP_ROW(500, DT_ERRCAT_CARRIER, 1, 0, "Server Internal Error",
            "The carrier could not complete the call; retry later."),
    SIP_ROW(501, DT_ERRCAT_CARRIER, 0, 0, "Not Implemented",
            "The far end does not support this request."),
    SIP_ROW(502, DT_ERRCAT_CARRIER, 1, 0, "Bad Gateway",
            "The carrier could not complete the call; retry later."),
    SIP_ROW(503, DT_ERRCAT_CARRIER, 1, 0, "Service Unavailable",
            "The carrier could not complete the call; retry later."),
    SIP_ROW(504, DT_ERRCAT_CARRIER, 1, 0, "Server Time-out",
            "The carrier could not complete the call; retry later."),
    SIP_ROW(505, DT_ERRCAT_CONFIGURATION, 0, 0, "Version Not Supported",
            "Check the SIP server's configuration."),
    SIP_ROW(513, DT_ERRCAT_CONFIGURATION, 0, 0, "Message Too Large",
            "Send smaller SIP requests (fewer headers)."),
    SIP_ROW(580, DT_ERRCAT_MEDIA, 0, 0, "Precondition Failure",
            "Offer media the far end accepts (codecs, encryption)."),
    SIP_ROW(600, DT_ERRCAT_BUSY, 1, 0, "Busy Everywhere", "The line was busy; try again later."),
    SIP_ROW(603, DT_ERRCAT_DECLINED, 0, 0, "Decline",
            "The callee declined the call; do not redial right away."),
    SIP_ROW(604, DT_ERRCAT_BAD_NUMBER, 0, 1, "Does Not Exist Anywhere",
            "Check the number with the customer and update it."),
    SIP_ROW(606, DT_ERRCAT_MEDIA, 0, 0, "Not Acceptable",
            "Offer media the far end accepts (codecs, encryption)."),
    SIP_ROW(607, DT_ERRCAT_DECLINED, 0, 0, "Unwanted",
            "The callee marked the call as unwanted; do not call again."),
    SIP_ROW(608, DT_ERRCAT_BLOCKED, 0, 0, "Rejected",
            "An intermediary rejected the call; check the caller ID's reputation."),
};

/* One made-up entry per SIP class, 1xx to 6xx, for codes without a row. */
static const struct errors_entry sip_classes[7] = {
    [1] = {.category = DT_ERRCAT_OTHER,
           .product = "SIP",
           .message = "Provisional response",
           .action = NOT_FAILURE},
    [2] = {.category = DT_ERRCAT_OTHER,
           .product = "SIP",
           .message = "Success",
           .action = NOT_FAILURE},
    [3] = {.category = DT_ERRCAT_CONFIGURATION,
           .product = "SIP",
           .message = "Redirection",
           .action = "Dial the final address instead of one that redirects."},
    [4] = {.category = DT_ERRCAT_CARRIER,
           .product = "SIP",
           .message = "Request failure at the far end",
           .action = "The far end refused this request; check the address and its settings."},
    [5] = {.category = DT_ERRCAT_CARRIER,
           .retryable = 1,
           .product = "SIP",
           .message = "Server failure",
           .action = "The carrier could not complete the call; retry later."},
    [6] = {.category = DT_ERRCAT_DECLINED,
           .product = "SIP",
           .message = "Global failure",
           .action = "The callee cannot be reached anywhere; do not redial right away."},
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

size_t errors_count(void)
{
    return errors_table_len;
}

const struct errors_entry *errors_at(size_t i)
{
    return i < errors_table_len ? &errors_table[i] : NULL;
}

const struct errors_entry *errors_lookup(int code)
{
    size_t lo = 0, hi = errors_table_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = errors_table[mid].code;
        if (c == code)
            return &errors_table[mid];
        if (c < code)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const struct sip_row *sip_row_find(int sip)
{
    for (size_t i = 0; i < NELEM(sip_rows); i++)
        if (sip_rows[i].sip == sip)
            return &sip_rows[i];
    return NULL;
}

/* Twilio mirrors SIP failures (4xx-6xx) as 31000 + code; lower 31xxx codes mean other things. */
static const struct errors_entry *sip_twilio_entry(int sip)
{
    return sip >= 400 && sip <= 699 ? errors_lookup(31000 + sip) : NULL;
}

const struct errors_entry *errors_lookup_sip(int sip)
{
    if (sip < 100 || sip > 699)
        return NULL;
    const struct errors_entry *e = sip_twilio_entry(sip);
    if (e)
        return e;
    const struct sip_row *row = sip_row_find(sip);
    return row ? &row->e : &sip_classes[sip / 100];
}

const char *errors_sip_reason(int sip)
{
    const struct sip_row *row = sip_row_find(sip);
    if (row)
        return row->e.message;
    const struct errors_entry *e = sip_twilio_entry(sip);
    return e ? e->message : NULL;
}

const struct errors_entry *errors_explain(int code)
{
    const struct errors_entry *e = errors_lookup(code);
    if (e)
        return e;
    if (code >= 31400 && code <= 31699)
        return errors_lookup_sip(code - 31000);
    for (size_t i = 0; i < NELEM(range_defaults); i++)
        if (code >= range_defaults[i].lo && code <= range_defaults[i].hi)
            return &range_defaults[i].e;
    return &unknown_entry;
}

/* ---- search ------------------------------------------------------------------------------ */

static int contains_ci(const char *hay, const char *needle, size_t nlen)
{
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < nlen && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == nlen)
            return 1;
    }
    return 0;
}

static int all_digits(const char *s)
{
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int entry_matches(const struct errors_entry *e, const char *word, size_t len, int digits)
{
    if (digits) {
        char buf[16];
        snprintf(buf, sizeof buf, "%d", e->code);
        return strncmp(buf, word, len) == 0;
    }
    return contains_ci(e->message, word, len) || contains_ci(e->product, word, len) ||
           contains_ci(errors_category_name(e->category), word, len) ||
           contains_ci(errors_category_label(e->category), word, len) ||
           contains_ci(e->action, word, len);
}

int errors_search(const char *word, errors_search_fn fn, void *ctx)
{
    if (!word || !word[0] || !fn)
        return DT_EINVAL;
    size_t len = strnlen(word, ERRORS_SEARCH_MAX + 1);
    if (len > ERRORS_SEARCH_MAX)
        return DT_ETOOBIG;
    int digits = all_digits(word), n = 0;
    for (size_t i = 0; i < errors_table_len; i++) {
        if (!entry_matches(&errors_table[i], word, len, digits))
            continue;
        n++;
        if (fn(&errors_table[i], ctx))
            break;
    }
    return n;
}

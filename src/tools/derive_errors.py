#!/usr/bin/env python3
"""derive_errors: builds data/twilio-errors.tsv from Twilio's error dictionary.

    python3 src/tools/derive_errors.py path/to/twilio-error-codes.json > data/twilio-errors.tsv

A maintainer tool: neither the build nor the tests run it; the TSV it writes is committed and
gen_errors turns it into a C table. From Twilio's JSON it keeps only facts: the code, the log
level, the product and the one-line `message` (sanitized to printable ASCII). Everything after
that is dialtone's own classification, decided here:

  1. the explicit table below, one row per code or per list of codes (every code of Programmable
     Voice, Elastic SIP Trunking and Platform, and every code from 10000 to 21999, must have a
     row: the script refuses to run otherwise);
  2. for the other codes, keyword rules on the message, then a default per code range, then a
     default per product.

Categories (see include/dialtone/errors.h for how they are meant to be used):
  network        the path between Twilio and our servers, softphones or stream servers
  busy           the callee was busy
  no-answer      nobody answered, or the callee was unavailable
  declined       the callee (or a payment gateway) refused
  canceled       the attempt was canceled before it was answered
  bad-number     the destination number is wrong, incomplete or does not exist
  carrier        a carrier or upstream telephone network failed
  blocked        refused by policy: geo permissions, block lists, premium or spam rules
  account        account status, trial limits, credentials and permissions
  configuration  our request or our Twilio setup is wrong
  twiml          the TwiML our webhooks return, or the webhooks themselves
  platform       Twilio itself failed
  rate-limit     a rate, concurrency or capacity limit was hit
  media          audio, recordings, codecs, devices, transcriptions
  other          none of the above

Flags: retryable=1 when trying again later, unchanged, may succeed; bad_number=1 when the
destination number itself should be checked with the customer (never retryable).
"""

import json
import sys
import unicodedata

CATEGORIES = (
    "network", "busy", "no-answer", "declined", "canceled", "bad-number", "carrier", "blocked",
    "account", "configuration", "twiml", "platform", "rate-limit", "media", "other",
)

PRIORITY_PRODUCTS = ("Programmable Voice", "Elastic SIP Trunking", "Platform")

HEADER = "code\tlevel\tproduct\tmessage\tcategory\taction\tretryable\tbad_number"

# ---- actions: short imperative sentences, in our words --------------------------------------

ACTIONS = {
    # account
    "ACCT_INACTIVE": "Reactivate the Twilio account (check its billing) or use an active account.",
    "ACCT_TRIAL": "Upgrade the Twilio account from trial to use this feature.",
    "ACCT_TRIAL_VERIFY": "Verify this number in the Twilio console or upgrade the trial account.",
    "ACCT_TRIAL_TIME": "Upgrade the trial account to lift its limit on call length.",
    "ACCT_CREDENTIALS": "Check the account SID and auth token or API key that dialtone uses.",
    "ACCT_PERMISSION": "Check that these credentials may do this, or have Twilio enable it.",
    "ACCT_TEST_CREDS": "Use live credentials; test credentials cannot do this.",
    "ACCT_FEATURE": "Ask Twilio to enable this feature for the account.",
    "ACCT_SUBACCOUNT": "Manage the subaccount from its parent account and check its status.",
    "ACCT_TOKEN": "Issue a new access token with the right identity, grants and signing key.",
    "ACCT_TOKEN_EXPIRED": "Fetch a fresh access token and keep its lifetime within Twilio's limit.",
    "ACCT_TOKEN_MISSING": "Send an access token with the softphone's request.",
    "ACCT_INSIGHTS": "Enable Voice Insights Advanced Features for the account.",
    "ACCT_PAY_AUTH": "Reauthorize Twilio with the payment provider.",
    "ACCT_SIP_ENABLE": "Ask Twilio to enable SIP calling for the account.",
    "ACCT_DATA_ACCESS": "Use credentials of the account that owns this data.",
    # rate limits and capacity
    "RATE_SLOW": "Slow down and retry with backoff.",
    "CONCURRENCY": "Wait for calls to end or have Twilio raise the account's concurrency limit.",
    "CPS": "Lower the call rate or have Twilio raise the calls-per-second limit.",
    "QUEUE_FULL": "Raise the queue's maximum size or add agents to drain it.",
    "CALL_QUEUE_FULL": "Create outbound calls more slowly; Twilio's queue of pending calls is full.",
    "CONF_FULL": "Remove participants before adding more; the conference is full.",
    "WORKERS_MAX": "Remove idle TaskRouter workers or have Twilio raise the limit.",
    "RECORDING_CONCURRENT": "Stop another recording on this call first, or retry later.",
    "STREAM_QUOTA": "Stop unused media streams or have Twilio raise the stream quota.",
    # webhooks
    "WEBHOOK_URL": "Fix the webhook URL: it must be an absolute http or https URL.",
    "WEBHOOK_FAIL": "Check that the webhook answers 200 with TwiML; see dialtone's log for it.",
    "WEBHOOK_DOWN": "Make sure the webhook server is up and reachable from the internet.",
    "WEBHOOK_HTTP": "Make the webhook server send a well-formed HTTP response.",
    "WEBHOOK_DNS": "Fix the webhook host name; it must resolve in public DNS.",
    "WEBHOOK_REDIRECTS": "Point the webhook at its final URL instead of a chain of redirects.",
    "WEBHOOK_TLS": "Fix the webhook server's TLS setup (protocol versions and ciphers).",
    "WEBHOOK_CERT_NAME": "Install a certificate whose name matches the webhook's host.",
    "WEBHOOK_CERT_EXPIRED": "Renew the webhook server's TLS certificate.",
    "WEBHOOK_CERT_CHAIN": "Serve the full certificate chain, intermediates included.",
    "WEBHOOK_OVERRIDE": "Fix the connection overrides (edge, retry policy) in the webhook URL.",
    "WEBHOOK_INTERCONNECT": "Reach this webhook over the public internet, not Interconnect.",
    "WEBHOOK_TEMPLATE": "Fix the template placeholders in the configured URL.",
    "WEBHOOK_CHECK": "Check the webhook or callback URL and the response it returns.",
    "CALLBACK_RESP": "Make the callback URL answer quickly with a 2xx status.",
    # TwiML
    "TWIML_TOO_BIG": "Return a smaller TwiML document.",
    "TWIML_EMPTY": "Make the webhook return a TwiML document, not an empty body.",
    "TWIML_XML": "Return well-formed TwiML: XML with one <Response> root element.",
    "TWIML_CONTENT_TYPE": "Serve TwiML with the Content-Type text/xml.",
    "TWIML_ATTR": "Fix the attribute value in the TwiML the application returns.",
    "TWIML_NESTING": "Fix the nesting of TwiML elements: this child is not allowed there.",
    "TWIML_VERB": "Use only TwiML verbs that are supported where this document runs.",
    "TWIML_VERSION": "Use the 2010-04-01 API version for this TwiML feature.",
    "TWIML_CALLBACK_URL": "Give an absolute http or https URL in this callback attribute.",
    "TWIML_LOOP": "Break the redirect loop: too many TwiML documents were fetched for one call.",
    "TWIML_DIAL_SEGMENT": "Do not <Dial> from TwiML that runs on an already dialed call leg.",
    "TWIML_TEXT": "Shorten or fix the text given to <Say>.",
    "TWIML_HTTPS": "Use an https action URL when the gather handles payment data.",
    "TWIML_REFER": "Use <Refer> only on SIP calls, and give it a referUrl.",
    "TWIML_QUEUE_NAME": "Use a queue name of acceptable length.",
    "TWIML_TASK_ATTRS": "Send the task attributes as valid JSON.",
    "TWIML_PAY": "Fix the <Pay> attributes or parameters in the TwiML.",
    "TWIML_STREAM": "Fix the <Stream> or connector settings in the TwiML.",
    "TWIML_SIP_ATTRS": "Fix the <Sip> noun: URI, credentials and headers within Twilio's limits.",
    "TWIML_CONF_MIX": "Dial a conference on its own, not together with numbers.",
    "TWIML_AMD": "Fix the answering machine detection parameters.",
    # configuration
    "CONFIG_PARAM": "Fix the request parameter Twilio rejected.",
    "CONFIG_MISSING": "Add the missing parameter to the request.",
    "CONFIG_NOT_FOUND": "Check the SID or name; no such resource exists in this account.",
    "CONFIG_CONFLICT": "Wait for the other change to finish, then retry.",
    "CONFIG_EXISTS": "Use the existing resource or choose another unique name.",
    "CONFIG_LIMIT": "Remove unused resources or have Twilio raise the limit.",
    "CONFIG_REGION": "Use this feature in a Twilio region that supports it.",
    "CONFIG_METHOD": "Use an HTTP method that this resource accepts.",
    "CONFIG_TLS": "Call Twilio's API with TLS 1.2 or newer and a modern cipher suite.",
    "CONFIG_UPGRADE": "Upgrade the client library or SDK to a supported version.",
    "CONFIG_PAGING": "Request a smaller page or follow the next_page_uri Twilio gives.",
    "CONFIG_NOOP": "Nothing changed; send only the fields that should change.",
    "CONFIG_TOO_LARGE": "Send a smaller request body.",
    "CONFIG_UNKNOWN_PARAMS": "Remove the parameters Twilio does not recognize.",
    "CONFIG_WAIT_COMPLETE": "Wait until the call or message has completed, then retry.",
    "CONFIG_NUMBER": "Check the Twilio phone number's settings and capabilities in the console.",
    "CONFIG_NUMBER_E164": "Give the phone number in E.164 form (+ and country code).",
    "CONFIG_ADDRESS": "Fix or add the address that the phone number's regulations require.",
    "CONFIG_REGULATORY": "Complete the regulatory bundle and documents for this number.",
    "CONFIG_MESSAGING": "Fix the Messaging Service or sender setup in the console.",
    "CONFIG_A2P": "Complete or fix the A2P brand and campaign registration.",
    "CONFIG_SIP_DOMAIN": "Fix the SIP domain, credential list or IP access list settings.",
    "CONFIG_TRUNK": "Fix the Elastic SIP trunk's settings in the console.",
    "CONFIG_SIP_URI": "Correct the sip: URI being dialed.",
    "CONFIG_SIP_AUTH": "Check the SIP username and password configured for this endpoint.",
    "CONFIG_SIP_ACL": "Add the SIP server's public IP address to the trunk's access control list.",
    "CONFIG_SIP_TLS": "Match the trunk's secure transport and media (TLS, SRTP) settings.",
    "CONFIG_SIP_REGION": "Give the SIP domain's region (edge) when dialing it.",
    "CONFIG_SIP_HEADERS": "Send SIP headers and URIs that follow RFC 3261 and Twilio's limits.",
    "CONFIG_SIP_REGISTER": "Register SIP devices with a SIP domain that allows registration.",
    "CONFIG_SIP_HOST": "Make the SIP URI's host resolve to a public IP address.",
    "CONFIG_SIP_LOOP": "Fix the SIP routing loop between Twilio and the PBX.",
    "CONFIG_TASKROUTER": "Check the TaskRouter workflow, reservation or worker SIDs used.",
    "CONFIG_CONTACTS": "Fix the contact data sent to the Contacts API.",
    "CONFIG_RECORDING_KEY": "Fix the recording encryption public key in the console.",
    "CONFIG_S3": "Fix the external S3 bucket's URL, credentials and access policy.",
    "CONFIG_WHISPER": "Coach only a participant who is in the conference and not on hold.",
    "CONFIG_LABEL": "Use a unique participant label under 128 characters, without '/'.",
    "CONFIG_INSIGHTS_OLD": "Query Voice Insights only for calls from the last 30 days.",
    "CONFIG_INSIGHTS_PENDING": "Wait for the call summary to be ready, then retry.",
    "CONFIG_MAX_DURATION": "Raise the call's time limit if calls must last longer.",
    "CONFIG_STREAM_URL": "Use a well-formed wss:// URL for the media stream.",
    "CONFIG_STREAM_MSG": "Make the stream server send well-formed messages.",
    "CONFIG_PAY_CONNECTOR": "Choose a payment connector that supports this, or change its setup.",
    "CONFIG_TEST_DATA": "Use the test card or bank numbers the payment connector accepts.",
    "CONFIG_APP_SID": "Check the TwiML App SID configured for the softphone or number.",
    "CONFIG_EMERGENCY": "Disable emergency calling on the trunk's numbers first.",
    "CONFIG_VIRTUAL_AGENT": "Fix the virtual agent's connector and settings.",
    "CONFIG_UDM": "Send user-defined messages as JSON within the size limit.",
    "CONFIG_CONVERSATION": "Check the Frontline or Conversations routing setup.",
    "CONFIG_TWIML_AND_URL": "Set either TwiML or a voice URL on the call, not both.",
    "CONFIG_SHAKEN": "Treat the caller ID with caution: it could not be verified.",
    "CONFIG_BYOC": "Check the BYOC trunk's routing and failover settings.",
    "CONFIG_CALL_ID": "Check that the call is still active before updating it.",
    # numbers
    "BAD_NUMBER": "Check the number with the customer and update it.",
    "NO_NUMBER": "Enter the number to call.",
    "CALLER_ID": "Use a Twilio number or a verified caller ID as the caller ID.",
    "CALLER_ID_MISSING": "Give a caller ID (From) for the call.",
    "CALL_STATE": "Refresh the call: it is no longer in a state that allows this.",
    "CALL_EXISTS": "Refresh the call: it has already been started.",
    "CONF_GONE": "Refresh the call: the conference has ended or never existed.",
    "CONF_NOT_BRIDGED": "Wait until the participant has joined the conference, then retry.",
    # policy
    "GEO": "Enable the destination country in the geographic permissions, or do not call it.",
    "BLOCKLIST": "Do not call this destination: Twilio blocks it. Ask for another number.",
    "PREMIUM": "Premium-rate numbers cannot be called; ask the customer for another number.",
    "INTL": "Enable international calling for this destination in the geographic permissions.",
    "SIP_FORBIDDEN": "The far end refused the call; check that this call is allowed there.",
    "CALLER_ID_FLAGGED": "Use a registered caller ID that carriers do not flag as spam.",
    "SMS_FILTERED": "The carrier filtered the message; register the sender and review the text.",
    "SMS_REGION": "Enable SMS to this country in the messaging geographic permissions.",
    "OPTED_OUT": "The recipient opted out; message them again only if they opt back in.",
    "SIP_BLACKLISTED": "The SIP address is refused by Twilio; use another address.",
    # call outcomes
    "BUSY": "The line was busy; try again later.",
    "NO_ANSWER": "Nobody answered; try again later or leave a message.",
    "UNAVAILABLE": "The callee is unavailable right now; try again later.",
    "SIP_UNREGISTERED": "The SIP device is not registered; have its user sign in, then retry.",
    "DECLINED": "The callee declined the call; do not redial right away.",
    "CANCELED": "The attempt was canceled before it was answered; redial if still needed.",
    "CARRIER": "The carrier could not complete the call; retry later.",
    "CARRIER_ROUTE": "The call's route failed; retry later or check the trunk's routing.",
    "CARRIER_MESSAGE": "The carrier could not deliver the message; check the number and sender.",
    "CARRIER_MESSAGE_RETRY": "The carrier could not deliver the message now; retry later.",
    "PAY_DECLINED": "The payment was refused; ask the caller for another payment method.",
    "PAY_INCOMPLETE": "Collect all required payment details before completing the payment.",
    # network
    "NETWORK_RETRY": "Check the network connection, then retry.",
    "NETWORK_CLIENT": "Check the softphone's network connection, then retry.",
    "NETWORK_STREAM": "Check that the media stream's WebSocket server is up and reachable.",
    "NETWORK_STREAM_TLS": "Fix the TLS setup of the media stream's WebSocket server.",
    "NETWORK_SIP": "Check that your SIP server is up and reachable from Twilio.",
    "NETWORK_SIP_ACK": "Check that the SIP endpoint answers and sends its ACK (firewall, NAT).",
    # platform
    "PLATFORM_RETRY": "Retry later; if it persists, check status.twilio.com.",
    "PLATFORM_SPEECH": "Expect degraded speech recognition for now; offer DTMF input.",
    # media
    "MEDIA_DEVICE": "Check the agent's microphone and headset and the browser's permission.",
    "MEDIA_CONTENT_TYPE": "Serve the audio file with a supported audio content type.",
    "MEDIA_RECORDING_SHORT": "Nothing to do: the recording was too short or silent to keep.",
    "MEDIA_TRANSCRIPTION": "Transcribe only recordings that meet the length and type limits.",
    "MEDIA_PATH": "Check the media path: firewalls, NAT and RTP ports between the endpoints.",
    "MEDIA_CODEC": "Offer a codec Twilio supports (PCMU, PCMA or Opus) in the SDP.",
    "MEDIA_STREAM": "Read the media stream's messages fast enough to keep up.",
    "MEDIA_FILES": "Send fewer or smaller media files.",
    "MEDIA_URL": "Give media URLs that are public and point at supported files.",
    "MEDIA_FORMAT": "Request the recording in a format and layout that exists for it.",
    "MEDIA_CHECK": "Check the media file, recording or device involved.",
    "MEDIA_SDP": "Send a valid SDP body from the SIP endpoint.",
    # fallbacks
    "DOCS": "Read Twilio's page for this code and fix what it describes.",
}

# ---- the explicit table: codes (comma-separated), category, retryable, bad_number, action ----

TABLE = """
400                          configuration  0 0 CONFIG_PARAM
403                          account        0 0 ACCT_PERMISSION
404                          configuration  0 0 CONFIG_NOT_FOUND
410                          other          0 0 DOCS
503                          platform       1 0 PLATFORM_RETRY

10001,10003                  account        0 0 ACCT_INACTIVE
10002                        account        0 0 ACCT_TRIAL
10004                        rate-limit     1 0 CONCURRENCY

11100                        twiml          0 0 WEBHOOK_URL
11200                        twiml          0 0 WEBHOOK_FAIL
11201,11202,11203,11205      twiml          1 0 WEBHOOK_DOWN
11206,11251                  twiml          0 0 WEBHOOK_HTTP
11210                        twiml          0 0 WEBHOOK_DNS
11215                        twiml          0 0 WEBHOOK_REDIRECTS
11220                        twiml          0 0 WEBHOOK_TLS
11235                        twiml          0 0 WEBHOOK_CERT_NAME
11236                        twiml          0 0 WEBHOOK_CERT_EXPIRED
11237                        twiml          0 0 WEBHOOK_CERT_CHAIN
11240,11241,11243            twiml          0 0 WEBHOOK_OVERRIDE
11242                        twiml          0 0 WEBHOOK_INTERCONNECT
11300,11310,11320            twiml          0 0 WEBHOOK_TEMPLATE
11750                        twiml          0 0 TWIML_TOO_BIG
11751                        media          0 0 MEDIA_FILES
11770                        twiml          0 0 TWIML_EMPTY

12100,12101,12102            twiml          0 0 TWIML_XML
12200                        twiml          0 0 TWIML_ATTR
12300                        twiml          0 0 TWIML_CONTENT_TYPE
12301                        media          0 0 MEDIA_CONTENT_TYPE
12400                        platform       1 0 PLATFORM_RETRY

13000                        twiml          0 0 TWIML_CONF_MIX
13110,13111,13112            twiml          0 0 TWIML_NESTING
13120                        twiml          0 0 TWIML_ATTR
13201                        twiml          0 0 TWIML_DIAL_SEGMENT
13210,13211,13212,13213      twiml          0 0 TWIML_ATTR
13214                        configuration  0 0 CALLER_ID
13215                        twiml          0 0 TWIML_NESTING
13216,13217,13218,13219      twiml          0 0 TWIML_ATTR
13220,13221,13222            twiml          0 0 TWIML_ATTR
13223,13224,13226            bad-number     0 1 BAD_NUMBER
13225                        blocked        0 0 BLOCKLIST
13227                        blocked        0 0 GEO
13230,13231,13232,13233      twiml          0 0 TWIML_ATTR
13234,13235,13236,13237      twiml          0 0 TWIML_ATTR
13238                        twiml          0 0 TWIML_VERB
13239,13240,13241,13242      twiml          0 0 TWIML_ATTR
13243                        configuration  0 0 CONFIG_SIP_URI
13244                        configuration  0 0 CONFIG_SIP_AUTH
13245                        twiml          0 0 TWIML_VERSION
13246                        account        0 0 ACCT_SIP_ENABLE
13247,13248                  configuration  0 0 CALLER_ID
13249,13250,13251,13252,13253 twiml         0 0 TWIML_SIP_ATTRS
13254                        configuration  0 0 CONFIG_SIP_HOST
13255                        configuration  0 0 CONFIG_SIP_URI
13256,13257                  twiml          0 0 TWIML_CALLBACK_URL
13258                        configuration  0 0 CONFIG_REGION
13299                        twiml          0 0 TWIML_VERSION
13310,13311,13312,13313,13314 twiml         0 0 TWIML_ATTR
13320                        twiml          0 0 TWIML_NESTING
13321,13322                  twiml          0 0 TWIML_ATTR
13325                        media          0 0 MEDIA_CONTENT_TYPE
13326,13327,13328,13329,13330 twiml         0 0 TWIML_ATTR
13331,13332,13333,13334,13335 twiml         0 0 TWIML_ATTR
13337                        twiml          0 0 TWIML_HTTPS
13338                        twiml          0 0 TWIML_ATTR
13340                        platform       1 0 PLATFORM_SPEECH
13410                        twiml          0 0 TWIML_ATTR
13420                        media          0 0 MEDIA_CONTENT_TYPE
13430                        twiml          0 0 TWIML_ATTR
13510,13511,13512,13513      twiml          0 0 TWIML_ATTR
13520,13521                  twiml          0 0 TWIML_TEXT
13610,13611,13612,13613,13614 twiml         0 0 TWIML_ATTR
13615,13616                  twiml          0 0 TWIML_ATTR
13617,13618,13619,13620      media          0 0 MEDIA_TRANSCRIPTION
13621,13699,13710            twiml          0 0 TWIML_ATTR
13750                        twiml          0 0 TWIML_VERSION
13801,13802                  twiml          0 0 TWIML_REFER
13803                        twiml          0 0 TWIML_VERB
13804                        configuration  0 0 CONFIG_REGION
13805                        account        0 0 ACCT_TRIAL_TIME
13810,13910                  twiml          0 0 TWIML_ATTR

14101,14102,14103,14104      twiml          0 0 TWIML_ATTR
14105                        twiml          0 0 TWIML_CALLBACK_URL
14106                        twiml          0 0 TWIML_LOOP
14107                        rate-limit     1 0 RATE_SLOW
14108                        configuration  0 0 CONFIG_NUMBER
14109                        twiml          0 0 TWIML_VERB
14110                        twiml          0 0 TWIML_VERB
14111                        account        0 0 ACCT_TRIAL_VERIFY
14201                        twiml          0 0 TWIML_ATTR
14202,14203                  twiml          0 0 TWIML_CALLBACK_URL
14204,14205                  twiml          0 0 TWIML_QUEUE_NAME
14206                        twiml          0 0 TWIML_ATTR
14207                        rate-limit     1 0 QUEUE_FULL
14210                        twiml          0 0 TWIML_ATTR
14211                        twiml          0 0 TWIML_CALLBACK_URL
14212,14213                  twiml          0 0 TWIML_QUEUE_NAME
14215,14217,14218            configuration  0 0 CONFIG_TASKROUTER
14219                        configuration  0 0 CONFIG_REGION
14220                        configuration  0 0 CONFIG_TASKROUTER
14221                        twiml          0 0 TWIML_TASK_ATTRS
14222,14223                  platform       1 0 PLATFORM_RETRY
14226                        configuration  0 0 CONFIG_REGION
14230                        configuration  0 0 CONFIG_TASKROUTER
14231                        twiml          0 0 TWIML_TASK_ATTRS
14232,14233                  twiml          0 0 TWIML_ATTR
14234,14235                  platform       1 0 PLATFORM_RETRY
14236,14237,14238,14239      configuration  0 0 CONFIG_TASKROUTER
14240                        rate-limit     1 0 WORKERS_MAX
14241                        configuration  0 0 CONFIG_PARAM
14300                        twiml          0 0 TWIML_NESTING

15000                        platform       1 0 PLATFORM_RETRY
15002                        platform       1 0 PLATFORM_RETRY
15003                        twiml          0 0 CALLBACK_RESP
15004                        twiml          0 0 TWIML_CALLBACK_URL
15009                        platform       1 0 PLATFORM_RETRY

16000                        configuration  0 0 CONFIG_WHISPER
16001                        configuration  1 0 CONF_NOT_BRIDGED
16002                        configuration  0 0 CONFIG_PARAM
16003                        configuration  0 0 CONFIG_NOT_FOUND
16010                        platform       1 0 PLATFORM_RETRY
16011                        twiml          0 0 CALLBACK_RESP
16020                        rate-limit     1 0 CONF_FULL
16021                        rate-limit     1 0 CONCURRENCY
16022                        configuration  0 0 CONF_GONE
16023,16025                  twiml          0 0 CONFIG_LABEL
16024,16026                  configuration  0 0 CONFIG_LABEL
16027,16028                  configuration  0 0 CONFIG_WHISPER
16099                        platform       1 0 PLATFORM_RETRY
16101,16102                  media          0 0 MEDIA_RECORDING_SHORT
16104,16105,16107            configuration  0 0 CONFIG_RECORDING_KEY
16106                        platform       1 0 PLATFORM_RETRY
16108                        rate-limit     1 0 RECORDING_CONCURRENT
16109,16113                  media          0 0 MEDIA_FORMAT
16110                        platform       1 0 PLATFORM_RETRY
16111,16112                  configuration  0 0 CONFIG_S3

17000                        account        0 0 ACCT_DATA_ACCESS
17001                        platform       1 0 CONFIG_INSIGHTS_PENDING
17002                        configuration  0 0 CONFIG_INSIGHTS_OLD
17007                        account        0 0 ACCT_INSIGHTS
17008,17009                  platform       1 0 PLATFORM_RETRY
17400                        configuration  0 0 CONFIG_PARAM

19003,19020,19043,19053      configuration  0 0 CONFIG_EXISTS
19004,19005,19010,19011      configuration  0 0 CONFIG_CONTACTS
19012,19013,19014,19021      configuration  0 0 CONFIG_CONTACTS
19022,19023,19024,19025      configuration  0 0 CONFIG_CONTACTS
19027,19028,19029,19030      configuration  0 0 CONFIG_CONTACTS
19032,19033,19034,19037      configuration  0 0 CONFIG_CONTACTS
19040,19041,19042,19044      configuration  0 0 CONFIG_CONTACTS
19045,19047,19048,19049      configuration  0 0 CONFIG_CONTACTS
19054,19055,19056            configuration  0 0 CONFIG_CONTACTS
19026,19031,19046            configuration  0 0 CONFIG_LIMIT
19035,19036,19038,19052      configuration  0 0 CONFIG_PAGING
19050,19057                  platform       1 0 PLATFORM_RETRY

20001                        configuration  0 0 CONFIG_UNKNOWN_PARAMS
20002                        configuration  0 0 CONFIG_PARAM
20003,20006,20403            account        0 0 ACCT_CREDENTIALS
20004                        configuration  0 0 CONFIG_METHOD
20005                        account        0 0 ACCT_INACTIVE
20007                        configuration  0 0 CONFIG_PAGING
20008                        account        0 0 ACCT_TEST_CREDS
20009                        configuration  1 0 CONFIG_WAIT_COMPLETE
20010                        account        0 0 ACCT_FEATURE
20011,20012                  configuration  0 0 CONFIG_TLS
20020                        configuration  0 0 CONFIG_NOOP
20021                        configuration  0 0 CONFIG_NUMBER
20023                        bad-number     0 1 BAD_NUMBER
20101,20102,20103,20105      account        0 0 ACCT_TOKEN
20106,20107                  account        0 0 ACCT_TOKEN
20104                        account        0 0 ACCT_TOKEN_EXPIRED
20151                        account        0 0 ACCT_CREDENTIALS
20152,20153,20154,20159,20160 account       0 0 ACCT_TOKEN
20155,20156,20157            account        0 0 ACCT_TOKEN_EXPIRED
20161                        configuration  0 0 CONFIG_MISSING
20162,20409                  configuration  1 0 CONFIG_CONFLICT
20404,20410                  configuration  0 0 CONFIG_NOT_FOUND
20413                        configuration  0 0 CONFIG_TOO_LARGE
20422,20423                  configuration  0 0 CONFIG_PARAM
20426                        configuration  0 0 CONFIG_UPGRADE
20429                        rate-limit     1 0 RATE_SLOW
20500,20503                  platform       1 0 PLATFORM_RETRY

21100,21101                  account        0 0 ACCT_SUBACCOUNT
21102                        configuration  0 0 CONFIG_LIMIT
21200                        configuration  0 0 CONFIG_PARAM
21201                        bad-number     0 1 NO_NUMBER
21202                        blocked        0 0 PREMIUM
21203                        blocked        0 0 INTL
21204                        configuration  0 0 CALL_EXISTS
21205                        twiml          0 0 WEBHOOK_URL
21206,21207,21208            configuration  0 0 CONFIG_PARAM
21209                        configuration  0 0 CONFIG_METHOD
21210,21212                  configuration  0 0 CALLER_ID
21211,21214,21217            bad-number     0 1 BAD_NUMBER
21213                        configuration  0 0 CALLER_ID_MISSING
21215                        blocked        0 0 GEO
21216                        blocked        0 0 BLOCKLIST
21218                        configuration  0 0 CONFIG_APP_SID
21219                        account        0 0 ACCT_TRIAL_VERIFY
21220                        configuration  0 0 CALL_STATE
21221,21222,21223,21224,21225 configuration 0 0 CONFIG_SIP_AUTH
21226                        account        0 0 ACCT_SIP_ENABLE
21227,21228,21229            configuration  0 0 CONFIG_SIP_HEADERS
21230,21237,21239,21242,21255 configuration 0 0 CONFIG_LIMIT
21231,21232,21233,21235,21236 configuration 0 0 CONFIG_SIP_DOMAIN
21238,21240,21241,21243      configuration  0 0 CONFIG_SIP_DOMAIN
21234,21263                  configuration  0 0 TWIML_AMD
21262                        configuration  0 0 TWIML_CALLBACK_URL
21244,21249,21253,21254      configuration  0 0 CONFIG_LIMIT
21259,21260,21261            configuration  0 0 CONFIG_LIMIT
21245,21247,21248,21251      configuration  0 0 CONFIG_TRUNK
21252,21256,21257,21258      configuration  0 0 CONFIG_TRUNK
21300                        configuration  0 0 CONFIG_BYOC
21301,21302                  configuration  0 0 CONFIG_LIMIT

21401,21421                  configuration  0 0 CONFIG_NUMBER_E164
21402,21405,21406            configuration  0 0 CONFIG_NUMBER
21403                        configuration  0 0 CONFIG_METHOD
21404                        account        0 0 ACCT_TRIAL
21407,21409,21422,21458      configuration  0 0 CONFIG_NUMBER
21408                        blocked        0 0 SMS_REGION
21420                        configuration  0 0 CONFIG_APP_SID
21449,21450,21453            configuration  0 0 CONFIG_EXISTS
21451,21452,21457            configuration  0 0 CONFIG_PARAM
21454,21455,21456            configuration  0 0 CONFIG_PARAM
21470,21471,21473,21474      account        0 0 ACCT_SUBACCOUNT
21472                        account        0 0 ACCT_INACTIVE
21475,21476,21477,21478,21479 account       0 0 ACCT_SUBACCOUNT
21480                        account        0 0 CONFIG_LIMIT
21481                        configuration  0 0 CONFIG_PAGING
21501                        configuration  0 0 CONFIG_NOT_FOUND
21502                        configuration  0 0 TWIML_CALLBACK_URL
21503                        configuration  0 0 CONFIG_PARAM
21504                        configuration  0 0 CONFIG_MISSING

21601,21606,21613,21616      configuration  0 0 CONFIG_NUMBER
21602,21603                  configuration  0 0 CONFIG_MISSING
21604                        bad-number     0 1 NO_NUMBER
21605,21617,21652,21658      configuration  0 0 CONFIG_PARAM
21607,21608                  account        0 0 ACCT_TRIAL_VERIFY
21609,21626                  configuration  0 0 TWIML_CALLBACK_URL
21610                        declined       0 0 OPTED_OUT
21611                        rate-limit     1 0 RATE_SLOW
21612                        carrier        0 0 CARRIER_MESSAGE
21614                        bad-number     0 1 BAD_NUMBER
21615,21628,21629,21630,21631 configuration 0 0 CONFIG_ADDRESS
21618                        configuration  0 0 CONFIG_PARAM
21619                        platform       1 0 PLATFORM_RETRY
21620                        media          0 0 MEDIA_URL
21621                        configuration  0 0 CONFIG_NUMBER
21622                        account        0 0 ACCT_FEATURE
21623                        media          0 0 MEDIA_FILES
21624,21627,21653            configuration  0 0 CONFIG_PARAM
21634                        configuration  0 0 CONFIG_EMERGENCY
21644,21645,21646,21647,21648 configuration 0 0 CONFIG_REGULATORY
21649,21650,21651            configuration  0 0 CONFIG_REGULATORY
21654,21655,21656,21657      configuration  0 0 CONFIG_PARAM
21701,21702,21703,21704,21705 configuration 0 0 CONFIG_MESSAGING
21708,21709,21710,21711,21712 configuration 0 0 CONFIG_MESSAGING
21713,21715                  configuration  0 0 CONFIG_MESSAGING
21714                        configuration  0 0 CONFIG_LIMIT
21717,21719,21720,21721,21722 configuration 0 0 CONFIG_A2P
21723,21725,21727,21728      configuration  0 0 CONFIG_A2P
21724                        configuration  0 0 CONFIG_LIMIT
21726,21730                  platform       1 0 PLATFORM_RETRY
21729                        account        0 0 CONFIG_A2P
21900,21901,21902,21910      configuration  0 0 CONFIG_PARAM

22001                        rate-limit     1 0 CPS
22005                        rate-limit     1 0 CALL_QUEUE_FULL

31000                        platform       1 0 PLATFORM_RETRY
31001                        configuration  0 0 CONFIG_APP_SID
31002                        declined       0 0 DECLINED
31003,31005,31009            network        1 0 NETWORK_CLIENT
31006                        media          0 0 MEDIA_DEVICE
31007                        configuration  0 0 CONFIG_UPGRADE
31008                        canceled       1 0 CANCELED
31100,31101,31103,31106      configuration  0 0 CONFIG_PARAM
31102                        account        0 0 ACCT_TOKEN_MISSING
31104,31202,31203,31204,31207 account       0 0 ACCT_TOKEN
31105                        configuration  0 0 CONFIG_PARAM
31201,31208                  media          0 0 MEDIA_DEVICE
31205                        account        0 0 ACCT_TOKEN_EXPIRED
31206                        rate-limit     1 0 RATE_SLOW
31209                        configuration  0 0 CONFIG_UDM
31301                        network        1 0 NETWORK_CLIENT
31302                        configuration  0 0 CONFIG_UPGRADE

31400                        configuration  0 0 CONFIG_SIP_HEADERS
31403                        blocked        0 0 SIP_FORBIDDEN
31404,31484,31604            bad-number     0 1 BAD_NUMBER
31408                        no-answer      1 0 NO_ANSWER
31409                        configuration  1 0 CONFIG_CONFLICT
31426                        configuration  0 0 CONFIG_UPGRADE
31429                        rate-limit     1 0 RATE_SLOW
31480                        no-answer      1 0 UNAVAILABLE
31481                        carrier        1 0 CARRIER
31486,31600                  busy           1 0 BUSY
31487                        canceled       1 0 CANCELED
31500,31502,31503,31504      carrier        1 0 CARRIER
31530                        network        1 0 NETWORK_CLIENT
31603                        declined       0 0 DECLINED

31900                        platform       1 0 PLATFORM_RETRY
31901,31902,31903,31904      network        1 0 NETWORK_STREAM
31920,31921,31924            network        1 0 NETWORK_STREAM
31910                        network        0 0 NETWORK_STREAM_TLS
31922,31923                  configuration  0 0 CONFIG_STREAM_URL
31930,31931                  media          0 0 MEDIA_STREAM
31940,31941,31942            twiml          0 0 TWIML_STREAM
31950,31951                  configuration  0 0 CONFIG_STREAM_MSG
31952                        configuration  0 0 TWIML_STREAM
31960                        rate-limit     1 0 STREAM_QUOTA

32001,32012,32013            rate-limit     1 0 CPS
32002                        configuration  0 0 CONFIG_SIP_DOMAIN
32006                        configuration  0 0 CONFIG_SIP_LOOP
32007                        configuration  0 0 CONFIG_SIP_REGISTER
32008                        rate-limit     1 0 RATE_SLOW
32009,32221                  no-answer      1 0 SIP_UNREGISTERED
32010                        configuration  0 0 CONFIG_TRUNK
32011                        network        1 0 NETWORK_SIP
32014                        media          0 0 MEDIA_PATH
32015                        configuration  0 0 CONFIG_MAX_DURATION
32016                        carrier        1 0 CARRIER
32017                        blocked        0 0 CALLER_ID_FLAGGED
32018                        twiml          0 0 TWIML_TOO_BIG
32019                        configuration  0 0 CONFIG_TWIML_AND_URL
32021                        carrier        0 0 CONFIG_SHAKEN
32022                        network        1 0 NETWORK_SIP_ACK
32100                        account        0 0 ACCT_TRIAL_VERIFY
32101                        bad-number     0 1 BAD_NUMBER
32102                        media          0 0 MEDIA_SDP
32103,32105,32110,32111      configuration  0 0 CONFIG_SIP_HEADERS
32112,32113,32114,32115      configuration  0 0 CONFIG_SIP_HEADERS
32106,32202,32212            configuration  0 0 CONFIG_SIP_AUTH
32200                        account        0 0 ACCT_PERMISSION
32201                        configuration  0 0 CONFIG_SIP_ACL
32203                        blocked        0 0 BLOCKLIST
32204,32206                  configuration  0 0 CALLER_ID
32205                        blocked        0 0 GEO
32207,32208,32209,32222      configuration  0 0 CONFIG_SIP_TLS
32210                        configuration  0 0 CONFIG_SIP_REGISTER
32214                        twiml          0 0 TWIML_SIP_ATTRS
32215,32220                  configuration  0 0 CONFIG_SIP_REGION
32216                        blocked        0 0 SIP_BLACKLISTED
32218                        configuration  0 0 CONFIG_TRUNK
32219                        carrier        1 0 CARRIER_ROUTE
32223                        configuration  0 0 CONFIG_SIP_URI
32301,32302,32303,32304      configuration  0 0 CONFIG_PARAM
32400                        carrier        1 0 CARRIER_ROUTE
32401                        carrier        0 0 CONFIG_BYOC
32500,32502,32504,32505      platform       1 0 PLATFORM_RETRY
32501                        twiml          0 0 TWIML_ATTR
32503                        twiml          0 0 CALLBACK_RESP
32506                        configuration  0 0 CONFIG_CONVERSATION
32600,32602,32605            configuration  0 0 CONFIG_VIRTUAL_AGENT
32601,32604                  platform       1 0 PLATFORM_RETRY
32603                        twiml          0 0 TWIML_ATTR
32700,32710                  platform       1 0 PLATFORM_RETRY
32701,32702,32703            configuration  0 0 CONFIG_UDM
32711                        twiml          0 0 CALLBACK_RESP

53401                        media          0 0 MEDIA_SDP
53404                        media          0 0 MEDIA_CODEC

64001,64005,64006,64007      configuration  0 0 CONFIG_PAY_CONNECTOR
64011,64013,64024            configuration  0 0 CONFIG_PAY_CONNECTOR
64002                        platform       1 0 PLATFORM_RETRY
64003,64004,64014,64015      twiml          0 0 TWIML_PAY
64016                        twiml          0 0 TWIML_CALLBACK_URL
64017,64018,64020,64021      twiml          0 0 TWIML_PAY
64008,64010,64012            declined       0 0 PAY_DECLINED
64009                        account        0 0 ACCT_PAY_AUTH
64019                        twiml          0 0 PAY_INCOMPLETE
64022,64023                  configuration  0 0 CONFIG_TEST_DATA

30001                        rate-limit     1 0 RATE_SLOW
30002                        account        0 0 ACCT_INACTIVE
30003                        carrier        1 0 CARRIER_MESSAGE_RETRY
30004,30007                  blocked        0 0 SMS_FILTERED
30005,30006                  bad-number     0 1 BAD_NUMBER
30008                        carrier        1 0 CARRIER_MESSAGE_RETRY
30017                        carrier        1 0 CARRIER_MESSAGE_RETRY
30022,30023,30027            rate-limit     1 0 RATE_SLOW
30032,30034,30035            configuration  0 0 CONFIG_A2P
30033                        account        0 0 CONFIG_A2P
34002                        busy           1 0 BUSY
34003                        no-answer      1 0 NO_ANSWER
45303                        busy           1 0 BUSY
45305                        no-answer      1 0 NO_ANSWER
45306                        canceled       1 0 CANCELED
81007                        no-answer      1 0 NO_ANSWER
"""

# ---- defaults for codes without a row ---------------------------------------------------------

# Keyword rules on the lower-cased message, first match wins.
KEYWORDS = (
    (("rate limit exceeded", "rate limits exceeded", "too many requests", "per second",
      "cps limit", "rate exceeded", "too many updates", "too many messages", "concurrency quota",
      "too many concurrent", "daily message", "queue overflow"),
     "rate-limit", 1, "RATE_SLOW"),
    (("internal error", "internal server error", "internal failure", "internal service error",
      "service unavailable", "service is unavailable", "unexpected error", "downstream error",
      "try again later", "timed out", "due to timeout", "timeout error", "storage error",
      "degradation", "congestion", "something went wrong", "server is busy",
      "is unavailable!"),
     "platform", 1, "PLATFORM_RETRY"),
    (("unauthorized", "not authorized", "authentication", "authorization failed",
      "authorization error", "authorization required", "forbidden", "access denied",
      "signature", "access token", "credentials", "legal hold", "suspended",
      "account is not active", "not enabled", "disabled"),
     "account", 0, "ACCT_PERMISSION"),
    (("token expired", "expired apns"), "account", 0, "ACCT_TOKEN_EXPIRED"),
    (("blocked", "blacklist", "spam", "policy violation"), "blocked", 0, "BLOCKLIST"),
    (("network error", "connection error", "disconnected", "not resolved", "connection expired",
      "acknowledgement not received"),
     "network", 1, "NETWORK_RETRY"),
    (("conflicting", "revision mismatch", "collision", "in progress", "concurrent user update"),
     "configuration", 1, "CONFIG_CONFLICT"),
    (("webhook call failed", "callback returned", "callback failed", "failed to invoke",
      "callback invocation failed", "webhook failed", "failed to execute successfully"),
     "twiml", 0, "WEBHOOK_CHECK"),
    (("not found", "does not exist", "no such"), "configuration", 0, "CONFIG_NOT_FOUND"),
    (("already exists", "already in use", "duplicate", "already belongs"),
     "configuration", 0, "CONFIG_EXISTS"),
    (("invalid", "missing", "required", "not provided", "too long", "empty", "malformed",
      "not valid", "unsupported", "not supported", "format", "bad request", "is absent",
      "out of range", "must "),
     "configuration", 0, "CONFIG_PARAM"),
    (("media", "codec", "audio", "recording", "transcri"), "media", 0, "MEDIA_CHECK"),
    (("limit", "maximum", "max ", "too many", "too large", "exceeded", "exceeds", "quota"),
     "configuration", 0, "CONFIG_LIMIT"),
)

# Defaults per product for what no keyword matched.
PRODUCT_DEFAULTS = {
    "Programmable SMS": ("configuration", 0, "CONFIG_MESSAGING"),
    "Programmable Messaging": ("configuration", 0, "CONFIG_A2P"),
    "Interconnect": ("configuration", 0, "DOCS"),
    "Phone Numbers": ("configuration", 0, "CONFIG_NUMBER"),
}

# Defaults per code range (inclusive) for the rest.
RANGE_DEFAULTS = (
    (11000, 11999, "twiml", 0, "WEBHOOK_FAIL"),
    (12000, 14999, "twiml", 0, "TWIML_ATTR"),
    (20000, 21999, "configuration", 0, "CONFIG_PARAM"),
    (30000, 30099, "carrier", 0, "CARRIER_MESSAGE"),
    (32000, 32999, "configuration", 0, "CONFIG_SIP_HEADERS"),
)

OTHER = ("other", 0, "DOCS")

TEXT_MAX = {"product": 64, "message": 400, "action": 200}

# ---- the work ---------------------------------------------------------------------------------


def fail(msg):
    sys.stderr.write("derive_errors: %s\n" % msg)
    sys.exit(1)


def ascii_text(s):
    """One line of printable ASCII: quotes and dashes folded, accents dropped, space collapsed."""
    s = s or ""
    for a, b in (("\u2018", "'"), ("\u2019", "'"), ("\u201c", '"'), ("\u201d", '"'),
                 ("\u2013", "-"), ("\u2014", "-"), ("\u2026", "...")):
        s = s.replace(a, b)
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c if 0x20 <= ord(c) < 0x7F else " " for c in s
                if not unicodedata.combining(c))
    return " ".join(s.split())


def parse_table():
    rows = {}
    for lineno, line in enumerate(TABLE.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 5:
            fail("TABLE line %d: expected 5 fields" % lineno)
        codes, cat, retry, bad, action = parts
        if cat not in CATEGORIES:
            fail("TABLE line %d: unknown category %s" % (lineno, cat))
        if retry not in ("0", "1") or bad not in ("0", "1"):
            fail("TABLE line %d: flags must be 0 or 1" % lineno)
        if action not in ACTIONS:
            fail("TABLE line %d: unknown action %s" % (lineno, action))
        if bad == "1" and retry == "1":
            fail("TABLE line %d: a bad number is never retryable" % lineno)
        for c in codes.split(","):
            code = int(c)
            if code in rows:
                fail("TABLE line %d: code %d listed twice" % (lineno, code))
            rows[code] = (cat, int(retry), int(bad), action)
    return rows


def default_for(code, product, message):
    low = message.lower()
    for words, cat, retry, action in KEYWORDS:
        if any(w in low for w in words):
            return (cat, retry, 0, action)
    for lo, hi, cat, retry, action in RANGE_DEFAULTS:
        if lo <= code <= hi:
            return (cat, retry, 0, action)
    if product in PRODUCT_DEFAULTS:
        cat, retry, action = PRODUCT_DEFAULTS[product]
        return (cat, retry, 0, action)
    return (OTHER[0], OTHER[1], 0, OTHER[2])


def is_priority(code, product):
    return product in PRIORITY_PRODUCTS or 10000 <= code <= 21999


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: derive_errors.py TWILIO_ERROR_CODES.json > twilio-errors.tsv\n")
        return 2
    with open(argv[1], encoding="utf-8") as f:
        entries = json.load(f)
    table = parse_table()
    seen = {}
    for e in entries:
        code = e.get("code")
        if not isinstance(code, int) or code <= 0 or code > 999999:
            fail("bad code %r" % (code,))
        if code in seen:
            fail("code %d appears twice" % code)
        seen[code] = e
    unknown = sorted(set(table) - set(seen))
    if unknown:
        sys.stderr.write("derive_errors: table rows for codes not in the dictionary: %s\n"
                         % " ".join(map(str, unknown)))
    out = [HEADER]
    missing = []
    for code in sorted(seen):
        e = seen[code]
        level = e.get("log_level")
        if level not in ("ERROR", "WARNING"):
            fail("code %d: log level %r" % (code, level))
        product = ascii_text(e.get("product"))
        message = ascii_text(e.get("message"))
        if not message:
            fail("code %d: empty message" % code)
        if code in table:
            cat, retry, bad, action = table[code]
        else:
            if is_priority(code, product):
                missing.append(code)
            cat, retry, bad, action = default_for(code, product, message)
        text = {"product": product, "message": message, "action": ACTIONS[action]}
        for k, v in text.items():
            if len(v) > TEXT_MAX[k]:
                fail("code %d: %s longer than %d characters" % (code, k, TEXT_MAX[k]))
        out.append("\t".join((str(code), level, product, message, cat, ACTIONS[action],
                              str(retry), str(bad))))
    if missing:
        fail("codes that need an explicit row: %s" % " ".join(map(str, missing)))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

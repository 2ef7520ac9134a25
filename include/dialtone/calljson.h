/*
 * calljson: a stored call as the JSON the daemon hands out (event data, and later the agent
 * API): Twilio's facts under dialtone's names, the outcome people see, and a failure explained
 * by the error dictionary (category, action, flags).
 */
#ifndef DIALTONE_CALLJSON_H
#define DIALTONE_CALLJSON_H

struct cJSON;
struct store_call;

/*
 * A new JSON object for c: {"sid", "parent_sid", "direction", "from", "to", "caller_name",
 * "queue", "agent", "conference", "conference_sid", "status" (null before any), "outcome",
 * "answered_by", "queue_result", "queue_time", "duration", "price", "price_unit",
 * "error" (null, or {"code", "message", "sip_code", "category", "category_label", "action",
 * "retryable", "bad_number"}), "recording" (null, or {"sid", "url", "status", "duration",
 * "channels", "source"}), "created_ms", "answered_ms", "ended_ms", "updated_ms"}. Unknown
 * values are null. The caller frees it with cJSON_Delete; aborts only on out-of-memory.
 */
struct cJSON *calljson_new(const struct store_call *c);

#endif

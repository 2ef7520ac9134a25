/*
 * api_route: the agent API's side of routing: state changes and offers.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "dialtone/store.h"
#include "dialtone/util.h"
#include "server/api_int.h"

int api_route_state(struct api *api, const struct store_agent *a, const char *state,
                    const char *reason, char *err, size_t errlen)
{
    (void)api;
    (void)reason;
    (void)state;
    if (a->state && strcmp(a->state, "busy") == 0)
        return dt_seterr(err, errlen, DT_ESTATE, "busy with a call");
    return DT_OK;
}

cJSON *api_offers_json(struct api *api, const char *name)
{
    (void)api;
    (void)name;
    return cJSON_CreateArray();
}

/*
 * fuzz_webhooks: the daemon's webhook handlers on arbitrary requests. The first byte picks
 * the webhook (modulo their number), the second the URL's queue (none, "support", "sales" or
 * an unknown one), its room, and whether the lines are open or the [ivr] menu is on; the rest
 * is the form body. Each request runs in a store transaction on one in-memory database, as the
 * daemon runs it. A handler must either fail with DT_EINVAL, DT_ETOOBIG or DT_EDB and no
 * answer, or answer well-formed XML whose root is <Response>; every emitted event must be
 * JSON. Anything else aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <expat.h>

#include "dialtone/config.h"
#include "dialtone/form.h"
#include "dialtone/store.h"
#include "dialtone/util.h"
#include "dialtone/webhooks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CONF                                                                                    \
    "[twilio]\npublic_base_url = https://dt.example.com\n"                                         \
    "[queue \"support\"]\nmax_wait = 60\nhold_music_url = https://m.example.com/a.mp3\n"           \
    "[queue \"sales\"]\n[hours]\nmon = 09:00-17:00\n"
#define FZ_IVR         "[ivr]\nprompt = Press 1 or 2\n1 = sales\n2 = support\n"
#define FZ_RESET_EVERY 2000 /* inputs between fresh databases */

static struct config fz_cfg[2]; /* without and with the menu */
static struct store *fz_st;
static unsigned fz_runs;

static void fz_done(void)
{
    store_close(fz_st);
    config_done(&fz_cfg[0]);
    config_done(&fz_cfg[1]);
}

static void fz_init(void)
{
    char err[256];
    config_init(&fz_cfg[0]);
    config_init(&fz_cfg[1]);
    if (config_load_string(&fz_cfg[0], "fuzz", FZ_CONF, err, sizeof err) != 0 ||
        config_load_string(&fz_cfg[1], "fuzz", FZ_CONF FZ_IVR, err, sizeof err) != 0)
        abort();
    atexit(fz_done);
}

static int fz_emit(void *user, const char *type, const char *json)
{
    (void)user;
    cJSON *j = cJSON_Parse(json);
    if (!j || !type || !type[0])
        abort();
    cJSON_Delete(j);
    return 0;
}

struct fz_xml {
    int depth, root_ok;
};

static void fz_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    (void)atts;
    struct fz_xml *x = ud;
    if (x->depth++ == 0)
        x->root_ok = strcmp(name, "Response") == 0;
}

static void fz_end(void *ud, const XML_Char *name)
{
    (void)name;
    ((struct fz_xml *)ud)->depth--;
}

static void fz_check_twiml(const char *doc)
{
    struct fz_xml x = {0};
    XML_Parser p = XML_ParserCreate("UTF-8");
    XML_SetUserData(p, &x);
    XML_SetElementHandler(p, fz_start, fz_end);
    int ok = XML_Parse(p, doc, (int)strlen(doc), 1) == XML_STATUS_OK;
    XML_ParserFree(p);
    if (!ok || !x.root_ok || x.depth != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!fz_cfg[0].n_queues)
        fz_init();
    if (size < 2)
        return 0;
    char err[256];
    if (!fz_st || ++fz_runs % FZ_RESET_EVERY == 0) {
        store_close(fz_st);
        if (store_open(":memory:", &fz_st, err, sizeof err) != 0)
            abort();
    }
    static const char *const queues[] = {NULL, "support", "sales", "nope"};
    unsigned flags = data[1];
    struct form f;
    form_init(&f);
    const char *body = (const char *)data + 2;
    size_t len = size - 2;
    if (form_parse(&f, body, len, err, sizeof err) != 0) {
        form_done(&f);
        return 0; /* the server answers 400 before any handler runs */
    }
    struct webhooks_ctx c = {.cfg = &fz_cfg[(flags >> 3) & 1],
                             .store = fz_st,
                             .now_ms = 1700000000000LL + fz_runs,
                             .wday = 1,
                             .minute = (flags & 4) ? 8 * 60 : 10 * 60,
                             .emit = fz_emit};
    struct webhooks_req r = {.kind = (enum webhooks_kind)(data[0] % DT_HOOK_COUNT),
                             .params = &f,
                             .queue = queues[flags & 3],
                             .room = (flags & 16) ? "room-1" : NULL,
                             .body = memchr(body, '\0', len) ? NULL : body,
                             .body_len = memchr(body, '\0', len) ? 0 : len};
    char *twiml = NULL;
    if (store_tx_begin(fz_st, err, sizeof err) != 0)
        abort();
    int rc = webhooks_handle(&c, &r, &twiml, err, sizeof err);
    if (rc == 0) {
        if (!twiml)
            abort();
        fz_check_twiml(twiml);
        if (store_tx_commit(fz_st, err, sizeof err) != 0)
            abort();
    } else {
        if (twiml || (rc != DT_EINVAL && rc != DT_ETOOBIG && rc != DT_EDB))
            abort();
        store_tx_rollback(fz_st);
    }
    free(twiml);
    form_done(&f);
    return 0;
}

/*
 * Tests of the console model's alert toasts: alert.fired and alert.cleared toast a supervisor
 * with the daemon's message (made harmless), and never an agent; a malformed one does nothing.
 */
#include "console_model_fixture.h"
#include "dialtone/util.h"

#define FIRED "{\"rule\":\"answer-rate\",\"state\":\"fired\",\"message\":\"answer rate 0%\"}"

TEST(supervisor_gets_alert_toasts)
{
    struct model *m = fx_new();
    dt_strlcpy(m->agent.role, "supervisor", sizeof m->agent.role);
    size_t before = m->n_toasts;
    CHECK_INT(FX_EV(m, 11, "alert.fired", "%s", FIRED), 0);
    CHECK_INT(m->n_toasts, before + 1);
    CHECK_STR(m->toasts[m->n_toasts - 1].text, "Alert fired: answer rate 0%");
    CHECK_INT(m->toasts[m->n_toasts - 1].level, MODEL_ERROR);
    CHECK_INT(FX_EV(m, 12, "alert.cleared", "%s",
                    "{\"rule\":\"answer-rate\",\"message\":\"back \\u001b[31m\"}"),
              0);
    CHECK_INT(m->n_toasts, before + 2);
    CHECK_INT(m->toasts[m->n_toasts - 1].level, MODEL_OK);
    CHECK(strncmp(m->toasts[m->n_toasts - 1].text, "Alert cleared: back ", 20) == 0);
    CHECK(strchr(m->toasts[m->n_toasts - 1].text, 0x1b) == NULL);
    /* no message: nothing */
    CHECK_INT(FX_EV(m, 13, "alert.fired", "%s", "{\"rule\":\"answer-rate\"}"), 0);
    CHECK_INT(m->n_toasts, before + 2);
    model_free(m);
}

TEST(agent_gets_none)
{
    struct model *m = fx_new();
    CHECK_STR(m->agent.role, "agent");
    size_t before = m->n_toasts;
    CHECK_INT(FX_EV(m, 11, "alert.fired", "%s", FIRED), 0);
    CHECK_INT(m->n_toasts, before);
    model_free(m);
}

int main(void)
{
    RUN(supervisor_gets_alert_toasts);
    RUN(agent_gets_none);
    return check_done();
}

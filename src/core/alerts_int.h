/*
 * alerts_int: what alerts.c and alerts_rules.c share and nothing else sees.
 */
#ifndef DIALTONE_ALERTS_INT_H
#define DIALTONE_ALERTS_INT_H

#include <stddef.h>

#include "dialtone/alerts.h"

/* Fills in the kind's defaults for the fields r leaves 0 and checks the rule: DT_OK, or
 * DT_EINVAL with "rule NAME: reason" in err (alerts_rules.c). */
int alerts_rule_fill(struct alert_rule *r, char *err, size_t errlen);

#endif

/*
 * api_reports: GET /api/v1/reports/NAME?from=DATE&to=DATE[&top=N] (or ?range=today, yesterday,
 * 7d or month instead of the dates; &legs=1 for the legs' failures or errors), the reports of
 * `dialtone report` (dialtone/report_json.h) answered to supervisors as the CLI's JSON format, read
 * on a read-only connection of their own to the daemon's database file.
 */
#ifndef DIALTONE_SERVER_API_REPORTS_INT_H
#define DIALTONE_SERVER_API_REPORTS_INT_H

struct httpd_req;

/* The route's handler (user: the struct api): 200 with the report; 401 and 403 (agents); 400
 * for an unknown report, a bad date, a range that ends before it starts or spans more than
 * API_REPORTS_DAYS_MAX days, legs other than 0 or 1 or asked of another report; 503 when the
 * database cannot be read or the query worker has READQ_WAITING_MAX reports waiting (with
 * Retry-After). */
#define API_REPORTS_DAYS_MAX 366
void api_on_reports(struct httpd_req *req, void *user);

#endif

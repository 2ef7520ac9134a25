/*
 * api_reports: GET /api/v1/reports/NAME?from=DATE&to=DATE[&top=N] (or ?range=today, yesterday,
 * 7d or month instead of the dates), the reports of `dialtone
 * report` (dialtone/report_json.h) answered to supervisors as the CLI's JSON format, read on a
 * read-only connection of their own to the daemon's database file.
 */
#ifndef DIALTONE_SERVER_API_REPORTS_INT_H
#define DIALTONE_SERVER_API_REPORTS_INT_H

struct httpd_req;

/* The route's handler (user: the struct api): 200 with the report; 401 and 403 (agents); 400
 * for an unknown report, a bad date, a range that ends before it starts or spans more than
 * API_REPORTS_DAYS_MAX days; 503 when the database cannot be read. */
#define API_REPORTS_DAYS_MAX 366
void api_on_reports(struct httpd_req *req, void *user);

#endif

#!/bin/sh
# `dialtone report cost-by-day`, `cost-by-queue` and `agents` over a small database (made by
# `dialtone agent list`, calls written with sqlite3): each day's cost in New York time and in UTC (a call
# at 22:00 in New York falls on the next UTC day), a leg's cost going to its parent's queue,
# cost per successful call (an abandon is not one), an unreadable price skipped; agents' calls,
# handled calls, average handle time and missed offers from the KPI facts; in each format;
# usage errors.
bin="$1/dialtone"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
unset DIALTONE_DB
db="$dir/r.db"
cat >"$dir/ny.conf" <<CONF
[server]
database = $db
[hours]
timezone = America/New_York
CONF
cat >"$dir/utc.conf" <<CONF
[server]
database = $db
CONF
rep() { conf=$1; shift; "$bin" report "$@" --config "$dir/$conf.conf" >"$dir/out" 2>"$dir/err"; }

rep ny cost-by-day --from 2024-10-04 --to 2024-10-04 --top 2
[ $? -eq 2 ] || fail "--top with a cost report is not a usage error"
rep ny cost-by-queue --from 2024-10-05 --to 2024-10-04
[ $? -eq 2 ] || fail "a backwards range is not a usage error"
rep ny cost-by-day --from 2024-10-04 --to 2024-10-04
[ $? -eq 1 ] || fail "a missing database did not fail with 1"
"$bin" report --help >"$dir/out" 2>&1 || fail "report --help exited $?"
grep -q 'cost-by-queue' "$dir/out" || fail "report --help does not list cost-by-queue"

"$bin" agent list --config "$dir/ny.conf" >/dev/null 2>"$dir/err" || fail "agent list made no database"
# 2024-10-04 13:00 UTC is 09:00 in New York (EDT).
T=1728046800000
H=3600000
sqlite3 "$db" "INSERT INTO calls (sid, parent_sid, status, created_ms, updated_ms, queue,
    queue_result, price, price_unit, duration_s) VALUES
  ('CA01', NULL, 'completed', $T, 0, NULL, NULL, '-0.01300', 'USD', 42),
  ('CA02', NULL, 'completed', $T + $H, 0, 'sales', 'bridged', '-0.02600', 'USD', 90),
  ('CL01', 'CA02', 'completed', $T + $H + 5000, 0, NULL, NULL, '-0.01300', 'USD', 60),
  ('CA03', NULL, 'completed', $T + 2 * $H, 0, 'sales', 'hangup', '-0.00400', 'USD', 10),
  ('CA04', NULL, 'busy', $T + 3 * $H, 0, NULL, NULL, NULL, NULL, NULL),
  ('CA07', NULL, 'failed', $T + 3 * $H, 0, NULL, NULL, 'x1', 'USD', 5),
  ('CA05', NULL, 'completed', $T + 13 * $H, 0, 'support', 'bridged', '-0.01000', 'USD', 30),
  ('CA06', NULL, 'completed', $T + 24 * $H, 0, NULL, NULL, '-0.00500', 'USD', 20),
  ('CA08', NULL, 'completed', $T + 72 * $H, 0, NULL, NULL, '-9.00000', 'USD', 20)" ||
    fail "cannot write the calls"
# Agents: alice handled CA02 (90 s to its end, 30 s of wrap-up), bob CA05 (wrap-up not over).
sqlite3 "$db" "UPDATE calls SET agent = 'alice', ended_ms = $T + $H + 100000 WHERE sid = 'CA02';
  UPDATE calls SET agent = 'bob', ended_ms = $T + 13 * $H + 60000 WHERE sid = 'CA05';
  UPDATE calls SET agent = 'alice' WHERE sid = 'CL01';
  INSERT INTO call_kpi (call_sid, agent, enqueued_ms, connected_ms, wrapup_s) VALUES
    ('CA02', 'alice', $T + $H, $T + $H + 10000, 30),
    ('CA05', 'bob', $T + 13 * $H, $T + 13 * $H + 5000, NULL),
    ('CA00', 'alice', $T - 48 * $H, $T - 48 * $H, 5);
  INSERT INTO offers (call_sid, agent, queue, offered_ms, ended_ms, outcome) VALUES
    ('CA02', 'carol', 'sales', $T + $H, $T + $H + 5000, 'timeout'),
    ('CA02', 'alice', 'sales', $T + $H + 6000, $T + $H + 8000, 'declined'),
    ('CA02', 'alice', 'sales', $T + $H + 8000, $T + $H + 10000, 'accepted'),
    ('CA03', 'alice', 'sales', $T + 2 * $H, $T + 2 * $H + 9000, 'timeout'),
    ('CA05', 'bob', 'support', $T + 13 * $H, $T + 13 * $H + 5000, 'accepted')" ||
    fail "cannot write the facts"
before=$(cksum <"$db")

rep ny cost-by-day --from 2024-10-04 --to 2024-10-05 || fail "cost-by-day exited $?"
grep -Eq '^2024-10-04 +6 +3 +5 +232 +0\.0660 +0\.0220 USD$' "$dir/out" || fail "cost-by-day 4th: $(cat "$dir/out")"
grep -Eq '^2024-10-05 +1 +1 +1 +20 +0\.0050 +0\.0050 USD$' "$dir/out" || fail "cost-by-day 5th: $(cat "$dir/out")"
grep -Eq '^total +7 +4 +6 +252 +0\.0710 +0\.0178 USD$' "$dir/out" || fail "cost-by-day total: $(cat "$dir/out")"
[ "$(wc -l <"$dir/out")" -eq 4 ] || fail "cost-by-day rows: $(cat "$dir/out")"

rep utc cost-by-day --from 2024-10-04 --to 2024-10-05 --format csv || fail "cost-by-day utc exited $?"
[ "$(sed -n 1p "$dir/out")" = "day,calls,successful,priced,billable_s,cost,cost_per_success,unit" ] ||
    fail "cost-by-day csv header: $(cat "$dir/out")"
[ "$(sed -n 2p "$dir/out")" = "2024-10-04,5,2,4,202,0.0560,0.0280,USD" ] || fail "utc 4th: $(cat "$dir/out")"
[ "$(sed -n 3p "$dir/out")" = "2024-10-05,2,2,2,50,0.0150,0.0075,USD" ] || fail "utc 5th: $(cat "$dir/out")"
[ "$(wc -l <"$dir/out")" -eq 3 ] || fail "cost-by-day csv rows: $(cat "$dir/out")"

rep ny cost-by-queue --from 2024-10-04 --to 2024-10-05 --format csv || fail "cost-by-queue exited $?"
[ "$(sed -n 2p "$dir/out")" = "sales,2,1,3,160,0.0430,0.0430,USD" ] || fail "queue sales: $(cat "$dir/out")"
[ "$(sed -n 3p "$dir/out")" = ",4,2,2,62,0.0180,0.0090,USD" ] || fail "no queue: $(cat "$dir/out")"
[ "$(sed -n 4p "$dir/out")" = "support,1,1,1,30,0.0100,0.0100,USD" ] || fail "queue support: $(cat "$dir/out")"

rep ny cost-by-queue --from 2024-10-04 --to 2024-10-05 --format json || fail "cost-by-queue json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert d["report"]=="cost-by-queue" and abs(d["cost"]-0.071)<1e-9 and d["unit"]=="USD" and r[0]["queue"]=="sales" and r[0]["calls"]==2 and abs(r[0]["cost_per_success"]-0.043)<1e-9 and r[1]["queue"]=="" and len(r)==3, d' "$dir/out" ||
    fail "cost-by-queue json: $(cat "$dir/out")"

rep ny agents --from 2024-10-04 --to 2024-10-05 --format csv || fail "agents exited $?"
[ "$(sed -n 1p "$dir/out")" = "agent,calls,handled,aht_s,aht_calls,missed_offers,declined_offers" ] ||
    fail "agents csv header: $(cat "$dir/out")"
[ "$(sed -n 2p "$dir/out")" = "alice,1,1,120.0,1,1,1" ] || fail "agents alice: $(cat "$dir/out")"
[ "$(sed -n 3p "$dir/out")" = "bob,1,1,,0,0,0" ] || fail "agents bob: $(cat "$dir/out")"
[ "$(sed -n 4p "$dir/out")" = "carol,0,0,,0,1,0" ] || fail "agents carol: $(cat "$dir/out")"
[ "$(wc -l <"$dir/out")" -eq 4 ] || fail "agents rows: $(cat "$dir/out")"
rep ny agents --from 2024-10-04 --to 2024-10-05 || fail "agents table exited $?"
grep -Eq '^alice +1 +1 +120\.0 +1 +1$' "$dir/out" || fail "agents table: $(cat "$dir/out")"
grep -Eq '^bob +1 +1 +- +0 +0$' "$dir/out" || fail "agents table bob: $(cat "$dir/out")"
rep ny agents --from 2024-10-04 --to 2024-10-05 --format json || fail "agents json exited $?"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert d["report"]=="agents" and r[0]["agent"]=="alice" and r[0]["aht_s"]==120 and r[1]["aht_s"] is None and r[2]["missed_offers"]==1, d' "$dir/out" ||
    fail "agents json: $(cat "$dir/out")"
# The day before: alice's earlier call (no row of its own in calls) still counts as handled.
rep ny agents --from 2024-10-02 --to 2024-10-02 --format csv || fail "agents, the 2nd"
[ "$(sed -n 2p "$dir/out")" = "alice,0,1,,0,0,0" ] || fail "agents, the 2nd: $(cat "$dir/out")"

# A day with no call: no rows; one with an abandon only: no cost per successful call.
rep ny cost-by-day --from 2020-01-01 --to 2020-01-01 --format json || fail "empty cost-by-day"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["rows"]==[] and d["cost"]==0, d' "$dir/out" ||
    fail "empty json: $(cat "$dir/out")"
sqlite3 "$db" "INSERT INTO calls (sid, status, created_ms, updated_ms, queue, queue_result, price)
    VALUES ('CA09', 'completed', $T + 96 * $H, 0, 'sales', 'hangup', '-0.00200')" || fail "CA09"
before=$(cksum <"$db")
rep ny cost-by-day --from 2024-10-08 --to 2024-10-08 --format json || fail "abandon-only day"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert len(r)==1 and r[0]["successful"]==0 and r[0]["cost_per_success"] is None, d' "$dir/out" ||
    fail "abandon-only json: $(cat "$dir/out")"
rep ny cost-by-day --from 2024-10-08 --to 2024-10-08 || fail "abandon-only table"
grep -Eq '^2024-10-08 +1 +0 +1 +0 +0\.0020 +- *$' "$dir/out" || fail "abandon-only table: $(cat "$dir/out")"
[ "$(cksum <"$db")" = "$before" ] || fail "the reports changed the database"
exit 0

#!/bin/sh
# `dialtone report` and `dialtone export`: usage errors (exit 2) and bad dates, then a small
# database (made by `dialtone agent list`, calls written with sqlite3) read in New York time:
# failure reasons, answer rate by hour, top error codes with their hourly trend in each
# format, the legs' failures and errors apart (--legs); export as CSV (RFC 4180 quoting, formula guard) and JSON, to stdout and to a file;
# the database left unchanged and a missing one never created.
bin="$1/dialtone"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
unset DIALTONE_DB
db="$dir/r.db"
cat >"$dir/r.conf" <<CONF
[server]
database = $db
[hours]
timezone = America/New_York
CONF
rep() { "$bin" report "$@" --config "$dir/r.conf" >"$dir/out" 2>"$dir/err"; }
exp() { "$bin" export "$@" --config "$dir/r.conf" >"$dir/out" 2>"$dir/err"; }

usage() { # cmd args...: must exit 2 with a usage line
    cmd=$1
    shift
    "$bin" "$cmd" "$@" --config "$dir/r.conf" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "$cmd $* exited $rc, not 2"
    grep -q "^usage: dialtone $cmd" "$dir/err" || fail "$cmd $*: no usage line"
}
usage report
usage report failures
usage report failures --from 2024-10-04
usage report bogus --from 2024-10-04 --to 2024-10-04
usage report failures extra --from 2024-10-04 --to 2024-10-04
usage report failures --from 2024-10-04 --to 2024-10-04 --format xml
usage report failures --from 2024-10-04 --to 2024-10-04 --output x
usage report failures --from 2024-10-04 --to 2024-10-04 --top 3
usage report errors --from 2024-10-04 --to 2024-10-04 --top 0
usage report errors --from 2024-10-04 --to 2024-10-04 --top 5x
usage report failures --from 2024-10-04 --to 2024-10-04 --bogus
usage report failures --from 2024-10-04 --from 2024-10-05 --to 2024-10-05
for d in 2024-13-01 2023-02-29 2024-1-1 24-10-04 tomorrow 2024-10-04x ""; do
    usage report failures --from "$d" --to 2024-10-04
    grep -q 'is not a date' "$dir/err" || fail "--from '$d': $(cat "$dir/err")"
done
usage report failures --from 2024-10-05 --to 2024-10-04
# the days whose bounds print in UTC: up to 9999-12-30, not 9999-12-31
usage report failures --from 9999-12-30 --to 9999-12-31
grep -q "'9999-12-31' is not a date from 1970-01-02 to 9999-12-30" "$dir/err" || fail "9999-12-31"
usage export
usage export --from 2024-10-04 --to 2024-10-04 --format table
usage export --from 2024-10-04 --to 2024-10-04 extra
usage export --from 2024-10-04 --to 2024-10-04 --top 3
usage report answer-rate --from 2024-10-04 --to 2024-10-04 --legs
grep -q -- '--legs goes with the failures and errors reports only' "$dir/err" || fail "--legs: $(cat "$dir/err")"
usage export --from 2024-10-04 --to 2024-10-04 --legs
"$bin" report --help >"$dir/out" 2>&1 || fail "report --help exited $?"
grep -q 'answer-rate' "$dir/out" || fail "report --help does not list the reports"
"$bin" export --help >"$dir/out" 2>&1 || fail "export --help exited $?"

# No database yet: an error, and none is made.
rep failures --from 2024-10-04 --to 2024-10-04
[ $? -eq 1 ] || fail "a missing database did not fail with 1"
[ -e "$db" ] && fail "report created the database"

"$bin" agent list --config "$dir/r.conf" >/dev/null 2>"$dir/err" || fail "agent list made no database"
# 2024-10-04 13:00 UTC is 09:00 in New York (EDT). One call the day before, one the day after.
T=1728046800000
H=3600000
sqlite3 "$db" "INSERT INTO calls (sid, status, created_ms, updated_ms, error_code, sip_code,
    queue, queue_result, from_number, caller_name, price, duration_s) VALUES
  ('CA01', 'completed', $T, 0, NULL, NULL, NULL, NULL, '+15551230001', '=HYPERLINK(\"x\"), \"Bob\"', '-0.01300', 42),
  ('CA02', 'busy', $T + 1000, 0, NULL, 486, NULL, NULL, '+15551230002', 'Ann', NULL, NULL),
  ('CA03', 'failed', $T + $H, 0, 13224, NULL, NULL, NULL, '+1555', '@SUM(A1)', NULL, NULL),
  ('CA04', 'failed', $T + $H + 1000, 0, 13224, NULL, NULL, NULL, '+1555', NULL, NULL, NULL),
  ('CA05', 'completed', $T + $H + 2000, 0, NULL, NULL, 'sales', 'bridged', '+1666', NULL, NULL, NULL),
  ('CA06', 'completed', $T + $H + 3000, 0, NULL, NULL, 'sales', 'hangup', '+1666', NULL, NULL, NULL),
  ('CA07', 'in-progress', $T + $H + 4000, 0, NULL, NULL, NULL, NULL, '+1777', NULL, NULL, NULL),
  ('CA08', 'failed', $T - 14 * $H, 0, 13224, NULL, NULL, NULL, '+1888', NULL, NULL, NULL),
  ('CA09', 'failed', $T + 16 * $H, 0, 13224, NULL, NULL, NULL, '+1999', NULL, NULL, NULL)" ||
    fail "cannot write the calls"
before=$(cksum <"$db")

rep failures --from 2024-10-04 --to 2024-10-04 || fail "failures exited $?"
grep -Eq '^failed +13224 +0 +bad-number +2 +66\.7%' "$dir/out" || fail "failures table: $(cat "$dir/out")"
grep -Eq '^busy +31486 +0 +busy +1 ' "$dir/out" || fail "failures table, busy: $(cat "$dir/out")"
grep -Eq '^total +3$' "$dir/out" || fail "failures table, total: $(cat "$dir/out")"
rep failures --from 9999-12-30 --to 9999-12-30 --format json || fail "9999-12-30 refused"
grep -q '"to":[[:space:]]*"9999-12-31T' "$dir/out" || fail "9999-12-30's end: $(cat "$dir/out")"
rep failures --from 2024-10-04 --to 2024-10-04 --format csv || fail "failures csv exited $?"
[ "$(sed -n 1p "$dir/out")" = "status,code,sip_code,category,count,share,message" ] ||
    fail "failures csv header: $(cat "$dir/out")"
sed -n 2p "$dir/out" | grep -q '^failed,13224,0,bad-number,2,66.7,' || fail "failures csv: $(cat "$dir/out")"
[ "$(sed -n 3p "$dir/out")" = "busy,31486,0,busy,1,33.3,Busy Here" ] || fail "failures csv: $(cat "$dir/out")"
rep failures --from 2024-10-04 --to 2024-10-04 --format json || fail "failures json exited $?"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["total"]==3 and d["rows"][0]["code"]==13224 and d["rows"][1]["category"]=="busy", d' "$dir/out" ||
    fail "failures json: $(cat "$dir/out")"

# Two days: CA09 (the 5th, 01:00 in New York) counts too; the 3rd holds CA08 alone.
rep failures --from 2024-10-04 --to 2024-10-05 --format csv || fail "failures, 2 days"
sed -n 2p "$dir/out" | grep -q '^failed,13224,0,bad-number,3,' || fail "two days: $(cat "$dir/out")"
rep failures --from 2024-10-03 --to 2024-10-03 --format csv || fail "failures, the 3rd"
[ "$(wc -l <"$dir/out")" -eq 2 ] || fail "the 3rd: $(cat "$dir/out")"

rep answer-rate --from 2024-10-04 --to 2024-10-04 || fail "answer-rate exited $?"
grep -Eq '^09:00 +2 +1 +50\.0%$' "$dir/out" || fail "answer-rate 9h: $(cat "$dir/out")"
grep -Eq '^10:00 +4 +1 +25\.0%$' "$dir/out" || fail "answer-rate 10h: $(cat "$dir/out")"
grep -Eq '^total +6 +2 +33\.3%$' "$dir/out" || fail "answer-rate total: $(cat "$dir/out")"
rep answer-rate --from 2024-10-04 --to 2024-10-04 --format csv || fail "answer-rate csv"
[ "$(wc -l <"$dir/out")" -eq 25 ] || fail "answer-rate csv has not 24 hours"
grep -qx '10,4,1,25.0' "$dir/out" || fail "answer-rate csv: $(cat "$dir/out")"
rep answer-rate --from 2024-10-04 --to 2024-10-04 --format json || fail "answer-rate json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["calls"]==6 and d["answered"]==2 and d["hours"][9]["calls"]==2 and d["from"]=="2024-10-04T04:00:00Z", d' "$dir/out" ||
    fail "answer-rate json: $(cat "$dir/out")"

rep errors --from 2024-10-04 --to 2024-10-04 || fail "errors exited $?"
grep -Eq '^13224 +bad-number +2 +\| +# +\|' "$dir/out" || fail "errors table: $(cat "$dir/out")"
rep errors --from 2024-10-04 --to 2024-10-04 --format csv --top 1 || fail "errors csv"
[ "$(wc -l <"$dir/out")" -eq 2 ] || fail "--top 1: $(cat "$dir/out")"
grep -q '^13224,bad-number,2,.*,0 0 0 0 0 0 0 0 0 0 2 0 0 0 0 0 0 0 0 0 0 0 0 0$' "$dir/out" ||
    fail "errors csv: $(cat "$dir/out")"
rep errors --from 2024-09-28 --to 2024-10-04 --format json || fail "errors json, 7 days"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert len(r)==2 and r[0]["count"]==3 and len(r[0]["hourly"])==168 and r[1]["code"]==31486, d' "$dir/out" ||
    fail "errors json: $(cat "$dir/out")"

exp --from 2024-10-04 --to 2024-10-04 || fail "export exited $?"
[ "$(wc -l <"$dir/out")" -eq 8 ] || fail "export rows: $(cat "$dir/out")"
head -1 "$dir/out" | grep -q '^sid,parent_sid,direction,from,to,caller_name,' || fail "export header"
grep -q "$(printf '\r$')" "$dir/out" || fail "export lines do not end in CRLF"
grep -qF 'CA01,,,+15551230001,,"'"'"'=HYPERLINK(""x""), ""Bob""",,,completed,,,,,42,-0.01300,' "$dir/out" ||
    fail "export CA01: $(cat "$dir/out")"
grep -qF "CA03,,,+1555,,'@SUM(A1)," "$dir/out" || fail "export CA03: $(cat "$dir/out")"
grep -q '2024-10-04T13:00:00Z' "$dir/out" || fail "export times"
python3 -c 'import csv,sys; r=list(csv.reader(open(sys.argv[1], newline=""))); assert len(r)==8 and all(len(x)==20 for x in r) and r[1][5]=="'"'"'=HYPERLINK(\"x\"), \"Bob\"", r' "$dir/out" ||
    fail "export is not CSV that a reader splits back: $(cat "$dir/out")"
exp --from 2024-10-04 --to 2024-10-04 --format json --output "$dir/calls.json" || fail "export json"
[ -s "$dir/out" ] && fail "export --output wrote to stdout"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==7 and d[0]["sid"]=="CA01" and d[0]["duration_s"]==42 and d[0]["error_code"] is None and d[1]["sip_code"]==486, d' "$dir/calls.json" ||
    fail "export json: $(cat "$dir/calls.json")"
exp --from 2020-01-01 --to 2020-01-01 --format json || fail "empty export"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))==[]' "$dir/out" || fail "empty json: $(cat "$dir/out")"
exp --from 2024-10-04 --to 2024-10-04 --output "$dir/no/such/dir.csv"
[ $? -eq 1 ] || fail "an unwritable --output did not fail with 1"

# The legs the daemon adds to calls (agents' legs of CA05 and CA06): left out of the calls'
# failures and errors, and counted alone with --legs.
sqlite3 "$db" "INSERT INTO calls (sid, parent_sid, status, created_ms, updated_ms, error_code,
    sip_code) VALUES
  ('CL01', 'CA05', 'no-answer', $T + $H + 500, 0, NULL, NULL),
  ('CL02', 'CA06', 'busy', $T + $H + 600, 0, NULL, 486),
  ('CL03', 'CA06', 'failed', $T + $H + 700, 0, 13224, NULL)" || fail "cannot write the legs"
before=$(cksum <"$db")
rep failures --from 2024-10-04 --to 2024-10-04 --format csv || fail "failures with legs stored"
[ "$(wc -l <"$dir/out")" -eq 3 ] && sed -n 2p "$dir/out" | grep -q '^failed,13224,0,bad-number,2,' ||
    fail "the legs counted as calls: $(cat "$dir/out")"
rep failures --from 2024-10-04 --to 2024-10-04 --legs --format csv || fail "failures --legs exited $?"
[ "$(wc -l <"$dir/out")" -eq 4 ] || fail "failures --legs: $(cat "$dir/out")"
grep -qx 'busy,31486,0,busy,1,33.3,Busy Here' "$dir/out" || fail "failures --legs, busy: $(cat "$dir/out")"
grep -q '^failed,13224,0,bad-number,1,33.3,' "$dir/out" || fail "failures --legs, failed: $(cat "$dir/out")"
grep -qx "no-answer,0,0,no-answer,1,33.3,no error code" "$dir/out" ||
    fail "failures --legs, no-answer: $(cat "$dir/out")"
rep failures --from 2024-10-04 --to 2024-10-04 --legs || fail "failures --legs table"
grep -Eq '^total +3$' "$dir/out" || fail "failures --legs table: $(cat "$dir/out")"
rep errors --legs --from 2024-10-04 --to 2024-10-04 --format json || fail "errors --legs exited $?"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert d["legs"] is True and len(r)==2 and sorted(x["code"] for x in r)==[13224,31486] and all(x["count"]==1 for x in r), d' "$dir/out" ||
    fail "errors --legs json: $(cat "$dir/out")"
rep errors --from 2024-10-04 --to 2024-10-04 --format json || fail "errors with legs stored"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=d["rows"]; assert "legs" not in d and len(r)==2 and r[0]["code"]==13224 and r[0]["count"]==2, d' "$dir/out" ||
    fail "errors of the calls: $(cat "$dir/out")"

DIALTONE_DB="$dir/none.db" "$bin" export --from 2024-10-04 --to 2024-10-04 >/dev/null 2>&1 &&
    fail "DIALTONE_DB naming no database did not fail"
[ -e "$dir/none.db" ] && fail "export created a database"
[ "$(cksum <"$db")" = "$before" ] || fail "the reports changed the database"
exit 0

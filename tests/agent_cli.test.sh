#!/bin/sh
# `dialtone agent`: usage errors (exit 2), add with a role, endpoint and queues printing a token
# once, the database holding only the token's SHA-256 hash, bad endpoints, roles and queues
# refused, a duplicate name refused, list showing agents without tokens, token replacing the
# hash, remove taking the agent and its queues away.
bin="$1/dialtone"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  | /' "$dir/err"; exit 1; }
unset DIALTONE_DB
db="$dir/a.db"
cat >"$dir/a.conf" <<CONF
[server]
database = $db
[queue "support"]
[queue "sales"]
CONF
agent() { "$bin" agent "$@" --config "$dir/a.conf" >"$dir/out" 2>"$dir/err"; }
sql() { sqlite3 "$db" "$1"; }

usage() { # args...: must exit 2 with a usage line
    "$bin" agent "$@" >"$dir/out" 2>"$dir/err"
    rc=$?
    [ "$rc" -eq 2 ] || fail "agent $* exited $rc, not 2"
    grep -q '^usage: dialtone agent' "$dir/err" || fail "agent $*: no usage line"
}
usage
usage bogus
usage add alice
usage add alice --role agent
usage add --role agent --endpoint +15551230000
usage list extra
usage remove
usage token a b
usage remove alice --role agent
usage add alice --role agent --endpoint
usage list --bogus
"$bin" agent --help >"$dir/out" 2>&1 || fail "--help exited $?"
grep -q -- '--endpoint' "$dir/out" || fail "--help does not describe add"

agent add alice --role agent --endpoint +15551230001 --queues support,sales ||
    fail "add alice exited $?"
[ "$(grep -c '^token: ' "$dir/out")" -eq 1 ] || fail "no single token line: $(cat "$dir/out")"
tok=$(sed -n 's/^token: //p' "$dir/out")
echo "$tok" | grep -Eq '^dt_[A-Za-z0-9_-]{43}$' || fail "odd token '$tok'"
hash=$(printf %s "$tok" | sha256sum | cut -d' ' -f1)
[ "$(sql "SELECT token_hash FROM agents WHERE name='alice'")" = "$hash" ] ||
    fail "stored hash is not the token's SHA-256"
sqlite3 "$db" .dump | grep -q "$tok" && fail "the token is in the database"
[ "$(sql "SELECT group_concat(queue) FROM (SELECT queue FROM agent_queues ORDER BY queue)")" = \
    "sales,support" ] || fail "queues not stored"

agent add bob --role supervisor --endpoint sip:bob@pbx.example.com || fail "add bob exited $?"
tok_b=$(sed -n 's/^token: //p' "$dir/out")
[ -n "$tok_b" ] && [ "$tok_b" != "$tok" ] || fail "bob's token is missing or alice's"
agent add carol --role agent --endpoint client:carol.1 --queues support || fail "add carol"

refused() { # message, args...: must exit 1 saying message and add nothing
    msg=$1
    shift
    n=$(sql "SELECT count(*) FROM agents")
    agent "$@"
    rc=$?
    [ "$rc" -eq 1 ] || fail "agent $* exited $rc, not 1"
    grep -q "$msg" "$dir/err" || fail "agent $*: no '$msg' in the message"
    grep -q '^token:' "$dir/out" && fail "agent $*: printed a token"
    [ "$(sql "SELECT count(*) FROM agents")" -eq "$n" ] || fail "agent $*: the agents changed"
}
refused "E.164" add dave --role agent --endpoint +0123
refused "E.164" add dave --role agent --endpoint 5551230000
refused "sip:user@host" add dave --role agent --endpoint sip:nohost
refused "client: identity" add dave --role agent --endpoint 'client:a b'
refused "role" add dave --role boss --endpoint +15551230002
refused "no queue 'billing'" add dave --role agent --endpoint +15551230002 --queues billing
refused "bad queue name" add dave --role agent --endpoint +15551230002 --queues 'a;b'
refused "exist" add alice --role agent --endpoint +15551230002
refused "no such agent" remove nobody
refused "no such agent" token nobody

agent list || fail "list exited $?"
[ "$(grep -c . "$dir/out")" -eq 4 ] || fail "list: not a header and 3 agents"
grep -Eq '^alice +agent +offline +\+15551230001 +sales,support$' "$dir/out" || fail "list: alice"
grep -Eq '^bob +supervisor +offline +sip:bob@pbx.example.com +-$' "$dir/out" || fail "list: bob"
grep -q "$tok" "$dir/out" && fail "list printed a token"
grep -q "$hash" "$dir/out" && fail "list printed a hash"

agent token alice || fail "token alice exited $?"
tok2=$(sed -n 's/^token: //p' "$dir/out")
[ -n "$tok2" ] && [ "$tok2" != "$tok" ] || fail "no new token"
hash2=$(printf %s "$tok2" | sha256sum | cut -d' ' -f1)
[ "$(sql "SELECT token_hash FROM agents WHERE name='alice'")" = "$hash2" ] || fail "hash not replaced"

agent remove alice || fail "remove exited $?"
[ "$(sql "SELECT count(*) FROM agents WHERE name='alice'")" -eq 0 ] || fail "alice still there"
[ "$(sql "SELECT count(*) FROM agent_queues")" -eq 1 ] || fail "alice's queues still there"

# DIALTONE_DB overrides the file's database.
DIALTONE_DB="$dir/other.db" "$bin" agent add erin --role agent --endpoint +15551230003 \
    --config "$dir/a.conf" >"$dir/out" 2>"$dir/err" || fail "add with DIALTONE_DB exited $?"
[ "$(sqlite3 "$dir/other.db" "SELECT name FROM agents")" = erin ] || fail "DIALTONE_DB ignored"
exit 0

# console_lib.sh: what the console's end-to-end tests (tests/console_*.test.sh) and the demo's
# test share; sourced by bash. In a private temp directory: the emulator (`dialtone sim`) and
# the daemon (`dialtone serve`) as child processes on free loopback ports, agents made with
# `dialtone agent add`, and the console running in a tmux server of its own (-L), driven with
# send-keys and read with capture-pane as a person would. HTTP goes through bash's /dev/tcp,
# so the tests need no HTTP client. cl_cleanup (trapped at exit) kills the tmux server and
# every process started here, by pid, and removes the directory (CL_KEEP=1 keeps it, with
# the logs and the database, for a look after a failure).
#
#   cl_init NAME BUILD_DIR      the binary, the directory, the tmux socket name; traps exit
#   cl_start_sim SCENARIO       the emulator; its numbers call the daemon's future port
#   cl_write_conf [EXTRA]       the daemon's config (chmod 600)
#   cl_start_daemon             serve, waiting for /healthz
#   cl_add_agent NAME ROLE      prints the token
#   cl_console TOKEN [ARGS]     the console in tmux, 120x40
#   cl_wait_screen TEXT [S]     polls the pane until it shows TEXT (fixed string)
#   cl_wait_http URL PATTERN [S] polls a GET until its body matches PATTERN (grep -E)
#   cl_http METHOD URL [BODY] [TOKEN]   prints the answer's body
#   cl_json SQL                 SQL over the JSON on stdin (@J), with sqlite3's JSON functions

CL_ACCOUNT=AC0123456789abcdef0123456789abcdef
CL_TOKEN=console-e2e-token-7f3e
CL_WAIT=${CL_WAIT:-40} # seconds to wait for anything: generous, the machine may be loaded

cl_init() {
    CL_NAME=$1
    bin="$2/dialtone"
    case $bin in /*) ;; *) bin="$PWD/$bin" ;; esac
    dir=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-$1.XXXXXX")
    sock="dialtone-$1-$$"
    CL_PIDS=
    CL_SIM=
    CL_DAEMON=
    trap cl_cleanup EXIT
    trap 'exit 1' INT TERM HUP
    unset TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_API_KEY TWILIO_API_SECRET \
        DIALTONE_PUBLIC_URL DIALTONE_TWILIO_API_URL DIALTONE_DB DIALTONE_PORT DIALTONE_LOG_LEVEL \
        DIALTONE_SERVER DIALTONE_TOKEN DIALTONE_THEME DIALTONE_COUNTRY NO_COLOR
    # The console must not find the person's own configuration.
    export XDG_CONFIG_HOME="$dir/config" HOME="$dir"
    export LANG=C.UTF-8 LC_ALL=C.UTF-8
    db="$dir/dialtone.db"
    conf="$dir/dialtone.conf"
}

cl_has_tmux() {
    command -v tmux >/dev/null 2>&1
}

cl_tmux() {
    tmux -L "$sock" -f /dev/null "$@"
}

cl_cleanup() {
    local rc=$?
    cl_tmux kill-server >/dev/null 2>&1
    local p
    for p in $CL_PIDS $CL_DAEMON $CL_SIM; do
        kill -TERM "$p" 2>/dev/null
    done
    for p in $CL_PIDS $CL_DAEMON $CL_SIM; do
        cl_reap "$p" 50 || kill -KILL "$p" 2>/dev/null
    done
    wait 2>/dev/null
    if [ "$rc" -ne 0 ] && [ -n "$dir" ]; then
        for f in "$dir"/console.err "$dir"/daemon.log "$dir"/sim.log; do
            [ -f "$f" ] && { echo "--- the end of $(basename "$f")"; tail -n 25 "$f"; }
        done
    fi
    if [ -n "$CL_KEEP" ]; then
        echo "kept $dir"
    elif [ -n "$dir" ]; then
        rm -rf "$dir"
    fi
    exit "$rc"
}

# cl_reap PID TENTHS: 0 once PID has gone, 1 if it still runs after TENTHS tenths of a second.
cl_reap() {
    local i=0
    while kill -0 "$1" 2>/dev/null; do
        [ "$i" -ge "$2" ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
    return 0
}

cl_fail() {
    echo "FAIL: $*"
    if cl_tmux has-session 2>/dev/null; then
        echo "--- the screen"
        cl_tmux capture-pane -p -t console 2>/dev/null | sed 's/^/  | /'
    fi
    exit 1
}

# cl_http METHOD URL [BODY] [TOKEN]: the body of the answer on stdout; 1 when nothing answers.
cl_http() {
    local m=$1 url=$2 body=${3-} tok=${4-}
    local hp=${url#http://}
    local host=${hp%%/*} path=/${hp#*/}
    local LC_ALL=C resp
    exec 7<>"/dev/tcp/${host%:*}/${host##*:}" || return 1
    {
        printf '%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n' "$m" "$path" "$host"
        [ -n "$tok" ] && printf 'Authorization: Bearer %s\r\n' "$tok"
        [ -n "$body" ] && printf 'Content-Type: application/json\r\nContent-Length: %d\r\n' \
            "${#body}"
        printf '\r\n%s' "$body"
    } >&7
    resp=$(timeout 10 cat <&7)
    exec 7>&-
    CL_STATUS=$(printf '%s' "$resp" | head -n 1 | cut -d' ' -f2)
    printf '%s\n' "${resp#*$'\r\n\r\n'}"
}

# A port nobody listens on right now (nothing answers a connection to it), below the range
# the kernel picks local ports of outgoing connections from (32768 and up), where a port may
# be taken without anyone listening on it.
cl_free_port() {
    local p i
    for i in $(seq 50); do
        p=$((10000 + (RANDOM * 7 + $$ + i) % 22000))
        if ! (exec 8<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

cl_wait_file() { # FILE PATTERN SECONDS
    local i=0
    while ! grep -Eq "$2" "$1" 2>/dev/null; do
        [ "$i" -ge $(($3 * 10)) ] && return 1
        sleep 0.1
        i=$((i + 1))
    done
}

cl_start_sim() { # SCENARIO
    port=$(cl_free_port) || cl_fail "no free port"
    base="http://127.0.0.1:$port"
    DIALTONE_URL="$base" CL_SIM_TOKEN="$CL_TOKEN" "$bin" sim --port 0 --scenario "$1" \
        --account "$CL_ACCOUNT" --auth-token-env CL_SIM_TOKEN --log-level debug \
        >"$dir/sim.out" 2>"$dir/sim.log" </dev/null &
    CL_SIM=$!
    cl_wait_file "$dir/sim.out" 'listening on http://127\.0\.0\.1:[0-9]+' "$CL_WAIT" ||
        cl_fail "the emulator did not start: $(cat "$dir/sim.out")"
    sim="http://127.0.0.1:$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/sim.out" | head -n 1)"
}

cl_write_conf() { # [EXTRA LINES]
    cat >"$conf" <<CONF
[twilio]
account_sid = $CL_ACCOUNT
auth_token = $CL_TOKEN
numbers = +14155550100
public_base_url = $base
api_base_url = $sim
[server]
port = $port
database = $db
log_level = debug
[queue "support"]
routing = ringall
wrapup = 600
${1-}
CONF
    chmod 600 "$conf"
}

cl_start_daemon() {
    "$bin" serve --config "$conf" >>"$dir/daemon.out" 2>>"$dir/daemon.log" </dev/null &
    CL_DAEMON=$!
    local i=0
    until cl_http GET "$base/healthz" 2>/dev/null | grep -q '"db":"ok"'; do
        kill -0 "$CL_DAEMON" 2>/dev/null || cl_fail "the daemon exited while starting"
        [ "$i" -ge $((CL_WAIT * 10)) ] && cl_fail "the daemon did not answer /healthz"
        sleep 0.1
        i=$((i + 1))
    done
}

cl_kill_daemon() { # SIGNAL
    kill -"$1" "$CL_DAEMON" 2>/dev/null
    cl_reap "$CL_DAEMON" 100 || cl_fail "the daemon did not stop on SIG$1"
    wait "$CL_DAEMON" 2>/dev/null
    CL_DAEMON=
}

cl_add_agent() { # NAME ROLE: the token on stdout
    "$bin" agent add "$1" --role "$2" --endpoint "client:$1" --queues support \
        --config "$conf" 2>"$dir/agent.err" | sed -n 's/^token: //p'
}

# cl_console TOKEN [ARGS...]: the console in a 120x40 tmux window named console, run by a
# shell that writes its exit status to $dir/console.status (cl_wait_exit); its stderr goes to
# $dir/console.err, its log to $dir/console.log.
cl_console() {
    local tok=$1
    shift
    rm -f "$dir/console.status"
    cl_tmux new-session -d -s console -x 120 -y 40 \
        "DIALTONE_TOKEN='$tok' TERM=xterm-256color DIALTONE_CONSOLE_LOG='$dir/console.log' \
        '$bin' console --server '$base' $* 2>>'$dir/console.err'; echo \$? >'$dir/console.status'" ||
        cl_fail "tmux could not start the console"
}

# cl_console_pid: the console's pid (the child of the pane's shell).
cl_console_pid() {
    cl_children "$(cl_tmux display-message -p -t console '#{pane_pid}')" | cut -d' ' -f1
}

# cl_children PID: its child processes' pids, from /proc, on one line.
cl_children() {
    cat /proc/"$1"/task/*/children 2>/dev/null | tr -s ' \n' ' ' | sed 's/^ //; s/ $//'
}

# cl_wait_exit [SECONDS]: until the console has exited; its exit status on stdout.
cl_wait_exit() {
    cl_wait_file "$dir/console.status" '^[0-9]+$' "${1:-$CL_WAIT}" ||
        cl_fail "the console did not exit"
    cat "$dir/console.status"
}

cl_screen() {
    cl_tmux capture-pane -p -t console
}

cl_keys() {
    cl_tmux send-keys -t console "$@"
}

# cl_wait_screen TEXT [SECONDS]: until the pane shows TEXT (a fixed string).
cl_wait_screen() {
    local i=0 limit=$((${2:-$CL_WAIT} * 10))
    until cl_screen | grep -Fq -- "$1"; do
        [ "$i" -ge "$limit" ] && cl_fail "the screen never showed '$1'"
        sleep 0.1
        i=$((i + 1))
    done
}

# cl_wait_gone TEXT [SECONDS]: until the pane no longer shows TEXT.
cl_wait_gone() {
    local i=0 limit=$((${2:-$CL_WAIT} * 10))
    while cl_screen | grep -Fq -- "$1"; do
        [ "$i" -ge "$limit" ] && cl_fail "the screen still shows '$1'"
        sleep 0.1
        i=$((i + 1))
    done
}

# cl_wait_http URL PATTERN [SECONDS] [TOKEN]: until a GET's body matches PATTERN (grep -E).
cl_wait_http() {
    local i=0 limit=$((${3:-$CL_WAIT} * 10))
    until cl_http GET "$1" "" "${4-}" 2>/dev/null | grep -Eq -- "$2"; do
        [ "$i" -ge "$limit" ] && cl_fail "GET $1 never matched '$2': $(cl_http GET "$1" "" "${4-}")"
        sleep 0.1
        i=$((i + 1))
    done
}

# cl_dial TOKEN TO STATUS [COUNT]: the agent of TOKEN (made available) dials TO, waits until TO
# has COUNT calls (1) that ended with STATUS, then saves the agent's wrap-up if there is one.
cl_dial() {
    cl_http POST "$base/api/v1/me/state" '{"state": "available"}' "$1" >/dev/null
    cl_wait_http "$base/api/v1/me" '"state":"available"' "$CL_WAIT" "$1"
    cl_http POST "$base/api/v1/calls" "{\"to\": \"$2\"}" "$1" >/dev/null
    [ "$CL_STATUS" = 202 ] || cl_fail "dialling $2 answered $CL_STATUS"
    local i=0
    until [ "$(cl_http GET "$base/api/v1/calls?number=%2B${2#+}" "" "$1" |
        grep -o "\"status\":\"$3\"" | wc -l)" -ge "${4:-1}" ]; do
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "the call to $2 did not end $3"
        sleep 0.1
        i=$((i + 1))
    done
    cl_wait_http "$base/api/v1/me" '"state":"(wrap-up|available)"' "$CL_WAIT" "$1"
    cl_http POST "$base/api/v1/me/wrapup" '{"disposition": "resolved"}' "$1" >/dev/null
}

# cl_json SQL: runs SQL (sqlite3's JSON functions) with @J standing for the JSON read from
# stdin; prints the rows.
cl_json() {
    local f rc
    f=$(mktemp "$dir/json.XXXXXX")
    local j="CAST(readfile('$f') AS TEXT)"
    cat >"$f"
    sqlite3 :memory: "${1//@J/$j}"
    rc=$?
    rm -f "$f"
    return $rc
}

cl_sql() {
    sqlite3 -cmd '.timeout 5000' "$db" "$1"
}

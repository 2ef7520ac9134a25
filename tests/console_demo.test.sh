#!/bin/sh
# `dialtone demo` as `make demo` runs it, in tmux: the summary, then the console as the demo
# agent, live and available; callers of demo.ini arrive on their own and are offered; `q`
# quits the console, and the demo then stops the emulator and the daemon, removes its
# directory and exits 0.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-demo "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }
export TMPDIR="$dir/tmp"
mkdir -p "$TMPDIR"

cl_tmux new-session -d -s console -x 120 -y 40 \
    "TERM=xterm-256color '$bin' demo --no-wait --speed 3 2>>'$dir/console.err'; \
    echo \$? >'$dir/console.status'" || cl_fail "tmux could not start the demo"
demo=$(cl_console_pid)
[ -n "$demo" ] || cl_fail "no demo process"
CL_PIDS="$demo"
cl_wait_screen "demo" 60
cl_wait_screen " live " 60
cl_wait_screen "available"
kids=$(cl_children "$demo")
CL_PIDS="$demo $kids"
[ "$(echo $kids | wc -w)" -ge 3 ] || cl_fail "the emulator, the daemon and the console: $kids"
work=$(ls -d "$TMPDIR"/dialtone-demo.* 2>/dev/null)
[ -n "$work" ] || cl_fail "no working directory in $TMPDIR"
# demo.ini's callers arrive every few seconds (faster at --speed 3): one is offered.
cl_wait_screen "Incoming call" 90
cl_keys q
status=$(cl_wait_exit 60)
[ "$status" = 0 ] || cl_fail "the demo exited with status $status"
for p in $kids; do
    kill -0 "$p" 2>/dev/null && cl_fail "process $p was left running"
done
[ ! -e "$work" ] || cl_fail "the demo left $work"
echo ok

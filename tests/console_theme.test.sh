#!/bin/sh
# The console's colours in tmux, read back with capture-pane -e: the default theme draws in
# colour; `:theme monochrome` switches live to attributes only; `T` goes on to the next theme
# and the screen's escape sequences change; with NO_COLOR set the console starts without any
# colour, whatever the theme.
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
. "$(dirname "$0")/console_lib.sh"
cl_init console-theme "$1"
cl_has_tmux || { echo "skipped: no tmux (make deps installs it)"; exit 0; }
export DIALTONE_THEMES="$PWD/themes"

cl_start_sim data/scenarios/test-basic.ini
cl_write_conf
cl_start_daemon
tok=$(cl_add_agent di agent)
[ -n "$tok" ] || cl_fail "no token for di: $(cat "$dir/agent.err")"

# The pane with its escape sequences; colour: does an SGR set a foreground or background
# colour other than the terminal's default (39, 49)?
styled() {
    cl_tmux capture-pane -p -e -t console
}
colour() {
    styled | grep -Eq $'\e''\[([0-9]+;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]+)*m'
}
wait_colour() { # 1 (some colour) or 0 (none)
    local i=0
    while :; do
        if colour; then [ "$1" = 1 ] && return 0; else [ "$1" = 0 ] && return 0; fi
        [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "colour on screen is not $1"
        sleep 0.1
        i=$((i + 1))
    done
}

cl_console "$tok"
cl_wait_screen " live "
wait_colour 1
cl_keys -l ":theme monochrome"
cl_keys Enter
wait_colour 0
cl_screen | grep -q "Theme monochrome" && cl_fail "the monochrome theme did not load"
before=$(styled)
cl_keys T
i=0
while [ "$(styled)" = "$before" ]; do
    [ $i -ge $((CL_WAIT * 10)) ] && cl_fail "T did not change the theme"
    sleep 0.1
    i=$((i + 1))
done
cl_keys q
[ "$(cl_wait_exit)" = 0 ] || cl_fail "the console did not quit cleanly"

cl_tmux kill-server 2>/dev/null
NO_COLOR=1 cl_console "$tok"
cl_wait_screen " live "
cl_wait_screen "Queue"
colour && cl_fail "NO_COLOR: colours on screen"
cl_keys -l ":theme default"
cl_keys Enter
sleep 1
colour && cl_fail "NO_COLOR: colours after :theme default"
cl_keys q
[ "$(cl_wait_exit)" = 0 ] || cl_fail "the console did not quit cleanly"
echo ok

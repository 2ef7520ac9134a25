#!/bin/sh
# Fails when src/core, or a header it includes, includes a curses, libwebsockets or libcurl
# header: the core stays pure logic that the daemon, the console and the emulator share.
cd "$(dirname "$0")/.." || exit 2
pattern='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?cursesw?|ncursesw/[^">]*|libwebsockets|lws[-_][^">]*|curl/[^">]*)(\.h)?[">]'
files=$(ls src/core/*.c src/core/*.h 2>/dev/null)
headers=$(grep -hoE '#[[:space:]]*include[[:space:]]*"dialtone/[^"]+"' $files 2>/dev/null |
    sed -E 's/.*"(dialtone\/[^"]+)".*/include\/\1/' | sort -u)
bad=$(grep -nE "$pattern" $files $headers 2>/dev/null)
if [ -n "$bad" ]; then
    echo "check-deps: src/core must not include curses, libwebsockets or libcurl headers:"
    echo "$bad"
    exit 1
fi
echo "check-deps: src/core includes no curses, libwebsockets or libcurl header"

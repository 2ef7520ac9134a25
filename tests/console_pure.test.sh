#!/bin/sh
# The console's pure modules (text sanitizer, key table, theme loader, config file, dialled
# numbers) include no curses header, directly or through a console header they include:
# they are tested, fuzzed and reused without a terminal. theme_curses.c alone draws.
cd "$(dirname "$0")/.." || exit 2
pattern='^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?cursesw?|ncursesw/[^">]*|term)(\.h)?[">]'
status=0
for m in sanitize keymap theme theme_path cconf dialnum; do
    for f in src/console/$m.c src/console/$m.h; do
        [ -f "$f" ] || continue
        headers=$(grep -hoE '#[[:space:]]*include[[:space:]]*"console/[^"]+"' "$f" |
            sed -E 's/.*"(console\/[^"]+)".*/src\/\1/' | sort -u)
        bad=$(grep -nE "$pattern" "$f" $headers 2>/dev/null)
        if [ -n "$bad" ]; then
            echo "FAIL: $f includes curses: $bad"
            status=1
        fi
    done
done
exit $status

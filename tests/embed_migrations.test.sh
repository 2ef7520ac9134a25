#!/bin/sh
# The build-time tool that embeds the schema migrations: its output compiles and carries each
# file byte for byte, sorted by version; bad names, duplicate versions and unreadable files
# fail with a message naming the file and print nothing. Builds its own copy of the tool.
cc=${CC:-cc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$cc" -std=c11 -D_POSIX_C_SOURCE=200809L -o "$tmp/embed" src/tools/embed_migrations.c ||
    fail "the tool does not build"
tool="$tmp/embed"
mkdir "$tmp/m" "$tmp/bad"

# Quotes, backslashes, trigraph-like ?? sequences, an octal-looking digit after a byte that
# is escaped, tabs, CR, UTF-8, and no newline at the end of the second file.
printf 'CREATE TABLE t ("a\\b" TEXT DEFAULT '"'"'??=??/'"'"');\n-- caf\303\251 \342\230\216\t\r\n\001' > "$tmp/m/0002_second-one.sql"
printf '7 trailing digits\n' >> "$tmp/m/0002_second-one.sql"
printf 'CREATE TABLE first (x);' > "$tmp/m/0010_last.sql"
printf -- '-- one\nSELECT 1;\n' > "$tmp/m/1_init.sql"

"$tool" "$tmp/m/0010_last.sql" "$tmp/m/0002_second-one.sql" "$tmp/m/1_init.sql" \
    >"$tmp/gen.c" 2>"$tmp/err" || fail "good files rejected: $(cat "$tmp/err")"
cat > "$tmp/main.c" <<'C'
#include <stdio.h>
#include <string.h>
#include "dialtone/migrations.h"
int main(void)
{
    for (int i = 0; i < migrations_count; i++) {
        printf("%d %s\n", migrations_table[i].version, migrations_table[i].name);
        fwrite(migrations_table[i].sql, 1, strlen(migrations_table[i].sql), stderr);
    }
    return 0;
}
C
"$cc" -std=c11 -Wall -Werror -Iinclude -o "$tmp/show" "$tmp/main.c" "$tmp/gen.c" ||
    fail "generated code does not compile"
"$tmp/show" >"$tmp/list" 2>"$tmp/sql" || fail "generated program failed"
printf '1 init\n2 second-one\n10 last\n' | cmp -s - "$tmp/list" || fail "order/names: $(cat "$tmp/list")"
cat "$tmp/m/1_init.sql" "$tmp/m/0002_second-one.sql" "$tmp/m/0010_last.sql" | cmp -s - "$tmp/sql" ||
    fail "sql text differs from the files"

# The project's own migrations go through.
"$tool" data/migrations/*.sql >/dev/null 2>"$tmp/err" || fail "data/migrations: $(cat "$tmp/err")"

expect_fail() { # pattern file...
    pat=$1
    shift
    if "$tool" "$@" >"$tmp/out" 2>"$tmp/err"; then fail "accepted $*"; fi
    [ -s "$tmp/out" ] && fail "printed output for $*"
    grep -q "$pat" "$tmp/err" || fail "message for $* was: $(cat "$tmp/err")"
    return 0
}
for name in init.sql 0003_Init.sql 0004-init.sql 0005_.sql 0006_init.txt 0000_zero.sql \
    0007_sp\ ace.sql 1234567890_big.sql; do
    printf 'SELECT 1;\n' > "$tmp/bad/$name"
    expect_fail "bad" "$tmp/m/1_init.sql" "$tmp/bad/$name"
done
printf 'SELECT 2;\n' > "$tmp/bad/001_dup.sql"
expect_fail "duplicate migration version" "$tmp/m/1_init.sql" "$tmp/bad/001_dup.sql"
expect_fail "cannot read" "$tmp/m/1_init.sql" "$tmp/m/0009_missing.sql"
printf 'SELECT 1;\000\n' > "$tmp/bad/0011_nul.sql"
expect_fail "NUL" "$tmp/bad/0011_nul.sql"
: > "$tmp/bad/0012_empty.sql"
expect_fail "empty" "$tmp/bad/0012_empty.sql"
expect_fail "usage"
exit 0

#!/usr/bin/env bash
# Smoke test of a Noctra executable, offline: version, a query over a fixture, a SQLite join,
# EXPORT to Parquet read back, a sandboxed read refused, a REPL session through a
# pseudo-terminal (where the OS has `script`), and exit codes.
#
# Usage: scripts/smoke.sh COMMAND [ARG…]
#   scripts/smoke.sh dist/noctra-x86_64-unknown-linux-gnu
#   scripts/smoke.sh deno run -A main.ts        (what `deno task test` runs)
#
# Prints one line per check ("ok - …" or "FAIL - …: what differed"), then a summary; exits 1
# when a check failed, 0 otherwise. A check that cannot run on this OS (no pseudo-terminal tool)
# prints "skip - …: why" and is counted apart, never as passed. Runs with the fixtures of the
# checkout it lives in, in a temporary working directory, with its own XDG state and config.
set -u

if [ "$#" -eq 0 ]; then
  echo "usage: scripts/smoke.sh COMMAND [ARG…]" >&2
  exit 2
fi
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIXTURES="$ROOT/fixtures"
NOCTRA=("$@")
# A relative executable path (dist/noctra-…, main.ts) is taken from the caller's directory.
for index in "${!NOCTRA[@]}"; do
  argument=${NOCTRA[$index]}
  if [[ "$argument" != /* && "$argument" != -* && -e "$argument" ]]; then
    NOCTRA[$index]="$(cd "$(dirname "$argument")" && pwd)/$(basename "$argument")"
  fi
done

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config" NO_COLOR=1
cd "$WORK" || exit 1

passed=0
failed=0
skipped=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1: $2"; failed=$((failed + 1)); }
skip() { echo "skip - $1: $2"; skipped=$((skipped + 1)); }

# run NAME EXPECTED_EXIT STDOUT_PART STDERR_PART ARG…: runs Noctra with ARG…; checks the exit
# code and that stdout and stderr contain the given parts ("" = anything).
run() {
  local name=$1 expected_exit=$2 expected_out=$3 expected_err=$4
  shift 4
  local output exit_code errors
  output=$("${NOCTRA[@]}" "$@" 2>"$WORK/stderr")
  exit_code=$?
  errors=$(head -c 400 "$WORK/stderr")
  if [ "$exit_code" -ne "$expected_exit" ]; then
    fail "$name" "exit $exit_code, expected $expected_exit; stderr: $errors"
  elif [[ "$output" != *"$expected_out"* ]]; then
    fail "$name" "stdout lacks '$expected_out': $(printf '%s' "$output" | head -c 300)"
  elif [[ "$(cat "$WORK/stderr")" != *"$expected_err"* ]]; then
    fail "$name" "stderr lacks '$expected_err': $errors"
  else
    ok "$name"
  fi
}

run "version" 0 "noctra " "" --version
run "query over a CSV fixture" 0 $'state,airports\nAK,263' "" --no-restore --format csv -c \
  "SELECT state, count(*) AS airports FROM '$FIXTURES/airports.csv' GROUP BY state ORDER BY airports DESC LIMIT 1"
run "Parquet fixture" 0 $'n\n344' "" --no-restore --format csv -c \
  "SELECT count(*) AS n FROM '$FIXTURES/penguins.parquet'"
run "CSV joined with a SQLite table" 0 $'state,n\nCA,510' "" --no-restore --format csv \
  -c "ATTACH '$FIXTURES/airports.sqlite' AS ap (TYPE SQLITE, READ_ONLY)" \
  -c "SELECT a.state, count(*) AS n FROM '$FIXTURES/flights-airport.csv' f JOIN ap.airports a ON f.origin = a.iata GROUP BY ALL ORDER BY n DESC LIMIT 1"
run "EXPORT to Parquet" 0 "" "exported 1,461 rows" --no-restore \
  -c "EXPORT (SELECT * FROM '$FIXTURES/seattle-weather.csv') TO 'weather.parquet' FORMAT PARQUET"
run "the exported Parquet reads back" 0 $'n\n1461' "" --no-restore --format csv \
  -c "SELECT count(*) AS n FROM 'weather.parquet'"
run "a sandboxed read outside the allowed directories is refused" 1 "" \
  "outside the directories Noctra may read" --no-restore --sandbox \
  -c "SELECT count(*) FROM '$FIXTURES/airports.csv'"
run "a statement that fails exits 1" 1 "" "syntax error" --no-restore -c "SELEC 1"
run "a usage error exits 2" 2 "" "no-such-flag" --no-such-flag

# The REPL through a pseudo-terminal: util-linux `script -qec CMD`, BSD/macOS `script -q FILE CMD`.
repl_input=$'SELECT 6 * 7 AS answer;\n'
quoted=$(printf '%q ' "${NOCTRA[@]}")
if script --version 2>/dev/null | grep -q util-linux; then
  repl_output=$(printf '%s' "$repl_input" | script -qec "$quoted --no-restore" /dev/null 2>&1)
elif [ "$(uname -s)" = "Darwin" ]; then
  repl_output=$(printf '%s' "$repl_input" | script -q /dev/null "${NOCTRA[@]}" --no-restore 2>&1)
else
  repl_output=""
  skip "REPL through a pseudo-terminal" "no 'script' command for a pseudo-terminal on $(uname -s)"
fi
if [ -n "$repl_output" ]; then
  if [[ "$repl_output" == *"noctra>"* && "$repl_output" == *"42"* ]]; then
    ok "REPL through a pseudo-terminal"
  else
    fail "REPL through a pseudo-terminal" "no prompt or no answer: $(printf '%s' "$repl_output" | tr -d '\r' | head -c 400)"
  fi
fi

echo "# $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# Runs gremlins (github.com/go-gremlins/gremlins, v0.6.0 or later: it needs
# --exclude-files) on the rule-holding files of one package only, as in
# TESTING.md ("Mutation testing with gremlins"): every other non-test .go
# file of the package (and of its sub-packages) is excluded by one regexp.
#
# usage: mutants/gremlins.sh [-b bound] [-r test-pattern] [-o report.json] package file...
#   -b bound         stop gremlins after this long (a timeout(1) duration, default 30m)
#   -r test-pattern  run only these tests of the package, for the coverage
#                    pass and for every mutant (given to go test via GOFLAGS)
#   -o report.json   gremlins' JSON report (written only if it finishes)
# e.g. mutants/gremlins.sh -b 12m files sniff.go store.go
#
# go test results are never taken from the cache (GOFLAGS=-count=1): the
# coverage pass's time sets each mutant's timeout (times the coefficient),
# and a cached pass takes a second, so every mutant would "time out".
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 2
bound=30m run="" out=""
while getopts "b:r:o:" opt; do
  case "$opt" in
    b) bound="$OPTARG" ;;
    r) run="$OPTARG" ;;
    o) out="$OPTARG" ;;
    *) sed -n '2,16p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if (($# < 2)); then sed -n '2,16p' "$0"; exit 2; fi
pkg="${1#./}"
shift
gremlins="$(command -v gremlins || echo "$(go env GOPATH)/bin/gremlins")"

others=()
while read -r f; do
  keep=0
  for k in "$@"; do [[ "$f" == "$k" ]] && keep=1; done
  ((keep)) || others+=("${f//./\\.}")
done < <(cd "$pkg" && find . -name '*.go' ! -name '*_test.go' | sed 's|^\./||' | sort)
exclude="^($(IFS='|'; echo "${others[*]}"))\$"

flags="-count=1"
[[ -n "$run" ]] && flags="$flags -run=$run"
args=(unleash --workers 1 --test-cpu 1 --timeout-coefficient 5 -E "$exclude")
[[ -n "$out" ]] && args+=(-o "$out")
echo "$(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg): GOFLAGS='$flags' gremlins on ./$pkg, files $*"
GOFLAGS="$flags" nice -n 10 timeout "$bound" "$gremlins" "${args[@]}" "./$pkg"
status=$?
echo "$(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg): exit $status$( ((status == 124)) && echo " (stopped at $bound)")"
exit "$status"

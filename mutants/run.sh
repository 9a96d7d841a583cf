#!/usr/bin/env bash
# Runs the curated mutants (see TESTING.md): each mutants/*.mutant file
# breaks one security or money rule in one source file. For each, the
# mutated copy of that file is handed to the go command through -overlay
# (the tree itself is never touched, so two mutants run side by side),
# and the tests of the packages it names, narrowed by its -run pattern,
# must fail: the mutant is "killed". A mutant whose tests pass "survived"
# (a missing test); one whose find text is not in the file exactly once,
# or whose mutated code does not compile, is "broken" (fix the mutant).
#
# usage: mutants/run.sh [-j jobs] [-t seconds] [-T seconds] [-k] [mutant file or name ...]
#   -j jobs     mutants run at the same time (default 2)
#   -t seconds  a time budget: no mutant starts after it (those left are
#               listed as "not run", which is no failure); each run starts
#               at a different place in the list (the day of the year), so
#               runs on successive days cover all of it (default: no budget)
#   -T seconds  a hard limit: mutants still running then are stopped and
#               listed as "not run" too, so the script ends within it
#               (plus a few seconds); the baseline build counts (default: none)
#   -k          keep the work directory (mutated files, overlays, test logs)
# With no mutant named, every mutants/*.mutant runs. Exits 1 if any mutant
# survived or is broken, 2 if the tree itself does not build.
#
# A mutant file is a few "key: value" lines, then the code to find and its
# replacement, each block as many lines as it needs:
#
#   rule: Staff pages refuse client contacts (a contact gets a 404).
#   file: handlers/tenant.go
#   packages: ./handlers
#   run: ^TestRouteMatrix$
#   --- find
#   		return rank >= tenant.RoleRank(tenant.RoleStaff)
#   --- replace
#   		return rank > 0
set -uo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root" || exit 2
if ! command -v go >/dev/null 2>&1; then
  export PATH="/usr/local/go/bin:$PATH"
fi
# Mutants run without the race detector, whatever GOFLAGS says.
GOFLAGS="${GOFLAGS:-}"
export GOFLAGS="${GOFLAGS//-race/}"

jobs=2 keep=0 budget=0 hard=0
while getopts "j:t:T:k" opt; do
  case "$opt" in
    j) jobs="$OPTARG" ;;
    t) budget="$OPTARG" ;;
    T) hard="$OPTARG" ;;
    k) keep=1 ;;
    *) sed -n '2,24p' "$0"; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

mutants=()
if (($#)); then
  for m in "$@"; do
    [[ -f "$m" ]] || m="mutants/${m%.mutant}.mutant"
    mutants+=("$m")
  done
else
  mutants=(mutants/*.mutant)
fi
if ((budget > 0 && ${#mutants[@]} > 1)); then
  # Start at today's place in the list, so that what a budget leaves out
  # today runs first on another day.
  start_at=$((10#$(date -u +%j) * 7 % ${#mutants[@]}))
  mutants=("${mutants[@]:start_at}" "${mutants[@]:0:start_at}")
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/mutants.XXXXXX")"
if ((keep)); then
  echo "work directory: $work"
else
  trap 'rm -rf "$work"' EXIT
fi

# field NAME FILE prints the value of a "name: value" header line.
field() {
  sed -n "/^--- find\$/q; s/^$1: *//p" "$2" | head -n 1
}

# block NAME FILE prints the lines of the "--- name" block, without the
# newline that ends its last line.
block() {
  awk -v want="--- $1" '
    /^--- (find|replace)$/ { on = ($0 == want); next }
    on { if (n++) printf "\n"; printf "%s", $0 }
  ' "$2"
}

# run_one MUTANT writes "status|seconds|detail" to $work/<id>/result.
run_one() {
  local m="$1" id dir rule file pkgs run find replace content n rest before after start status detail
  id="$(basename "$m" .mutant)"
  dir="$work/$id"
  mkdir -p "$dir"
  start=$SECONDS
  result() { printf '%s|%s|%s\n' "$1" "$((SECONDS - start))" "$2" >"$dir/result"; }

  if [[ ! -f "$m" ]]; then result broken "no such mutant file"; return; fi
  rule="$(field rule "$m")" file="$(field file "$m")" pkgs="$(field packages "$m")" run="$(field run "$m")"
  if [[ -z "$rule" || -z "$file" || -z "$pkgs" || -z "$run" ]]; then
    result broken "needs rule, file, packages and run lines"; return
  fi
  if [[ ! -f "$file" ]]; then result broken "no file $file"; return; fi
  find="$(block find "$m")" replace="$(block replace "$m")"
  if [[ -z "$find" ]]; then result broken "empty find block"; return; fi

  content="$(cat "$file"; printf x)" content="${content%x}"
  n=0 rest="$content"
  while [[ "$rest" == *"$find"* ]]; do
    n=$((n + 1)) rest="${rest#*"$find"}"
  done
  if ((n != 1)); then result broken "find text occurs $n times in $file (must be once)"; return; fi
  before="${content%%"$find"*}" after="${content#*"$find"}"
  printf '%s' "$before$replace$after" >"$dir/$(basename "$file")"
  printf '{"Replace":{"%s":"%s"}}\n' "$root/$file" "$dir/$(basename "$file")" >"$dir/overlay.json"

  # With a hard limit, go test (and what it started) is stopped when the
  # limit comes: timeout signals its whole process group.
  local limit=()
  if ((hard > 0)); then
    limit=(timeout -k 5 "$((hard - SECONDS > 1 ? hard - SECONDS : 1))")
  fi
  # shellcheck disable=SC2086 # packages is a list of package patterns
  # -s -w: no symbol table or DWARF, a faster link of each test binary.
  "${limit[@]}" go test -count=1 -vet=off -ldflags=-s\ -w -timeout 5m -overlay "$dir/overlay.json" -run "$run" $pkgs >"$dir/log" 2>&1
  status=$?
  if ((hard > 0 && (status == 124 || status == 137) && SECONDS >= hard)); then
    result "not run" "stopped at the hard limit of ${hard}s"
  elif grep -qE '\[(build|setup) failed\]|^# mintedmind' "$dir/log"; then
    result broken "does not compile: $(grep -m1 -E '^[^#].*\.go:[0-9]+' "$dir/log" | sed "s|$dir/||")"
  elif ((status == 0)); then
    result survived "$rule"
  else
    detail="$(grep -m1 -oE -- '--- FAIL: [^ ]+|panic: .*' "$dir/log" | sed 's/^--- FAIL: //')"
    result killed "${detail:-tests failed}"
  fi
}

# The tree must build with its tests before any mutant means anything.
all_pkgs="$(for m in "${mutants[@]}"; do [[ -f "$m" ]] && field packages "$m"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')"
base_limit=()
if ((hard > 0)); then
  base_limit=(timeout -k 5 "$hard")
fi
# shellcheck disable=SC2086
"${base_limit[@]}" go test -count=1 -run '^$' $all_pkgs >"$work/baseline.log" 2>&1
base_status=$?
if ((base_status != 0)); then
  cat "$work/baseline.log"
  if ((hard > 0 && (base_status == 124 || base_status == 137))); then
    echo "the tree did not build with its tests within the hard limit of ${hard}s: no mutant was run"
  else
    echo "the tree does not build with its tests: no mutant was run"
  fi
  exit 2
fi

if ((budget > 0)); then
  echo "running ${#mutants[@]} mutants, $jobs at a time, none started ${budget}s after this script began"
else
  echo "running ${#mutants[@]} mutants, $jobs at a time"
fi
total_start=$SECONDS
running=0
for m in "${mutants[@]}"; do
  if ((running >= jobs)); then
    wait -n
    running=$((running - 1))
  fi
  if ((budget > 0 && SECONDS >= budget || hard > 0 && SECONDS >= hard)); then
    id="$(basename "$m" .mutant)"
    mkdir -p "$work/$id"
    echo "not run|0|the time budget was spent" >"$work/$id/result"
    continue
  fi
  run_one "$m" &
  running=$((running + 1))
done
wait

killed=0 survived=0 broken=0 notrun=0
printf '\n%-44s %-9s %5s  %s\n' "mutant" "result" "secs" "detail"
for m in "${mutants[@]}"; do
  id="$(basename "$m" .mutant)"
  IFS='|' read -r status secs detail <"$work/$id/result" || { status=broken secs=0 detail="no result"; }
  case "$status" in
    killed) killed=$((killed + 1)) ;;
    survived) survived=$((survived + 1)) ;;
    "not run") notrun=$((notrun + 1)) ;;
    *) broken=$((broken + 1)) ;;
  esac
  printf '%-44s %-9s %5s  %s\n' "$id" "$status" "$secs" "${detail:0:110}"
done
printf '\n%d mutants: %d killed, %d survived, %d broken, %d not run (time budget), in %ds\n' \
  "${#mutants[@]}" "$killed" "$survived" "$broken" "$notrun" "$((SECONDS - total_start))"

if ((survived + broken)); then
  for m in "${mutants[@]}"; do
    id="$(basename "$m" .mutant)"
    IFS='|' read -r status _ _ <"$work/$id/result" 2>/dev/null || status=broken
    if [[ "$status" != killed && "$status" != "not run" && -f "$work/$id/log" ]]; then
      printf '\n---- %s (%s): %s\n' "$id" "$status" "$(field rule "$m")"
      tail -n 15 "$work/$id/log"
    fi
  done
  echo
  echo "a surviving mutant is a missing test: add one at the layer that owns the rule (TESTING.md)"
  exit 1
fi

#!/usr/bin/env bash
# Whole-server load test of the signed-in staff dashboard, GET /a/<slug>.
#
# Builds the binary, starts it on a loopback port with a fresh data directory,
# signs up an agency with curl (the owner is signed in by the sign-up), checks
# the dashboard answers 200 with the session cookie, then runs wrk against it.
# Only loopback traffic; the server is stopped and its data removed on exit.
#
#   bench/dashboard.sh                       # wrk -t2 -c32 -d15s
#   THREADS=4 CONNECTIONS=64 DURATION=30s bench/dashboard.sh
#
# Output also goes to bench/results/dashboard.txt. Needs go, curl and wrk
# (Debian: apt-get install -y wrk).
set -euo pipefail

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-15s}
SLUG=${SLUG:-bench-agency}

NAME=dashboard.sh
BIN=bench/results/mintedmind
# shellcheck source=bench/lib.sh
source "$(dirname "$0")/lib.sh"

start_server "$work/data" 100

# Sign up: the form page sets mm_csrf and embeds the matching _csrf token.
jar=$work/cookies.txt
curl -fsS -c "$jar" -b "$jar" -o "$work/signup.html" "$base/signup" || fail "GET /signup failed"
csrf=$(grep -o 'name="_csrf" value="[^"]*"' "$work/signup.html" | sed -n 1p | sed 's/.*value="//; s/"$//')
[[ -n $csrf ]] || fail "no _csrf field in the sign-up page"

status=$(curl -sS -c "$jar" -b "$jar" -o "$work/signup-post.html" -w '%{http_code}' \
	--data-urlencode "agency_name=Bench Agency" \
	--data-urlencode "slug=$SLUG" \
	--data-urlencode "owner_name=Bench Owner" \
	--data-urlencode "email=owner@bench.example" \
	--data-urlencode "password=correct horse battery staple" \
	--data-urlencode "_csrf=$csrf" \
	"$base/signup")
[[ $status == 303 ]] || fail "POST /signup answered $status, want 303"

# The jar marks HttpOnly cookies with a "#HttpOnly_" prefix; name and value
# are the last two tab-separated fields either way.
session=$(awk -F '\t' '$6 == "mm_session" { print $7 }' "$jar" | tail -n 1)
[[ -n $session ]] || fail "sign-up set no mm_session cookie"
cookie="Cookie: mm_session=$session"

url=$base/a/$SLUG
status=$(curl -sS -o "$work/dashboard.html" -w '%{http_code}' -H "$cookie" "$url")
[[ $status == 200 ]] || fail "GET /a/$SLUG with the session cookie answered $status, want 200"
grep -q "Bench Agency" "$work/dashboard.html" || fail "the dashboard page does not name the agency"
echo "signed in; GET /a/$SLUG answers 200 ($(wc -c <"$work/dashboard.html") bytes)"

cmd=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s bench/dashboard.lua -H "$cookie" "$url")
echo "running: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s bench/dashboard.lua -H 'Cookie: mm_session=…' $url"
{
	echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) CPUs, $(go version)"
	"${cmd[@]}"
} | tee bench/results/dashboard.txt

grep -q 'non-2xx/3xx 0$' bench/results/dashboard.txt || fail "some requests did not answer 2xx/3xx (see above)"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "$cookie" "$url")
[[ $status == 200 ]] || fail "after the run the dashboard answered $status, want 200"

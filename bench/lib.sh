# Shared by the load scripts in bench/: source it after `set -euo pipefail`
# with NAME (the script's name, for messages) and BIN (where to build) set.
# It checks the tools, builds the binary, makes a work directory removed on
# exit (stopping the server), picks a loopback port and defines fail and
# start_server.
#
# Take the first of several matches with `sed -n 1p`, never `head -n 1`: head
# exits at once, grep then dies of SIGPIPE, and pipefail ends the script
# without a word (a bench run that stopped silently about one time in two).

cd "$(dirname "${BASH_SOURCE[0]}")/.."
for tool in go curl wrk; do
	command -v "$tool" >/dev/null || { echo "$NAME: $tool is missing (Debian: apt-get install -y $tool)" >&2; exit 1; }
done

mkdir -p bench/results
# BUILD=0 runs the binary already at BIN (MM_BIN=path names another one, a
# build of an older commit for a before-and-after pair).
if [[ ${BUILD:-1} != 0 ]]; then
	echo "building $BIN"
	CGO_ENABLED=0 go build -o "$BIN" .
fi

work=$(mktemp -d)
server_pid=
cleanup() {
	if [[ -n $server_pid ]]; then
		kill "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
	echo "$NAME: $*" >&2
	if [[ -f $work/server.log ]]; then
		echo "--- last server log lines ---" >&2
		tail -n 20 "$work/server.log" >&2
	fi
	exit 1
}

# A free loopback port, unless PORT is given.
if [[ -z ${PORT:-} ]]; then
	PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
fi
base=http://127.0.0.1:$PORT

# With PROFILE=1 the server also listens on a private metrics port, whose
# /debug/pprof/ handlers take CPU profiles during the runs.
pprof_base=
if [[ -n ${PROFILE:-} ]]; then
	pprof_base=http://127.0.0.1:$((PORT + 1))
fi

# start_server DATA TRIES: runs the binary on DATA and waits up to TRIES
# tenths of a second for /readyz.
start_server() {
	local extra=()
	if [[ -n $pprof_base ]]; then
		extra=(-metrics-addr "${pprof_base#http://}")
	fi
	"$BIN" -data "$1" -addr "127.0.0.1:$PORT" -base-url "$base" "${extra[@]}" >"$work/server.log" 2>&1 &
	server_pid=$!
	for _ in $(seq "$2"); do
		curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && return 0
		kill -0 "$server_pid" 2>/dev/null || fail "the server exited during start-up"
		sleep 0.1
	done
	curl -fsS -o /dev/null "$base/readyz" || fail "the server did not become ready on $base"
}

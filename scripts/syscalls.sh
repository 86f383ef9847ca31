#!/usr/bin/env bash
# How many system calls does one keep-alive GET cost the client?
#
# Runs `fetch --repeat N URL` (N GETs, one after another, on one pooled
# connection) against the local `http_server` example under `strace -c -f`,
# twice: with SMALL and with LARGE requests. The difference, divided by
# LARGE - SMALL, is the cost of one request: start-up, the runtime, the
# connect and the resolver cancel out. The target is 3: the write of the
# request head, the epoll_wait that finds the answer, the read.
#
# The server runs under strace too, with its output thrown away. Tracing
# slows a process down by several microseconds a call; trace only the
# client and the server answers before the slowed client gets round to
# reading, so the client never waits in epoll_wait and the count comes out
# better than the truth. Slowing both keeps the order of events honest.
#
# usage: scripts/syscalls.sh [LARGE] [SMALL]      (default 11000 1000)
set -euo pipefail
cd "$(dirname "$0")/.."

large=${1:-11000}
small=${2:-1000}
if (( large <= small )); then
    echo "LARGE ($large) must be more than SMALL ($small)" >&2
    exit 2
fi

if ! command -v strace >/dev/null; then
    echo "==> installing strace"
    sudo=""
    if (( EUID != 0 )); then sudo="sudo"; fi
    $sudo apt-get update -qq && $sudo apt-get install -y -qq strace
fi

echo "==> building the examples (release)"
cargo build --release --quiet --example http_server --example fetch

work=$(mktemp -d)
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

strace -f -o /dev/null target/release/examples/http_server 127.0.0.1:0 >"$work/server.log" 2>&1 &
for _ in $(seq 100); do
    grep -q "listening on" "$work/server.log" 2>/dev/null && break
    sleep 0.1
done
line=$(grep "listening on" "$work/server.log") || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
port=$(sed -E 's/.*port ([0-9]+).*/\1/' <<<"$line")
server_pid=$(sed -E 's/.*pid ([0-9]+).*/\1/' <<<"$line")
url="http://127.0.0.1:$port/bytes/100"

for n in "$small" "$large"; do
    echo "==> $n keep-alive GETs of $url under strace -c -f"
    strace -c -f -o "$work/count.$n" target/release/examples/fetch --repeat "$n" "$url"
done

# strace -c prints "% time  seconds  usecs/call  calls  errors  syscall";
# the errors column may be empty, so take calls as field 4 and the name
# as the last field.
calls() { awk '$1 ~ /^[0-9.]+$/ && NF >= 5 { print $NF, $4 }' "$1"; }

echo
echo "System calls per keep-alive GET (($large - $small) requests, start-up cancelled out):"
join -a 2 -e 0 -o 0,1.2,2.2 <(calls "$work/count.$small" | sort) <(calls "$work/count.$large" | sort) |
    awk -v n=$((large - small)) '
        { per = ($3 - $2) / n }
        $1 == "total" { total = per; next }
        per >= 0.005 { printf "  %-14s %6.2f\n", $1, per }
        END { printf "  %-14s %6.2f\n", "total", total }'

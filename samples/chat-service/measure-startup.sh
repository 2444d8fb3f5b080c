#!/usr/bin/env bash
# Measures the chat-service sample's startup on a model: from launching the JVM to the model being loaded and to
# "Started ChatServiceApplication", then stops it.
#   samples/chat-service/measure-startup.sh MODEL.gguf [PORT] [RUNS]
# Needs a build (./mvnw -q package -DskipTests). Prints one line per run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
model="${1:?usage: measure-startup.sh MODEL.gguf [PORT] [RUNS]}"
port="${2:-18099}"
runs="${3:-3}"
log="$(mktemp)"
pid=""
cleanup() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        wait "$pid" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT

millis() { date +%s%3N; }
log_millis() {  # the timestamp of the first log line matching $1, in epoch milliseconds
    local line
    line="$(grep -m 1 -E "$1" "$log" || true)"
    [ -n "$line" ] && date -d "$(cut -c 1-24 <<<"$line")" +%s%3N || echo "$start"
}

for ((run = 1; run <= runs; run++)); do
    start="$(millis)"
    "$root/bin/chat-service" --spring.ai.llama3.model.path="$model" --server.port="$port" >"$log" 2>&1 &
    pid=$!
    until grep -q "Started ChatServiceApplication" "$log"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            cat "$log" >&2
            exit 1
        fi
        sleep 0.02
    done
    loaded="$(log_millis 'LlamaEngine +: Loaded')"
    started="$(log_millis 'Started ChatServiceApplication')"
    load_ms="$(grep -m 1 -oE 'Loaded .* in [0-9]+ ms' "$log" | grep -oE '[0-9]+ ms$' || echo '?')"
    echo "run $run: JVM start -> model loaded $((loaded - start)) ms (engine load $load_ms), JVM start -> Started ChatServiceApplication $((started - start)) ms"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
done

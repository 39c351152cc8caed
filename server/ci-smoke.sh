#!/usr/bin/env bash
# Smoke test of the README's server command on the built jar: starts
# `java -jar server/target/fancy-server.jar` on a free port with its journal under target/,
# waits for GET /health/ready, runs the tracker's example once through curl, and stops the
# server with SIGTERM (as Ctrl-C does). Takes a few seconds; every file it writes is under
# server/target/. Needs curl. Call it from .ci/run after the build: bash server/ci-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

jar=server/target/fancy-server.jar
journal=server/target/ci-smoke.db
log=server/target/ci-smoke.log
[ -f "$jar" ] || { echo "ci-smoke: $jar is missing; build it with mvn -pl server -am package" >&2; exit 1; }
rm -f "$journal" "$journal"-* "$log"

fail() {
  echo "ci-smoke: $*" >&2
  echo "--- server log ($log):" >&2
  cat "$log" >&2 || true
  exit 1
}
# Waits up to $1 seconds for the command after it to succeed, checking every 0.2 s.
within() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

java -jar "$jar" --port 0 --journal "$journal" >"$log" 2>&1 &
pid=$!
trap 'kill -9 "$pid" 2>/dev/null || true' EXIT

listening() { grep -q 'listening on http://' "$log" || ! kill -0 "$pid" 2>/dev/null; }
within 20 listening || fail "the server did not say where it listens within 20 s"
kill -0 "$pid" 2>/dev/null || fail "the server exited at start"
base=$(sed -n 's|.*listening on \(http://[^ ]*/\).*|\1|p' "$log" | head -n 1)

ready() { curl -fsS -o /dev/null "${base}health/ready"; }
within 15 ready || fail "GET /health/ready was not 200 within 15 s"

# The README's tracker example (no simulated failures, so the smoke test cannot flake).
workflow=$(curl -fsS -X POST "${base}workflows" -H 'Content-Type: application/json' -d '{
  "name": "etl", "steps": [
    {"id": "fetch", "type": "task", "config": {"action": "fetch", "duration_seconds": 0.2,
     "fail_probability": 0, "max_retries": 3}, "depends_on": []},
    {"id": "transform", "type": "task", "config": {"duration_seconds": 0.2}, "depends_on": ["fetch"]},
    {"id": "load", "type": "task", "depends_on": ["transform"]}]}') \
  || fail "POST /workflows failed"
workflow_id=$(printf '%s' "$workflow" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
[ -n "$workflow_id" ] || fail "no workflow id in $workflow"
run=$(curl -fsS -X POST "${base}workflows/$workflow_id/runs") || fail "POST .../runs failed"
run_id=$(printf '%s' "$run" | sed -n 's/^{"id":"\([^"]*\)".*/\1/p')
[ -n "$run_id" ] || fail "no run id in $run"

# The run's own status: the first "status" before the steps array.
run_status() { curl -fsS "${base}runs/$run_id" | sed -n 's/^[^[]*"status":"\([A-Z]*\)".*/\1/p'; }
finished() { case $(run_status) in SUCCEEDED|FAILED|CANCELLED) return 0 ;; *) return 1 ;; esac; }
within 15 finished || fail "run $run_id did not finish within 15 s"
[ "$(run_status)" = SUCCEEDED ] || fail "run $run_id did not succeed: $(curl -sS "${base}runs/$run_id")"
curl -fsS "${base}runs/$run_id/outputs/load" | grep -q 'load done' \
  || fail "GET /runs/$run_id/outputs/load did not answer the load step's output"

# A clean stop: SIGTERM runs the shutdown hook (HTTP server, engine, journal).
kill -TERM "$pid"
stopped() { ! kill -0 "$pid" 2>/dev/null; }
within 15 stopped || fail "the server did not stop within 15 s of SIGTERM"
trap - EXIT
wait "$pid" || true
grep -q 'stopping' "$log" || fail "the server did not stop through its shutdown hook"
echo "ci-smoke: started, ran $run_id of the tracker's example to SUCCEEDED, stopped cleanly" \
  "in ${SECONDS} s"

#!/usr/bin/env bash
# run-with-neo4j.sh CMD [ARGS...]: start a private local Neo4j (auth on, any free port), export
# NEO4J_URI / NEO4J_USERNAME / NEO4J_PASSWORD / NEO4J_DATABASE, run CMD, then stop the server and
# remove its files, also when CMD fails or is interrupted. NEO4J_IMPORT_DIR is the server's import
# directory (LOAD CSV FROM 'file:///NAME' reads NEO4J_IMPORT_DIR/NAME). Exits with CMD's status.
# Without java or mvn, CMD runs without a server and the live Neo4j tests skip with that reason
# (GRAPHBUILD_NEO4J_SKIP); with both present, a server that fails to start fails the run.
set -uo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"

missing=""
command -v java >/dev/null 2>&1 || missing="java"
command -v mvn >/dev/null 2>&1 || missing="${missing:+$missing and }mvn"
if [ -n "$missing" ]; then
  export GRAPHBUILD_NEO4J_SKIP="no local Neo4j: $missing not found (install a JDK 17+ and Maven)"
  echo "run-with-neo4j: warning: $GRAPHBUILD_NEO4J_SKIP; live Neo4j tests will skip" >&2
  exec "$@"
fi

"$HERE/neo4j.sh" build || { echo "run-with-neo4j: error: could not build the Neo4j launcher" >&2; exit 1; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/graphbuild-neo4j-run.XXXXXX")"
PASSWORD="gb-$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
PID=""
stop_server() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 60); do kill -0 "$PID" 2>/dev/null || break; sleep 1; done
    kill -0 "$PID" 2>/dev/null && { echo "run-with-neo4j: server did not stop in 60 s, killing it" >&2; kill -KILL "$PID"; }
    wait "$PID" 2>/dev/null
  fi
  rm -rf "$WORK"
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

T0=$(date +%s%N)
mkdir -p "$WORK/import"
GRAPHBUILD_NEO4J_PASSWORD="$PASSWORD" "$HERE/neo4j.sh" serve -Dneo4j.bolt.port=0 -Dneo4j.workdir="$WORK/db" \
  -Dneo4j.import="$WORK/import" \
  >"$WORK/server.out" 2>"$WORK/server.log" &
PID=$!
URI=""
for _ in $(seq 1800); do   # up to 180 s
  URI="$(sed -n 's/^NEO4J_URI=//p' "$WORK/server.out" 2>/dev/null)"
  [ -n "$URI" ] && grep -q '^NEO4J_START_MS=' "$WORK/server.out" && break
  URI=""
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URI" ]; then
  echo "run-with-neo4j: error: Neo4j did not start; its log:" >&2
  tail -n 40 "$WORK/server.log" >&2
  exit 1
fi
echo "run-with-neo4j: Neo4j 5.26 Community at $URI (auth on) in $(( ($(date +%s%N) - T0) / 1000000 )) ms" >&2

export NEO4J_URI="$URI" NEO4J_USERNAME=neo4j NEO4J_PASSWORD="$PASSWORD" NEO4J_DATABASE=neo4j
export NEO4J_IMPORT_DIR="$WORK/import"
export GRAPHBUILD_NEO4J_LOCAL=1   # the live tests may wipe this server's database
"$@"
exit $?

#!/usr/bin/env bash
# The local Neo4j 5.26 Community server used by `make test` and `make neo4j`.
#   neo4j.sh build            compile the launcher with Maven if needed (first run downloads ~160 MB of jars to ~/.m2)
#   neo4j.sh serve [-Dk=v..]  run it in the foreground (exec java); prints NEO4J_URI=bolt://127.0.0.1:PORT,
#                             stops cleanly on SIGTERM / Ctrl-C and removes its work directory.
#   neo4j.sh admin ARGS...    neo4j-admin from the same jars (e.g. `admin database import full ...`);
#                             it works in $NEO4J_HOME (set it to a scratch directory).
# Launcher settings (-D): neo4j.bolt.port (7687; 0 = any free port), neo4j.host (127.0.0.1),
# neo4j.workdir (parent dir of the store, default $TMPDIR), neo4j.pagecache (256m), neo4j.txmemory (768m),
# neo4j.import (the directory LOAD CSV file:/// URLs read, server.directories.import).
# Auth is on when GRAPHBUILD_NEO4J_PASSWORD is set in the environment (user neo4j, >= 8 characters).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CP_FILE="$HERE/target/classpath.txt"
SRC="$HERE/src/main/java/graphbuild/neo4jserver/LocalNeo4j.java"
# JVM sized for a 2-core / 24 GB machine shared with the test run: heap and page cache capped.
JAVA_OPTS_DEFAULT=(-Xms256m -Xmx1536m -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --enable-native-access=ALL-UNNAMED)

fresh() {  # the compiled launcher is newer than its sources and its jars are still in ~/.m2
  [ -s "$CP_FILE" ] && [ -f "$HERE/target/classes/graphbuild/neo4jserver/LocalNeo4j.class" ] \
    && [ "$CP_FILE" -nt "$HERE/pom.xml" ] && [ "$CP_FILE" -nt "$SRC" ] \
    && [ -f "$(cut -d: -f1 "$CP_FILE")" ] && [ -f "$(tr ':' '\n' < "$CP_FILE" | tail -1)" ]
}

case "${1:-}" in
  build)
    command -v java >/dev/null || { echo "neo4j.sh: java not found (install a JDK 17+)" >&2; exit 3; }
    command -v mvn >/dev/null || { echo "neo4j.sh: mvn not found (install Maven 3.8+)" >&2; exit 3; }
    if ! fresh; then
      echo "neo4j.sh: building the Neo4j launcher with Maven (first run downloads the jars)..." >&2
      mvn -B -q -f "$HERE/pom.xml" -DskipTests package >&2
      touch "$CP_FILE"
    fi
    ;;
  serve)
    shift
    fresh || { echo "neo4j.sh: launcher not built: run '$0 build' first" >&2; exit 3; }
    CLASSPATH="$HERE/target/classes:$(cat "$CP_FILE")" exec java "${JAVA_OPTS_DEFAULT[@]}" "$@" \
      graphbuild.neo4jserver.LocalNeo4j
    ;;
  admin)
    shift
    fresh || { echo "neo4j.sh: launcher not built: run '$0 build' first" >&2; exit 3; }
    [ -n "${NEO4J_HOME:-}" ] || { echo "neo4j.sh: set NEO4J_HOME to a scratch directory for neo4j-admin" >&2; exit 2; }
    mkdir -p "$NEO4J_HOME/conf" && touch "$NEO4J_HOME/conf/neo4j.conf"
    NEO4J_CONF="$NEO4J_HOME/conf" CLASSPATH="$HERE/target/classes:$(cat "$CP_FILE")" exec java -Xms64m -Xmx512m \
      -XX:+UseG1GC "${JAVA_OPTS_DEFAULT[@]:4}" org.neo4j.cli.AdminTool "$@"
    ;;
  *)
    echo "usage: $0 build | serve [-Dneo4j.bolt.port=7687 ...] | admin ARGS..." >&2; exit 2 ;;
esac

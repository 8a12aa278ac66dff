// Most-blamed actors: who is blamed by the most distinct actors, then by the most mentions.
//
// Parameters: $limit  at most this many rows (default 10).
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query most_blamed --param limit=5
// Columns:    actor, kind, blamed_by, mentions, last_seen
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 10
// @param min_confidence = 0
MATCH (a:Actor)-[r:BLAMED]->(b:Actor)
WHERE r.confidence >= $min_confidence
RETURN b.name AS actor, b.kind AS kind, count(DISTINCT a) AS blamed_by, sum(r.mentions) AS mentions,
       max(r.last_seen) AS last_seen
ORDER BY blamed_by DESC, mentions DESC, actor
LIMIT $limit

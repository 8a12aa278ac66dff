// Who blamed whom: every BLAMED analyst edge (accuse, blame, hold responsible), most-reported first.
//
// Parameters: $limit  at most this many rows (default 100).
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query blamed_whom --param limit=20
// Columns:    source, target, mentions, articles, first_seen, last_seen, confidence
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 100
// @param min_confidence = 0
MATCH (a:Actor)-[r:BLAMED]->(b:Actor)
WHERE r.confidence >= $min_confidence
RETURN a.name AS source, b.name AS target, r.mentions AS mentions, r.articles AS articles,
       r.first_seen AS first_seen, r.last_seen AS last_seen, r.confidence AS confidence
ORDER BY mentions DESC, source, target
LIMIT $limit

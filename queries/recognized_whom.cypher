// Who recognized whom: every RECOGNIZED analyst edge (diplomatic recognition), most-reported first.
//
// Parameters: $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query recognized_whom
// Columns:    source, target, mentions, articles, first_seen, last_seen, confidence
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param min_confidence = 0
MATCH (a:Actor)-[r:RECOGNIZED]->(b:Actor)
WHERE r.confidence >= $min_confidence
RETURN a.name AS source, b.name AS target, r.mentions AS mentions, r.articles AS articles,
       r.first_seen AS first_seen, r.last_seen AS last_seen, r.confidence AS confidence
ORDER BY mentions DESC, source, target

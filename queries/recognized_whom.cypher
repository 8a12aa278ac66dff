// Who recognized whom: every RECOGNIZED analyst edge (diplomatic recognition), most-reported first.
//
// Parameters: none.
// Example:    graphbuild query recognized_whom
// Columns:    source, target, mentions, articles, first_seen, last_seen, confidence
// Dialect:    portable (LadybugDB and Neo4j 5).
MATCH (a:Actor)-[r:RECOGNIZED]->(b:Actor)
RETURN a.name AS source, b.name AS target, r.mentions AS mentions, r.articles AS articles,
       r.first_seen AS first_seen, r.last_seen AS last_seen, r.confidence AS confidence
ORDER BY mentions DESC, source, target

// By country: who recognized whom, every RECOGNIZED analyst edge with both sides rolled up to their
// country (a government, a minister, a spokesman for a group of that country), summed per country
// pair; most-reported first.
//
// Parameters: none but the filter.
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query recognized_whom --by country
// Columns:    source, target, mentions, edges (actor-level edges summed), first_seen, last_seen
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param min_confidence = 0
MATCH (a:Actor)-[r:RECOGNIZED]->(b:Actor)
WHERE r.confidence >= $min_confidence
OPTIONAL MATCH (a)-[:PART_OF*1..2]->(ac:Actor)
WHERE NOT EXISTS { MATCH (ac)-[:PART_OF]->(:Actor) }
OPTIONAL MATCH (b)-[:PART_OF*1..2]->(bc:Actor)
WHERE NOT EXISTS { MATCH (bc)-[:PART_OF]->(:Actor) }
WITH coalesce(ac.name, a.name) AS source, coalesce(bc.name, b.name) AS target, r
RETURN source, target, sum(r.mentions) AS mentions, count(r) AS edges, min(r.first_seen) AS first_seen,
       max(r.last_seen) AS last_seen
ORDER BY mentions DESC, source, target

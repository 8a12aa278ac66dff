// By country: the most-blamed countries, each with every actor PART_OF it (its government, its
// people, the organisations of that country), by the number of distinct countries that blamed
// them (an actor without a country counts as itself), then by mentions.
//
// Parameters: $limit  at most this many rows (default 10).
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query most_blamed --by country --param limit=5
// Columns:    actor, kind, blamed_by, mentions, last_seen
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 10
// @param min_confidence = 0
MATCH (a:Actor)-[r:BLAMED]->(b:Actor)
WHERE r.confidence >= $min_confidence
OPTIONAL MATCH (a)-[:PART_OF*1..2]->(ac:Actor)
WHERE NOT EXISTS { MATCH (ac)-[:PART_OF]->(:Actor) }
OPTIONAL MATCH (b)-[:PART_OF*1..2]->(bc:Actor)
WHERE NOT EXISTS { MATCH (bc)-[:PART_OF]->(:Actor) }
WITH coalesce(ac.id, a.id) AS aid, coalesce(bc.id, b.id) AS bid, coalesce(bc.name, b.name) AS actor,
     coalesce(bc.kind, b.kind) AS kind, r
RETURN actor, kind, count(DISTINCT aid) AS blamed_by, sum(r.mentions) AS mentions, max(r.last_seen) AS last_seen
ORDER BY blamed_by DESC, mentions DESC, actor
LIMIT $limit

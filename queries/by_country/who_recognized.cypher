// By country: who recognized $actor's country or any actor PART_OF it, the recognizers rolled up
// to their own country, summed per recognizing country.
//
// Parameters: $actor  a country actor's id; `graphbuild query --by country` resolves any id,
//                     name or alias to the country it rolls up to ("Juan Guaido" -> Venezuela).
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query who_recognized --by country --param actor="Juan Guaido"
// Columns:    actor, recognized_by, kind, mentions, edges (actor-level edges summed), first_seen, last_seen
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param min_confidence = 0
MATCH (c:Actor {id: $actor})
MATCH (x:Actor)
WHERE x.id = c.id OR EXISTS { MATCH (x)-[:PART_OF*1..2]->(c) }
MATCH (a:Actor)-[r:RECOGNIZED]->(x)
WHERE r.confidence >= $min_confidence
OPTIONAL MATCH (a)-[:PART_OF*1..2]->(ac:Actor)
WHERE NOT EXISTS { MATCH (ac)-[:PART_OF]->(:Actor) }
WITH c.name AS actor, coalesce(ac.name, a.name) AS recognized_by, coalesce(ac.kind, a.kind) AS kind, r
RETURN actor, recognized_by, kind, sum(r.mentions) AS mentions, count(r) AS edges,
       min(r.first_seen) AS first_seen, max(r.last_seen) AS last_seen
ORDER BY first_seen, recognized_by

// By country: every analyst edge of $actor's country and of every actor PART_OF it (its
// government, military, legislature, people, organisations, and their people), with the other side rolled up to
// its own country too, summed per direction, relation and other country; most-reported first.
//
// Parameters: $actor  a country actor's id; `graphbuild query --by country` resolves any id,
//                     name or alias to the country it is PART_OF ("Pentagon" -> United States).
// Example:    graphbuild query actor_relations --by country --param actor="United States"
// Columns:    direction (out|in), relation, other, mentions, edges (actor-level edges summed),
//             first_seen, last_seen
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    Neo4j 5 (type(r)); the other dialect is ../lbdb/actor_relations.cypher (same columns).
MATCH (c:Actor {id: $actor})
MATCH (x:Actor)
WHERE x.id = c.id OR EXISTS { MATCH (x)-[:PART_OF*1..2]->(c) }
MATCH (x)-[r]->(o:Actor)
WHERE type(r) <> 'PART_OF'
OPTIONAL MATCH (o)-[:PART_OF*1..2]->(oc:Actor)
WHERE NOT EXISTS { MATCH (oc)-[:PART_OF]->(:Actor) }
WITH type(r) AS relation, coalesce(oc.name, o.name) AS other, r
RETURN 'out' AS direction, relation, other, sum(r.mentions) AS mentions, count(r) AS edges,
       min(r.first_seen) AS first_seen, max(r.last_seen) AS last_seen
ORDER BY mentions DESC, relation, other
UNION ALL
MATCH (c:Actor {id: $actor})
MATCH (x:Actor)
WHERE x.id = c.id OR EXISTS { MATCH (x)-[:PART_OF*1..2]->(c) }
MATCH (x)<-[r]-(o:Actor)
WHERE type(r) <> 'PART_OF'
OPTIONAL MATCH (o)-[:PART_OF*1..2]->(oc:Actor)
WHERE NOT EXISTS { MATCH (oc)-[:PART_OF]->(:Actor) }
WITH type(r) AS relation, coalesce(oc.name, o.name) AS other, r
RETURN 'in' AS direction, relation, other, sum(r.mentions) AS mentions, count(r) AS edges,
       min(r.first_seen) AS first_seen, max(r.last_seen) AS last_seen
ORDER BY mentions DESC, relation, other

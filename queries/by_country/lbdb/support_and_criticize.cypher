// By country: countries (with every actor PART_OF them) that both SUPPORTED and CRITICIZED the same
// target country (mixed signals), summed per country pair, most-reported first.
//
// Parameters: none.
// Example:    graphbuild query support_and_criticize --by country
// Columns:    actor, target, supported_mentions, criticized_mentions, first_supported,
//             last_supported, first_criticized, last_criticized
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    LadybugDB (label(r)); the other dialect is ../neo4j/support_and_criticize.cypher (same columns).
MATCH (a:Actor)-[r:SUPPORTED|CRITICIZED]->(t:Actor)
OPTIONAL MATCH (a)-[:PART_OF*1..2]->(ac:Actor)
WHERE NOT EXISTS { MATCH (ac)-[:PART_OF]->(:Actor) }
OPTIONAL MATCH (t)-[:PART_OF*1..2]->(tc:Actor)
WHERE NOT EXISTS { MATCH (tc)-[:PART_OF]->(:Actor) }
WITH coalesce(ac.id, a.id) AS aid, coalesce(ac.name, a.name) AS actor, coalesce(tc.id, t.id) AS tid,
     coalesce(tc.name, t.name) AS target, label(r) AS rel, r
WITH aid, actor, tid, target,
     sum(CASE WHEN rel = 'SUPPORTED' THEN r.mentions ELSE 0 END) AS supported_mentions,
     sum(CASE WHEN rel = 'CRITICIZED' THEN r.mentions ELSE 0 END) AS criticized_mentions,
     min(CASE WHEN rel = 'SUPPORTED' THEN r.first_seen END) AS first_supported,
     max(CASE WHEN rel = 'SUPPORTED' THEN r.last_seen END) AS last_supported,
     min(CASE WHEN rel = 'CRITICIZED' THEN r.first_seen END) AS first_criticized,
     max(CASE WHEN rel = 'CRITICIZED' THEN r.last_seen END) AS last_criticized
WHERE supported_mentions > 0 AND criticized_mentions > 0
RETURN actor, target, supported_mentions, criticized_mentions, first_supported, last_supported,
       first_criticized, last_criticized
ORDER BY supported_mentions + criticized_mentions DESC, actor, target

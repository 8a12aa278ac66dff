// By country: all relations between two countries, in both directions, with the evidence: every
// event mention whose source rolls up to one of $actor and $other and whose target rolls up to the
// other (both the same country: the mentions inside it), oldest first, sides rolled up.
//
// Parameters: $actor  a country actor's id; `graphbuild query --by country` resolves any id,
//                     name or alias to the country it rolls up to ("Pompeo" -> United States).
//             $other  the other country, same lookup.
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query relations_between --by country --param actor=Pompeo --param other=Maduro
// Columns:    date, source, relation, target, negated, modality, confidence, sentence, url, event
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (c:Actor {id: $actor})
MATCH (x:Actor)
WHERE x.id = c.id OR EXISTS { MATCH (x)-[:PART_OF*1..2]->(c) }
MATCH (x)<-[:SOURCE|TARGET]-(e:Event)
WHERE ((e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0))
WITH DISTINCT e
MATCH (e)-[:SOURCE]->(s:Actor)
MATCH (e)-[:TARGET]->(t:Actor)
OPTIONAL MATCH (s)-[:PART_OF*1..2]->(sc:Actor)
WHERE NOT EXISTS { MATCH (sc)-[:PART_OF]->(:Actor) }
OPTIONAL MATCH (t)-[:PART_OF*1..2]->(tc:Actor)
WHERE NOT EXISTS { MATCH (tc)-[:PART_OF]->(:Actor) }
WITH e, coalesce(sc.id, s.id) AS sid, coalesce(sc.name, s.name) AS source, coalesce(tc.id, t.id) AS tid,
     coalesce(tc.name, t.name) AS target
WHERE (sid = $actor AND tid = $other) OR (sid = $other AND tid = $actor)
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN e.date AS date, source, e.relation AS relation, target, e.negated AS negated, e.modality AS modality,
       e.confidence AS confidence, e.sentence AS sentence, art.url AS url, e.id AS event
ORDER BY date, event

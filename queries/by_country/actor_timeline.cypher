// By country: the timeline of $actor's country, every event mention in which the country or an
// actor PART_OF it is the source or the target, oldest first, with source and target rolled up
// to their country and the evidence sentence (negated and hypothetical mentions flagged).
//
// Parameters: $actor  a country actor's id; `graphbuild query --by country` resolves any id,
//                     name or alias to the country it rolls up to ("Maduro" -> Venezuela).
//             $limit  at most this many rows (default 500).
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query actor_timeline --by country --param actor=Maduro
// Columns:    date, source, relation, target, negated, modality, sentence, url, title, event
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 500
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (c:Actor {id: $actor})
MATCH (x:Actor)
WHERE x.id = c.id OR EXISTS { MATCH (x)-[:PART_OF*1..2]->(c) }
MATCH (e:Event)-[:SOURCE|TARGET]->(x)
WHERE ((e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0))
WITH DISTINCT e
MATCH (e)-[:SOURCE]->(s:Actor)
MATCH (e)-[:TARGET]->(t:Actor)
MATCH (e)-[:REPORTED_IN]->(art:Article)
OPTIONAL MATCH (s)-[:PART_OF*1..2]->(sc:Actor)
WHERE NOT EXISTS { MATCH (sc)-[:PART_OF]->(:Actor) }
OPTIONAL MATCH (t)-[:PART_OF*1..2]->(tc:Actor)
WHERE NOT EXISTS { MATCH (tc)-[:PART_OF]->(:Actor) }
RETURN e.date AS date, coalesce(sc.name, s.name) AS source, e.relation AS relation,
       coalesce(tc.name, t.name) AS target, e.negated AS negated, e.modality AS modality, e.sentence AS sentence,
       art.url AS url, art.title AS title, e.id AS event
ORDER BY date, event
LIMIT $limit

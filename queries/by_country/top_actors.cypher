// By country: the most active countries, each with every actor PART_OF it, by the number of event
// mentions in which one of them is the source or the target, with how many they initiated and
// received and how many of their actors took part (OTHER targets left out).
//
// Parameters: $limit  at most this many rows (default 20).
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query top_actors --by country --param limit=10
// Columns:    actor, id, kind, country, events, as_source, as_target, parts (actors rolled up)
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 20
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (a:Actor)
WHERE a.kind <> 'OTHER'
OPTIONAL MATCH (a)-[:PART_OF*1..2]->(ac:Actor)
WHERE NOT EXISTS { MATCH (ac)-[:PART_OF]->(:Actor) }
WITH a, coalesce(ac.id, a.id) AS cid
OPTIONAL MATCH (a)<-[:SOURCE]-(es:Event)
WHERE ((es.date >= $since OR $since = '') AND (es.date <= $until OR $until = '')
  AND es.confidence >= $min_confidence AND (es.relation IN $relations OR size($relations) = 0))
WITH a, cid, count(es) AS as_source
OPTIONAL MATCH (a)<-[:TARGET]-(et:Event)
WHERE ((et.date >= $since OR $since = '') AND (et.date <= $until OR $until = '')
  AND et.confidence >= $min_confidence AND (et.relation IN $relations OR size($relations) = 0))
WITH a, cid, as_source, count(et) AS as_target
WHERE as_source + as_target > 0
WITH cid, sum(as_source) AS as_source, sum(as_target) AS as_target, count(a) AS parts
MATCH (c:Actor {id: cid})
RETURN c.name AS actor, c.id AS id, c.kind AS kind, c.country AS country,
       as_source + as_target AS events, as_source, as_target, parts
ORDER BY events DESC, actor, id
LIMIT $limit

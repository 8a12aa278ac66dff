// Most active actors: actors (other than OTHER targets) by the number of event mentions in which
// they are the source or the target, with how many they initiated and how many they received.
//
// Parameters: $limit  at most this many rows (default 20).
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query top_actors --param limit=10
// Columns:    actor, id, kind, country, events, as_source, as_target
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 20
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (a:Actor)
WHERE a.kind <> 'OTHER'
OPTIONAL MATCH (a)<-[:SOURCE]-(es:Event)
WHERE (es.date >= $since OR $since = '') AND (es.date <= $until OR $until = '')
  AND es.confidence >= $min_confidence AND (es.relation IN $relations OR size($relations) = 0)
WITH a, count(es) AS as_source
OPTIONAL MATCH (a)<-[:TARGET]-(et:Event)
WHERE (et.date >= $since OR $since = '') AND (et.date <= $until OR $until = '')
  AND et.confidence >= $min_confidence AND (et.relation IN $relations OR size($relations) = 0)
WITH a, as_source, count(et) AS as_target
WHERE as_source + as_target > 0
RETURN a.name AS actor, a.id AS id, a.kind AS kind, a.country AS country,
       as_source + as_target AS events, as_source, as_target
ORDER BY events DESC, actor, id
LIMIT $limit

// Most active actors: actors (other than OTHER targets) by the number of event mentions in which
// they are the source or the target, with how many they initiated and how many they received.
//
// Parameters: $limit  at most this many rows (default 20).
// Example:    graphbuild query top_actors --param limit=10
// Columns:    actor, id, kind, country, events, as_source, as_target
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 20
MATCH (a:Actor)
WHERE a.kind <> 'OTHER'
OPTIONAL MATCH (a)<-[:SOURCE]-(es:Event)
WITH a, count(es) AS as_source
OPTIONAL MATCH (a)<-[:TARGET]-(et:Event)
WITH a, as_source, count(et) AS as_target
WHERE as_source + as_target > 0
RETURN a.name AS actor, a.id AS id, a.kind AS kind, a.country AS country,
       as_source + as_target AS events, as_source, as_target
ORDER BY events DESC, actor, id
LIMIT $limit

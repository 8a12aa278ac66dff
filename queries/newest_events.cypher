// Newest events: the most recent dated event mentions with their evidence, newest first.
//
// Parameters: $limit  at most this many rows (default 20).
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query newest_events --param limit=50 --format json
// Columns:    date, source, relation, target, negated, modality, sentence, url, event
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 20
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (s:Actor)<-[:SOURCE]-(e:Event)-[:TARGET]->(t:Actor)
WHERE e.date IS NOT NULL AND (e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0)
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN e.date AS date, s.name AS source, e.relation AS relation, t.name AS target,
       e.negated AS negated, e.modality AS modality, e.sentence AS sentence, art.url AS url,
       e.id AS event
ORDER BY date DESC, event
LIMIT $limit

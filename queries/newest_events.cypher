// Newest events: the most recent dated event mentions with their evidence, newest first.
//
// Parameters: $limit  at most this many rows (default 20).
// Example:    graphbuild query newest_events --param limit=50 --format json
// Columns:    date, source, relation, target, negated, modality, sentence, url, event
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 20
MATCH (s:Actor)<-[:SOURCE]-(e:Event)-[:TARGET]->(t:Actor)
WHERE e.date IS NOT NULL
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN e.date AS date, s.name AS source, e.relation AS relation, t.name AS target,
       e.negated AS negated, e.modality AS modality, e.sentence AS sentence, art.url AS url,
       e.id AS event
ORDER BY date DESC, event
LIMIT $limit

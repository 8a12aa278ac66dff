// An actor's timeline: every event mention in which $actor is the source or the target, oldest
// first, with the evidence sentence and the article it came from (negated and hypothetical
// mentions included, flagged in their columns).
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "Q57413" or "Maduro".
//             $limit  at most this many rows (default 500).
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query actor_timeline --param actor=Maduro
// Columns:    date, source, relation, target, negated, modality, sentence, url, title, event
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param limit = 500
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
WITH toLower($actor) AS key
MATCH (x0:Actor)
WHERE toLower(x0.id) = key OR toLower(x0.name) = key OR any(al IN x0.aliases WHERE toLower(al) = key)
WITH x0.id AS xid
MATCH (e:Event)-[:SOURCE|TARGET]->(x:Actor {id: xid})
WHERE (e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0)
MATCH (e)-[:SOURCE]->(s:Actor)
MATCH (e)-[:TARGET]->(t:Actor)
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN DISTINCT e.date AS date, s.name AS source, e.relation AS relation, t.name AS target,
       e.negated AS negated, e.modality AS modality, e.sentence AS sentence, art.url AS url,
       art.title AS title, e.id AS event
ORDER BY date, event
LIMIT $limit

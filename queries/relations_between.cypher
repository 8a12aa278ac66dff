// All relations between two actors, in both directions, with the evidence: every event mention
// whose source and target are $actor and $other (either way round), oldest first.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "United States".
//             $other  the other actor, same lookup, e.g. "Venezuela government".
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query relations_between --param actor="United States" --param other=Q717
// Columns:    date, source, relation, target, negated, modality, confidence, sentence, url, event
// Dialect:    portable (LadybugDB and Neo4j 5).
// Plan: both actors are resolved to ids first and the events expanded from $actor's id (WITH
// between the steps); with the lookup predicates inline LadybugDB took 5 s between two hubs.
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (x0:Actor)
WHERE toLower(x0.id) = ka OR toLower(x0.name) = ka OR any(al IN x0.aliases WHERE toLower(al) = ka)
MATCH (y0:Actor)
WHERE toLower(y0.id) = kb OR toLower(y0.name) = kb OR any(al IN y0.aliases WHERE toLower(al) = kb)
WITH x0.id AS xid, y0.id AS yid
MATCH (x:Actor {id: xid})<-[:SOURCE|TARGET]-(e:Event)
WITH e, xid, yid
MATCH (e)-[:SOURCE|TARGET]->(y:Actor {id: yid})
MATCH (e)-[:SOURCE]->(s:Actor)
MATCH (e)-[:TARGET]->(t:Actor)
MATCH (e)-[:REPORTED_IN]->(art:Article)
WITH e, s, t, art, xid, yid
WHERE (xid <> yid OR s.id = t.id)
  AND (e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0)
RETURN DISTINCT e.date AS date, s.name AS source, e.relation AS relation, t.name AS target,
       e.negated AS negated, e.modality AS modality, e.confidence AS confidence,
       e.sentence AS sentence, art.url AS url, e.id AS event
ORDER BY date, event

// All relations between two actors, in both directions, with the evidence: every event mention
// whose source and target are $actor and $other (either way round), oldest first.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "United States".
//             $other  the other actor, same lookup, e.g. "Venezuela government".
// Example:    graphbuild query relations_between --param actor="United States" --param other=Q717
// Columns:    date, source, relation, target, negated, modality, confidence, sentence, url, event
// Dialect:    portable (LadybugDB and Neo4j 5).
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (x:Actor)
WHERE toLower(x.id) = ka OR toLower(x.name) = ka OR any(al IN x.aliases WHERE toLower(al) = ka)
MATCH (y:Actor)
WHERE toLower(y.id) = kb OR toLower(y.name) = kb OR any(al IN y.aliases WHERE toLower(al) = kb)
MATCH (x)<-[:SOURCE|TARGET]-(e:Event)-[:SOURCE|TARGET]->(y)
MATCH (e)-[:SOURCE]->(s:Actor)
MATCH (e)-[:TARGET]->(t:Actor)
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN DISTINCT e.date AS date, s.name AS source, e.relation AS relation, t.name AS target,
       e.negated AS negated, e.modality AS modality, e.confidence AS confidence,
       e.sentence AS sentence, art.url AS url, e.id AS event
ORDER BY date, event

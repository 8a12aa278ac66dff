// Who recognized $actor: the actors with a RECOGNIZED edge to the given actor.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "Juan Guaidó" or "Guaido".
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
// Example:    graphbuild query who_recognized --param actor="Juan Guaido"
// Columns:    actor, recognized_by, kind, mentions, articles, first_seen, last_seen
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param min_confidence = 0
WITH toLower($actor) AS key
MATCH (x:Actor)
WHERE toLower(x.id) = key OR toLower(x.name) = key OR any(al IN x.aliases WHERE toLower(al) = key)
MATCH (a:Actor)-[r:RECOGNIZED]->(x)
WHERE r.confidence >= $min_confidence
RETURN x.name AS actor, a.name AS recognized_by, a.kind AS kind, r.mentions AS mentions,
       r.articles AS articles, r.first_seen AS first_seen, r.last_seen AS last_seen
ORDER BY first_seen, recognized_by

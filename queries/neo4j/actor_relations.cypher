// Every analyst edge of an actor (not its structural PART_OF): what $actor did to whom (direction "out", listed first) and
// what others did to it (direction "in"), each part most-reported first.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "Q30" or "the U.S.".
//             $min_confidence  only analyst edges at least this confident (default 0). --min-confidence.
//             $relations  only analyst edges of these relation types (default []: all). --relations.
// Example:    graphbuild query actor_relations --param actor="the U.S."
// Columns:    direction (out|in), relation, other, mentions, articles, first_seen, last_seen, confidence
// Dialect:    Neo4j 5 (type(r)); the LadybugDB version is ../lbdb/actor_relations.cypher (same columns).
// @param min_confidence = 0
// @param relations = []
WITH toLower($actor) AS key
MATCH (x:Actor)
WHERE toLower(x.id) = key OR toLower(x.name) = key OR any(al IN x.aliases WHERE toLower(al) = key)
MATCH (x)-[r]->(o:Actor)
WHERE type(r) <> 'PART_OF' AND r.confidence >= $min_confidence AND (type(r) IN $relations OR size($relations) = 0)
RETURN 'out' AS direction, type(r) AS relation, o.name AS other, r.mentions AS mentions,
       r.articles AS articles, r.first_seen AS first_seen, r.last_seen AS last_seen,
       r.confidence AS confidence
ORDER BY mentions DESC, relation, other
UNION ALL
WITH toLower($actor) AS key
MATCH (x:Actor)
WHERE toLower(x.id) = key OR toLower(x.name) = key OR any(al IN x.aliases WHERE toLower(al) = key)
MATCH (x)<-[r]-(o:Actor)
WHERE type(r) <> 'PART_OF' AND r.confidence >= $min_confidence AND (type(r) IN $relations OR size($relations) = 0)
RETURN 'in' AS direction, type(r) AS relation, o.name AS other, r.mentions AS mentions,
       r.articles AS articles, r.first_seen AS first_seen, r.last_seen AS last_seen,
       r.confidence AS confidence
ORDER BY mentions DESC, relation, other

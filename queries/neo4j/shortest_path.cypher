// The shortest chain of analyst edges (any relation, any direction, at most 6 hops) linking
// two actors: how the two are connected in the actor network, and through whom.
//
// Parameters: $actor     actor id, name or alias (case-insensitive), e.g. "Russia".
//             $other     the other actor, same lookup, e.g. "United States".
// Example:    graphbuild query shortest_path --param actor=Russia --param other="United States"
// Columns:    hops, actors (list of names along the path), relations (list of relation types)
// Ties:       of several shortest paths, the first by relation names then actor names (so the
//             answer is the same on every run and in both dialects).
// Dialect:    Neo4j 5 (allShortestPaths); the LadybugDB version is ../lbdb/shortest_path.cypher.
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH p = allShortestPaths((a)-[:APPEALED_TO|PLEDGED|CONSULTED|RECOGNIZED|SUPPORTED|COOPERATED|PROVIDED_AID|YIELDED|INVESTIGATED|DEMANDED|CRITICIZED|BLAMED|REJECTED|THREATENED|PROTESTED|MOBILIZED|REDUCED_RELATIONS|SANCTIONED|COERCED|ATTACKED*1..6]-(b))
WHERE a <> b
WITH length(p) AS hops, [n IN nodes(p) | n.name] AS actors, [r IN relationships(p) | type(r)] AS relations
RETURN hops, actors, relations
ORDER BY hops, reduce(s = '', x IN relations | s + ',' + x), reduce(s = '', x IN actors | s + ',' + x)
LIMIT 1

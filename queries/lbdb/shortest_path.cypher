// The shortest chain of analyst edges (any relation, any direction, at most 6 hops) linking
// two actors: how the two are connected in the actor network, and through whom.
//
// Parameters: $actor     actor id, name or alias (case-insensitive), e.g. "Russia".
//             $other     the other actor, same lookup, e.g. "United States".
// Example:    graphbuild query shortest_path --param actor=Russia --param other="United States"
// Columns:    hops, actors (list of names along the path), relations (list of relation types)
// Ties:       of several shortest paths, the first by relation names then actor names (so the
//             answer is the same on every run and in both dialects).
// Dialect:    LadybugDB (SHORTEST, list_transform); the Neo4j version is ../neo4j/shortest_path.cypher.
// Plan:       `graphbuild query` (store.run_query) resolves $actor/$other to actor ids first:
//             LadybugDB's recursive join only plans well from a primary-key anchor (with the
//             name/alias lookup inline it ran > 30 s between two hubs of a 200k-edge store).
MATCH (a:Actor) WHERE a.id = $actor
MATCH (b:Actor) WHERE b.id = $other
MATCH p = (a)-[:APPEALED_TO|PLEDGED|CONSULTED|RECOGNIZED|SUPPORTED|COOPERATED|PROVIDED_AID|YIELDED|INVESTIGATED|DEMANDED|CRITICIZED|BLAMED|REJECTED|THREATENED|PROTESTED|MOBILIZED|REDUCED_RELATIONS|SANCTIONED|COERCED|ATTACKED* ALL SHORTEST 1..6]-(b)
RETURN length(p) AS hops, list_transform(nodes(p), n -> n.name) AS actors,
       list_transform(rels(p), r -> label(r)) AS relations
ORDER BY hops, list_to_string(',', relations), list_to_string(',', actors)
LIMIT 1

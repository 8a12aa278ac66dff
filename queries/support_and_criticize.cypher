// Actors that both SUPPORTED and CRITICIZED the same target (mixed signals), most-reported first.
//
// Parameters: none.
// Example:    graphbuild query support_and_criticize
// Columns:    actor, target, supported_mentions, criticized_mentions, first_supported,
//             last_supported, first_criticized, last_criticized
// Dialect:    portable (LadybugDB and Neo4j 5).
MATCH (a:Actor)-[s:SUPPORTED]->(t:Actor)<-[c:CRITICIZED]-(a)
RETURN a.name AS actor, t.name AS target, s.mentions AS supported_mentions,
       c.mentions AS criticized_mentions, s.first_seen AS first_supported,
       s.last_seen AS last_supported, c.first_seen AS first_criticized, c.last_seen AS last_criticized
ORDER BY supported_mentions + criticized_mentions DESC, actor, target

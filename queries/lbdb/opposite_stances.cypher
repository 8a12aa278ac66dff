// Countries taking opposite stances on the same actor: one country (a COUNTRY actor or a
// government actor, by its country code) RECOGNIZED or SUPPORTED the target while another
// CRITICIZED or SANCTIONED it.
//
// Parameters: $limit  at most this many rows (default 1000; a busy store has 100k+ pairs).
// Example:    graphbuild query opposite_stances --param limit=50
// Columns:    target, for_country, for_actor, for_relation, against_country, against_actor,
//             against_relation
// Dialect:    LadybugDB (label(r)); the Neo4j version is ../neo4j/opposite_stances.cypher (same columns).
// @param limit = 1000
MATCH (x:Actor)-[p:RECOGNIZED|SUPPORTED]->(t:Actor)<-[n:CRITICIZED|SANCTIONED]-(y:Actor)
WHERE x.country IS NOT NULL AND y.country IS NOT NULL AND x.country <> y.country
  AND (x.kind = 'COUNTRY' OR x.role = 'GOV') AND (y.kind = 'COUNTRY' OR y.role = 'GOV')
RETURN t.name AS target, x.country AS for_country, x.name AS for_actor, label(p) AS for_relation,
       y.country AS against_country, y.name AS against_actor, label(n) AS against_relation
ORDER BY target, for_country, against_country, for_actor, against_actor, for_relation, against_relation
LIMIT $limit

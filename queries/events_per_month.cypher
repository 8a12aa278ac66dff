// Events per month per relation: how many event mentions that count as fact (not negated, not
// hypothetical) each relation had in each month, oldest month first. Undated mentions are left out.
//
// Parameters: none.
// Example:    graphbuild query events_per_month --format csv > per_month.csv
// Columns:    month (YYYY-MM), relation, events, actor_pairs
// Dialect:    portable (LadybugDB and Neo4j 5; dates are ISO strings YYYY-MM-DD in both).
MATCH (s:Actor)<-[:SOURCE]-(e:Event)-[:TARGET]->(t:Actor)
WHERE e.date IS NOT NULL AND NOT e.negated AND e.modality <> 'hypothetical'
RETURN left(e.date, 7) AS month, e.relation AS relation, count(*) AS events,
       count(DISTINCT s.id + '>' + t.id) AS actor_pairs
ORDER BY month, relation

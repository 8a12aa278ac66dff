// Events per month per relation: how many event mentions that count as fact (not negated, not
// hypothetical) each relation had in each month, oldest month first. Undated mentions are left out.
//
// Parameters: $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query events_per_month --format csv > per_month.csv
// Columns:    month (YYYY-MM), relation, events, actor_pairs
// Dialect:    portable (LadybugDB and Neo4j 5; dates are ISO strings YYYY-MM-DD in both).
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (s:Actor)<-[:SOURCE]-(e:Event)-[:TARGET]->(t:Actor)
WHERE e.date IS NOT NULL AND NOT e.negated AND e.modality <> 'hypothetical'
  AND (e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0)
RETURN left(e.date, 7) AS month, e.relation AS relation, count(*) AS events,
       count(DISTINCT s.id + '>' + t.id) AS actor_pairs
ORDER BY month, relation

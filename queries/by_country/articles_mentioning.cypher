// By country: articles that mention $actor's country or any actor PART_OF it (as source, target or
// reporting speaker of an event), newest first, with how many such events each has.
//
// Parameters: $actor  a country actor's id; `graphbuild query --by country` resolves any id,
//                     name or alias to the country it rolls up to ("the Pentagon" -> United States).
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query articles_mentioning --by country --param actor=Pentagon
// Columns:    article, title, published, url, events
// Roll-up:    an actor counts as the country at the end of its PART_OF chain (a person -> their
//             organisation -> its country; at most two hops); actors without one stay themselves.
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
MATCH (c:Actor {id: $actor})
MATCH (x:Actor)
WHERE x.id = c.id OR EXISTS { MATCH (x)-[:PART_OF*1..2]->(c) }
MATCH (e:Event)-[:SOURCE|TARGET|REPORTED_BY]->(x)
WHERE ((e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0))
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN art.id AS article, art.title AS title, art.published AS published, art.url AS url,
       count(DISTINCT e) AS events
ORDER BY published DESC, article

// Articles that mention an actor: every article with at least one event whose source, target or
// reporting speaker is $actor, newest first, with how many such events it has.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "European Union" or "the EU".
//             $since      only events dated on or after this ISO date (default "": no bound;
//                         a date bound leaves undated events out). --since on the command line.
//             $until      only events dated on or before this ISO date (default "": no bound). --until.
//             $min_confidence  only events at least this confident (default 0). --min-confidence.
//             $relations  only events of these relation types (default []: all). --relations.
// Example:    graphbuild query articles_mentioning --param actor="the EU"
// Columns:    article, title, published, url, events
// Dialect:    portable (LadybugDB and Neo4j 5).
// @param since = ""
// @param until = ""
// @param min_confidence = 0
// @param relations = []
WITH toLower($actor) AS key
MATCH (x0:Actor)
WHERE toLower(x0.id) = key OR toLower(x0.name) = key OR any(al IN x0.aliases WHERE toLower(al) = key)
WITH x0.id AS xid
MATCH (e:Event)-[:SOURCE|TARGET|REPORTED_BY]->(x:Actor {id: xid})
WHERE (e.date >= $since OR $since = '') AND (e.date <= $until OR $until = '')
  AND e.confidence >= $min_confidence AND (e.relation IN $relations OR size($relations) = 0)
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN art.id AS article, art.title AS title, art.published AS published, art.url AS url,
       count(DISTINCT e) AS events
ORDER BY published DESC, article

// Articles that mention an actor: every article with at least one event whose source, target or
// reporting speaker is $actor, newest first, with how many such events it has.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "European Union" or "the EU".
// Example:    graphbuild query articles_mentioning --param actor="the EU"
// Columns:    article, title, published, url, events
// Dialect:    portable (LadybugDB and Neo4j 5).
WITH toLower($actor) AS key
MATCH (x0:Actor)
WHERE toLower(x0.id) = key OR toLower(x0.name) = key OR any(al IN x0.aliases WHERE toLower(al) = key)
WITH x0.id AS xid
MATCH (e:Event)-[:SOURCE|TARGET|REPORTED_BY]->(x:Actor {id: xid})
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN art.id AS article, art.title AS title, art.published AS published, art.url AS url,
       count(DISTINCT e) AS events
ORDER BY published DESC, article

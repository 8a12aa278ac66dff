// Articles that mention an actor: every article with at least one event whose source, target or
// reporting speaker is $actor, newest first, with how many such events it has.
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "European Union" or "the EU".
// Example:    graphbuild query articles_mentioning --param actor="the EU"
// Columns:    article, title, published, url, events
// Dialect:    portable (LadybugDB and Neo4j 5).
WITH toLower($actor) AS key
MATCH (x:Actor)
WHERE toLower(x.id) = key OR toLower(x.name) = key OR any(al IN x.aliases WHERE toLower(al) = key)
MATCH (e:Event)-[:SOURCE|TARGET|REPORTED_BY]->(x)
MATCH (e)-[:REPORTED_IN]->(art:Article)
RETURN art.id AS article, art.title AS title, art.published AS published, art.url AS url,
       count(DISTINCT e) AS events
ORDER BY published DESC, article

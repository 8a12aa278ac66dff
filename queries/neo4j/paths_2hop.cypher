// Paths of one or two analyst edges (not PART_OF) between two actors, in any direction: how $actor and
// $other are connected directly or through one intermediary (e.g. A -[SUPPORTED]-> B <-[BLAMED]- C).
// One-hop paths come first (via is empty), then two-hop paths; "weakest" is the fewest mentions
// along the path. Each of the six path shapes (1 hop out/in, 2 hops out-out, out-in, in-out,
// in-in) lists at most $limit paths, in path order (two hub actors share thousands of neighbours).
//
// Parameters: $actor  actor id, name or alias (case-insensitive), e.g. "Russia".
//             $other  the other actor, same lookup, e.g. "Juan Guaido".
//             $limit  at most this many paths of each shape (default 200).
// Example:    graphbuild query paths_2hop --param actor=Russia --param other="Juan Guaido"
// Columns:    hops, path, via, weakest
// Dialect:    Neo4j 5 (type(r)); the LadybugDB version is ../lbdb/paths_2hop.cypher (same columns).
// @param limit = 200
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH (a)-[r]->(b)
WHERE type(r) <> 'PART_OF'
RETURN 1 AS hops, a.name + ' -[' + type(r) + ']-> ' + b.name AS path, '' AS via, r.mentions AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH (a)<-[r]-(b)
WHERE type(r) <> 'PART_OF'
RETURN 1 AS hops, a.name + ' <-[' + type(r) + ']- ' + b.name AS path, '' AS via, r.mentions AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH (a)-[r1]->(m:Actor)-[r2]->(b)
WHERE m <> a AND m <> b AND type(r1) <> 'PART_OF' AND type(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' -[' + type(r1) + ']-> ' + m.name + ' -[' + type(r2) + ']-> ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH (a)-[r1]->(m:Actor)<-[r2]-(b)
WHERE m <> a AND m <> b AND type(r1) <> 'PART_OF' AND type(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' -[' + type(r1) + ']-> ' + m.name + ' <-[' + type(r2) + ']- ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH (a)<-[r1]-(m:Actor)-[r2]->(b)
WHERE m <> a AND m <> b AND type(r1) <> 'PART_OF' AND type(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' <-[' + type(r1) + ']- ' + m.name + ' -[' + type(r2) + ']-> ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a:Actor)
WHERE toLower(a.id) = ka OR toLower(a.name) = ka OR any(al IN a.aliases WHERE toLower(al) = ka)
MATCH (b:Actor)
WHERE toLower(b.id) = kb OR toLower(b.name) = kb OR any(al IN b.aliases WHERE toLower(al) = kb)
MATCH (a)<-[r1]-(m:Actor)<-[r2]-(b)
WHERE m <> a AND m <> b AND type(r1) <> 'PART_OF' AND type(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' <-[' + type(r1) + ']- ' + m.name + ' <-[' + type(r2) + ']- ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit

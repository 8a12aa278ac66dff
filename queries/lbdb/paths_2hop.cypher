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
// Dialect:    LadybugDB (label(r)); the Neo4j version is ../neo4j/paths_2hop.cypher (same columns).
// Plan:       the two actors are resolved to ids first, then each two-hop shape expands $other's
//             neighbours and joins $actor's edges to them (WITH between the hops): LadybugDB otherwise builds a cross product
//             that exhausts its buffer pool between two hub actors.
// @param limit = 200
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a0:Actor)
WHERE toLower(a0.id) = ka OR toLower(a0.name) = ka OR any(al IN a0.aliases WHERE toLower(al) = ka)
MATCH (b0:Actor)
WHERE toLower(b0.id) = kb OR toLower(b0.name) = kb OR any(al IN b0.aliases WHERE toLower(al) = kb)
WITH a0.id AS aid, b0.id AS bid
MATCH (a:Actor {id: aid})-[r]->(b:Actor)
WITH a, r, b, bid WHERE b.id = bid AND label(r) <> 'PART_OF'
RETURN 1 AS hops, a.name + ' -[' + label(r) + ']-> ' + b.name AS path, '' AS via, r.mentions AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a0:Actor)
WHERE toLower(a0.id) = ka OR toLower(a0.name) = ka OR any(al IN a0.aliases WHERE toLower(al) = ka)
MATCH (b0:Actor)
WHERE toLower(b0.id) = kb OR toLower(b0.name) = kb OR any(al IN b0.aliases WHERE toLower(al) = kb)
WITH a0.id AS aid, b0.id AS bid
MATCH (a:Actor {id: aid})<-[r]-(b:Actor)
WITH a, r, b, bid WHERE b.id = bid AND label(r) <> 'PART_OF'
RETURN 1 AS hops, a.name + ' <-[' + label(r) + ']- ' + b.name AS path, '' AS via, r.mentions AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a0:Actor)
WHERE toLower(a0.id) = ka OR toLower(a0.name) = ka OR any(al IN a0.aliases WHERE toLower(al) = ka)
MATCH (b0:Actor)
WHERE toLower(b0.id) = kb OR toLower(b0.name) = kb OR any(al IN b0.aliases WHERE toLower(al) = kb)
WITH a0.id AS aid, b0.id AS bid
MATCH (m:Actor)-[r2]->(b:Actor {id: bid})
WITH b, r2, m, aid MATCH (a:Actor {id: aid})-[r1]->(m)
WHERE m <> a AND m <> b AND label(r1) <> 'PART_OF' AND label(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' -[' + label(r1) + ']-> ' + m.name + ' -[' + label(r2) + ']-> ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a0:Actor)
WHERE toLower(a0.id) = ka OR toLower(a0.name) = ka OR any(al IN a0.aliases WHERE toLower(al) = ka)
MATCH (b0:Actor)
WHERE toLower(b0.id) = kb OR toLower(b0.name) = kb OR any(al IN b0.aliases WHERE toLower(al) = kb)
WITH a0.id AS aid, b0.id AS bid
MATCH (m:Actor)<-[r2]-(b:Actor {id: bid})
WITH b, r2, m, aid MATCH (a:Actor {id: aid})-[r1]->(m)
WHERE m <> a AND m <> b AND label(r1) <> 'PART_OF' AND label(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' -[' + label(r1) + ']-> ' + m.name + ' <-[' + label(r2) + ']- ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a0:Actor)
WHERE toLower(a0.id) = ka OR toLower(a0.name) = ka OR any(al IN a0.aliases WHERE toLower(al) = ka)
MATCH (b0:Actor)
WHERE toLower(b0.id) = kb OR toLower(b0.name) = kb OR any(al IN b0.aliases WHERE toLower(al) = kb)
WITH a0.id AS aid, b0.id AS bid
MATCH (m:Actor)-[r2]->(b:Actor {id: bid})
WITH b, r2, m, aid MATCH (a:Actor {id: aid})<-[r1]-(m)
WHERE m <> a AND m <> b AND label(r1) <> 'PART_OF' AND label(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' <-[' + label(r1) + ']- ' + m.name + ' -[' + label(r2) + ']-> ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit
UNION ALL
WITH toLower($actor) AS ka, toLower($other) AS kb
MATCH (a0:Actor)
WHERE toLower(a0.id) = ka OR toLower(a0.name) = ka OR any(al IN a0.aliases WHERE toLower(al) = ka)
MATCH (b0:Actor)
WHERE toLower(b0.id) = kb OR toLower(b0.name) = kb OR any(al IN b0.aliases WHERE toLower(al) = kb)
WITH a0.id AS aid, b0.id AS bid
MATCH (m:Actor)<-[r2]-(b:Actor {id: bid})
WITH b, r2, m, aid MATCH (a:Actor {id: aid})<-[r1]-(m)
WHERE m <> a AND m <> b AND label(r1) <> 'PART_OF' AND label(r2) <> 'PART_OF'
RETURN 2 AS hops, a.name + ' <-[' + label(r1) + ']- ' + m.name + ' <-[' + label(r2) + ']- ' + b.name AS path,
       m.name AS via, CASE WHEN r1.mentions < r2.mentions THEN r1.mentions ELSE r2.mentions END AS weakest
ORDER BY path
LIMIT $limit

// Lint Cypher with Neo4j's own linter (@neo4j-cypher/language-support).
// stdin:  {"queries": [{"name", "query", "parameters"}], "schema": {DbSchema: labels,
//          relationshipTypes, propertyKeys, ...}}
// stdout: [{"name", "diagnostics": [{"severity", "message", "line", "character", "snippet", "source"}]}]
//
// Two sources of diagnostics:
//  - "linter": lintCypherQuery(query, dbSchema): syntax, semantic analysis (Neo4j's own front
//    end), unknown labels / types / properties in READ positions, unknown functions/procedures
//    (the schema gets the built-in Neo4j 5 functions and procedures, no plugins such as APOC),
//    undeclared parameters.
//  - "model": the linter accepts any label, type or property in WRITE clauses (MERGE, CREATE,
//    SET), as a database would. The graph model is closed, so every label, relationship type and
//    property key token (from the same package's parser, highlightSyntax) must be in the schema.
import { highlightSyntax, lintCypherQuery, testData } from '@neo4j-cypher/language-support';

function builtIns(registry) {
  const out = {};
  for (const [version, entries] of Object.entries(registry || {})) {
    out[version] = Object.fromEntries(
      Object.entries(entries).filter(([, v]) => v.isBuiltIn !== false && !v.name.startsWith('apoc.')));
  }
  return out;
}

function position(query, offset) {
  const before = query.slice(0, offset).split('\n');
  return { line: before.length, character: before[before.length - 1].length + 1 };
}

// Labels, relationship types and property keys outside the model, anywhere in the query.
function modelDiagnostics(query, schema) {
  const labels = new Set(schema.labels || []);
  const types = new Set(schema.relationshipTypes || []);
  const keys = new Set(schema.propertyKeys || []);
  const tokens = highlightSyntax(query);
  const out = [];
  const stack = [];
  const strip = (s) => (s.startsWith('`') && s.endsWith('`') ? s.slice(1, -1).replace(/``/g, '`') : s);
  tokens.forEach((t, i) => {
    if (t.tokenType === 'bracket') {
      if ('([{'.includes(t.token)) stack.push(t.token);
      else stack.pop();
      return;
    }
    const name = strip(t.token);
    const offset = t.position.startOffset;
    let problem = null;
    if (t.tokenType === 'label') {
      const inRel = stack[stack.length - 1] === '[';
      if (inRel && !types.has(name)) problem = `Relationship type ${name} is not in the graph model`;
      if (!inRel && !labels.has(name)) problem = `Label ${name} is not in the graph model`;
    } else if (t.tokenType === 'property') {
      // keys of a map literal in an expression ({k: v} not directly inside a pattern) are not
      // property keys; keys of a pattern's property map, x.key and {.key} projections are.
      const next = tokens[i + 1];
      const isMapKey = stack[stack.length - 1] === '{' && next && next.token === ':';
      const inPattern = isMapKey && '(['.includes(stack[stack.length - 2] || '');
      if ((!isMapKey || inPattern) && !keys.has(name)) problem = `Property key ${name} is not in the graph model`;
    }
    if (problem) out.push({ severity: 'error', message: problem, ...position(query, offset),
                            snippet: t.token, source: 'model' });
  });
  return out;
}

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));
const base = {
  functions: builtIns(testData.mockSchema.functions),
  procedures: builtIns(testData.mockSchema.procedures),
  defaultLanguage: 'CYPHER 5',
  ...input.schema,
};
const results = input.queries.map(({ name, query, parameters }) => {
  const schema = { ...base, parameters: parameters || {} };
  const { diagnostics } = lintCypherQuery(query, schema);
  return {
    name,
    diagnostics: [
      ...diagnostics.map((d) => ({
        severity: d.severity === 1 ? 'error' : d.severity === 2 ? 'warning' : String(d.severity),
        message: d.message,
        line: d.range.start.line + 1,
        character: d.range.start.character + 1,
        snippet: query.slice(d.offsets.start, d.offsets.end),
        source: 'linter',
      })),
      ...modelDiagnostics(query, input.schema),
    ],
  };
});
process.stdout.write(JSON.stringify(results));

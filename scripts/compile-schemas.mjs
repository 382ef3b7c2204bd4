// Compiles the JSON Schemas of the CLI and analysis (every schemaChecker in common/json-schema.ts) into
// ajv's standalone validators, dist/schemas/<key>.cjs, so that a command does not load ajv and compile
// a schema each time it starts (about 50 ms of `estimate --spec`). The key is a hash of the schema's
// text: a changed schema without a rebuild is compiled at run time as before, never checked by an old
// validator. Run by `npm run build:server` after tsc (it reads the schemas from dist/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Writes `<key>.cjs` into outdir for each schema of `schemas` (key -> schema), with ajv's options `options`. */
export function compileSchemas(schemas, options, outdir) {
  fs.mkdirSync(outdir, { recursive: true });
  for (const [key, schema] of schemas) {
    const ajv = new Ajv2020({ ...options, code: { source: true } });
    const code = standaloneCode.default(ajv, ajv.compile(schema));
    fs.writeFileSync(path.join(outdir, `${key}.cjs`), code);
  }
  return schemas.size;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dist = path.join(root, 'dist');
  // The modules that make schema checkers (each calls schemaChecker when loaded).
  for (const m of ['analysis/index.js', 'sampling/index.js']) await import(pathToFileURL(path.join(dist, m)).href);
  const { checkedSchemas, SCHEMA_OPTIONS } = await import(pathToFileURL(path.join(dist, 'common', 'json-schema.js')).href);
  const outdir = path.join(dist, 'schemas');
  fs.rmSync(outdir, { recursive: true, force: true });
  const n = compileSchemas(checkedSchemas, SCHEMA_OPTIONS, outdir);
  console.log(`compiled ${n} JSON schemas into ${path.relative(root, outdir)}`);
}

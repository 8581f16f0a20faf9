// Generates src/upstream/schemas.generated.ts — zod schemas (with OpenAPI names)
// for every upstream response body — from test/fixtures/nexon-schema.json (KMS)
// and nexon-schema-msea.json / nexon-schema-tms.json, the wire shapes declared by
// the public NEXON SDK. One schema per endpoint describes every region serving it:
// a field some region's type lacks is optional, one some region allows null is
// nullable. Objects are loose: fields NEXON adds later pass through instead of
// breaking us.
// Run: node scripts/generate-upstream-schemas.mjs
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const read = (file) => JSON.parse(readFileSync(join(root, "test/fixtures", file), "utf8"));
const source = read("nexon-schema.json");
const types = source.types;
// Every other region's shapes: nexon-schema-<region>.json beside KMS's.
const REGION_FILES = readdirSync(join(root, "test/fixtures")).filter((file) => /^nexon-schema-[a-z]+\.json$/.test(file)).sort();

const pathOf = (endpoint) => endpoint.replace(/^\/[^/]+\/v1\//, "");
const refOf = (field) => field.ref ?? field.items?.ref;

// Folds one region's shapes into KMS's, walking from each endpoint's type so that
// types are matched by where they are used, not by name alone.
function mergeRegion(file) {
  const region = read(file);
  const kmsTypeOf = new Map(Object.entries(source.endpoints).map(([endpoint, type]) => [pathOf(endpoint), type]));
  const seen = new Set();
  const merge = (kmsName, regionName, at) => {
    if (seen.has(`${kmsName}|${regionName}`)) return;
    seen.add(`${kmsName}|${regionName}`);
    const ours = types[kmsName];
    const theirs = region.types[regionName];
    if (!ours || !theirs) throw new Error(`${file}: ${at}: type ${kmsName} / ${regionName} missing`);
    for (const [key, field] of Object.entries(ours)) {
      const other = theirs[key];
      if (!other) {
        field.optional = true;
        continue;
      }
      const shape = (f) => JSON.stringify([f.t, f.enum, f.items?.t, Boolean(refOf(f))]);
      if (shape(field) !== shape(other)) throw new Error(`${file}: ${at}.${key} has another type than in KMS`);
      if (other.nullable) field.nullable = true;
      if (other.optional) field.optional = true;
      if (refOf(field)) merge(refOf(field), refOf(other), `${at}.${key}`);
    }
    const extra = Object.keys(theirs).filter((key) => !(key in ours));
    // A field only another region has: optional here (it is absent in KMS).
    for (const key of extra) ours[key] = { ...theirs[key], optional: true };
    if (extra.some((key) => refOf(theirs[key]))) throw new Error(`${file}: ${at}: a region-only object field needs its type copied`);
  };
  for (const [endpoint, regionType] of Object.entries(region.endpoints)) {
    const kmsType = kmsTypeOf.get(pathOf(endpoint));
    if (!kmsType) throw new Error(`${file}: ${endpoint} has no KMS endpoint (add its type first)`);
    merge(kmsType, regionType, pathOf(endpoint));
  }
}
for (const file of REGION_FILES) mergeRegion(file);

const constName = (typeName) => typeName.replace(/<(\w+)>/, "Of$1").replace(/Body$/, "").replace(/BodyOf/, "Of") + "Schema";
const openapiName = (typeName) => "Nexon" + typeName.replace(/<(\w+)>/, "$1").replace(/Body$/, "").replace(/Body/g, "");

function fieldExpr(field) {
  let expr;
  if (field.ref) expr = constName(field.ref);
  else if (field.t === "array") expr = `z.array(${fieldExpr({ ...field.items, nullable: false })})`;
  else if (field.enum) expr = `z.enum(${JSON.stringify(field.enum)})`;
  else expr = { string: "z.string()", number: "z.number()", boolean: "z.boolean()" }[field.t] ?? "z.unknown()";
  // A named object is nullable through a union: `.nullable()` would carry its OpenAPI name
  // along and make the shared component itself nullable wherever it is used.
  if (field.nullable) expr = field.ref ? `z.union([${expr}, z.null()])` : `${expr}.nullable()`;
  if (field.optional) expr += ".optional()";
  return expr;
}

// RankingResponseBody<X> is generic in the SDK: a `ranking` array of X.
for (const name of Object.keys(types)) {
  const m = name.match(/^RankingResponseBody<(\w+)>$/);
  if (m && types[name] == null) types[name] = { ranking: { t: "array", items: { ref: m[1] }, nullable: false } };
}

const emitted = new Set();
const out = [];
function emit(name) {
  if (emitted.has(name)) return;
  emitted.add(name);
  const fields = types[name] ?? {};
  for (const f of Object.values(fields)) {
    const ref = f.ref ?? f.items?.ref;
    if (ref && ref !== name) emit(ref);
  }
  const body = Object.entries(fields)
    .map(([key, f]) => `  ${/^[a-z_][a-z0-9_]*$/i.test(key) ? key : JSON.stringify(key)}: ${fieldExpr(f)},`)
    .join("\n");
  out.push(`export const ${constName(name)} = z\n  .looseObject({\n${body}\n  })\n  .openapi(${JSON.stringify(openapiName(name))});\n`);
}
for (const typeName of Object.values(source.endpoints)) emit(typeName);

const endpointMap = Object.entries(source.endpoints)
  .map(([path, typeName]) => `  ${JSON.stringify(path.replace("/maplestory/v1/", ""))}: ${constName(typeName)},`)
  .join("\n");

writeFileSync(
  join(root, "src/upstream/schemas.generated.ts"),
  `// GENERATED by scripts/generate-upstream-schemas.mjs from test/fixtures/nexon-schema*.json.
// Do not edit by hand; regenerate instead.

import { z } from "@hono/zod-openapi";

${out.join("\n")}
/** Upstream path (under /<service>/v1/) → its response body schema, for every region serving it. */
export const UPSTREAM_BODY_SCHEMAS = {
${endpointMap}
} as const;
`,
);
console.log(`wrote ${emitted.size} schemas for ${Object.keys(source.endpoints).length} endpoints`);

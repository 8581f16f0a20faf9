/**
 * The dependency rule (`npm run lint`): layers import only downwards, and
 * nothing in src/ imports in a circle. From the bottom up:
 *
 *   lib (+ env.ts, config.ts)  plain helpers, settings, types
 *   db, upstream               D1 schema; the NEXON client and THE endpoint table
 *   runtime                    platform plumbing: subrequest limiter, work after the response
 *   cache                      public upstream data through the cache tiers
 *   middleware                 cross-cutting request handling, per-request services
 *   features                   routes and handlers, one folder per feature
 *   jobs                       cron work (uses features' services)
 *   app.ts, then index.ts      the Hono app; the Worker's entry points (may import anything)
 *
 * Tests (`*.test.ts`, test helpers) may import anything. The sample upstream
 * (dev/) is a development tool: src/ never imports it.
 */
const layers = {
  lib: "^src/(lib/|env\\.ts$|config\\.ts$)",
  db: "^src/db/",
  upstream: "^src/upstream/",
  runtime: "^src/runtime/",
  cache: "^src/cache/",
  middleware: "^src/middleware/",
  features: "^src/features/",
  jobs: "^src/jobs/",
  app: "^src/app\\.ts$",
  index: "^src/index\\.ts$",
};

const production = "\\.test\\.ts$|\\.test-helpers\\.ts$";

/** `layer` may import only from the layers listed in `allowed` (and itself). */
function onlyDown(layer, allowed) {
  const forbidden = Object.entries(layers)
    .filter(([name]) => name !== layer && !allowed.includes(name))
    .map(([, path]) => path);
  return {
    name: `${layer}-imports-only-below`,
    comment: `${layer} may import only from: ${allowed.join(", ") || "nothing else in src"}`,
    severity: "error",
    from: { path: layers[layer], pathNot: production },
    to: { path: forbidden },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import cycle: the modules in it can no longer be understood or changed one at a time.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-dev-tools-in-src",
      comment: "The sample upstream and the tests are not part of the production bundle.",
      severity: "error",
      from: { path: "^src/", pathNot: production },
      to: { path: "^(dev|test|bench)/" },
    },
    onlyDown("lib", []),
    onlyDown("db", ["lib"]),
    onlyDown("upstream", ["lib"]),
    onlyDown("runtime", ["lib"]),
    onlyDown("cache", ["lib", "upstream", "runtime"]),
    onlyDown("middleware", ["lib", "db", "upstream", "runtime", "cache"]),
    onlyDown("features", ["lib", "db", "upstream", "runtime", "cache", "middleware"]),
    onlyDown("jobs", ["lib", "db", "upstream", "runtime", "cache", "middleware", "features"]),
    onlyDown("app", ["lib", "db", "upstream", "runtime", "cache", "middleware", "features", "jobs"]),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "schemas\\.generated\\.ts$" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs"] },
  },
};

import { createSampleUpstream } from "./index";

/**
 * The sample upstream as its own Worker (dev/sample-upstream/wrangler.toml), bound
 * to the development Worker as `SAMPLE_UPSTREAM`: `npm run dev` starts both, and
 * with NEXON_API_BASE_URL=sample every upstream call goes here instead of the network.
 * Plain JavaScript on purpose: `wrangler dev` compares every TypeScript entry's
 * bindings with ./worker-configuration.d.ts (the main Worker's) and would report it
 * "out of date" at each start.
 */
export default {
  fetch: createSampleUpstream(),
};

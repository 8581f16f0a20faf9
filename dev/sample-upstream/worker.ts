import { createSampleUpstream } from "./index";

/**
 * The sample upstream as its own Worker (dev/sample-upstream/wrangler.toml), bound
 * to the development Worker as `SAMPLE_UPSTREAM`: `npm run dev` starts both, and
 * with NEXON_API_BASE_URL=sample every upstream call goes here instead of the network.
 */
export default {
  fetch: createSampleUpstream(),
} satisfies ExportedHandler;

// Types for generate-openapi-examples.mjs, so the test can check the generated file is current.
export declare const OUTPUT: string;
export declare function renderExamples(modules: {
  sample: typeof import("../dev/sample-upstream/index");
  endpoints: typeof import("../src/upstream/endpoints");
  regions: typeof import("../src/upstream/regions");
  queries: typeof import("../src/upstream/example-queries");
  examples: typeof import("../src/upstream/examples");
}): Promise<string>;

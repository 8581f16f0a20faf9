/** The parts of /openapi.json that the example tests read. */
export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  example?: unknown;
  schema?: { example?: unknown };
}

export interface Operation {
  parameters?: Parameter[];
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { example?: unknown }> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  security?: Record<string, string[]>[];
}

/** A parameter's example, on the parameter or its schema. */
export const exampleOf = (p: Parameter): unknown => p.example ?? p.schema?.example;

/**
 * The GET operations anyone may call: no security requirement at all (the operation's
 * or the document's), or an empty one among the alternatives.
 */
export function anonymousGets(doc: OpenApiDocument): { path: string; op: Operation }[] {
  return Object.entries(doc.paths).flatMap(([path, item]) => {
    const op = item.get;
    const security = op?.security ?? doc.security ?? [];
    return op && (security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0)) ? [{ path, op }] : [];
  });
}

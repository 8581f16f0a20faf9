import type { Context } from "hono";
import type { Loaded, LoadRequest } from "../../cache/public-cache";
import { ProblemError } from "../../lib/problem";
import { resolveDate } from "../../upstream/dates";
import { endpoint, type EndpointDef } from "../../upstream/endpoints";

const idEndpoint = endpoint("identity", "character");

/** Options of a public load: `refresh` is the request's `?refresh=true` decision (refreshRequested). */
export interface LoadOptions {
  refresh?: boolean;
}

/** name → ocid through the cache (names map to ocids for a day; an ocid can change). */
export async function lookupOcid(c: Context, characterName: string, options: LoadOptions = {}): Promise<{ ocid: string; loaded: Loaded }> {
  const loaded = await c.var.services.cache.load({ def: idEndpoint, params: { character_name: characterName } }, options);
  const ocid = loaded.body.ocid;
  if (typeof ocid !== "string" || ocid.length === 0) throw new ProblemError("CHARACTER_NOT_FOUND");
  return { ocid, loaded };
}

/** One requested section: the endpoint and, for skill, the grade. */
export interface SectionRequest {
  def: EndpointDef;
  ocid: string;
  /** Already validated with resolveDate; undefined = latest. */
  date?: string;
  /** The skill section's grade. */
  grade?: string;
}

/** One entry of a profile's `sections=`: its key in the answer, its endpoint and, for skill, the grade. */
export interface SectionSpec {
  key: string;
  def: EndpointDef;
  grade?: string;
}

/** The upstream request behind a section. */
export function sectionLoad(request: SectionRequest): LoadRequest {
  const params: Record<string, string | undefined> = { ocid: request.ocid };
  if (request.grade !== undefined) params.character_skill_grade = request.grade;
  return { def: request.def, params, date: request.date };
}

/** An empty snapshot is 404 NO_DATA (the character had nothing that day). */
export function requireData(loaded: Loaded): Loaded {
  if (loaded.empty) throw new ProblemError("NO_DATA");
  return loaded;
}

/** One section's data through the cache. */
export async function fetchSection(c: Context, request: SectionRequest, options: LoadOptions = {}): Promise<Loaded> {
  return requireData(await c.var.services.cache.load(sectionLoad(request), options));
}

/** Validates `date` for an endpoint at the current time (KST rules). */
export function checkDate(def: EndpointDef, date: string | undefined): string | undefined {
  return resolveDate(def.date, date, Date.now());
}

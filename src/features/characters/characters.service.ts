import type { Context } from "hono";
import type { Loaded, LoadRequest } from "../../cache/public-cache";
import { isProblem, ProblemError } from "../../lib/problem";
import { resolveDate } from "../../upstream/dates";
import { endpoint, servedIn, type EndpointDef } from "../../upstream/endpoints";
import { noSuchSection } from "../../upstream/errors";
import { checkNameIn } from "../../upstream/params";
import type { RegionId } from "../../upstream/regions";

const idEndpoint = endpoint("identity", "character");
const basicEndpoint = endpoint("character", "basic");

/** Options of a public load: `refresh` is the request's `?refresh=true` decision (refreshRequested). */
export interface LoadOptions {
  refresh?: boolean;
}

/**
 * name → ocid in `region` through the cache (names map to ocids for a day; an
 * ocid can change). The name is held to the region's rules first: 400 at `field`.
 */
export async function lookupOcid(
  c: Context,
  region: RegionId,
  characterName: string,
  options: LoadOptions & { field?: string } = {},
): Promise<{ ocid: string; loaded: Loaded }> {
  checkNameIn(region, characterName, options.field ?? "query.name");
  c.var.services.requireRegion(region);
  const loaded = await c.var.services.cache.load({ def: idEndpoint, region, params: { character_name: characterName } }, options);
  const ocid = loaded.body.ocid;
  if (typeof ocid !== "string" || ocid.length === 0) throw new ProblemError("CHARACTER_NOT_FOUND");
  return { ocid, loaded };
}

/** One requested section: the endpoint and, for skill, the grade. */
export interface SectionRequest {
  def: EndpointDef;
  region: RegionId;
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
  return { def: request.def, region: request.region, params, date: request.date };
}

/**
 * Whether the character had no data at all on that day: its `basic` for the day
 * is empty (through the cache, so usually no upstream call). When that cannot be
 * told (the upstream fails), false: a section's own empty answer is then served
 * as it is.
 */
export async function dayIsEmpty(c: Context, region: RegionId, ocid: string, date: string | undefined): Promise<boolean> {
  try {
    return (await c.var.services.cache.load(sectionLoad({ def: basicEndpoint, region, ocid, date }))).empty;
  } catch (err) {
    if (isProblem(err, "CHARACTER_NOT_FOUND")) throw err;
    return false;
  }
}

/**
 * An empty answer (every field null or []) is 404 NO_DATA only when the
 * character had no data that day: for `basic` itself, or when `dayEmpty` says
 * so. A section that is empty for a character that has data (no android, no
 * pet, no V matrix) is the upstream's real answer, sent as it is.
 */
export async function requireData(loaded: Loaded, def: EndpointDef, dayEmpty: () => Promise<boolean>): Promise<Loaded> {
  if (loaded.empty && (def === basicEndpoint || (await dayEmpty()))) throw new ProblemError("NO_DATA");
  return loaded;
}

/** One section's data through the cache. */
export async function fetchSection(c: Context, request: SectionRequest, options: LoadOptions = {}): Promise<Loaded> {
  const loaded = await c.var.services.cache.load(sectionLoad(request), options);
  return requireData(loaded, request.def, () => dayIsEmpty(c, request.region, request.ocid, request.date));
}

/** Validates `date` for an endpoint at the current time, by the region's rules and clock. */
export function checkDate(def: EndpointDef, region: RegionId, date: string | undefined): string | undefined {
  return resolveDate(def, region, date, Date.now());
}

/** 404 NOT_FOUND naming the region's sections: `def` is a section `region` does not have (other-stat in MSEA). */
export function requireSectionIn(def: EndpointDef, region: RegionId): void {
  if (!servedIn(def, region)) throw noSuchSection(def.name, region);
}

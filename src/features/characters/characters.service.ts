import type { Context } from "hono";
import { loadPublic, type Loaded } from "../../cache/load";
import type { AppEnv } from "../../env";
import { ProblemError } from "../../lib/problem";
import { resolveDate } from "../../upstream/dates";
import { endpoint, type EndpointDef } from "../../upstream/endpoints";

const idEndpoint = endpoint("identity", "character");

/** name → ocid through the cache (names map to ocids for a day; an ocid can change). */
export async function lookupOcid(c: Context<AppEnv>, characterName: string): Promise<{ ocid: string; loaded: Loaded }> {
  const loaded = await loadPublic(c, { def: idEndpoint, params: { character_name: characterName } });
  const ocid = loaded.body.ocid;
  if (typeof ocid !== "string" || ocid.length === 0) throw new ProblemError("CHARACTER_NOT_FOUND");
  return { ocid, loaded };
}

export interface SectionRequest {
  def: EndpointDef;
  ocid: string;
  /** Already validated with resolveDate; undefined = latest. */
  date?: string;
  /** The skill section's grade. */
  grade?: string;
}

/** One section's data; an empty snapshot is 404 NO_DATA (the character had nothing that day). */
export async function fetchSection(c: Context<AppEnv>, request: SectionRequest): Promise<Loaded> {
  const params: Record<string, string | undefined> = { ocid: request.ocid };
  if (request.grade !== undefined) params.character_skill_grade = request.grade;
  const loaded = await loadPublic(c, { def: request.def, params, date: request.date });
  if (loaded.empty) throw new ProblemError("NO_DATA");
  return loaded;
}

/** Validates `date` for an endpoint at the current time (KST rules). */
export function checkDate(def: EndpointDef, date: string | undefined): string | undefined {
  return resolveDate(def.date, date, Date.now());
}

import { MAX_OPEN_SUBREQUESTS } from "../../../runtime/subrequests";
import type { SectionSpec } from "../characters.service";

/** Most sections one invocation loads: one upstream call per open subrequest. */
export const SECTIONS_PER_INVOCATION = MAX_OPEN_SUBREQUESTS;

/** Which sections (by index) load in this invocation and which in each child. */
export interface FanoutPlan {
  here: number[];
  children: number[][];
}

/** Splits `items` into `n` groups of near-equal size, order kept. */
function groupsOf<T>(items: readonly T[], n: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0, start = 0; i < n; i++) {
    const size = Math.ceil((items.length - start) / (n - i));
    groups.push(items.slice(start, start + size));
    start += size;
  }
  return groups;
}

/**
 * Every section's upstream call in flight at once, within six open subrequests
 * per invocation. A call to a child holds one of this invocation's six until
 * the child returns, so `c` children leave `6 − c` slots for sections here:
 * the fewest children with `6c + (6 − c) ≥ n`. This invocation keeps the
 * heaviest sections (the endpoint table's `typicalKiB`), so the largest
 * answers never cross a hop. Six or fewer: all here.
 */
export function planFanout(specs: readonly SectionSpec[]): FanoutPlan {
  const all = specs.map((_, i) => i);
  if (specs.length <= SECTIONS_PER_INVOCATION) return { here: all, children: [] };
  const childCount = Math.ceil((specs.length - SECTIONS_PER_INVOCATION) / (SECTIONS_PER_INVOCATION - 1));
  const hereCount = Math.min(SECTIONS_PER_INVOCATION - childCount, specs.length - childCount);
  const weight = (i: number) => specs[i]!.def.typicalKiB ?? 0;
  const here = [...all].sort((a, b) => weight(b) - weight(a) || a - b).slice(0, Math.max(0, hereCount)).sort((a, b) => a - b);
  const rest = all.filter((i) => !here.includes(i));
  return { here, children: groupsOf(rest, childCount) };
}

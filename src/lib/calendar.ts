/**
 * Calendar arithmetic on `YYYY-MM-DD` days in a fixed-offset zone (no daylight
 * saving anywhere the upstream serves): KST is UTC+9, MSEA and TMS use UTC+8.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
export const KST_OFFSET_MINUTES = 9 * 60;

/** The wall-clock day and minute of an instant in a zone `utcOffsetMinutes` east of UTC. */
export function clockParts(now: number, utcOffsetMinutes: number): { date: string; minutesOfDay: number } {
  const shifted = new Date(now + utcOffsetMinutes * 60_000);
  return {
    date: shifted.toISOString().slice(0, 10),
    minutesOfDay: shifted.getUTCHours() * 60 + shifted.getUTCMinutes(),
  };
}

/** The KST wall-clock parts of an instant. */
export const kstParts = (now: number) => clockParts(now, KST_OFFSET_MINUTES);

export function kstToday(now: number): string {
  return kstParts(now).date;
}

/** True for a real calendar day written YYYY-MM-DD (2024-02-30 is not one). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function addYears(date: string, years: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, inclusive, in order. */
export function dateRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

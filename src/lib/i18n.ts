import type { Language } from "../env";

/** A sentence for players in every language we answer in. */
export interface Localized {
  en: string;
  ko: string;
}

/**
 * Picks Korean when the caller's Accept-Language ranks some `ko` tag above every
 * English tag (q-values respected); English otherwise, including for `*`.
 */
export function preferredLanguage(acceptLanguage: string | undefined | null): Language {
  if (!acceptLanguage) return "en";
  let best: { lang: Language; q: number } = { lang: "en", q: 0 };
  for (const part of acceptLanguage.split(",")) {
    const [tagRaw, ...params] = part.trim().split(";");
    const tag = tagRaw?.trim().toLowerCase() ?? "";
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const lang: Language | undefined =
      tag === "ko" || tag.startsWith("ko-") ? "ko" : tag === "en" || tag.startsWith("en-") ? "en" : undefined;
    if (lang && q > best.q) best = { lang, q };
  }
  return best.lang;
}

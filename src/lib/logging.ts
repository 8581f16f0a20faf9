/**
 * Structured logs: one JSON object per line, so Workers Logs can index the
 * fields. Callers pass only what is safe to keep; `redact` is the last guard
 * against a secret slipping in under a tell-tale key.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const SENSITIVE_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie|encryption/i;

/**
 * Hides the values of secret-looking fields. Numbers and booleans carry no
 * secret (`refresh_tokens: 12` is a count), so only other values are hidden.
 *
 * @example redact({ api_key: "abc", refresh_tokens: 3 }) // { api_key: "[redacted]", refresh_tokens: 3 }
 */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    const harmless = typeof value === "number" || typeof value === "boolean" || value === null;
    out[key] = SENSITIVE_KEY.test(key) && !harmless ? "[redacted]" : value;
  }
  return out;
}

export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...redact(fields) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

export type ErrorDescription = {
  error_name: string;
  error_message: string;
  /** A database error's SQLite result code (`SQLITE_CONSTRAINT`), when it names one. */
  error_code?: string;
};

/** `err`, then its causes (drizzle wraps the D1 error as `cause`), at most a few deep. */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && chain.length < 5 && !chain.includes(e); ) {
    chain.push(e);
    e = typeof e === "object" ? (e as { cause?: unknown }).cause : undefined;
  }
  return chain;
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && typeof (e as { message?: unknown }).message === "string") {
    return (e as { message: string }).message;
  }
  return String(e);
}

const nameOf = (e: unknown) => (e instanceof Error ? e.name : typeof e);

const D1_KIND = /\bD1_[A-Z_]+\b/;
const SQLITE_CODE = /\bSQLITE_[A-Z_]+\b/;
/** Where a message starts carrying SQL or its bound values (drizzle: "Failed query: …\nparams: …"). */
const SQL_WRAPPER = /failed query:|params:/i;
/** …and, inside a database's own message, anything from an SQL keyword on. */
const SQL_PART = /failed query:|params:|\b(select|insert|update|delete|with|create|drop|alter|pragma|values|where|from)\s/i;

/** A message up to where it starts carrying SQL or bound values. */
const beforeSql = (message: string) => message.split(SQL_WRAPPER)[0]!;

function isDatabaseError(e: unknown): boolean {
  const message = messageOf(e);
  return (
    D1_KIND.test(message) ||
    SQLITE_CODE.test(message) ||
    SQL_WRAPPER.test(message) ||
    /\b(D1|sqlite)|DrizzleQueryError/i.test(nameOf(e)) ||
    (typeof e === "object" && e !== null && "query" in e && "params" in e)
  );
}

/**
 * A database error's short message: the SQLite text after `D1_…:` up to the next
 * colon ("UNIQUE constraint failed", "no such table"), with anything quoted
 * (values, identifiers) and anything from the SQL on dropped.
 */
function shortDatabaseMessage(message: string): string {
  const afterKind = message.split(D1_KIND).pop() ?? message;
  const text = afterKind
    .replace(/^[\s:]+/, "")
    .split(SQL_PART)[0]!
    .split(":")[0]!
    .replace(/'[^']*'?|"[^"]*"?|`[^`]*`?|\[[^\]]*\]?/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 80);
  return text || "database error";
}

/**
 * What of an unknown error may be logged: its name and a short message, never a
 * stack, and never SQL or the values bound to it (SPEC: logs carry no personal
 * data from an error). A database error (a D1/SQLite error, or drizzle's
 * "Failed query: … params: …" around one) → its kind (`D1_ERROR`), its SQLite
 * code and the SQLite message's first clause; any other error's message is cut
 * before anything that looks like SQL and capped.
 */
export function describeError(err: unknown): ErrorDescription {
  const chain = causeChain(err);
  if (chain.some(isDatabaseError)) {
    // Drizzle's own message is nothing but the query and its values: none of it is read.
    const messages = chain.map((e) => beforeSql(messageOf(e)));
    const kind = messages.map((m) => D1_KIND.exec(m)?.[0]).find(Boolean);
    const code = messages.map((m) => SQLITE_CODE.exec(m)?.[0]).find(Boolean);
    // The innermost message is the database's own; drizzle's wrapper only adds the query.
    const own = messages.find((m) => D1_KIND.test(m)) ?? messages.filter(Boolean).pop() ?? "";
    return {
      error_name: kind ?? "DATABASE_ERROR",
      error_message: shortDatabaseMessage(own),
      ...(code ? { error_code: code } : {}),
    };
  }
  return { error_name: nameOf(err).slice(0, 60), error_message: beforeSql(messageOf(err)).trim().slice(0, 200) };
}

/**
 * Structured logs: one JSON object per line, so Workers Logs can index the
 * fields. Callers pass only what is safe to keep; `redact` is the last guard
 * against a secret slipping in under a tell-tale key.
 */
export type LogLevel = "debug" | "info" | "warn" | "error";

const SENSITIVE_KEY = /pass(word)?|secret|token|api[_-]?key|authorization|cookie|encryption/i;

export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = SENSITIVE_KEY.test(key) ? "[redacted]" : value;
  }
  return out;
}

export function log(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, time: new Date().toISOString(), ...redact(fields) });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

/** What of an unknown error may be logged: its name and message, never a stack with values. */
export function describeError(err: unknown): { error_name: string; error_message: string } {
  if (err instanceof Error) return { error_name: err.name, error_message: err.message.slice(0, 300) };
  return { error_name: typeof err, error_message: String(err).slice(0, 300) };
}

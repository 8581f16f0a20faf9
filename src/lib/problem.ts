import type { Localized } from "./i18n";

/** Stable machine codes clients switch on (SPEC: Conventions → Errors). */
export const PROBLEM_CODES = {
  VALIDATION_FAILED: { status: 400, title: "Validation failed", en: "The request is not valid. Check the fields listed in errors.", ko: "요청이 올바르지 않습니다. errors에 표시된 항목을 확인해 주세요." },
  UNAUTHENTICATED: { status: 401, title: "Unauthenticated", en: "You need to sign in to do this.", ko: "로그인이 필요합니다." },
  TOKEN_EXPIRED: { status: 401, title: "Token expired", en: "Your session has expired. Sign in again or refresh your token.", ko: "세션이 만료되었습니다. 다시 로그인하거나 토큰을 갱신해 주세요." },
  FORBIDDEN: { status: 403, title: "Forbidden", en: "You are not allowed to do this.", ko: "이 작업을 할 권한이 없습니다." },
  NOT_FOUND: { status: 404, title: "Not found", en: "There is nothing at this address.", ko: "요청한 주소에 해당하는 항목이 없습니다." },
  METHOD_NOT_ALLOWED: { status: 405, title: "Method not allowed", en: "This address does not accept that method.", ko: "이 주소는 해당 메서드를 지원하지 않습니다." },
  CHARACTER_NOT_FOUND: { status: 404, title: "Character not found", en: "No character with that name or id exists.", ko: "해당 이름이나 ID의 캐릭터가 없습니다." },
  NO_DATA: { status: 404, title: "No data", en: "There is no data for this character on that date.", ko: "해당 날짜에 이 캐릭터의 데이터가 없습니다." },
  CONFLICT: { status: 409, title: "Conflict", en: "This conflicts with something that already exists.", ko: "이미 존재하는 항목과 충돌합니다." },
  NEXON_KEY_REQUIRED: { status: 409, title: "NEXON API key required", en: "Register your own NEXON Open API key first.", ko: "먼저 본인의 NEXON Open API 키를 등록해 주세요." },
  NEXON_KEY_INVALID: { status: 400, title: "NEXON API key invalid", en: "NEXON did not accept this API key.", ko: "NEXON에서 이 API 키를 인정하지 않았습니다." },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large", en: "The request body is larger than 64 KiB.", ko: "요청 본문이 64KiB를 넘습니다." },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type", en: "Send the request body as JSON (Content-Type: application/json).", ko: "요청 본문은 JSON(Content-Type: application/json)으로 보내 주세요." },
  RATE_LIMITED: { status: 429, title: "Too many requests", en: "Too many requests. Wait a moment and try again.", ko: "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요." },
  INTERNAL: { status: 500, title: "Internal error", en: "Something went wrong on our side. Try again later.", ko: "서버에서 문제가 발생했습니다. 잠시 후 다시 시도해 주세요." },
  MISCONFIGURED: { status: 500, title: "Service misconfigured", en: "The service is not configured correctly. Try again later.", ko: "서비스 설정에 문제가 있습니다. 잠시 후 다시 시도해 주세요." },
  UPSTREAM_BAD_RESPONSE: { status: 502, title: "Bad upstream response", en: "NEXON sent an answer we could not read. Try again later.", ko: "NEXON의 응답을 읽을 수 없습니다. 잠시 후 다시 시도해 주세요." },
  UPSTREAM_UNAVAILABLE: { status: 502, title: "Upstream unavailable", en: "NEXON's servers are not answering properly. Try again later.", ko: "NEXON 서버가 정상적으로 응답하지 않습니다. 잠시 후 다시 시도해 주세요." },
  UPSTREAM_RATE_LIMITED: { status: 503, title: "Upstream rate limited", en: "NEXON is limiting our requests right now. Try again shortly.", ko: "지금은 NEXON 요청 한도에 걸렸습니다. 잠시 후 다시 시도해 주세요." },
  UPSTREAM_MAINTENANCE: { status: 503, title: "Upstream maintenance", en: "MapleStory or the NEXON Open API is under maintenance.", ko: "메이플스토리 또는 NEXON Open API가 점검 중입니다." },
  DATA_NOT_READY: { status: 503, title: "Data not ready", en: "NEXON is still preparing this data. Try again later.", ko: "NEXON에서 아직 데이터를 준비 중입니다. 잠시 후 다시 시도해 주세요." },
  UPSTREAM_TIMEOUT: { status: 504, title: "Upstream timeout", en: "NEXON took too long to answer. Try again later.", ko: "NEXON 응답이 너무 늦습니다. 잠시 후 다시 시도해 주세요." },
} as const satisfies Record<string, { status: number; title: string } & Localized>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemOptions {
  /** Overrides the code's default sentence. */
  detail?: Localized;
  /** Overrides the code's default status (rarely needed). */
  status?: number;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members for the body, e.g. `valid_sections`. Never secrets. */
  extra?: Record<string, unknown>;
  /** The upstream's own error answer behind this problem (status and body text), which the NEXON-compatible gateway passes on. */
  upstream?: UpstreamErrorAnswer;
  cause?: unknown;
}

/** An upstream error as it came: `{"error":{"name":"OPENAPI000NN","message":…}}` with its status. */
export interface UpstreamErrorAnswer {
  status: number;
  text: string;
}

/** The one error type handlers throw; the error handler turns it into problem+json. */
export class ProblemError extends Error {
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: Localized;
  readonly errors?: FieldError[];
  readonly headers: Record<string, string>;
  readonly extra?: Record<string, unknown>;
  readonly upstream?: UpstreamErrorAnswer;

  constructor(code: ProblemCode, options: ProblemOptions = {}) {
    const def = PROBLEM_CODES[code];
    super(options.detail?.en ?? def.en, { cause: options.cause });
    this.name = "ProblemError";
    this.code = code;
    this.status = options.status ?? def.status;
    this.detail = options.detail ?? { en: def.en, ko: def.ko };
    this.errors = options.errors;
    this.headers = options.headers ?? {};
    this.extra = options.extra;
    this.upstream = options.upstream;
  }
}

export function isProblem(err: unknown, code?: ProblemCode): err is ProblemError {
  return err instanceof ProblemError && (code === undefined || err.code === code);
}

export const problemTypeUri = (code: ProblemCode) =>
  `https://maplestorage.dev/problems/${code.toLowerCase().replaceAll("_", "-")}`;

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  request_id: string;
  errors?: FieldError[];
  [extra: string]: unknown;
}

export function problemBody(err: ProblemError, language: "en" | "ko", requestId: string): ProblemBody {
  return {
    ...err.extra,
    type: problemTypeUri(err.code),
    title: PROBLEM_CODES[err.code].title,
    status: err.status,
    detail: err.detail[language],
    code: err.code,
    request_id: requestId,
    ...(err.errors ? { errors: err.errors } : {}),
  };
}

/** A 400 VALIDATION_FAILED for one field, with a sentence in both languages. */
export function invalidField(path: string, detail: Localized): ProblemError {
  return new ProblemError("VALIDATION_FAILED", { detail, errors: [{ path, message: detail.en }] });
}

/** A problem as plain data: what crosses an RPC boundary (a profile child's failed section). */
export interface ProblemData {
  code: ProblemCode;
  status: number;
  detail: Localized;
  headers: Record<string, string>;
  errors?: FieldError[];
  extra?: Record<string, unknown>;
}

export const problemData = ({ code, status, detail, headers, errors, extra }: ProblemError): ProblemData => ({ code, status, detail, headers, errors, extra });

export const problemFromData = (data: ProblemData): ProblemError => new ProblemError(data.code, data);

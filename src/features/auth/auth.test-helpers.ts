/**
 * Test helpers for features behind sign-in: a fresh user, signed in, in one call.
 * Every call uses its own client IP so per-client limits of one test never
 * affect another.
 */
import { expect } from "vitest";
import { call, jsonInit } from "../../../test/helpers";

export const TEST_PASSWORD = "correct-horse-battery";

export interface TokenPairBody {
  access_token: string;
  refresh_token: string;
  token_type: string;
  expires_in: number;
}

export interface RegisteredUser {
  id: string;
  username: string;
  email: string;
  password: string;
}

export interface SignedInUser extends RegisteredUser {
  tokens: TokenPairBody;
  /** `Authorization: Bearer <access token>` */
  auth: Record<string, string>;
}

export function randomIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

export function uniqueUsername(prefix = "user"): string {
  return `${prefix.slice(0, 10)}_${crypto.randomUUID().slice(0, 8)}`;
}

export const bearer = (accessToken: string) => ({ Authorization: `Bearer ${accessToken}` });

/** `call` from a client of its own, so per-client rate limits never couple tests. */
export function callFromNewClient(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("CF-Connecting-IP")) headers.set("CF-Connecting-IP", randomIp());
  return call(path, { ...init, headers });
}

export async function registerUser(overrides: Partial<Omit<RegisteredUser, "id">> = {}): Promise<RegisteredUser> {
  const username = overrides.username ?? uniqueUsername();
  const body = {
    username,
    email: overrides.email ?? `${username.toLowerCase()}@example.com`,
    password: overrides.password ?? TEST_PASSWORD,
  };
  const res = await call("/v1/auth/register", jsonInit("POST", body, { "CF-Connecting-IP": randomIp() }));
  expect(res.status).toBe(201);
  const user = (await res.json()) as { id: string; email: string };
  return { ...body, id: user.id, email: user.email };
}

/** POST /v1/auth/token; returns the raw response. */
export function requestToken(body: Record<string, unknown>, ip = randomIp()): Promise<Response> {
  return call("/v1/auth/token", jsonInit("POST", body, { "CF-Connecting-IP": ip }));
}

export async function signIn(user: { username: string; password: string }): Promise<TokenPairBody> {
  const res = await requestToken({ username: user.username, password: user.password });
  expect(res.status).toBe(200);
  return (await res.json()) as TokenPairBody;
}

/** A new account, signed in once. */
export async function signedInUser(overrides: Partial<Omit<RegisteredUser, "id">> = {}): Promise<SignedInUser> {
  const user = await registerUser(overrides);
  const tokens = await signIn(user);
  return { ...user, tokens, auth: bearer(tokens.access_token) };
}

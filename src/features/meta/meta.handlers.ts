import type { RouteHandler } from "@hono/zod-openapi";
import type { Context } from "hono";
import { version } from "../../../package.json";
import type { AppEnv } from "../../env";
import { describeError, log } from "../../lib/logging";
import type { healthRoute } from "./meta.routes";

export const VERSION: string = version;

async function check(name: string, probe: () => Promise<unknown>): Promise<"ok" | "fail"> {
  try {
    await probe();
    return "ok";
  } catch (err) {
    log("warn", "health_check_failed", { check: name, ...describeError(err) });
    return "fail";
  }
}

export const health: RouteHandler<typeof healthRoute, AppEnv> = async (c) => {
  const [d1, kv] = await Promise.all([
    check("d1", () => c.env.DB.prepare("SELECT 1").first()),
    check("kv", () => c.env.CACHE.get("health:probe")),
  ]);
  const ok = d1 === "ok" && kv === "ok";
  c.header("Cache-Control", "no-store");
  return c.json({ status: ok ? "ok" : "degraded", version: VERSION, checks: { d1, kv } } as const, ok ? 200 : 503);
};

/** The docs page: markup only; scripts and styles are our own static assets. */
export function docsPage(c: Context<AppEnv>) {
  c.header("Cache-Control", "public, max-age=300");
  return c.html(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MapleStorage API docs</title>
<link rel="icon" href="/docs/vendor/favicon-32x32.png">
<link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/vendor/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>`);
}

/** Static files under /docs/ come from the ASSETS binding, after our middleware ran. */
export async function docsAsset(c: Context<AppEnv>) {
  const res = await c.env.ASSETS.fetch(c.req.raw);
  if (res.status === 404) return c.notFound();
  return new Response(res.body, res);
}

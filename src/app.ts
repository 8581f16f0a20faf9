import { requestId } from "hono/request-id";
import { timing } from "hono/timing";
import { methodNotAllowed } from "hono/method-not-allowed";
import { VERSION } from "./features/meta/meta.handlers";
import { metaRoutes } from "./features/meta/meta.index";
import { authRoutes } from "./features/auth/auth.index";
import { meRoutes } from "./features/me/me.index";
import { characterRoutes } from "./features/characters/characters.index";
import { imageRoutes } from "./features/images/images.index";
import { guildRoutes } from "./features/guilds/guilds.index";
import { noticeRoutes } from "./features/notices/notices.index";
import { rankingRoutes } from "./features/rankings/rankings.index";
import { trackingRoutes } from "./features/tracking/tracking.index";
import { GATEWAY_TAG, gatewayRoutes } from "./features/gateway/gateway.index";
import { markSampleData } from "./middleware/sample";
import { preferredLanguage } from "./lib/i18n";
import { BEARER_AUTH, createRouter } from "./lib/openapi";
import { limitBody, requireJsonBody } from "./middleware/body";
import { methodNotAllowedProblem, notFound, onError } from "./middleware/errors";
import { observe } from "./middleware/observe";
import { services } from "./middleware/services";
import { deferUntilDelivered } from "./runtime/deferred";
import { rateLimitClients } from "./middleware/rate-limit";
import { corsFromConfig, securityHeaders, sharedRequestId } from "./middleware/security";

export const OPENAPI_INFO = {
  title: "MapleStorage API",
  version: VERSION,
  description:
    "MapleStory data from the NEXON Open API, cached at the edge: whole character profiles in one call, " +
    "user accounts with JWT sessions, a user's own NEXON accounts and history, and progress tracking. " +
    "Errors are RFC 9457 problem details (application/problem+json) with a stable `code`.",
  contact: { name: "MapleStorage", url: "https://maplestorage.dev" },
  // The service's code is not published; what a client may do with the data is NEXON's to say.
  license: { name: "Data from the NEXON Open API, under its terms", url: "https://openapi.nexon.com" },
};

/** Builds the whole API: cross-cutting middleware once, then every feature's routes. */
export function createApp() {
  const app = createRouter();

  // Order matters: the request id and language exist before anything can fail,
  // so every problem carries them; the services before what uses them; observe
  // wraps everything it measures, and its log line waits for whatever waits
  // for the response's delivery (deferUntilDelivered); inside it, sharedRequestId
  // swaps a caller's id on a shareable answer before the line is written.
  app.use(
    "*",
    requestId({ limitLength: 128 }),
    async (c, next) => {
      c.set("language", preferredLanguage(c.req.header("accept-language")));
      await next();
    },
    services,
    timing({ autoEnd: true }),
    observe,
    sharedRequestId,
    deferUntilDelivered,
    securityHeaders,
    corsFromConfig,
    limitBody,
    requireJsonBody,
    markSampleData,
  );
  // After CORS, so preflights are free and 429s carry CORS headers.
  app.use("/v1/*", rateLimitClients);
  app.use("*", methodNotAllowed({ app, onMethodNotAllowed: methodNotAllowedProblem }));

  app.route("/", metaRoutes);
  app.route("/", authRoutes);
  app.route("/", meRoutes);
  app.route("/", characterRoutes);
  app.route("/", imageRoutes);
  app.route("/", guildRoutes);
  app.route("/", rankingRoutes);
  app.route("/", noticeRoutes);
  app.route("/", trackingRoutes);
  app.route("/", gatewayRoutes);

  app.openAPIRegistry.registerComponent("securitySchemes", BEARER_AUTH, {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "An access token from POST /v1/auth/token.",
  });
  app.doc31("/openapi.json", (c) => ({
    openapi: "3.1.0",
    info: OPENAPI_INFO,
    servers: [{ url: new URL(c.req.url).origin }],
    // Public by default; routes behind sign-in declare BEARER_AUTH themselves.
    security: [],
    tags: [
      { name: "Meta", description: "Health and documentation" },
      { name: "Auth", description: "Accounts and sessions" },
      { name: "Me", description: "The signed-in user's own data" },
      { name: "Characters", description: "Public character data" },
      { name: "Guilds", description: "Public guild data" },
      { name: "Rankings", description: "Public rankings" },
      { name: "Notices", description: "Official notices" },
      { name: "Tracking", description: "Tracked characters and progress" },
      GATEWAY_TAG,
    ],
  }));

  app.notFound(notFound);
  app.onError(onError);
  return app;
}

export type App = ReturnType<typeof createApp>;

import { z } from "@hono/zod-openapi";
import { defineRoute, problemResponses } from "../../lib/openapi";
import { LINK_HEADER, pageSchema, paginationQuery } from "../../lib/pagination";
import { wholeNumberParam } from "../../lib/number-param";
import { bodySchemaFor, endpoint } from "../../upstream/endpoints";
import { EXAMPLES } from "../../upstream/examples";
import { UPSTREAM_EXAMPLES } from "../../upstream/examples.generated";
import { characterNameParam, worldNameParam } from "../../upstream/params";
import { CHARACTER_SORTS } from "./characters.query";
import { signedIn } from "./me.routes";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } } });

const NEEDS_KEY = "Needs a registered NEXON key (409 NEXON_KEY_REQUIRED otherwise).";

const characterFields = {
  ocid: z.string().openapi({ example: EXAMPLES.kms.ocid }),
  character_name: z.string().openapi({ example: EXAMPLES.kms.character_name }),
  world_name: z.string().openapi({ example: EXAMPLES.kms.world_name }),
  character_class: z.string().openapi({ example: "히어로" }),
  character_level: z.number().int().openapi({ example: 285 }),
};

const AccountCharacterSchema = z.object(characterFields).openapi("MyAccountCharacter");

const AccountsSchema = z
  .object({
    items: z.array(
      z
        .object({ account_id: z.string(), characters: z.array(AccountCharacterSchema) })
        .openapi("MyNexonAccount"),
    ),
    synced_at: z.string().openapi({ format: "date-time", description: "When the list was last pulled from NEXON" }),
  })
  .openapi("MyNexonAccounts");

const MyCharacterSchema = z
  .object({ account_id: z.string(), ...characterFields })
  .openapi("MyCharacter");

const levelParam = (description: string) => wholeNumberParam(1, 300, description).optional();

const CharacterListQuerySchema = z
  .object({
    ...paginationQuery,
    world_name: worldNameParam.optional(),
    character_class: z
      .string()
      .trim()
      .min(1, "must not be empty")
      .max(30, "must be at most 30 characters")
      .optional()
      .openapi({ description: "Exact class name, e.g. 히어로" }),
    min_level: levelParam("Lowest level (1–300)"),
    max_level: levelParam("Highest level (1–300), at least min_level"),
    q: characterNameParam.optional().openapi({ description: "Name prefix (case-sensitive)", example: "메이플" }),
    sort: z
      .enum(CHARACTER_SORTS)
      .default("-character_level")
      .openapi({ description: "Order; `-` means descending. Ties: by name, then stable." }),
  })
  .superRefine((q, ctx) => {
    if (q.min_level !== undefined && q.max_level !== undefined && q.min_level > q.max_level) {
      ctx.addIssue({ code: "custom", path: ["max_level"], message: "must be at least min_level" });
    }
  });

export const accountsRoute = defineRoute({
  ...signedIn,
  method: "get",
  path: "/v1/me/accounts",
  operationId: "getMyAccounts",
  summary: "Your Nexon accounts and their characters",
  description:
    `${NEEDS_KEY} From NEXON's character list for your key, stored and pulled again at most hourly; ` +
    "`refresh=true` pulls it now (rate-limited). A key NEXON stopped accepting is 400 NEXON_KEY_INVALID.",
  request: {
    query: z.object({
      refresh: z.enum(["true", "false"]).optional().openapi({ description: "`true` pulls the list from NEXON now" }),
    }),
  },
  responses: {
    200: { description: "Accounts, each with its characters (highest level first)", ...json(AccountsSchema) },
    ...problemResponses(400, 401, 409, 429, 500, 502, 503, 504),
  },
});

export const charactersRoute = defineRoute({
  ...signedIn,
  method: "get",
  path: "/v1/me/characters",
  operationId: "listMyCharacters",
  summary: "Your characters, filtered and paged",
  description:
    `${NEEDS_KEY} Every character of your stored accounts (pulled from NEXON first if never pulled; ` +
    "GET /v1/me/accounts?refresh=true pulls again).",
  request: { query: CharacterListQuerySchema },
  responses: {
    200: {
      description: "One page of characters",
      headers: LINK_HEADER,
      ...json(pageSchema(MyCharacterSchema, "MyCharacterPage")),
    },
    ...problemResponses(400, 401, 409, 429, 500, 502, 503, 504),
  },
});

export const ACHIEVEMENTS = endpoint("account", "achievements");

export const achievementsRoute = defineRoute({
  ...signedIn,
  method: "get",
  path: "/v1/me/achievements",
  operationId: "getMyAchievements",
  summary: "Your achievements",
  description: `${NEEDS_KEY} NEXON's achievement list for your key, as NEXON sends it; never cached.`,
  responses: {
    200: {
      description: "Achievements per account",
      content: { "application/json": { schema: bodySchemaFor(ACHIEVEMENTS), example: UPSTREAM_EXAMPLES[ACHIEVEMENTS.path]?.kms } },
    },
    ...problemResponses(400, 401, 409, 429, 500, 502, 503, 504),
  },
});

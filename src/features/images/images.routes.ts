import { z } from "@hono/zod-openapi";
import { defineRoute, problemResponses } from "../../lib/openapi";
import { dateParam, ocidParam, regionParam } from "../../upstream/params";
import { imageQuerySchema } from "./images.params";
import { IMAGE_MAX_AGE_SECONDS } from "./images.service";

export const imageRoute = defineRoute({
  method: "get",
  path: "/v1/characters/{ocid}/image",
  tags: ["Characters"],
  operationId: "getCharacterImage",
  cacheable: true,
  summary: "A character's look as a PNG",
  description:
    "The picture behind the `character_image` of the character's `basic` section (on `date`, or the latest), drawn by NEXON " +
    "with the given pose, expression, weapon motion, canvas and position. Every parameter is checked against the upstream's " +
    "documented values before any call. Cached at the edge for a day; a cached copy costs no upstream call. " +
    `A look's picture never changes: \`Cache-Control: public, max-age=${IMAGE_MAX_AGE_SECONDS}\`, a strong ETag of the PNG bytes. ` +
    "An unknown ocid is 404 CHARACTER_NOT_FOUND, a day without data 404 NO_DATA, a character without an image 404 NOT_FOUND.",
  request: {
    params: z.object({ ocid: ocidParam }),
    query: z.object({ region: regionParam, date: dateParam.optional(), ...imageQuerySchema }),
  },
  responses: {
    200: {
      description: "The character's look",
      content: { "image/png": { schema: z.string().openapi({ format: "binary", description: "PNG bytes" }) } },
    },
    ...problemResponses(400, 404, 429, 500, 502, 503, 504),
  },
});

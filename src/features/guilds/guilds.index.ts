import { createRouter } from "../../lib/openapi";
import { getGuild, lookupGuild } from "./guilds.handlers";
import { guildBasicRoute, guildLookupRoute } from "./guilds.routes";

export const guildRoutes = createRouter().openapi(guildLookupRoute, lookupGuild).openapi(guildBasicRoute, getGuild);

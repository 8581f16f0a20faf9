import type { RouteHandler } from "@hono/zod-openapi";
import { respondLoaded } from "../../cache/respond";
import type { AppEnv } from "../../env";
import { refreshRequested } from "../auth/refresh";
import { endpoint } from "../../upstream/endpoints";
import type { noticeDetailRoute, noticeListRoute } from "./notices.routes";

export const listNotices: RouteHandler<typeof noticeListRoute, AppEnv> = async (c) => {
  const { type } = c.req.valid("query");
  return respondLoaded(c, await c.var.services.cache.load({ def: endpoint("notice", type), region: "kms", params: {} }, { refresh: await refreshRequested(c) }));
};

export const getNotice: RouteHandler<typeof noticeDetailRoute, AppEnv> = async (c) => {
  const { type, notice_id } = c.req.valid("param");
  const loaded = await c.var.services.cache.load({ def: endpoint("notice-detail", type), region: "kms", params: { notice_id: String(notice_id) } }, { refresh: await refreshRequested(c) });
  // The detail body has no notice_id: keep the one that was asked for.
  return respondLoaded(c, loaded, { ...loaded.body, notice_id });
};

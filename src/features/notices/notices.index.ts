import { createRouter } from "../../lib/openapi";
import { getNotice, listNotices } from "./notices.handlers";
import { noticeDetailRoute, noticeListRoute } from "./notices.routes";

export const noticeRoutes = createRouter().openapi(noticeListRoute, listNotices).openapi(noticeDetailRoute, getNotice);

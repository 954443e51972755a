import type { RouteRecordRaw } from 'vue-router'

/** The graduate's screens, under /graduate; every route needs a signed-in graduate (meta.role). */
export const graduateRoutes: RouteRecordRaw[] = []

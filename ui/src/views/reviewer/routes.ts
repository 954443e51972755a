import type { RouteRecordRaw } from 'vue-router'

/** The reviewer's screens, under /reviewer; every route needs a signed-in reviewer (meta.role). */
export const reviewerRoutes: RouteRecordRaw[] = []

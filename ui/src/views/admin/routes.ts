import type { RouteRecordRaw } from 'vue-router'

/** The admin's screens, under /admin; every route needs a signed-in admin (meta.role). */
export const adminRoutes: RouteRecordRaw[] = []

import type { RouteRecordRaw } from 'vue-router'

/** The employer's screens, under /employer; every route needs a signed-in employer (meta.role). */
export const employerRoutes: RouteRecordRaw[] = []

import type { RouteRecordRaw } from 'vue-router'

/** The reviewer's screens, under /reviewer; every route needs a signed-in reviewer (meta.role). */
export const reviewerRoutes: RouteRecordRaw[] = [
  // Statistics (R-STAT-01), the same screen as the admin's, in the reviewer's scope.
  {
    path: '/reviewer/statistics',
    name: 'reviewer-statistics',
    component: () => import('../admin/StatisticsView.vue'),
    meta: { role: 'reviewer' },
  },
]

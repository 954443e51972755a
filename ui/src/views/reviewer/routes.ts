import type { RouteRecordRaw } from 'vue-router'

const role = { role: 'reviewer' }

/** The reviewer's screens, under /reviewer; every route needs a signed-in reviewer (meta.role). */
export const reviewerRoutes: RouteRecordRaw[] = [
  { path: '/reviewer', name: 'reviewer-home', component: () => import('./ReviewerHomeView.vue'), meta: role },
  { path: '/reviewer/items/:id', name: 'reviewer-item', component: () => import('./ReviewerItemView.vue'), meta: role },
  // Statistics (R-STAT-01), the same screen as the admin's, in the reviewer's scope.
  { path: '/reviewer/statistics', name: 'reviewer-statistics', component: () => import('../admin/StatisticsView.vue'), meta: role },
]

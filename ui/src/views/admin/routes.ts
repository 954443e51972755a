import type { RouteRecordRaw } from 'vue-router'

const role = { role: 'admin' }

/** The admin's screens, under /admin; every route needs a signed-in admin (meta.role). */
export const adminRoutes: RouteRecordRaw[] = [
  { path: '/admin', name: 'admin-home', component: () => import('./GraduatesView.vue'), meta: role },
  { path: '/admin/import', name: 'admin-import', component: () => import('./ImportView.vue'), meta: role },
  { path: '/admin/departments', name: 'admin-departments', component: () => import('./DepartmentsView.vue'), meta: role },
  { path: '/admin/cohorts', name: 'admin-cohorts', component: () => import('./CohortsView.vue'), meta: role },
  { path: '/admin/accounts', name: 'admin-accounts', component: () => import('./AccountsView.vue'), meta: role },
  { path: '/admin/outbox', name: 'admin-outbox', component: () => import('./OutboxView.vue'), meta: role },
  { path: '/admin/settings', name: 'admin-settings', component: () => import('./SettingsView.vue'), meta: role },
  { path: '/admin/statistics', name: 'admin-statistics', component: () => import('./StatisticsView.vue'), meta: role },
  // The reviewers' reason templates (a school setting; the view's texts are in i18n/reviewer.ts).
  { path: '/admin/reason-templates', name: 'admin-reason-templates', component: () => import('./ReasonTemplatesView.vue'), meta: role },
]

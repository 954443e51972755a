import type { RouteRecordRaw } from 'vue-router'

const role = { role: 'employer' }

/** The employer's screens, under /employer; every route needs a signed-in employer (meta.role),
 *  except the sign-up, reachable from the sign-in screen. */
export const employerRoutes: RouteRecordRaw[] = [
  { path: '/employer/sign-up', name: 'employer-sign-up', component: () => import('./EmployerSignUpView.vue') },
  { path: '/employer', name: 'employer-home', component: () => import('./EmployerHomeView.vue'), meta: role },
  { path: '/employer/invite', name: 'employer-invite', component: () => import('./EmployerInviteView.vue'), meta: role },
  { path: '/employer/items/:id', name: 'employer-item', component: () => import('./EmployerItemView.vue'), meta: role },
  { path: '/employer/profile', name: 'employer-profile', component: () => import('./EmployerProfileView.vue'), meta: role },
  { path: '/employer/messages', name: 'employer-messages', component: () => import('./EmployerMessagesView.vue'), meta: role },
]

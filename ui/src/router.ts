import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import type { UserRole } from '@/bindings/UserRole'
import { useAppStore } from '@/stores/app'
import { useSessionStore } from '@/stores/session'
import { adminRoutes } from '@/views/admin/routes'
import { employerRoutes } from '@/views/employer/routes'
import { graduateRoutes } from '@/views/graduate/routes'
import { reviewerRoutes } from '@/views/reviewer/routes'

/** The route name of each role's home (views/<role>/routes.ts names it `<role>-home`). */
const roleHome: Record<UserRole, string> = {
  graduate: 'graduate-home',
  employer: 'employer-home',
  department_reviewer: 'reviewer-home',
  school_reviewer: 'reviewer-home',
  school_admin: 'admin-home',
}

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'start', component: () => import('@/views/StartView.vue') },
      { path: '/welcome', name: 'first-start', component: () => import('@/views/FirstStartView.vue') },
      { path: '/setup', name: 'school-setup', component: () => import('@/views/SchoolSetupView.vue') },
      { path: '/connect', name: 'connect-server', component: () => import('@/views/ConnectServerView.vue') },
      { path: '/sign-in', name: 'sign-in', component: () => import('@/views/SignInView.vue') },
      { path: '/activate', name: 'activate', component: () => import('@/views/ActivateView.vue') },
      { path: '/home', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { signedIn: true } },
      ...graduateRoutes,
      ...employerRoutes,
      ...reviewerRoutes,
      ...adminRoutes,
    ],
  })
  router.beforeEach((to) => {
    const session = useSessionStore()
    if ((to.meta.signedIn || to.meta.role) && !session.signedIn) return { name: 'sign-in' }
    // Each role's workspace has its own home; /home sends the signed-in user there.
    const home = session.user ? roleHome[session.user.role] : undefined
    if (to.name === 'home' && home && router.hasRoute(home)) return { name: home }
    // A route of one role's workspace is closed to the others (the engine refuses them anyway).
    if (to.meta.role && session.user && roleHome[session.user.role] !== `${String(to.meta.role)}-home`) {
      return { name: 'home' }
    }
    if ((to.name === 'first-start' || to.name === 'school-setup') && useAppStore().firstStart === false) {
      return { name: 'sign-in' }
    }
    return true
  })
  return router
}

import { createRouter, createWebHashHistory, type Router } from 'vue-router'
import { useAppStore } from '@/stores/app'
import { useSessionStore } from '@/stores/session'

export function createAppRouter(): Router {
  const router = createRouter({
    history: createWebHashHistory(),
    routes: [
      { path: '/', name: 'start', component: () => import('@/views/StartView.vue') },
      { path: '/welcome', name: 'first-start', component: () => import('@/views/FirstStartView.vue') },
      { path: '/setup', name: 'school-setup', component: () => import('@/views/SchoolSetupView.vue') },
      { path: '/sign-in', name: 'sign-in', component: () => import('@/views/SignInView.vue') },
      { path: '/home', name: 'home', component: () => import('@/views/HomeView.vue'), meta: { signedIn: true } },
    ],
  })
  router.beforeEach((to) => {
    if (to.meta.signedIn && !useSessionStore().signedIn) return { name: 'sign-in' }
    if ((to.name === 'first-start' || to.name === 'school-setup') && useAppStore().firstStart === false) {
      return { name: 'sign-in' }
    }
    return true
  })
  return router
}

import type { RouteRecordRaw } from 'vue-router'

const role = { role: 'graduate' }

/** The graduate's screens, under /graduate; every route needs a signed-in graduate (meta.role).
 *  The public verify screen (R-VERIFY-01) is here too, without a role: reachable signed out. */
export const graduateRoutes: RouteRecordRaw[] = [
  { path: '/verify', name: 'verify', component: () => import('./VerifyView.vue') },
  {
    path: '/graduate',
    component: () => import('./GraduateLayout.vue'),
    meta: role,
    children: [
      { path: '', name: 'graduate-home', component: () => import('./HomeView.vue'), meta: role },
      { path: 'info', name: 'graduate-info', component: () => import('./InfoView.vue'), meta: role },
      { path: 'account', name: 'graduate-account', component: () => import('./AccountView.vue'), meta: role },
      { path: 'invitations', name: 'graduate-invitations', component: () => import('./InvitationsView.vue'), meta: role },
      { path: 'items/:id', name: 'graduate-item', component: () => import('./ItemView.vue'), meta: role, props: true },
      { path: 'registrations', name: 'graduate-registrations', component: () => import('./RegistrationsView.vue'), meta: role },
      { path: 'paper/new', name: 'graduate-paper-new', component: () => import('./PaperFormView.vue'), meta: role },
      { path: 'paper/:id/edit', name: 'graduate-paper-edit', component: () => import('./PaperFormView.vue'), meta: role, props: true },
      {
        path: 'offline/new',
        name: 'graduate-offline-new',
        component: () => import('./PaperFormView.vue'),
        meta: role,
        props: { offline: true },
      },
      {
        path: 'offline/:id/edit',
        name: 'graduate-offline-edit',
        component: () => import('./PaperFormView.vue'),
        meta: role,
        props: (r) => ({ id: r.params.id, offline: true }),
      },
      { path: 'destinations/new', name: 'graduate-destination-new', component: () => import('./DestinationFormView.vue'), meta: role },
      {
        path: 'destinations/:id/edit',
        name: 'graduate-destination-edit',
        component: () => import('./DestinationFormView.vue'),
        meta: role,
        props: true,
      },
      { path: 'messages', name: 'graduate-messages', component: () => import('./MessagesView.vue'), meta: role },
      { path: 'guide', name: 'graduate-guide', component: () => import('./GuideView.vue'), meta: role },
    ],
  },
]

import { createRouter, createWebHistory, type Router } from 'vue-router';
import type { Pinia } from 'pinia';
import type { MessageKey } from './i18n';
import { useSessionStore } from './stores/session';
import { embedding } from './embed/embedding';

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean;
    admin?: boolean;
    /** The page's name in the browser's title bar and tab. */
    title?: MessageKey;
  }
}

export function createAppRouter(pinia: Pinia): Router {
  const router = createRouter({
    history: createWebHistory(),
    routes: [
      { path: '/login', name: 'login', component: () => import('./views/LoginView.vue'), meta: { public: true, title: 'login.pageTitle' } },
      { path: '/forgot-password', name: 'forgot-password', component: () => import('./views/ForgotPasswordView.vue'), meta: { public: true, title: 'forgot.pageTitle' } },
      { path: '/reset-password', name: 'reset-password', component: () => import('./views/ResetPasswordView.vue'), meta: { public: true, title: 'reset.pageTitle' } },
      { path: '/', name: 'home', component: () => import('./views/HomeView.vue'), meta: { title: 'nav.home' } },
      { path: '/contacts', name: 'contacts', component: () => import('./views/ContactsView.vue'), meta: { title: 'nav.contacts' } },
      { path: '/history', name: 'history', component: () => import('./views/HistoryView.vue'), meta: { title: 'nav.history' } },
      { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { title: 'nav.settings' } },
      { path: '/admin/live', name: 'live', component: () => import('./views/admin/LiveCallsView.vue'), meta: { admin: true, title: 'nav.live' } },
      { path: '/admin/analytics', name: 'analytics', component: () => import('./views/admin/AnalyticsView.vue'), meta: { admin: true, title: 'nav.analytics' } },
      { path: '/admin/users', name: 'users', component: () => import('./views/admin/UsersView.vue'), meta: { admin: true, title: 'nav.users' } },
      { path: '/admin/numbers', name: 'numbers', component: () => import('./views/admin/NumbersView.vue'), meta: { admin: true, title: 'nav.numbers' } },
      { path: '/admin/billing', name: 'billing', component: () => import('./views/admin/BillingView.vue'), meta: { admin: true, title: 'nav.billing' } },
      { path: '/admin/rates', name: 'rates', component: () => import('./views/admin/RatesView.vue'), meta: { admin: true, title: 'nav.rates' } },
      { path: '/admin/audit', name: 'audit', component: () => import('./views/admin/AuditView.vue'), meta: { admin: true, title: 'nav.audit' } },
      { path: '/:rest(.*)*', redirect: '/' },
    ],
  });

  router.beforeEach(async (to) => {
    const session = useSessionStore(pinia);
    if (session.status === 'unknown') await session.restore().catch(() => false);
    if (to.meta.public) return session.status === 'signedIn' && to.name === 'login' ? '/' : true;
    if (session.status !== 'signedIn') return { name: 'login', query: to.fullPath === '/' ? {} : { next: to.fullPath } };
    if (to.meta.admin && (!session.isAdmin || embedding.embedded)) return '/';
    return true;
  });
  return router;
}

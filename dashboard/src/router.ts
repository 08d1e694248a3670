import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';

/** One entry per view; the hub serves index.html for every path, so history mode works on reload. */
export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'board', component: () => import('./views/StatusBoardView.vue'), meta: { title: 'Status board' } },
  { path: '/releases/:id', name: 'release', component: () => import('./views/ReleaseView.vue'), meta: { title: 'Release' }, props: true },
  { path: '/kpis', name: 'kpis', component: () => import('./views/KpisView.vue'), meta: { title: 'Live KPIs' } },
  { path: '/incidents', name: 'incidents', component: () => import('./views/IncidentsView.vue'), meta: { title: 'Incidents' } },
  { path: '/stabilization', name: 'stabilization', component: () => import('./views/StabilizationView.vue'), meta: { title: 'Stabilization' } },
  { path: '/connectors', name: 'connectors', component: () => import('./views/ConnectorsView.vue'), meta: { title: 'Connectors' } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
];

export function createAppRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  router.afterEach((to) => {
    const title = typeof to.meta['title'] === 'string' ? to.meta['title'] : undefined;
    document.title = title ? `${title} · Releasegraph` : 'Releasegraph';
  });
  return router;
}

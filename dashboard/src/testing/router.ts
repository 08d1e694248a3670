import { createMemoryHistory, createRouter, type Router } from 'vue-router';
import { routes } from '../router';

/** The dashboard's own routes in memory, for component tests that render links. */
export function testRouter(): Router {
  return createRouter({ history: createMemoryHistory(), routes });
}

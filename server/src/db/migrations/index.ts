import { ReleaseGraph20261126062026 } from './20261126062026-release-graph.js';

/** Every migration, in order. New ones come from `pnpm --filter @releasegraph/server migration:generate <Name>`. */
export const MIGRATIONS: Function[] = [ReleaseGraph20261126062026];

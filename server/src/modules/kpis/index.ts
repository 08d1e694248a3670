import { KpiSample } from './kpi-sample.entity.js';
import { KpiResolver } from './kpi.resolver.js';

/** KPI samples, series, live updates and the rollup signal. */
export const entities = [KpiSample];
export const resolvers = [KpiResolver] as const;

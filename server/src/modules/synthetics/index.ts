import { SyntheticResult } from './synthetic.entity.js';

/** Synthetic HTTP checks after deployments. */
export const entities = [SyntheticResult];
export const resolvers = [] as const;

import { ApiToken } from './api-token.entity.js';
import { AuthResolver } from './auth.resolver.js';

/** API tokens, roles and the viewer. */
export const entities = [ApiToken];
export const resolvers = [AuthResolver] as const;

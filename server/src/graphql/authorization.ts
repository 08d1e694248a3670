import { createMethodMiddlewareDecorator } from 'type-graphql';
import { type Permission, roleGrants } from '../modules/auth/roles.js';
import type { GraphContext } from './context.js';
import { ForbiddenError, UnauthenticatedError } from '../domain-errors.js';

/** Refuses the field unless the caller's role grants `permission` (FORBIDDEN, or UNAUTHENTICATED). */
export function RequirePermission(permission: Permission): MethodDecorator {
  return createMethodMiddlewareDecorator<GraphContext>(async ({ context }, next) => {
    const actor = context.actor;
    if (!actor) throw new UnauthenticatedError();
    if (!roleGrants(actor.role, permission)) throw new ForbiddenError(`role ${actor.role} does not grant ${permission}`);
    return next();
  });
}

import crypto from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Actor } from '../write/actor.js';
import type { Logger } from '../logger.js';
import type { Domain } from '../domain.js';
import { createLoaders, type Loaders } from './loaders.js';
import { UnauthenticatedError } from '../domain-errors.js';

/** What every resolver gets: who asks, the domain services, and this request's DataLoaders. */
export class GraphContext {
  readonly requestId = crypto.randomUUID();
  private loadersOfRequest: Loaders | undefined;

  constructor(
    readonly actor: Actor | null,
    readonly domain: Domain,
    private readonly db: DataSource,
    readonly log: Logger,
  ) {}

  /** Created on first use, discarded with the request: no cache outlives one operation. */
  get loaders(): Loaders {
    this.loadersOfRequest ??= createLoaders(this.db);
    return this.loadersOfRequest;
  }

  /** The caller; every operation is authenticated before it reaches a resolver. */
  get caller(): Actor {
    if (!this.actor) throw new UnauthenticatedError();
    return this.actor;
  }
}

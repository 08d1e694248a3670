import { AuditEntry } from './audit-entry.entity.js';
import { AuditResolver } from './audit.resolver.js';

/** The hash-chained audit trail (written only by the write path) and its queries. */
export const entities = [AuditEntry];
export const resolvers = [AuditResolver] as const;

import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { AuditEntry } from './audit-entry.entity.js';
import { AuditChainVerification, AuditEntryConnection, AuditEntryFilter } from './audit.types.js';

@Resolver(() => AuditEntry)
export class AuditResolver {
  @Query(() => AuditEntryConnection, { description: 'The audit trail, newest first.' })
  auditEntries(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => AuditEntryFilter, { nullable: true }) filter: AuditEntryFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.audit.list(filter, page);
  }

  @Query(() => AuditChainVerification, { description: 'Re-computes the hash chain of the whole audit trail.' })
  verifyAuditTrail(@Ctx() ctx: GraphContext) {
    return ctx.domain.audit.verify();
  }
}

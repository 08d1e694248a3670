import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Release } from '../releases/release.entity.js';
import { Service } from '../services/service.entity.js';
import { Incident } from './incident.entity.js';
import { IncidentConnection, IncidentFilter, Suspect } from './incident.types.js';

@Resolver(() => Incident)
export class IncidentResolver {
  @Query(() => IncidentConnection, { description: 'Incidents, newest first.' })
  incidents(
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => IncidentFilter, { nullable: true }) filter: IncidentFilter | null,
    @Ctx() ctx: GraphContext,
  ) {
    return ctx.domain.incidents.list(filter, page);
  }

  @FieldResolver(() => [Service])
  services(@Root() i: Incident, @Ctx() ctx: GraphContext) {
    return ctx.loaders.servicesOfIncident.load(i.id);
  }

  @FieldResolver(() => Release, { nullable: true })
  release(@Root() i: Incident, @Ctx() ctx: GraphContext) {
    return i.releaseId ? ctx.loaders.releaseById.load(i.releaseId) : null;
  }

  @FieldResolver(() => [Suspect], { description: 'Deployments ranked by the error evidence their versions carry in the incident window (most likely first).' })
  async suspects(@Root() i: Incident, @Ctx() ctx: GraphContext) {
    return (await ctx.loaders.correlationOfIncident.load(i.id)).suspects;
  }

  @FieldResolver(() => String, { description: 'The correlation in one sentence (says so when no new version carries errors).' })
  async correlationSummary(@Root() i: Incident, @Ctx() ctx: GraphContext) {
    return (await ctx.loaders.correlationOfIncident.load(i.id)).summary;
  }
}

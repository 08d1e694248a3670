import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { Node, entityOfId } from '../../graphql/node.js';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object of the release graph by its global id.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphContext): Promise<Node | null> | null {
    const l = ctx.loaders;
    const loaderOf: Record<string, { load(id: string): Promise<Node | null> } | undefined> = {
      service: l.serviceById,
      environment: l.environmentById,
      release: l.releaseById,
      change: l.changeById,
      commit: l.commitById,
      tag: l.tagById,
      pipeline_run: l.pipelineRunById,
      artifact: l.artifactById,
      deployment: l.deploymentById,
      incident: l.incidentById,
      success_criterion: l.criterionById,
      stabilization_window: l.windowById,
      escalation: l.escalationById,
    };
    const entity = entityOfId(id);
    const loader = entity ? loaderOf[entity] : undefined;
    return loader ? loader.load(id) : null;
  }
}

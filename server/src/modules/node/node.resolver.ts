import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { subjectTypeOfId, type SubjectType } from '../../events/subjects.js';
import { Node } from '../../graphql/node.js';

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object of the release graph by its global id.' })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphContext): Promise<Node | null> | null {
    const l = ctx.loaders;
    // By subject type (the registry in events/subjects.ts reads it from the id's entity segment).
    const loaderOf: Partial<Record<SubjectType, { load(id: string): Promise<Node | null> }>> = {
      Service: l.serviceById,
      Environment: l.environmentById,
      Release: l.releaseById,
      Change: l.changeById,
      Commit: l.commitById,
      GitTag: l.tagById,
      PipelineRun: l.pipelineRunById,
      Artifact: l.artifactById,
      Deployment: l.deploymentById,
      Incident: l.incidentById,
      SuccessCriterion: l.criterionById,
      StabilizationWindow: l.windowById,
      Escalation: l.escalationById,
    };
    const subject = subjectTypeOfId(id);
    const loader = subject ? loaderOf[subject] : undefined;
    return loader ? loader.load(id) : null;
  }
}

import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { GraphContext } from '../../graphql/context.js';
import { PageArgs } from '../../graphql/connection.js';
import { Change } from '../changes/change.entity.js';
import { Release } from '../releases/release.entity.js';
import { Commit, GitTag } from './commit.entity.js';
import { CommitConnection, CommitFilter, GitTagConnection, GitTagFilter } from './commit.types.js';

@Resolver(() => Commit)
export class CommitResolver {
  @Query(() => CommitConnection, { description: 'Commits, newest first.' })
  commits(@Args(() => PageArgs) page: PageArgs, @Arg('filter', () => CommitFilter, { nullable: true }) filter: CommitFilter | null, @Ctx() ctx: GraphContext) {
    return ctx.domain.commits.listCommits(filter, page);
  }

  @FieldResolver(() => [Change], { description: 'Changes whose keys the commit names.' })
  changes(@Root() c: Commit, @Ctx() ctx: GraphContext) {
    return ctx.loaders.changesByKey.loadMany(c.changeKeys).then((found) => found.filter((x): x is Change => x instanceof Change));
  }
}

@Resolver(() => GitTag)
export class GitTagResolver {
  @Query(() => GitTagConnection, { description: 'Git tags, newest first.' })
  tags(@Args(() => PageArgs) page: PageArgs, @Arg('filter', () => GitTagFilter, { nullable: true }) filter: GitTagFilter | null, @Ctx() ctx: GraphContext) {
    return ctx.domain.commits.listTags(filter, page);
  }

  @FieldResolver(() => Commit, { nullable: true, description: 'The tagged commit, when the hub has seen it.' })
  commit(@Root() t: GitTag, @Ctx() ctx: GraphContext) {
    return t.commitSha ? ctx.loaders.commitByRepositorySha.load(`${t.repository}\u0000${t.commitSha}`) : null;
  }

  @FieldResolver(() => Release, { nullable: true })
  release(@Root() t: GitTag, @Ctx() ctx: GraphContext) {
    return t.releaseId ? ctx.loaders.releaseById.load(t.releaseId) : null;
  }
}

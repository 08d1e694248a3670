import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { byId, entityMapper, environmentsThroughDeployments, groupBy, manyBy, through } from '../../graphql/loader-kit.js';
import { Change } from '../changes/change.entity.js';
import { Commit, GitTag } from '../commits/commit.entity.js';
import { Deployment } from '../deployments/deployment.entity.js';
import { Environment } from '../environments/environment.entity.js';
import { Incident } from '../incidents/incident.entity.js';
import { Artifact, PipelineRun } from '../pipelines/pipeline.entity.js';
import { Service } from '../services/service.entity.js';
import { Release, ReleaseServiceLink } from './release.entity.js';

export function releaseLoaders(db: DataSource) {
  const commit = entityMapper(db, Commit);
  return {
    releaseById: byId(db, Release),
    servicesOfRelease: through(db, ReleaseServiceLink, 'releaseId', 'serviceId', Service),
    changesOfRelease: manyBy(db, Change, 'releaseId'),
    tagsOfRelease: manyBy(db, GitTag, 'releaseId'),
    pipelinesOfRelease: manyBy(db, PipelineRun, 'releaseId'),
    artifactsOfRelease: manyBy(db, Artifact, 'releaseId'),
    deploymentsOfRelease: manyBy(db, Deployment, 'releaseId'),
    incidentsOfRelease: manyBy(db, Incident, 'releaseId'),
    /** Environments the release has deployments in, by name. */
    environmentsOfRelease: environmentsThroughDeployments(db, Environment, 'release_id'),
    /** Commits that name a change of the release, or that a tag of the release points at. */
    commitsOfRelease: new DataLoader<string, Commit[]>(async (releaseIds) => {
      const rows: Array<Record<string, unknown> & { owner_key: string }> = await db.query(
        `SELECT link.owner_key, c.* FROM (
           SELECT ch.release_id AS owner_key, c.id AS commit_id
             FROM change ch JOIN commit c ON c.change_keys @> ARRAY[ch.key] WHERE ch.release_id = ANY($1)
           UNION
           SELECT t.release_id, c.id
             FROM git_tag t JOIN commit c ON c.repository = t.repository AND c.sha = t.commit_sha WHERE t.release_id = ANY($1)
         ) link JOIN commit c ON c.id = link.commit_id
         ORDER BY c.committed_at, c.id`,
        [[...releaseIds]],
      );
      return groupBy(releaseIds, rows, (r) => [r.owner_key]).map((list) => list.map(commit.map));
    }),
  };
}

import type { Actor, Hub } from '@releasegraph/server';

type Domain = Hub['domain'];

/**
 * A release estate for the N+1 test and the benchmark: `releases` releases, each with two
 * services, two changes (each named by a commit), deployments to staging and prod, a pipeline
 * with gates, and an incident. Written through the domain services, as connectors do.
 */
export async function seedDashboardEstate(
  domain: Domain,
  { releases, actor, prefix = 'estate' }: { releases: number; actor: Actor; prefix?: string },
): Promise<string[]> {
  const staging = await domain.environments.create(actor, { name: `staging-${prefix}`, tier: 'STAGING' as never });
  const prod = await domain.environments.create(actor, { name: `prod-${prefix}`, tier: 'PROD' as never });
  const ids: string[] = [];
  for (let i = 0; i < releases; i++) {
    const web = await domain.services.create(actor, { name: `${prefix}-web-${i}` });
    const api = await domain.services.create(actor, { name: `${prefix}-api-${i}`, dependsOn: [web.id] });
    const release = await domain.releases.create(actor, { name: `${prefix}-release-${i}`, version: `1.${i}.0`, serviceIds: [web.id, api.id] });
    for (let c = 0; c < 2; c++) {
      const key = `${prefix.toUpperCase().replace(/[^A-Z]/g, '') || 'EST'}-${i * 10 + c + 1}`;
      await domain.changes.create(actor, { key, title: `change ${key}`, releaseId: release.id, serviceIds: [api.id] });
      const sha = `${i.toString(16).padStart(4, '0')}${c}${prefix}`.padEnd(40, '0').slice(0, 40);
      await domain.commits.recordCommits(actor, [
        {
          id: `git:commit:${sha}`,
          sha,
          repository: `acme/${prefix}`,
          message: `${key}: work`,
          author: 'dev',
          committedAt: new Date(),
          changeKeys: [key],
          originConnector: 'git',
          originEntity: 'commit',
          originId: sha,
        },
      ]);
    }
    for (const env of [staging, prod]) {
      await domain.deployments.create(actor, {
        serviceId: api.id,
        environmentId: env.id,
        version: `1.${i}.0`,
        releaseId: release.id,
        status: 'SUCCEEDED' as never,
      });
    }
    await domain.pipelines.recordRun(actor, {
      id: `ci:pipeline_run:${prefix}-${i}`,
      provider: 'github',
      externalId: `${prefix}-${i}`,
      status: 'SUCCEEDED' as never,
      releaseId: release.id,
      serviceId: api.id,
      gates: [{ name: 'tests', kind: 'TESTS' as never, status: 'PASSED' as never }],
      originConnector: 'ci',
      originEntity: 'workflow_run',
      originId: `${prefix}-${i}`,
    });
    await domain.incidents.record(actor, {
      id: `pd:incident:${prefix}-${i}`,
      key: `PD-${prefix}-${i}`,
      title: 'latency',
      severity: 'SEV3' as never,
      status: 'RESOLVED' as never,
      openedAt: new Date(),
      releaseId: release.id,
      serviceIds: [api.id],
      originConnector: 'pd',
      originEntity: 'incident',
      originId: `${prefix}-${i}`,
    });
    ids.push(release.id);
  }
  return ids;
}

import type { Actor, Hub } from '@releasegraph/server';
import { commitRecord, incidentRecord, ingest, pipelineRunRecord } from './records.js';

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
      await ingest(domain, actor, 'git', { commits: [commitRecord({ sha, repository: `acme/${prefix}`, message: `${key}: work`, changeKeys: [key] })] });
    }
    let prodDeployment = '';
    for (const env of [staging, prod]) {
      const d = await domain.deployments.create(actor, {
        serviceId: api.id,
        environmentId: env.id,
        version: `1.${i}.0`,
        releaseId: release.id,
        status: 'SUCCEEDED' as never,
      });
      prodDeployment = d.id;
    }
    await ingest(domain, actor, 'ci', {
      pipelineRuns: [
        pipelineRunRecord({
          provider: 'ci',
          externalId: `${prefix}-${i}`,
          releaseVersion: `1.${i}.0`,
          service: api.name,
          gates: [{ name: 'tests', kind: 'TESTS', status: 'PASSED' }],
        }),
      ],
      incidents: [incidentRecord({ sourceId: `${prefix}-${i}`, key: `PD-${prefix}-${i}`, title: 'latency', status: 'RESOLVED', services: [api.name] })],
    });
    // Pages name services, not releases: the incident joins the release the way the hub links them.
    await domain.writes.run(actor, (tx) => domain.incidents.linkRelease(tx, `pagerduty:incident:${prefix}-${i}`, release.id, prodDeployment, 'seeded'));
    ids.push(release.id);
  }
  return ids;
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@releasegraph/server';
import { gqlOk, present } from '../src/client.js';
import { graphql } from '../src/gql/index.js';
import { ADMIN_TOKEN, startTestHub, type TestHub } from '../src/hub.js';

let hub: TestHub;
const admin = { id: 'test', name: 'auditor-test', role: Role.ADMIN };

const VERIFY_AUDIT_TRAIL = graphql(`
  query SchemaAndAuditVerify {
    verifyAuditTrail {
      intact
      entries
      firstBrokenSeq
    }
  }
`);
const VERIFY_AUDIT_TRAIL_BREAK = graphql(`
  query SchemaAndAuditFirstBreak {
    verifyAuditTrail {
      intact
      firstBrokenSeq
    }
  }
`);
const ONE_RELEASE = graphql(`
  query SchemaAndAuditOneRelease {
    releases(first: 1) {
      edges {
        cursor
      }
    }
  }
`);

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('the schema comes from migrations', () => {
  it('the migrated database is exactly what the entities describe', async () => {
    const pending = await hub.db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('has an index for every foreign key', async () => {
    const unindexed = await hub.db.query(`
      SELECT c.conrelid::regclass::text AS table_name, c.conname
        FROM pg_constraint c
       WHERE c.contype = 'f'
         AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid AND (i.indkey::int2[])[0] = c.conkey[1])`);
    expect(unindexed).toEqual([]);
  });
});

describe('the audit trail is tamper-evident', () => {
  it('verifies while untouched, and points at the first edited entry', async () => {
    for (let i = 0; i < 5; i++) await hub.domain.releases.create(admin, { name: 'audited', version: `${i}.0.0` });
    const ok = await gqlOk(hub.url, VERIFY_AUDIT_TRAIL, {}, ADMIN_TOKEN);
    expect(ok.verifyAuditTrail).toMatchObject({ intact: true, firstBrokenSeq: null });
    expect(ok.verifyAuditTrail.entries).toBeGreaterThanOrEqual(6);

    const victim = present(
      (await hub.db.query<{ seq: string }[]>(`SELECT seq::text FROM audit_entry WHERE action = 'release.created' ORDER BY seq LIMIT 1 OFFSET 2`))[0],
      'a third release.created entry',
    );
    await hub.db.query(`UPDATE audit_entry SET actor = 'someone-else' WHERE seq = $1`, [victim.seq]);
    const broken = await gqlOk(hub.url, VERIFY_AUDIT_TRAIL_BREAK, {}, ADMIN_TOKEN);
    expect(broken.verifyAuditTrail).toEqual({ intact: false, firstBrokenSeq: victim.seq });
  });
});

describe('operations endpoints', () => {
  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    expect(await (await fetch(`${hub.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${hub.url}/readyz`)).json()).toEqual({ status: 'ready' });
    await gqlOk(hub.url, ONE_RELEASE, {}, ADMIN_TOKEN);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/^# HELP releasegraph_sql_statements_total/m);
    expect(metrics).toMatch(/releasegraph_http_request_duration_seconds_count\{[^}]*route="\/graphql"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/releasegraph_sql_statements_per_request_bucket/);
  });
});

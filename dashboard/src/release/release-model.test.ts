import { describe, expect, it } from 'vitest';
import { checkout, checkoutAudit, deployment } from './release-fixtures';
import {
  auditNewestFirst,
  compareSeq,
  connectedNodes,
  criterionScope,
  criterionText,
  firstLine,
  fit,
  formatNumber,
  gatesText,
  layoutGraph,
  linkedLabels,
  observedText,
  releaseGraph,
  releaseTimeline,
  rollbackRows,
  shortDigest,
  suspectedDeployments,
} from './release-model';
import type { ReleaseDetail } from './release-source';

describe('releaseGraph', () => {
  it('links change → commit → pipeline → artifact → deployments → incident', () => {
    const graph = releaseGraph(checkout);
    expect(graph.links).toEqual([
      { source: 'changes:chg-1', target: 'commits:commit-1' },
      { source: 'commits:commit-1', target: 'pipelines:pipe-1' },
      { source: 'pipelines:pipe-1', target: 'artifacts:art-1' },
      { source: 'artifacts:art-1', target: 'deployments:dep-staging' },
      { source: 'artifacts:art-1', target: 'deployments:dep-prod' },
      { source: 'deployments:dep-prod', target: 'incidents:inc-1' },
    ]);
    const prod = graph.nodes.find((n) => n.id === 'deployments:dep-prod')!;
    expect(prod).toMatchObject({ label: 'checkout 2.4.0', detail: 'prod-eu · Succeeded · FAIL', tone: 'bad' });
    expect(graph.nodes.find((n) => n.id === 'changes:chg-1')).toMatchObject({ detail: 'Implement · High risk · Approved', tone: 'good' });
    expect(linkedLabels(graph, 'artifacts:art-1', 'to')).toEqual(['checkout 2.4.0', 'checkout 2.4.0']);
    expect(linkedLabels(graph, 'artifacts:art-1', 'from')).toEqual(['github · checkout']);
  });

  it('links a commit by the change key in its message and a pipeline by a short sha', () => {
    const release: ReleaseDetail = {
      ...checkout,
      commits: [{ ...checkout.commits[0]!, changes: [] }],
      pipelines: [{ ...checkout.pipelines[0]!, commitSha: 'a1b2c3d' }],
    };
    const { links } = releaseGraph(release);
    expect(links).toContainEqual({ source: 'changes:chg-1', target: 'commits:commit-1' });
    expect(links).toContainEqual({ source: 'commits:commit-1', target: 'pipelines:pipe-1' });
  });

  it('without suspects, links an incident to the newest deployment of its service that started before it opened', () => {
    const release: ReleaseDetail = {
      ...checkout,
      deployments: [...checkout.deployments, deployment({ id: 'dep-later', startedAt: '2026-11-26T09:00:00Z' })],
      incidents: [{ ...checkout.incidents[0]!, suspects: [] }],
    };
    expect(suspectedDeployments(release, release.incidents[0]!).map((d) => d.id)).toEqual(['dep-prod']);
  });

  it('highlights everything upstream and downstream of a node, and nothing beside it', () => {
    const graph = releaseGraph(checkout);
    expect([...connectedNodes(graph, 'deployments:dep-staging')].sort()).toEqual(
      ['artifacts:art-1', 'changes:chg-1', 'commits:commit-1', 'deployments:dep-staging', 'pipelines:pipe-1'].sort(),
    );
    expect(connectedNodes(graph, 'incidents:inc-1').has('deployments:dep-staging')).toBe(false);
  });

  it('lays the stages out left to right, ordering a column by what links into it', () => {
    const layout = layoutGraph(releaseGraph(checkout), { nodeWidth: 100, nodeHeight: 40, columnGap: 20, rowGap: 10, headerHeight: 30 });
    expect(layout.columns.map((c) => [c.key, c.x, c.count])).toEqual([
      ['changes', 0, 1],
      ['commits', 120, 1],
      ['pipelines', 240, 1],
      ['artifacts', 360, 1],
      ['deployments', 480, 2],
      ['incidents', 600, 1],
    ]);
    expect(layout.width).toBe(700);
    expect(layout.height).toBe(30 + 2 * 50);
    const staging = layout.boxes.find((b) => b.node.id === 'deployments:dep-staging')!;
    expect([staging.x, staging.y]).toEqual([480, 30]);
    expect(layout.paths[0]!.d).toBe('M100,50 C110,50 110,50 120,50');
  });

  it('shows an empty stage as an empty column', () => {
    const layout = layoutGraph(releaseGraph({ ...checkout, incidents: [], artifacts: [] }));
    expect(layout.columns.find((c) => c.key === 'incidents')!.count).toBe(0);
    // Without the artifact, nothing links the pipeline to the deployments.
    expect(layout.paths).toHaveLength(2);
  });
});

describe('releaseTimeline', () => {
  it('lists the release events oldest first', () => {
    const events = releaseTimeline(checkout);
    expect(events.map((e) => e.at)).toEqual([...events.map((e) => e.at)].sort());
    expect(events[0]).toMatchObject({ kind: 'change', title: 'CHG0031 Retry payment calls' });
    expect(events.find((e) => e.kind === 'commit')!.title).toBe('a1b2c3d CHG0031 retry the payment call (alice)');
    expect(events.find((e) => e.kind === 'verdict' && e.status === 'FAIL')!.tone).toBe('bad');
  });

  it('shows an open approval request when it was asked for, and keeps the life-cycle order on equal times', () => {
    const release: ReleaseDetail = {
      ...checkout,
      changes: [
        {
          ...checkout.changes[0]!,
          approvals: [{ id: 'ap-open', approver: 'dave', decision: 'REQUESTED', comment: null, createdAt: '2026-11-20T10:00:00Z', decidedAt: null }],
        },
      ],
      commits: [],
      pipelines: [],
      deployments: [],
      incidents: [],
    };
    expect(releaseTimeline(release).map((e) => [e.kind, e.title, e.statusLabel])).toEqual([
      ['change', 'CHG0031 Retry payment calls', null],
      ['approval', 'CHG0031 awaits dave', 'Requested'],
    ]);
  });

  it('adds the resolution of an incident', () => {
    const release: ReleaseDetail = { ...checkout, incidents: [{ ...checkout.incidents[0]!, status: 'RESOLVED', resolvedAt: '2026-11-26T10:00:00Z' }] };
    expect(releaseTimeline(release).at(-1)).toMatchObject({ kind: 'incident-resolve', status: 'RESOLVED', tone: 'good' });
  });
});

describe('rollbackRows', () => {
  it('puts decisions awaiting an answer first, then the newest', () => {
    const decision = checkout.deployments[0]!.rollbackDecision!;
    const release: ReleaseDetail = {
      ...checkout,
      deployments: [
        deployment({ id: 'd-old', rollbackDecision: { ...decision, id: 'rb-old', status: 'DISMISSED', decidedAt: '2026-11-25T08:00:00Z' } }),
        deployment({
          id: 'd-new',
          rollbackDecision: { ...decision, id: 'rb-new', status: 'ROLLED_BACK', mode: 'AUTOMATIC', decidedAt: '2026-11-26T07:00:00Z' },
        }),
        deployment({ id: 'd-open', rollbackDecision: { ...decision, id: 'rb-open' } }),
        deployment({ id: 'd-none' }),
      ],
    };
    expect(rollbackRows(release).map((r) => r.decision.id)).toEqual(['rb-open', 'rb-new', 'rb-old']);
  });
});

describe('formatting', () => {
  it('writes criteria and observations in words', () => {
    expect(criterionText(checkout.criteria[0]!)).toBe('error_rate ≤ 0.01 over 10 min');
    expect(criterionText({ ...checkout.criteria[1]!, comparator: 'GTE', windowSeconds: 5400 })).toBe('latency_p95 ≥ 1.2 × previous version over 1 h 30 min');
    expect(criterionScope(checkout.criteria[1]!, checkout)).toBe('PROD only, service checkout');
    expect(criterionScope(checkout.criteria[0]!, checkout)).toBe('every deployment');
    expect(observedText({ observed: null, baseline: null, samples: 3 })).toBe('no samples (3)');
    expect([0.041234, 12.3456, 1234].map(formatNumber)).toEqual(['0.04123', '12.35', '1234']);
  });

  it('shortens shas, digests, messages and labels', () => {
    expect(shortDigest('sha256:3f9a1c2b7d4e5f60718293a4')).toBe('sha256:3f9a1c2b7d4e');
    expect(shortDigest('3f9a1c2b7d4e5f60718293a4')).toBe('3f9a1c2b7d4e');
    expect(firstLine('fix: retry\r\n\r\nbody')).toBe('fix: retry');
    expect(fit('a very long label for a node', 10)).toBe('a very lo…');
    expect(gatesText(checkout.pipelines[0]!)).toBe('2/2 gates passed');
    expect(gatesText({ ...checkout.pipelines[0]!, gates: [{ name: 'sast', kind: 'STATIC_ANALYSIS', status: 'FAILED' }] })).toBe('gate failed: sast');
  });

  it('orders audit entries by their place in the chain, newest first', () => {
    expect(compareSeq('9', '10')).toBeLessThan(0);
    expect(compareSeq('10', '10')).toBe(0);
    expect(auditNewestFirst(checkoutAudit).map((e) => e.seq)).toEqual(['12', '10', '9']);
  });
});

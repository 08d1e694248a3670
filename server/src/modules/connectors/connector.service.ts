import type { CommitRecord, ConnectorKind, WebhookRequest } from '@releasegraph/connectors';
import type { Logger } from '../../logger.js';
import type { Actor } from '../../write/actor.js';
import type { WritePath } from '../../write/write-path.js';
import { Role } from '../auth/roles.js';
import type { CommitLedger } from '../commits/commit.service.js';
import { type ConnectorHealth, ConnectorStatus } from './connector.types.js';

type AnyConfig = { id: string; kind: string };
interface Configured {
  config: AnyConfig;
  kind: ConnectorKind<AnyConfig>;
  actor: Actor;
  health: ConnectorHealth;
}

/** What the hook endpoint answers. */
export type WebhookResult = { status: 202; outcome: 'recorded' | 'duplicate' | 'ignored'; deliveryId: string } | { status: 400 | 401 | 404; error: string };

/** Runs the configured connectors: webhook deliveries land in the release graph through the write path. */
export class ConnectorService {
  private readonly connectors = new Map<string, Configured>();

  constructor(
    configs: Array<{ config: AnyConfig; kind: ConnectorKind<AnyConfig> }>,
    private readonly writes: WritePath,
    private readonly commits: CommitLedger,
    private readonly log: Logger,
  ) {
    for (const { config, kind } of configs) {
      this.connectors.set(config.id, {
        config,
        kind,
        actor: { id: `connector:${config.id}`, name: config.id, role: Role.INTEGRATION },
        health: { id: config.id, kind: config.kind, status: ConnectorStatus.WAITING, lastSuccessAt: null, lastError: null },
      });
    }
  }

  health(): ConnectorHealth[] {
    return [...this.connectors.values()].map((c) => ({ ...c.health }));
  }

  /**
   * Verifies, converts and records one delivery. The delivery id is written in the same transaction
   * as its rows, so a repeated delivery (even many at once) writes nothing and raises no event.
   */
  async receiveWebhook(connectorId: string, request: WebhookRequest): Promise<WebhookResult> {
    const connector = this.connectors.get(connectorId);
    if (!connector?.kind.webhook) return { status: 404, error: `no connector ${JSON.stringify(connectorId)} takes webhooks` };
    const outcome = connector.kind.webhook(connector.config, request);
    if (outcome.kind === 'unauthorized' || outcome.kind === 'malformed') {
      this.fail(connector, outcome.reason);
      return { status: outcome.kind === 'unauthorized' ? 401 : 400, error: outcome.reason };
    }
    try {
      const recorded = await this.writes.run(connector.actor, async (tx) => {
        const event = outcome.kind === 'records' ? outcome.event : 'ignored';
        const fresh: unknown[] = await tx.manager.query(
          'INSERT INTO webhook_delivery (connector_id, delivery_id, event) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING delivery_id',
          [connectorId, outcome.deliveryId, event],
        );
        if (!fresh.length) return false;
        if (outcome.kind === 'records') await this.commits.upsertCommits(tx, outcome.records.commits.map(commitRow));
        return true;
      });
      connector.health = { ...connector.health, status: ConnectorStatus.OK, lastSuccessAt: new Date(), lastError: null };
      return { status: 202, outcome: !recorded ? 'duplicate' : outcome.kind === 'records' ? 'recorded' : 'ignored', deliveryId: outcome.deliveryId };
    } catch (err) {
      this.log.error({ err, connectorId, deliveryId: outcome.deliveryId }, 'webhook delivery failed');
      this.fail(connector, 'the delivery could not be recorded');
      throw err;
    }
  }

  private fail(connector: Configured, reason: string): void {
    connector.health = { ...connector.health, status: ConnectorStatus.FAILING, lastError: reason };
  }
}

function commitRow(c: CommitRecord) {
  return {
    id: c.id,
    sha: c.sha,
    repository: c.repository,
    message: c.message,
    author: c.author,
    committedAt: c.committedAt,
    changeKeys: c.changeKeys,
    originConnector: c.origin.connector,
    originEntity: c.origin.entity,
    originId: c.origin.sourceId,
  };
}

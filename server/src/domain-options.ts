import { DEFAULT_RETRY } from '@releasegraph/connectors';
import type { HubConfig } from './config.js';
import type { DomainOptions } from './domain.js';
import { ChangeKeyRules } from './modules/changes/change-key-rules.js';
import { DEFAULT_NOTIFIED_EVENTS } from './modules/notifications/notification.service.js';
import { RollbackMode } from './modules/verification/verification.entity.js';

/** The domain's settings from the hub's configuration (units and defaults resolved). */
export function domainSettings(config: HubConfig): Omit<DomainOptions, 'afterCommit' | 'log' | 'connectorWorkRoot'> {
  const file = config.file;
  return {
    connectors: config.connectors,
    telemetry: file.telemetry,
    tierOverrides: file.environments.tiers,
    changeKeys: ChangeKeyRules.fromConfig(
      file.changeKeys.prefixes,
      config.connectors.map((c) => c.config as { kind: string; projects?: readonly string[] }),
    ),
    notifications: file.notifications.map((c) => ({
      id: c.id,
      kind: c.kind,
      url: c.url,
      secret: c.secret,
      events: c.events ?? DEFAULT_NOTIFIED_EVENTS,
      retry: { ...DEFAULT_RETRY, attempts: 8, ...(c.retry ? { baseMs: c.retry.base, capMs: c.retry.cap, attempts: c.retry.attempts } : {}) },
    })),
    burnAlerts: file.slo.burnAlerts?.map((r) => ({
      name: r.name,
      severity: r.severity,
      longSeconds: r.long / 1000,
      shortSeconds: r.short / 1000,
      factor: r.factor,
    })),
    synthetics: file.synthetics.map((c) => ({ ...c, timeoutMs: c.timeout, intervalMs: c.interval })),
    stabilization: {
      durationMs: file.stabilization.duration,
      extensionMs: file.stabilization.extension,
      owners: file.stabilization.owners,
      levels: file.stabilization.escalation.map((l) => ({ afterMs: l.after, to: l.to })),
    },
    verification: {
      stabilizationMs: file.verification.stabilization,
      rollback: Object.fromEntries(
        Object.entries(file.verification.rollback).map(([tier, mode]) => [tier, mode === 'automatic' ? RollbackMode.AUTOMATIC : RollbackMode.RECOMMENDED]),
      ),
    },
  };
}

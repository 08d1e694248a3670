import { ReleaseGraph20261126062026 } from './20261126062026-release-graph.js';
import { WebhookDeliveries20261126070850 } from './20261126070850-webhook-deliveries.js';
import { TelemetryAndConnectors20261126073542 } from './20261126073542-telemetry-and-connectors.js';
import { WebhookInbox20261126075442 } from './20261126075442-webhook-inbox.js';
import { Verification20261126081049 } from './20261126081049-verification.js';
import { Notifications20261126081658 } from './20261126081658-notifications.js';
import { Slos20261126081950 } from './20261126081950-slos.js';
import { Stabilization20261126082159 } from './20261126082159-stabilization.js';
import { Synthetics20261126082345 } from './20261126082345-synthetics.js';
import { SloKpi20261126083950 } from './20261126083950-slo-kpi.js';
import { RollupHours20261206050527 } from './20261206050527-rollup-hours.js';
import { WebhookRawLayer20261206050724 } from './20261206050724-webhook-raw-layer.js';
import { EventConsumerCursor20261206053822 } from './20261206053822-event-consumer-cursor.js';
import { AuditByRelease20261206060000 } from './20261206060000-audit-by-release.js';

/** Every migration, in order. New ones come from `pnpm --filter @releasegraph/server migration:generate <Name>`. */
export const MIGRATIONS: Function[] = [
  ReleaseGraph20261126062026,
  WebhookDeliveries20261126070850,
  TelemetryAndConnectors20261126073542,
  WebhookInbox20261126075442,
  Verification20261126081049,
  Notifications20261126081658,
  Slos20261126081950,
  Stabilization20261126082159,
  Synthetics20261126082345,
  SloKpi20261126083950,
  RollupHours20261206050527,
  WebhookRawLayer20261206050724,
  EventConsumerCursor20261206053822,
  AuditByRelease20261206060000,
];

import { ReleaseGraph20261126062026 } from './20261126062026-release-graph.js';
import { WebhookDeliveries20261126070850 } from './20261126070850-webhook-deliveries.js';
import { TelemetryAndConnectorState20261126072757 } from './20261126072757-telemetry-and-connector-state.js';

/** Every migration, in order. New ones come from `pnpm --filter @releasegraph/server migration:generate <Name>`. */
export const MIGRATIONS: Function[] = [ReleaseGraph20261126062026, WebhookDeliveries20261126070850, TelemetryAndConnectorState20261126072757];

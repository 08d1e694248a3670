import client from 'prom-client';
import type { SqlStatementCounter } from '../db/data-source.js';

/** The hub's Prometheus metrics (one registry per hub, so tests can run several in a process). */
export function createMetrics(sql: SqlStatementCounter) {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'releasegraph_' });
  const httpDuration = new client.Histogram({
    name: 'releasegraph_http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const sqlStatements = new client.Counter({ name: 'releasegraph_sql_statements_total', help: 'SQL statements sent to PostgreSQL', registers: [registry] });
  sql.onStatement(() => sqlStatements.inc());
  const sqlPerRequest = new client.Histogram({
    name: 'releasegraph_sql_statements_per_request',
    help: 'SQL statements one HTTP request made (the N+1 watch)',
    labelNames: ['route'] as const,
    buckets: [0, 1, 2, 5, 10, 20, 50, 100],
    registers: [registry],
  });
  sql.onRequest((statements, route) => sqlPerRequest.observe({ route }, statements));
  const wsConnections = new client.Gauge({ name: 'releasegraph_websocket_connections', help: 'Open graphql-ws connections', registers: [registry] });
  const subscriptions = new client.Gauge({ name: 'releasegraph_subscriptions', help: 'Active GraphQL subscriptions', registers: [registry] });
  return { registry, httpDuration, wsConnections, subscriptions };
}

export type Metrics = ReturnType<typeof createMetrics>;

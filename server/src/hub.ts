import path from 'node:path';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import type { HubConfig } from './config.js';
import { SqlStatementCounter, createDataSource, migrate } from './db/data-source.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded.js';
import { createDomain, type Domain } from './domain.js';
import { domainSettings } from './domain-options.js';
import { startRounds } from './rounds/schedule.js';
import { MemoryPubSub, NamespacedPubSub, type PubSub } from './events/pubsub.js';
import { RedisPubSub } from './events/redis-pubsub.js';
import { EventRelay } from './events/relay.js';
import { releaseGraphSchema } from './graphql/schema.js';
import { createHttpServer } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import type { Logger } from './logger.js';

/** A running hub: its address, its parts (for tests and tools), and how to stop it. */
export interface Hub {
  url: string;
  db: DataSource;
  domain: Domain;
  relay: EventRelay;
  sql: SqlStatementCounter;
  stop(): Promise<void>;
}

/** Opens the database given by the config (or starts the embedded one) and applies migrations. */
export async function openDatabase(
  config: HubConfig,
  log: Logger,
  sql = new SqlStatementCounter(),
): Promise<{ db: DataSource; embedded: EmbeddedDatabase | null }> {
  const embedded = config.databaseUrl ? null : await startEmbeddedPostgres(config.dataDir, log);
  const db = createDataSource({ url: config.databaseUrl ?? embedded!.url, logger: log, counter: sql });
  try {
    await db.initialize();
    await migrate(db);
  } catch (error) {
    if (db.isInitialized) await db.destroy();
    await embedded?.stop();
    throw error;
  }
  return { db, embedded };
}

export async function startHub(config: HubConfig, log: Logger): Promise<Hub> {
  const sql = new SqlStatementCounter();
  const { db, embedded } = await openDatabase(config, log, sql);
  let pubsub: PubSub;
  if (config.redisUrl) {
    const redis = new RedisPubSub(config.redisUrl, log);
    await redis.connect();
    // One event stream per database: the cluster's system identifier and the database name.
    const [id] = (await db.query('SELECT system_identifier::text AS cluster, current_database() AS database FROM pg_control_system()')) as Array<{
      cluster: string;
      database: string;
    }>;
    pubsub = new NamespacedPubSub(redis, `releasegraph:${id!.cluster}:${id!.database}`);
  } else {
    pubsub = new MemoryPubSub();
  }
  // The relay is woken after each local commit; it needs the domain's event store, hence the order.
  const domain: Domain = createDomain(db, pubsub, {
    ...domainSettings(config),
    afterCommit: () => {
      relay.wake();
      domain.notifier.wake();
    },
    connectorWorkRoot: path.join(config.dataDir, 'connectors'),
    log,
  });
  const relay = new EventRelay(db, domain.events, pubsub, log, { pollMs: 250, multiInstance: Boolean(config.redisUrl) });
  await relay.start();
  if (config.adminToken) await domain.auth.ensureAdminToken(config.adminToken);

  const metrics = createMetrics(sql);
  const { server, stop: stopHttp } = await createHttpServer({
    schema: await releaseGraphSchema(),
    sql,
    db,
    domain,
    log,
    metrics,
    production: config.production,
    otlp: { maxBytes: config.file.telemetry.maxBodyBytes, token: config.file.telemetry.token },
    ready: async () => {
      await db.query('SELECT 1');
      const pending = await db.showMigrations();
      return pending ? { ok: false, reason: 'migrations pending' } : { ok: true };
    },
  });
  await listen(server, config.port, config.host);
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url }, 'Releasegraph hub listening');
  const stopRounds = startRounds(domain, config, log);

  let stopping: Promise<void> | undefined;
  return {
    url,
    db,
    domain,
    relay,
    sql,
    stop: () =>
      (stopping ??= (async () => {
        await stopRounds();
        await domain.connectors.stop();
        await domain.notifier.stop();
        await stopHttp();
        await relay.stop();
        await domain.rollups.close();
        await pubsub.close();
        await db.destroy();
        await embedded?.stop();
      })()),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { DataSource } from 'typeorm';
import type { Domain } from '../domain.js';
import { GraphContext } from '../graphql/context.js';
import { UnauthenticatedError } from '../domain-errors.js';
import { domainErrorStatus, formatError, formatSubscriptionResult, toGraphQLError } from '../graphql/errors.js';
import type { Logger } from '../logger.js';
import type { Actor } from '../write/actor.js';
import type { Metrics } from './metrics.js';
import { webhookRouter } from './hooks.js';
import { maxDepthRule, validateWithDepthLimit } from '../graphql/max-depth.js';
import { otlpRouter } from './otlp.js';
import type { SqlStatementCounter } from '../db/data-source.js';

export interface HttpDeps {
  schema: GraphQLSchema;
  sql: SqlStatementCounter;
  db: DataSource;
  domain: Domain;
  log: Logger;
  metrics: Metrics;
  production: boolean;
  /** The OTLP receiver's body limit (bytes) and, when set, the bearer token exporters must send. */
  otlp: { maxBytes: number; token?: string | undefined };
  /** Readiness beyond "the process is up": database reachable, migrations applied. */
  ready: () => Promise<{ ok: boolean; reason?: string }>;
}

const BEARER = /^Bearer\s+(\S+)$/i;

async function actorOf(domain: Domain, authorization: unknown): Promise<Actor | null> {
  if (typeof authorization !== 'string') return null;
  const token = BEARER.exec(authorization.trim())?.[1];
  return token ? domain.auth.authenticate(token) : null;
}

/** HTTP and WebSocket on one port: /graphql (both), health, metrics and the dashboard. */
export async function createHttpServer(deps: HttpDeps): Promise<{ server: http.Server; stop: () => Promise<void> }> {
  const { schema, domain, db, log, metrics, sql } = deps;
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);

  app.use((req, res, next) => {
    const end = metrics.httpDuration.startTimer({ method: req.method });
    const request = sql.track(next);
    res.on('finish', () => {
      const route = req.originalUrl.startsWith('/graphql') ? '/graphql' : (req.route?.path ?? 'other');
      end({ route, status: String(res.statusCode) });
      request.finish(route);
    });
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const r = await deps.ready().catch((e: unknown) => ({ ok: false, reason: String(e) }));
    res.status(r.ok ? 200 : 503).json(r.ok ? { status: 'ready' } : { status: 'not ready', reason: r.reason });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  const wsServer = new WebSocketServer({ server, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { actor?: Actor | null }>(
    {
      schema,
      validate: validateWithDepthLimit,
      onConnect: async (ctx) => {
        const actor = await actorOf(domain, ctx.connectionParams?.authorization);
        if (!actor) return false; // closes with 4403 Forbidden
        ctx.extra.actor = actor;
        return true;
      },
      context: (ctx) => new GraphContext(ctx.extra.actor ?? null, domain, db, log),
      onSubscribe: () => {
        metrics.subscriptions.inc();
      },
      onComplete: () => {
        metrics.subscriptions.dec();
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatSubscriptionResult(result),
    },
    wsServer,
  );
  wsServer.on('connection', (socket) => {
    metrics.wsConnections.inc();
    socket.on('close', () => metrics.wsConnections.dec());
  });

  const closeWebSockets: ApolloServerPlugin = {
    async serverWillStart() {
      return {
        async drainServer() {
          await wsCleanup.dispose();
        },
      };
    },
  };
  const apollo = new ApolloServer<GraphContext>({
    schema,
    validationRules: [maxDepthRule()],
    introspection: !deps.production,
    includeStacktraceInErrorResponses: false,
    formatError: formatError(log),
    // Compact JSON: Apollo pretty-prints by default, which costs time and bytes on large lists.
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      closeWebSockets,
      domainErrorStatus,
      // A live graph is not HTTP-cached, and the cache-control plugin's per-field hints cost on every list.
      ApolloServerPluginCacheControlDisabled(),
      ...(deps.production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();
  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const actor = await actorOf(domain, req.headers.authorization);
        // Apollo reads the HTTP status (401) of a context error from the GraphQL error itself.
        if (!actor) throw toGraphQLError(new UnauthenticatedError(req.headers.authorization ? 'the API token is not valid (unknown or revoked)' : undefined));
        return new GraphContext(actor, domain, db, log);
      },
    }),
  );

  app.use(webhookRouter(domain, log));
  app.use(otlpRouter(domain.telemetry, log, deps.otlp));
  serveDashboard(app);

  return {
    server,
    stop: async () => {
      await apollo.stop();
      wsServer.close();
    },
  };
}

/** The built dashboard (dashboard/dist) at `/`, with the SPA's routes falling back to index.html. */
function serveDashboard(app: express.Express): void {
  const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dashboard/dist');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    app.get('/', (_req, res) => {
      res.type('text/plain').send('Releasegraph hub: GraphQL at /graphql (the dashboard is not built).');
    });
    return;
  }
  app.use(express.static(dist, { index: 'index.html', maxAge: '1h' }));
  app.get('/{*path}', (req, res, next) => {
    if (req.path.startsWith('/graphql') || req.path.startsWith('/hooks') || req.path.startsWith('/v1/')) return next();
    res.sendFile(path.join(dist, 'index.html'));
  });
}

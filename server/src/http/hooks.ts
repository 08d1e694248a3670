import express from 'express';
import type { Domain } from '../domain.js';
import type { Logger } from '../logger.js';

/**
 * `POST /hooks/<connector id>`: the raw body goes to the connector, which verifies the signature
 * before anything parses it. Answers 202 once the delivery is stored in the inbox as received (or
 * was already; it is converted after), 401 for a bad signature, 400 for a body that is not the
 * event it claims, 404 for an unknown connector. The body is handed on byte for byte, as it came.
 */
export function webhookRouter(domain: Domain, log: Logger): express.Router {
  const router = express.Router();
  router.post('/hooks/:connectorId', express.raw({ type: () => true, limit: '5mb' }), async (req, res) => {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(',') : value;
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    try {
      const result = await domain.connectors.receiveWebhook(String(req.params.connectorId), { headers, rawBody });
      if ('error' in result) res.status(result.status).json({ error: result.error });
      else res.status(result.status).json({ outcome: result.outcome, deliveryId: result.deliveryId });
    } catch (err) {
      log.error({ err }, 'webhook failed');
      res.status(500).json({ error: 'internal error; the sender should retry' });
    }
  });
  return router;
}

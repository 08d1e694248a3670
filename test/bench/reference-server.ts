/**
 * The physical reference: a plain Node HTTP server answering the board with one hand-written SQL
 * statement and JSON.stringify, on the same database. Usage: DATABASE_URL=… PORT=… reference-server.
 */
import http from 'node:http';
import pg from 'pg';
import { BOARD_SQL } from './queries.js';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const server = http.createServer((req, res) => {
  const first = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('first') ?? 50);
  pool.query(BOARD_SQL, [first]).then(
    ({ rows }) => {
      const body = JSON.stringify({ data: { releases: { edges: rows.map((node) => ({ node })) } } });
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    },
    (err: Error) => res.writeHead(500).end(err.message),
  );
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`listening ${address.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end();
});

#!/usr/bin/env node
// A tiny HTTP service for demos and tests: answers every request with who it is, on $PORT0.
// GET /health answers 200 unless the file named by $UNHEALTHY_FILE exists; the answer also
// carries the request's path and, for GET /headers, its headers (what a proxy added).
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';

const port = Number(process.env.PORT0 ?? process.env.PORT ?? 8000);
const body = (req) =>
  JSON.stringify({
    path: req.url,
    ...(req.url === '/headers' ? { headers: req.headers } : {}),
    app: process.env.MARATHON_APP_ID ?? null,
    version: process.env.MARATHON_APP_VERSION ?? null,
    task: process.env.MESOS_TASK_ID ?? null,
    message: process.env.MESSAGE ?? 'hello',
    pid: process.pid,
  });

const server = createServer((req, res) => {
  if (req.url === '/health' && process.env.UNHEALTHY_FILE && existsSync(process.env.UNHEALTHY_FILE)) {
    res.writeHead(503).end('unhealthy\n');
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' }).end(`${body(req)}\n`);
});
server.listen(port, () => console.log(`http-echo listening on ${port}`));
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.close(() => process.exit(0)));

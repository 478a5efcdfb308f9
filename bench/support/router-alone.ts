/**
 * One embedded router alone in a process, in front of fixed backends, with its Prometheus metrics
 * on (as in an agent): the process bench/router-cost.bench.ts measures. The router module is an
 * argument so that two versions of tcp-router.ts can run side by side for an A/B comparison.
 *
 *   node --import tsx bench/support/router-alone.ts MODULE SERVICE_PORT BACKEND_PORT...
 *
 * Prints `ready` once the service port is bound; runs until killed.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Registry } from 'prom-client';
import { systemClock } from '../../src/platform/clock.js';
import { silentLogger } from '../../src/platform/logger.js';
import { RouterMetrics } from '../../src/router/router-metrics.js';
import type { Router } from '../../src/router/tcp-router.js';

const [modulePath, servicePort, ...backendPorts] = process.argv.slice(2);
const mod = (await import(pathToFileURL(resolve(modulePath!)).href)) as { Router: typeof Router };
const router = new mod.Router({
  address: '127.0.0.1',
  logger: silentLogger(),
  clock: systemClock,
  // BENCH_ROUTER_METRICS=off: without Prometheus metrics, to see what they cost.
  ...(process.env.BENCH_ROUTER_METRICS === 'off' ? {} : { metrics: new RouterMetrics(new Registry()) }),
});
router.apply({
  routes: [
    {
      appId: '/bench',
      servicePort: Number(servicePort),
      portIndex: 0,
      mode: 'tcp',
      vhosts: [],
      paths: [],
      backends: backendPorts.map((p, i) => ({ taskId: `t${i}`, host: '127.0.0.1', port: Number(p) })),
    },
  ],
});
const wait = Date.now() + 10_000;
while (!router.boundPorts().includes(Number(servicePort))) {
  if (Date.now() > wait) throw new Error(`router did not bind ${servicePort}`);
  await new Promise((r) => setTimeout(r, 20));
}
console.log('ready');
// A clean exit on a signal, so that `node --cpu-prof` writes its profile.
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => process.exit(0));

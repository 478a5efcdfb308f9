// The overview's numbers, from the lists the overview already reads (no request per object).
import type { Agent, App, Job, QueueItem } from '../data/types.js';
import { appStatus } from './status.js';

export interface ClusterSummary {
  agentsUp: number;
  agentsTotal: number;
  agentsDraining: number;
  cpusUsed: number;
  cpusTotal: number;
  memUsed: number;
  memTotal: number;
  apps: {
    total: number;
    running: number;
    deploying: number;
    waiting: number;
    delayed: number;
    unhealthy: number;
    suspended: number;
  };
  jobs: { total: number; running: number; failed24h: number };
}

export function clusterSummary(
  apps: App[],
  agents: Agent[],
  queue: QueueItem[],
  jobs: Job[],
  now: number,
): ClusterSummary {
  const queued = new Map(queue.map((q) => [q.app.id, q]));
  const counts = {
    total: apps.length,
    running: 0,
    deploying: 0,
    waiting: 0,
    delayed: 0,
    unhealthy: 0,
    suspended: 0,
  };
  for (const app of apps) {
    const word = appStatus(app, queued.get(app.id)).word;
    if (word === 'Running') counts.running++;
    else if (word === 'Deploying') counts.deploying++;
    else if (word === 'Waiting') counts.waiting++;
    else if (word === 'Delayed') counts.delayed++;
    else if (word === 'Unhealthy') counts.unhealthy++;
    else counts.suspended++;
  }
  const up = agents.filter((a) => a.connected);
  const sum = (f: (a: Agent) => number) => up.reduce((n, a) => n + f(a), 0);
  const runningJobs = new Set(agents.flatMap((a) => a.tasks.flatMap((t) => (t.job ? [t.job] : []))));
  const dayAgo = now - 86_400_000;
  return {
    agentsUp: up.length,
    agentsTotal: agents.length,
    agentsDraining: agents.filter((a) => a.draining).length,
    cpusUsed: sum((a) => a.resources.used.cpus),
    cpusTotal: sum((a) => a.resources.total.cpus),
    memUsed: sum((a) => a.resources.used.mem),
    memTotal: sum((a) => a.resources.total.mem),
    apps: counts,
    jobs: {
      total: jobs.length,
      running: runningJobs.size,
      failed24h: jobs.filter((j) => j.lastError && Date.parse(j.lastError) > dayAgo).length,
    },
  };
}

/**
 * `GET /v2/queue` in Marathon 1.x's shape. Drover has no offers, so the per-agent placement
 * rejections play their part: `processedOffersSummary` counts them by reason, and
 * `lastUnusedOffers` holds one entry per agent that was tried, with the agent's resources and the
 * reasons it could not take the task. Both are keys Marathon clients already accept.
 *
 * The Drover extension `unplacedReasons` (the rejections as the scheduler gave them) is only added
 * when asked for with `embed=unplacedReasons`: python3-marathon builds queue items from every key
 * and fails on one it does not know.
 */

import type { QueueEntry } from '../../control-plane/master-api.js';
import type { AgentInfo } from '../../domain/agent.js';
import type { AgentRejection } from '../../scheduler/placement-types.js';

export interface QueueViewOptions {
  agents: AgentInfo[];
  withUnplacedReasons: boolean;
  now: number;
}

export function queueView(
  entries: QueueEntry[],
  opts: QueueViewOptions,
): { queue: Array<Record<string, unknown>> } {
  const agents = new Map(opts.agents.map((a) => [a.id, a]));
  const nowIso = new Date(opts.now).toISOString();
  return {
    queue: entries.map((e) => ({
      count: e.count,
      delay: { timeLeftSeconds: e.delay.timeLeftSeconds, overdue: e.delay.overdue },
      since: e.since,
      app: e.app,
      processedOffersSummary: offersSummary(e.rejections, nowIso),
      lastUnusedOffers: e.rejections.map((r) => unusedOffer(r, agents.get(r.agentId), nowIso)),
      ...(opts.withUnplacedReasons ? { unplacedReasons: e.rejections } : {}),
    })),
  };
}

function offersSummary(rejections: AgentRejection[], nowIso: string): Record<string, unknown> {
  const byReason = new Map<string, number>();
  for (const r of rejections)
    for (const reason of new Set(r.reasons)) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
  const steps = [...byReason].map(([reason, declined]) => ({
    reason,
    declined,
    processed: rejections.length,
  }));
  return {
    processedOffersCount: rejections.length,
    unusedOffersCount: rejections.length,
    ...(rejections.length > 0 ? { lastUnusedOfferAt: nowIso } : {}),
    rejectSummaryLastOffers: steps,
    rejectSummaryLaunchAttempt: steps,
  };
}

function unusedOffer(
  r: AgentRejection,
  agent: AgentInfo | undefined,
  nowIso: string,
): Record<string, unknown> {
  return {
    offer: {
      id: `drover-agent-${r.agentId}`,
      agentId: r.agentId,
      hostname: r.hostname,
      resources: agent ? resourcesOf(agent) : [],
      attributes: agent ? Object.entries(agent.attributes).map(([name, text]) => ({ name, text })) : [],
    },
    timestamp: nowIso,
    reason: r.reasons,
  };
}

function resourcesOf(a: AgentInfo): Array<Record<string, unknown>> {
  const { cpus, mem, disk, ports } = a.resources;
  return [
    { name: 'cpus', scalar: cpus, role: '*' },
    { name: 'mem', scalar: mem, role: '*' },
    { name: 'disk', scalar: disk, role: '*' },
    { name: 'ports', ranges: ports.map(([begin, end]) => ({ begin, end })), role: '*' },
  ];
}

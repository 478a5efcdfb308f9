/**
 * Keeps every agent's router on the current routing table (routing/routing-table.ts). The master
 * calls `refresh` after each change it applies (Master runs it after every serialized step) and
 * right before it sends a kill, so a task leaves every router before its agent is told to stop
 * it; only a table that differs from the last one is sent. A newly registered agent gets the
 * whole table at once.
 *
 * It also keeps what each agent's router reports it cannot bind (routeStatus), for the app views
 * and `GET /v2/routes`, and announces changes as events (which the event log writes to the log);
 * an agent that disconnects takes its reports along.
 */
import type { RouteBindFailure, RouteTable } from '../../domain/agent-protocol.js';
import { routingTable } from '../../routing/routing-table.js';
import type { EventBus } from '../events/event-bus.js';
import type { MasterState } from '../master-state.js';
import type { AgentHub } from './agent-hub.js';

export interface AgentBindFailure extends RouteBindFailure {
  agentId: string;
}

export class RoutePush {
  private current: RouteTable = { routes: [] };
  private currentJson = '';
  private readonly failures = new Map<string, RouteBindFailure[]>();

  constructor(
    private readonly hub: AgentHub,
    private readonly state: MasterState,
    private readonly events: EventBus,
  ) {}

  /** Recomputes the table and pushes it to every connected agent when it changed. */
  refresh(): void {
    const table = routingTable(this.state.apps.values(), this.state.tasks.values());
    const json = JSON.stringify(table);
    if (json === this.currentJson) return;
    this.current = table;
    this.currentJson = json;
    this.hub.broadcast({ type: 'routes', table });
  }

  /** An agent (re-)registered: it gets the whole table. */
  sendTo(agentId: string): void {
    this.refresh();
    this.hub.send(agentId, { type: 'routes', table: this.current });
  }

  table(): RouteTable {
    return this.current;
  }

  bindFailures(): AgentBindFailure[] {
    return [...this.failures].flatMap(([agentId, list]) => list.map((f) => ({ agentId, ...f })));
  }

  /** An agent's router reported the service ports it cannot bind (all of them, every time). */
  reported(agentId: string, failures: RouteBindFailure[]): void {
    const before = new Set((this.failures.get(agentId) ?? []).map((f) => f.servicePort));
    const now = new Set(failures.map((f) => f.servicePort));
    const host = this.state.agents.get(agentId)?.hostname ?? agentId;
    for (const f of failures) {
      if (before.has(f.servicePort)) continue;
      this.events.emit('router_bind_failed_event', {
        agentId,
        host,
        appId: f.appId,
        servicePort: f.servicePort,
        address: f.address,
        error: f.error,
      });
    }
    for (const f of this.failures.get(agentId) ?? []) {
      if (now.has(f.servicePort)) continue;
      this.events.emit('router_bind_recovered_event', {
        agentId,
        host,
        appId: f.appId,
        servicePort: f.servicePort,
      });
    }
    if (failures.length > 0) this.failures.set(agentId, failures);
    else this.failures.delete(agentId);
  }

  disconnected(agentId: string): void {
    this.failures.delete(agentId);
  }
}

/**
 * The rest of Marathon's v2 resources (groups, deployments, queue, tasks, info, leader) and
 * Drover's agents: small enough to share a file, each a class of its own.
 */
import { idPath, type Transport } from './transport.js';
import type {
  Agent,
  AuditEntry,
  Deployment,
  DeploymentRef,
  Group,
  Info,
  LogStream,
  QueueItem,
  Task,
  Whoami,
} from './types.js';

export class GroupsClient {
  constructor(private readonly t: Transport) {}

  show(id = '/', opts: { embed?: string[] } = {}): Promise<Group> {
    const path = idPath(id);
    return this.t.json<Group>('GET', path === '' ? '/v2/groups' : `/v2/groups/${path}`, {
      query: { embed: opts.embed },
    });
  }

  /** PUT: Marathon's GroupUpdate (`apps`/`groups` given replace the group's own). */
  update(
    id: string,
    body: Record<string, unknown>,
    opts: { force?: boolean; dryRun?: boolean } = {},
  ): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('PUT', `/v2/groups/${idPath(id)}`, {
      body,
      query: { force: opts.force || undefined, dryRun: opts.dryRun || undefined },
    });
  }

  remove(id: string, opts: { force?: boolean } = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('DELETE', `/v2/groups/${idPath(id)}`, {
      query: { force: opts.force || undefined },
    });
  }

  /** The versions at which the group changed, newest first. */
  versions(id: string): Promise<string[]> {
    return this.t.json<string[]>('GET', `/v2/groups/${idPath(id)}/versions`);
  }
}

export class DeploymentsClient {
  constructor(private readonly t: Transport) {}

  list(): Promise<Deployment[]> {
    return this.t.json<Deployment[]>('GET', '/v2/deployments');
  }

  /** Rolls the deployment back through a new one. */
  rollback(id: string): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('DELETE', `/v2/deployments/${encodeURIComponent(id)}`);
  }

  /** Stops it where it is (202, no rollback). */
  async stop(id: string): Promise<void> {
    await this.t.send('DELETE', `/v2/deployments/${encodeURIComponent(id)}`, { query: { force: true } });
  }
}

export class QueueClient {
  constructor(private readonly t: Transport) {}

  async list(opts: { unplacedReasons?: boolean } = {}): Promise<QueueItem[]> {
    const r = await this.t.json<{ queue: QueueItem[] }>('GET', '/v2/queue', {
      query: { embed: opts.unplacedReasons ? 'unplacedReasons' : undefined },
    });
    return r.queue;
  }

  async resetDelay(appId: string): Promise<void> {
    await this.t.send('DELETE', `/v2/queue/${idPath(appId)}/delay`);
  }
}

export class AgentsClient {
  constructor(private readonly t: Transport) {}

  async list(): Promise<Agent[]> {
    return (await this.t.json<{ agents: Agent[] }>('GET', '/v2/agents')).agents;
  }

  async show(id: string): Promise<Agent> {
    return (await this.t.json<{ agent: Agent }>('GET', `/v2/agents/${encodeURIComponent(id)}`)).agent;
  }

  /** No new tasks on the agent; its tasks are replaced elsewhere under each app's upgrade strategy. */
  async drain(id: string): Promise<Agent> {
    return (await this.t.json<{ agent: Agent }>('POST', `/v2/agents/${encodeURIComponent(id)}/drain`)).agent;
  }

  async undrain(id: string): Promise<Agent> {
    return (await this.t.json<{ agent: Agent }>('POST', `/v2/agents/${encodeURIComponent(id)}/undrain`))
      .agent;
  }
}

export class TasksClient {
  constructor(private readonly t: Transport) {}

  async list(opts: { status?: string } = {}): Promise<Task[]> {
    const r = await this.t.json<{ tasks: Task[] }>('GET', '/v2/tasks', { query: { status: opts.status } });
    return r.tasks;
  }

  /** Kill tasks by id (unknown ids are skipped by the master). */
  kill(ids: string[], opts: { scale?: boolean; wipe?: boolean; force?: boolean } = {}): Promise<unknown> {
    return this.t.json('POST', '/v2/tasks/delete', {
      body: { ids },
      query: { scale: opts.scale, wipe: opts.wipe, force: opts.force },
    });
  }

  /** A task's sandbox output (also for a task that ended recently). */
  logs(
    taskId: string,
    opts: { stream?: LogStream; tail?: number; signal?: AbortSignal } = {},
  ): Promise<string> {
    return this.t.text('GET', `/v2/tasks/${encodeURIComponent(taskId)}/logs`, {
      query: { stream: opts.stream, tail: opts.tail },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
}

export class InfoClient {
  constructor(private readonly t: Transport) {}

  info(): Promise<Info> {
    return this.t.json<Info>('GET', '/v2/info');
  }

  async leader(): Promise<string> {
    return (await this.t.json<{ leader: string }>('GET', '/v2/leader')).leader;
  }

  ping(): Promise<string> {
    return this.t.text('GET', '/ping');
  }

  /** Who the client's credential is, and its role. */
  whoami(): Promise<Whoami> {
    return this.t.json<Whoami>('GET', '/v2/whoami');
  }

  /** The audit log, newest first (admins only); `since` an ISO time or epoch ms. */
  async audit(opts: { limit?: number; since?: string } = {}): Promise<AuditEntry[]> {
    const query = { ...(opts.limit !== undefined ? { limit: opts.limit } : {}), since: opts.since };
    return (await this.t.json<{ entries: AuditEntry[] }>('GET', '/v2/audit', { query })).entries;
  }
}

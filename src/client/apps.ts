/** `/v2/apps`: Marathon's app resource. */
import { idPath, type Transport } from './transport.js';
import type { App, AppEmbed, AppInput, DeploymentRef, Task } from './types.js';

export interface WriteOptions {
  /** Cancel a running deployment of the same app instead of getting 409. */
  force?: boolean;
}

export interface KillOptions {
  /** Lower `instances` by the killed tasks instead of replacing them (a deployment). */
  scale?: boolean;
  wipe?: boolean;
  force?: boolean;
}

export class AppsClient {
  constructor(private readonly t: Transport) {}

  async list(opts: { embed?: AppEmbed[]; id?: string; label?: string; cmd?: string } = {}): Promise<App[]> {
    const embed = opts.embed?.map((e) => `apps.${e}`);
    const r = await this.t.json<{ apps: App[] }>('GET', '/v2/apps', {
      query: { embed, id: opts.id, label: opts.label, cmd: opts.cmd },
    });
    return r.apps;
  }

  async show(id: string, opts: { embed?: AppEmbed[] } = {}): Promise<App> {
    const embed = opts.embed?.map((e) => `app.${e}`);
    const r = await this.t.json<{ app: App }>('GET', `/v2/apps/${idPath(id)}`, { query: { embed } });
    return r.app;
  }

  /** POST: 409 when the id exists. Answers the app with `deployments: [{id}]`. */
  create(app: AppInput): Promise<App> {
    return this.t.json<App>('POST', '/v2/apps', { body: app });
  }

  /** PUT: creates or replaces (`partialUpdate=false`) the app. */
  update(app: AppInput, opts: WriteOptions & { partial?: boolean } = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('PUT', `/v2/apps/${idPath(app.id)}`, {
      body: app,
      query: { force: opts.force || undefined, partialUpdate: opts.partial ?? false },
    });
  }

  /** PUT of many apps as one deployment. */
  updateMany(apps: AppInput[], opts: WriteOptions = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('PUT', '/v2/apps', {
      body: apps,
      query: { force: opts.force || undefined },
    });
  }

  /** PATCH: only the given fields change; 404 if the app is missing. */
  patch(id: string, fields: Record<string, unknown>, opts: WriteOptions = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('PATCH', `/v2/apps/${idPath(id)}`, {
      body: fields,
      query: { force: opts.force || undefined },
    });
  }

  remove(id: string, opts: WriteOptions = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('DELETE', `/v2/apps/${idPath(id)}`, {
      query: { force: opts.force },
    });
  }

  scale(id: string, instances: number, opts: WriteOptions = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('PUT', `/v2/apps/${idPath(id)}`, {
      body: { instances },
      query: { force: opts.force || undefined },
    });
  }

  restart(id: string, opts: WriteOptions = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('POST', `/v2/apps/${idPath(id)}/restart`, {
      query: { force: opts.force || undefined },
    });
  }

  /** Roll back: `{"version": v}` alone makes the app what it was at v. */
  rollback(id: string, version: string, opts: WriteOptions = {}): Promise<DeploymentRef> {
    return this.t.json<DeploymentRef>('PUT', `/v2/apps/${idPath(id)}`, {
      body: { version },
      query: { force: opts.force || undefined },
    });
  }

  /** Stored versions, newest first. */
  async versions(id: string): Promise<string[]> {
    const r = await this.t.json<{ versions: string[] }>('GET', `/v2/apps/${idPath(id)}/versions`);
    return r.versions;
  }

  version(id: string, version: string): Promise<App> {
    return this.t.json<App>('GET', `/v2/apps/${idPath(id)}/versions/${encodeURIComponent(version)}`);
  }

  async tasks(id: string): Promise<Task[]> {
    const r = await this.t.json<{ tasks: Task[] }>('GET', `/v2/apps/${idPath(id)}/tasks`);
    return r.tasks;
  }

  /** Kill one task; with `scale` the answer is the deployment that lowers `instances`. */
  killTask(appId: string, taskId: string, opts: KillOptions = {}): Promise<{ task: Task } | DeploymentRef> {
    return this.t.json('DELETE', `/v2/apps/${idPath(appId)}/tasks/${encodeURIComponent(taskId)}`, {
      query: { scale: opts.scale, wipe: opts.wipe, force: opts.force },
    });
  }

  /** Kill every task of the app (on `host` only, when given). */
  killTasks(
    appId: string,
    opts: KillOptions & { host?: string } = {},
  ): Promise<{ tasks: Task[] } | DeploymentRef> {
    return this.t.json('DELETE', `/v2/apps/${idPath(appId)}/tasks`, {
      query: { host: opts.host, scale: opts.scale, wipe: opts.wipe, force: opts.force },
    });
  }
}

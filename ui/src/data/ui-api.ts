// Everything the pages ask of a master, as one interface. client-adapter.ts implements it over
// src/client/, the one typed HTTP client the CLI uses too; pages never fetch on their own.
import type { AuditEntry, Whoami } from '../../../src/client/index.js';
import type { Agent, App, Deployment, Job, JobInput, JobRun, LiveEvent, QueueItem } from './types.js';

export type LogStream = 'stdout' | 'stderr';
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed' | 'unauthorized';

export interface EventSubscription {
  close(): void;
}

export interface UiApi {
  apps(): Promise<App[]>;
  app(id: string): Promise<App>;
  createApp(definition: unknown): Promise<unknown>;
  updateApp(id: string, definition: unknown): Promise<unknown>;
  scaleApp(id: string, instances: number): Promise<unknown>;
  restartApp(id: string): Promise<unknown>;
  destroyApp(id: string): Promise<unknown>;
  appVersions(id: string): Promise<string[]>;
  appVersion(id: string, version: string): Promise<App>;
  rollbackApp(id: string, version: string): Promise<unknown>;
  taskLog(taskId: string, stream: LogStream, tail: number): Promise<string>;
  killTask(appId: string, taskId: string): Promise<unknown>;
  queue(): Promise<QueueItem[]>;
  resetDelay(appId: string): Promise<void>;
  deployments(): Promise<Deployment[]>;
  cancelDeployment(id: string, force: boolean): Promise<void>;
  agents(): Promise<Agent[]>;
  drainAgent(id: string): Promise<void>;
  undrainAgent(id: string): Promise<void>;
  jobs(): Promise<Job[]>;
  saveJob(job: JobInput | Job): Promise<void>;
  runJob(name: string): Promise<void>;
  deleteJob(name: string): Promise<void>;
  jobRuns(name: string, limit: number): Promise<{ runs: JobRun[]; nextDueAt: string | null }>;
  runLog(name: string, dueAtMs: number, attempt: number, stream: LogStream): Promise<string>;
  /** The caller's credential name and role (what the pages offer follows it). */
  whoami(): Promise<Whoami>;
  /** The audit log, newest first (admins). */
  audit(limit: number): Promise<AuditEntry[]>;
  /** The live event stream; resumes from the last id it saw after a drop. */
  events(onEvent: (e: LiveEvent) => void, onState: (s: ConnectionState) => void): EventSubscription;
}

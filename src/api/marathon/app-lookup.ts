/**
 * Lookups that end a request with Marathon's 404 messages when the thing is missing.
 */
import type { MasterApi } from '../../control-plane/master-api.js';
import type { AppDefinition } from '../../domain/app.js';
import { DroverError } from '../../domain/errors.js';
import type { TaskRecord } from '../../domain/task.js';

export function unknownApp(id: string): DroverError {
  return new DroverError('APP_NOT_FOUND', `App '${id}' does not exist`);
}

export function unknownTask(id: string): DroverError {
  return new DroverError('TASK_NOT_FOUND', `Task '${id}' does not exist`);
}

export function requireApp(master: MasterApi, id: string): AppDefinition {
  const app = master.getApp(id);
  if (!app) throw unknownApp(id);
  return app;
}

export function requireTask(master: MasterApi, id: string): TaskRecord {
  const task = master.getTask(id);
  if (!task) throw unknownTask(id);
  return task;
}

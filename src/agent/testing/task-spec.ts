import type { TaskSpec } from '../../domain/agent-protocol.js';

/** Test helper: a complete TaskSpec for a shell command, with overrides. */
export function shellTask(taskId: string, cmd: string, overrides: Partial<TaskSpec> = {}): TaskSpec {
  return {
    taskId,
    appId: '/test',
    version: '2026-01-01T00:00:00.000Z',
    command: { shell: true, value: cmd },
    env: {},
    ports: [],
    resources: { cpus: 0.1, mem: 32, disk: 0 },
    killGracePeriodMs: 3_000,
    fetch: [],
    healthChecks: [],
    readinessChecks: [],
    portNames: [],
    labels: {},
    ...overrides,
  };
}

/**
 * Where a check probes: the task's host port picked by `port`/`portIndex` (health) or `portName`
 * (readiness), on the address the agent advertises for its tasks, the same address the master
 * gives clients. Marathon's MESOS_* variants probe the same endpoint; the difference in Marathon
 * (who runs the probe) does not exist here, since every check runs on the agent.
 */
import type { TaskSpec } from '../../domain/agent-protocol.js';
import type { HealthCheck, ReadinessCheck } from '../../domain/app.js';
import type { ProbeTarget } from './prober.js';

export type Resolved = ProbeTarget | { error: string };

export function healthCheckTarget(check: HealthCheck, spec: TaskSpec, host: string): Resolved {
  switch (check.protocol) {
    case 'COMMAND':
      return check.command?.value
        ? { kind: 'command', command: check.command.value }
        : { error: 'Health check failed: COMMAND check without a command' };
    case 'TCP':
    case 'MESOS_TCP': {
      const port = healthPort(check, spec);
      return port === undefined ? noPort : { kind: 'tcp', host, port };
    }
    default: {
      const port = healthPort(check, spec);
      if (port === undefined) return noPort;
      const scheme = check.protocol === 'HTTPS' || check.protocol === 'MESOS_HTTPS' ? 'https' : 'http';
      return { kind: 'http', scheme, host, port, path: absolute(check.path) };
    }
  }
}

export function readinessCheckTarget(check: ReadinessCheck, spec: TaskSpec, host: string): Resolved {
  const index = spec.portNames.indexOf(check.portName);
  const port = index >= 0 ? spec.ports[index] : undefined;
  if (port === undefined) return { error: `Readiness check failed: no port named ${check.portName}` };
  return {
    kind: 'http',
    scheme: check.protocol === 'HTTPS' ? 'https' : 'http',
    host,
    port,
    path: absolute(check.path),
  };
}

/** An explicit `port` wins over `portIndex`; neither means the first port (Marathon's default). */
function healthPort(check: HealthCheck, spec: TaskSpec): number | undefined {
  if (check.port !== undefined) return check.port;
  return spec.ports[check.portIndex ?? 0];
}

/** Marathon's wording when a check addresses a port the task does not have. */
const noPort = { error: "Health check failed: unable to get the task's effective port" };

function absolute(path: string | undefined): string {
  const p = path ?? '/';
  return p.startsWith('/') ? p : `/${p}`;
}

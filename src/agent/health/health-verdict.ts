/**
 * What one probe answer means for a health check, as Marathon's HealthCheckWorker decides it:
 * HTTP 200-399 is healthy; 100-199 is discarded when `ignoreHttp1xx` (the task's health stays as
 * it was) and unhealthy otherwise; any other status, an error or a timeout is unhealthy; a TCP
 * connection that opens is healthy; a command is healthy when it exits 0.
 */
import type { HealthCheck } from '../../domain/app.js';
import type { ProbeAnswer } from './prober.js';

export type HealthOutcome =
  | { kind: 'healthy' }
  | { kind: 'unhealthy'; cause: string }
  /** Neither: the result is discarded (an informational HTTP status with ignoreHttp1xx). */
  | { kind: 'ignored' };

export function healthVerdict(check: Pick<HealthCheck, 'ignoreHttp1xx'>, answer: ProbeAnswer): HealthOutcome {
  switch (answer.kind) {
    case 'error':
      return { kind: 'unhealthy', cause: answer.cause };
    case 'tcp':
      return { kind: 'healthy' };
    case 'command':
      return answer.exitCode === 0
        ? { kind: 'healthy' }
        : { kind: 'unhealthy', cause: `Command exited with status ${answer.exitCode}` };
    case 'http': {
      const { status } = answer;
      if (status >= 200 && status <= 399) return { kind: 'healthy' };
      if (status >= 100 && status <= 199 && check.ignoreHttp1xx) return { kind: 'ignored' };
      // Marathon shows the status line: "503 Service Unavailable".
      return { kind: 'unhealthy', cause: `${status} ${answer.statusText ?? ''}`.trim() };
    }
  }
}

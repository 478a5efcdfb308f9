/** A TCP health probe: healthy when a connection opens in time; it is closed at once. */
import { connect } from 'node:net';
import { setCappedTimeout } from '../../platform/capped-timer.js';
import { type ProbeAnswer, timeoutCause } from './prober.js';

export function tcpProbe(
  target: { host: string; port: number },
  opts: { timeoutMs: number },
): Promise<ProbeAnswer> {
  return new Promise<ProbeAnswer>((resolve) => {
    let settled = false;
    const socket = connect({ host: target.host, port: target.port });
    const finish = (answer: ProbeAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setCappedTimeout(
      () => finish({ kind: 'error', cause: timeoutCause(opts.timeoutMs) }),
      opts.timeoutMs,
    );
    socket.once('connect', () => finish({ kind: 'tcp' }));
    socket.once('error', (err) => finish({ kind: 'error', cause: err.message }));
  });
}

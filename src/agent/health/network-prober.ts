/** The real Prober: HTTP(S) and TCP over the network, commands through a shell or the task's exec. */
import { type CommandProbeOptions, commandProbe } from './command-probe.js';
import { httpProbe } from './http-probe.js';
import type { Prober } from './prober.js';
import { tcpProbe } from './tcp-probe.js';

export function createNetworkProber(opts: CommandProbeOptions = {}): Prober {
  return {
    probe(target, ctx) {
      switch (target.kind) {
        case 'http':
          return httpProbe(target, { timeoutMs: ctx.timeoutMs, wantBody: ctx.wantBody ?? false });
        case 'tcp':
          return tcpProbe(target, { timeoutMs: ctx.timeoutMs });
        case 'command':
          return commandProbe(target.command, ctx, opts);
      }
    },
  };
}

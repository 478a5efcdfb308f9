/** The router flags `drover up` and `drover agent` share (the embedded router, src/router/). */
import { type Command, InvalidArgumentError } from 'commander';
import type { RouterFlags, RouterMode } from '../bin/router-setup.js';
import { intFlag } from './parse-flags.js';

function routerMode(value: string): RouterMode {
  if (value !== 'on' && value !== 'off' && value !== 'kernel')
    throw new InvalidArgumentError(`expected on, off or kernel, got '${value}'`);
  return value;
}

export function addRouterOptions(cmd: Command, httpPortDefault: number): Command {
  return cmd
    .option(
      '--router <mode>',
      "on: listen on every app's service ports and route to its healthy tasks; kernel: TCP-mode " +
        'service ports as iptables nat rules (root; HTTP mode stays in the router); off: no router',
      routerMode,
      'on',
    )
    .option(
      '--router-http-port <port>',
      'shared HTTP port for apps in HTTP mode (DROVER_ROUTER_MODE=http, vhost/path labels)',
      intFlag(1, 65535),
      httpPortDefault,
    );
}

export function routerFlags(opts: { router: RouterMode; routerHttpPort: number }): RouterFlags {
  return { router: opts.router, routerHttpPort: opts.routerHttpPort };
}

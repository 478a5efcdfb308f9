/**
 * `drover router --haproxy FILE --reload-cmd CMD`: HAProxy instead of (or beside) the agents'
 * embedded routers, configured from the master's routing table (router/haproxy-mode.ts).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, resolve } from 'node:path';
import { DroverError } from '../../domain/errors.js';
import { addClientOptions, contextFrom } from '../client-options.js';
import { example } from '../example.js';
import { addLogFormatOption, logOutput } from '../log-format.js';
import { intFlag } from '../parse-flags.js';
import type { RegisterCommand } from '../register-command.js';

interface RouterOpts {
  haproxy: string;
  reloadCmd?: string;
  haproxyBin: string;
  address: string;
  httpPort?: number;
  header?: string;
  statsSocket?: string;
  name?: string;
  logLevel: string;
  logFormat: string;
  url?: string;
  user?: string;
  token?: string;
  ca?: string;
}

export const registerRouter: RegisterCommand = (program, setExit) => {
  const cmd = program
    .command('router')
    .description(
      "HAProxy fed from the master's routing table: writes its config, checks it with `haproxy -c`, " +
        'puts it in place and runs the reload command on every change (run agents with --router off, ' +
        'or give this one another --address, so both do not bind the same service ports)',
    )
    .requiredOption('--haproxy <file>', 'the HAProxy config file to write')
    .option('--reload-cmd <cmd>', 'shell command that reloads HAProxy after a new config is in place')
    .option('--haproxy-bin <path>', 'the haproxy binary that checks configs', 'haproxy')
    .option('--address <address>', 'address the service ports (and --http-port) are bound on', '127.0.0.1')
    .option(
      '--http-port <port>',
      'shared HTTP port for HTTP-mode apps (vhosts, paths); default none',
      intFlag(1, 65_535),
    )
    .option(
      '--header <file>',
      "replaces the generated config's global and defaults sections (keep a listener such as a stats socket: HAProxy refuses a config without one)",
    )
    .option(
      '--stats-socket <path>',
      "the default header's stats socket, which also hands listening sockets to a reloaded HAProxy (haproxy -x) (default: the config file + .sock)",
    )
    .option(
      '--name <name>',
      "this router's name, for the master's acknowledgements (default: host and file name)",
    )
    .option('--log-level <level>', 'trace|debug|info|warn|error', 'info');
  addLogFormatOption(addClientOptions(cmd));
  example(
    cmd,
    "drover router --haproxy /etc/haproxy/haproxy.cfg --reload-cmd 'systemctl reload haproxy' --address 0.0.0.0",
  );
  cmd.action(async (opts: RouterOpts) => {
    const ctx = contextFrom(opts);
    let header: string | undefined;
    if (opts.header !== undefined) {
      try {
        header = readFileSync(opts.header, 'utf8');
      } catch (err) {
        throw new DroverError('USAGE', `cannot read --header ${opts.header}: ${(err as Error).message}`);
      }
    }
    const name = opts.name ?? `${hostname()}-${basename(opts.haproxy)}`.replace(/[^A-Za-z0-9_.:@-]/g, '_');
    if (!/^[A-Za-z0-9_.:@-]{1,128}$/.test(name))
      throw new DroverError('USAGE', '--name takes 1 to 128 of A-Z a-z 0-9 _ . : @ -');
    const code = await (await import('../../bin/haproxy-router.js')).runHaproxyRouter({
      client: ctx.client,
      name,
      configPath: resolve(opts.haproxy),
      statsSocket: resolve(opts.statsSocket ?? `${opts.haproxy}.sock`),
      haproxyBin: opts.haproxyBin,
      address: opts.address,
      logLevel: opts.logLevel,
      ...logOutput(opts.logFormat),
      ...(opts.reloadCmd !== undefined ? { reloadCmd: opts.reloadCmd } : {}),
      ...(opts.httpPort !== undefined ? { httpPort: opts.httpPort } : {}),
      ...(header !== undefined ? { header } : {}),
    });
    setExit(code);
  });
};

/**
 * The options every command that talks to a master takes, and the client they make. Defaults
 * come from the environment: DROVER_URL, DROVER_HTTP_CREDENTIALS (user:password, the same
 * variable `drover master` reads), DROVER_API_TOKEN.
 */
import { type Command, Option } from 'commander';
import { type Credentials, parseBasic } from '../client/credentials.js';
import type { DroverClient } from '../client/drover-client.js';
import { createNodeClient } from '../client/node/node-client.js';
import { DroverError } from '../domain/errors.js';
import { processTerminal, type Terminal } from './output/terminal.js';

export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface ClientFlags {
  url?: string;
  user?: string;
  token?: string;
  json?: boolean;
  ca?: string;
}

/** The names, for hoisting `drover --json app list` to `drover app list --json`. */
export const CLIENT_FLAGS_WITH_VALUE = ['--url', '--user', '--token', '--ca'] as const;
export const CLIENT_SWITCHES = ['--json'] as const;

export function addClientOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--url <url>', 'master API URL').env('DROVER_URL').default(DEFAULT_URL))
    .addOption(new Option('--user <user:password>', 'HTTP basic credentials').env('DROVER_HTTP_CREDENTIALS'))
    .addOption(new Option('--token <token>', 'API bearer token').env('DROVER_API_TOKEN'))
    .option('--json', "machine output: the API's JSON")
    .option('--ca <file>', 'PEM certificate(s) to trust for an https:// master');
}

export interface CommandContext {
  client: DroverClient;
  json: boolean;
  term: Terminal;
  url: string;
  /** Print a value as JSON (one document, two-space indented). */
  printJson(value: unknown): void;
}

export function contextFrom(flags: ClientFlags): CommandContext {
  const url = flags.url ?? DEFAULT_URL;
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
  } catch {
    throw new DroverError('USAGE', `--url must be an http(s) URL, got '${url}'`);
  }
  let credentials: Credentials | undefined;
  if (flags.token) credentials = { kind: 'bearer', token: flags.token };
  else if (flags.user) {
    credentials = parseBasic(flags.user);
    if (!credentials) throw new DroverError('USAGE', '--user must be user:password');
  }
  let client: DroverClient;
  try {
    client = createNodeClient({
      url,
      ...(credentials ? { credentials } : {}),
      ...(flags.ca ? { caFile: flags.ca } : {}),
    });
  } catch (err) {
    throw new DroverError('USAGE', (err as Error).message);
  }
  const term = processTerminal();
  return {
    client,
    json: Boolean(flags.json),
    term,
    url,
    printJson: (value) => term.out(JSON.stringify(value, null, 2)),
  };
}

/** A subcommand action with the context built from its (and its parents') options. */
export function withContext<A extends unknown[]>(
  fn: (ctx: CommandContext, ...args: A) => Promise<void>,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const cmd = args[args.length - 1] as Command;
    const ctx = contextFrom(cmd.optsWithGlobals() as ClientFlags);
    await fn(ctx, ...(args.slice(0, -1) as A));
  };
}

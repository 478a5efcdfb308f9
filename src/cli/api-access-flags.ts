/**
 * The flags that say who may use the API, shared by `drover up` and `drover master`: credentials
 * (`--http-credentials`, `--api-token`, `--auth-file`), TLS, `--insecure`, the audit log's
 * retention and the secret key. Parsed here once; the composition roots (bin/api-access.ts) read
 * the files.
 */
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DroverError } from '../domain/errors.js';
import { collect } from './cluster-flags.js';
import { intFlag } from './parse-flags.js';

/** `user:password`; the password may contain colons. */
function credentials(value: string): { user: string; password: string } {
  const colon = value.indexOf(':');
  if (colon <= 0 || colon === value.length - 1) throw new InvalidArgumentError('expected user:password');
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

export function addApiAccessOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--http-credentials <user:password>', 'HTTP basic credentials for the API (an admin)')
        .env('DROVER_HTTP_CREDENTIALS')
        .argParser(credentials),
    )
    .addOption(
      new Option('--api-token <token>', 'bearer token accepted by the API, an admin (repeatable)')
        .env('DROVER_API_TOKEN')
        .argParser(collect),
    )
    .option(
      '--auth-file <file>',
      'JSON users and tokens with roles (admin, deployer, viewer) and hashed secrets; reread on SIGHUP',
    )
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS (and wss:// for agents)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--insecure', 'allow a non-loopback address without credentials')
    .option(
      '--secret-key-file <file>',
      'file with the 32-byte key (raw, hex or base64) that encrypts secrets at rest; without it /v2/secrets is off',
    )
    .option('--audit-retention-days <days>', 'how long audit log entries are kept', intFlag(1, 36_500), 90);
}

export interface ApiAccessFlags {
  auth: { basic?: { user: string; password: string }; bearerTokens?: string[] };
  tls?: { cert: string; key: string };
  authFile?: string;
  secretKeyFile?: string;
  insecure: boolean;
  auditRetentionDays: number;
}

export function apiAccessFlags(opts: Record<string, unknown>): ApiAccessFlags {
  if ((opts.tlsCert === undefined) !== (opts.tlsKey === undefined)) {
    throw new DroverError('USAGE', '--tls-cert and --tls-key go together');
  }
  const given = typeof opts.apiToken === 'string' ? [opts.apiToken] : ((opts.apiToken as string[]) ?? []);
  // An empty token (e.g. DROVER_API_TOKEN= in the environment) must not become a credential.
  const apiTokens = given.filter((t) => t !== '');
  const basic = opts.httpCredentials as ApiAccessFlags['auth']['basic'];
  return {
    auth: {
      ...(basic ? { basic } : {}),
      ...(apiTokens.length > 0 ? { bearerTokens: apiTokens } : {}),
    },
    ...(typeof opts.tlsCert === 'string'
      ? { tls: { cert: readPem(opts.tlsCert), key: readPem(String(opts.tlsKey)) } }
      : {}),
    ...(typeof opts.authFile === 'string' ? { authFile: opts.authFile } : {}),
    ...(typeof opts.secretKeyFile === 'string' ? { secretKeyFile: opts.secretKeyFile } : {}),
    insecure: Boolean(opts.insecure),
    auditRetentionDays: Number(opts.auditRetentionDays ?? 90),
  };
}

export function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new DroverError('USAGE', `cannot read ${file}: ${(err as Error).message}`);
  }
}

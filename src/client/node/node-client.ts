/**
 * Node-only: a DroverClient that trusts extra CA certificates (`--ca`) through an undici Agent.
 * Kept out of the browser-safe modules, which must not import node: builtins.
 */
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import type { Credentials } from '../credentials.js';
import { DroverClient } from '../drover-client.js';
import type { FetchLike } from '../transport.js';

export interface NodeClientOptions {
  url: string;
  credentials?: Credentials;
  /** Path of a PEM file with the certificate(s) to trust for https:// masters. */
  caFile?: string;
}

/** The PEM text of `--ca`; throws an Error naming the file when it cannot be read. */
export function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read --ca ${file}: ${(err as Error).message}`);
  }
}

export function createNodeClient(opts: NodeClientOptions): DroverClient {
  let fetchImpl: FetchLike | undefined;
  if (opts.caFile !== undefined) {
    const dispatcher = new Agent({ connect: { ca: readCaFile(opts.caFile) } });
    fetchImpl = (input, init) =>
      undiciFetch(input, {
        ...(init as Parameters<typeof undiciFetch>[1]),
        dispatcher,
      }) as unknown as Promise<Response>;
  }
  return new DroverClient({
    url: opts.url,
    ...(opts.credentials ? { credentials: opts.credentials } : {}),
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

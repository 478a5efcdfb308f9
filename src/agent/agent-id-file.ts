/**
 * The id a master gave this agent, kept in `<workDir>/agent-id`, so a restarted agent registers
 * as itself and the master matches it to the tasks it stored; and beside it, in
 * `<workDir>/agent-secret`, the credential the master issued with it, which a re-registration
 * must carry (control-plane/agent-credential.ts). Both 0600. Wiping the work dir makes a new
 * agent (which is also how an agent whose host identity changed rejoins).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'agent-id';
const SECRET_FILE = 'agent-secret';

export function readAgentId(workDir: string): string | undefined {
  const path = join(workDir, FILE);
  if (!existsSync(path)) return undefined;
  const id = readFileSync(path, 'utf8').trim();
  return id === '' ? undefined : id;
}

export function writeAgentId(workDir: string, agentId: string): void {
  if (readAgentId(workDir) === agentId) return;
  writeFileSync(join(workDir, FILE), `${agentId}\n`, { mode: 0o600 });
}

export function readAgentSecret(workDir: string): string | undefined {
  const path = join(workDir, SECRET_FILE);
  if (!existsSync(path)) return undefined;
  const secret = readFileSync(path, 'utf8').trim();
  return secret === '' ? undefined : secret;
}

/** Written to a temp file (0600 from its creation) renamed over the old one: never half a secret. */
export function writeAgentSecret(workDir: string, secret: string): void {
  const path = join(workDir, SECRET_FILE);
  const tmp = `${path}.tmp`;
  mkdirSync(workDir, { recursive: true });
  rmSync(tmp, { force: true });
  writeFileSync(tmp, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  renameSync(tmp, path);
}

/**
 * The id a master gave this agent, kept in `<workDir>/agent-id`, so a restarted agent registers
 * as itself and the master matches it to the tasks it stored. Wiping the work dir makes a new
 * agent (which is also how an agent whose host identity changed rejoins).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'agent-id';

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

/**
 * The secret store: values go in sealed (platform/secret-cipher.ts) and come out only for a task
 * launch (`valuesFor`). Listing gives names and versions. Nothing here logs or returns a value in
 * an error: a failure names the secret, never its content.
 */
import { DroverError } from '../../domain/errors.js';
import type { Clock } from '../../platform/clock.js';
import type { SecretCipher } from '../../platform/secret-cipher.js';
import type { SecurityStoreOps } from '../../store/security-port.js';

export interface SecretInfo {
  name: string;
  version: number;
  updatedAt: string;
}

/** Names as paths (`db/password`): letters, digits, `._-`, `/` between segments, no `.`/`..` segments. */
export function secretNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 256) return 'a secret name has 1-256 characters';
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(name)) {
    return 'a secret name is segments of letters, digits, . _ - separated by /';
  }
  if (name.split('/').some((s) => s === '.' || s === '..')) return 'a secret name has no . or .. segments';
  return undefined;
}

export class SecretVault {
  constructor(
    private readonly store: Pick<
      SecurityStoreOps,
      'putSecret' | 'getSecret' | 'listSecrets' | 'deleteSecret'
    >,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
  ) {}

  async put(name: string, value: string): Promise<SecretInfo> {
    const problem = secretNameProblem(name);
    if (problem) throw new DroverError('INVALID_DEFINITION', problem, [{ path: '/name', errors: [problem] }]);
    const previous = await this.store.getSecret(name);
    const info = {
      name,
      version: (previous?.version ?? 0) + 1,
      updatedAt: new Date(this.clock.now()).toISOString(),
    };
    await this.store.putSecret({ ...info, sealed: this.cipher.seal(name, value) });
    return info;
  }

  async list(): Promise<SecretInfo[]> {
    return (await this.store.listSecrets()).map(({ name, version, updatedAt }) => ({
      name,
      version,
      updatedAt,
    }));
  }

  async has(name: string): Promise<boolean> {
    return (await this.store.getSecret(name)) !== undefined;
  }

  /** False when there was none. */
  async delete(name: string): Promise<boolean> {
    if (!(await this.has(name))) return false;
    await this.store.deleteSecret(name);
    return true;
  }

  /** Variable name -> value, for the variables that take secrets (name -> secret name). */
  async valuesFor(sources: Record<string, string>): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [variable, source] of Object.entries(sources)) {
      const stored = await this.store.getSecret(source);
      if (!stored) throw new DroverError('NOT_FOUND', `secret ${source} (for ${variable}) does not exist`);
      out[variable] = this.cipher.open(source, stored.sealed);
    }
    return out;
  }
}

/**
 * Secrets at rest: AES-256-GCM (node:crypto) under the key of `--secret-key-file`. Each value is
 * sealed with a fresh 96-bit IV and bound to its secret's name (additional authenticated data), so
 * a sealed value copied to another name in the store does not open. The store only ever holds
 * `v1.<iv>.<tag>.<ciphertext>` (base64 parts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const KEY_BYTES = 32;

/** The key from a key file's bytes: 32 raw bytes, or 64 hex digits, or base64 of 32 bytes. */
export function parseSecretKey(file: Buffer): Buffer | { problem: string } {
  if (file.length === KEY_BYTES) return file;
  const text = file.toString('utf8').trim();
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/]{43}=$/.test(text)) return Buffer.from(text, 'base64');
  return {
    problem: 'expected 32 random bytes, 64 hex digits or 44 base64 characters (e.g. `openssl rand -hex 32`)',
  };
}

export class SecretCipher {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new Error('a secret key is 32 bytes');
  }

  seal(name: string, value: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(name, 'utf8'));
    const ct = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), ct]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64')))
      .join('.');
  }

  /** Throws (without the value) when the key, the name or the sealed text does not match. */
  open(name: string, sealed: string): string {
    const [format, iv, tag, ct] = sealed.split('.');
    if (format !== 'v1' || iv === undefined || tag === undefined || ct === undefined) {
      throw new Error(`secret ${name}: not a sealed value`);
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(name, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      throw new Error(`secret ${name}: cannot be opened with this key (wrong --secret-key-file?)`);
    }
  }
}

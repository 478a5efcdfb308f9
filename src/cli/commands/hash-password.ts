/**
 * `drover hash-password [--token]`: reads a password (or, with --token, an API token) on stdin and
 * prints the hash an `--auth-file` entry keeps (scrypt for passwords, sha256 for tokens), so the
 * file never holds the secret itself:
 *
 *   printf %s "$PASSWORD" | drover hash-password
 *   openssl rand -hex 32 | tee ci.token | drover hash-password --token
 */
import { hashPassword, hashToken } from '../../platform/password-hash.js';
import type { RegisterCommand } from '../register-command.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // One trailing newline is the shell's (echo, a file), not part of the secret.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export const registerHashPassword: RegisterCommand = (program, setExit) => {
  program
    .command('hash-password')
    .description('read a password (or --token) on stdin, print its hash for --auth-file')
    .option('--token', 'hash an API token (sha256) instead of a password (scrypt)')
    .action(async (opts: { token?: boolean }) => {
      const secret = await readStdin();
      if (secret === '') {
        console.error('drover hash-password: nothing on stdin (pipe the password in)');
        setExit(2);
        return;
      }
      console.log(opts.token ? hashToken(secret) : await hashPassword(secret));
      setExit(0);
    });
};

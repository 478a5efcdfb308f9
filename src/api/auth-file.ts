/**
 * `--auth-file`: the API's users and tokens, each with a role (roles.ts). JSON:
 *
 *   {
 *     "users":  [{ "name": "alice", "role": "admin",    "password": "scrypt:16384:8:1:<salt>:<hash>" },
 *                { "name": "dash",  "role": "viewer",   "password": "scrypt:...", "logs": true }],
 *     "tokens": [{ "name": "ci",    "role": "deployer", "hash": "sha256:<hex>" }]
 *   }
 *
 * Only hashes are kept (`drover hash-password` makes them; platform/password-hash.ts). The file is
 * read at start (a bad file stops the start) and again on SIGHUP (a bad file then keeps the
 * previous one, and says why in the log).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  passwordHashProblem,
  tokenHashProblem,
  verifyPassword,
  verifyToken,
} from '../platform/password-hash.js';
import { secretEquals } from '../platform/secret-compare.js';
import { type Principal, ROLES, type Role } from './roles.js';

export interface AuthFileUser extends Principal {
  /** scrypt hash. */
  password: string;
}

export interface AuthFileToken extends Principal {
  /** sha256 hash. */
  hash: string;
}

export interface AuthFile {
  users: AuthFileUser[];
  tokens: AuthFileToken[];
}

/** The parsed file, or every problem found in it (with the JSON path of each). */
export function parseAuthFile(text: string): AuthFile | string[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return [`not JSON: ${(err as Error).message}`];
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return ['/: expected an object'];
  const raw = v as Record<string, unknown>;
  const problems: string[] = [];
  const users = entries(raw.users, '/users', problems).map((e, i) => {
    const at = `/users/${i}`;
    const password = e.password;
    if (typeof password !== 'string') problems.push(`${at}/password: expected a scrypt hash`);
    else {
      const p = passwordHashProblem(password);
      if (p) problems.push(`${at}/password: ${p}`);
    }
    return { ...principal(e, at, problems), password: String(password) };
  });
  const tokens = entries(raw.tokens, '/tokens', problems).map((e, i) => {
    const at = `/tokens/${i}`;
    const hash = e.hash;
    if (typeof hash !== 'string') problems.push(`${at}/hash: expected a sha256 hash`);
    else {
      const p = tokenHashProblem(hash);
      if (p) problems.push(`${at}/hash: ${p}`);
    }
    return { ...principal(e, at, problems), hash: String(hash) };
  });
  const names = new Set<string>();
  for (const u of users) {
    if (names.has(u.name)) problems.push(`/users: ${u.name} is listed twice`);
    names.add(u.name);
  }
  return problems.length > 0 ? problems : { users, tokens };
}

function entries(v: unknown, at: string, problems: string[]): Array<Record<string, unknown>> {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push(`${at}: expected an array`);
    return [];
  }
  return v.map((e, i) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      problems.push(`${at}/${i}: expected an object`);
      return {};
    }
    return e as Record<string, unknown>;
  });
}

function principal(e: Record<string, unknown>, at: string, problems: string[]): Principal {
  if (typeof e.name !== 'string' || e.name === '' || e.name.length > 256 || e.name.includes(':'))
    problems.push(`${at}/name: expected a name of 1-256 characters without ':'`);
  if (!ROLES.includes(e.role as Role)) problems.push(`${at}/role: expected one of ${ROLES.join(', ')}`);
  if (e.logs !== undefined && typeof e.logs !== 'boolean')
    problems.push(`${at}/logs: expected true or false`);
  return { name: String(e.name), role: e.role as Role, ...(e.logs === true ? { logs: true } : {}) };
}

/** Reads and parses; throws with every problem in the message. */
export function readAuthFile(path: string): AuthFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read the auth file ${path}: ${(err as Error).message}`);
  }
  const parsed = parseAuthFile(text);
  if (Array.isArray(parsed)) throw new Error(`the auth file ${path} is invalid: ${parsed.join('; ')}`);
  return parsed;
}

/**
 * Checks presented credentials against one loaded file. scrypt is slow on purpose, so a password
 * that verified is remembered (by a hash of name and password, never the password) until the file
 * is replaced: a dashboard polling with basic auth costs one scrypt, not one per request.
 */
export class AuthFileCheck {
  private readonly verified = new Map<string, Principal>();

  constructor(readonly file: AuthFile) {}

  byToken(token: string): Principal | undefined {
    const t = this.file.tokens.find((x) => verifyToken(token, x.hash));
    return t ? strip(t) : undefined;
  }

  async byPassword(name: string, password: string): Promise<Principal | undefined> {
    const user = this.file.users.find((u) => secretEquals(u.name, name));
    if (!user) return undefined;
    const key = hashKey(name, password);
    const hit = this.verified.get(key);
    if (hit) return hit;
    if (!(await verifyPassword(password, user.password))) return undefined;
    const p = strip(user);
    if (this.verified.size > 1000) this.verified.clear();
    this.verified.set(key, p);
    return p;
  }
}

function strip(p: Principal): Principal {
  return { name: p.name, role: p.role, ...(p.logs ? { logs: true } : {}) };
}

function hashKey(name: string, password: string): string {
  return createHash('sha256').update(`${name}\u0000${password}`).digest('hex');
}

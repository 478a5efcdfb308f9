/**
 * Who a task runs as (Chronos's `runAsUser`, Marathon's `user`): a user name, or a numeric uid,
 * looked up in /etc/passwd as Mesos' `os::su` does with getpwnam. Only the local file is read, not
 * NSS (LDAP, sssd): an agent that must run tasks as directory users needs them in /etc/passwd,
 * which is what a plain Mesos agent host also gets from `getent passwd` in the common case.
 */
import { readFileSync } from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

const ID = /^\d{1,10}$/;

/** The entries of a passwd(5) text; comments, NIS `+`/`-` lines and malformed lines are skipped. */
export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/\r$/, '').split(':');
    if (fields.length !== 7) continue;
    const [name = '', , uid = '', gid = '', , home = ''] = fields;
    if (name === '' || name.startsWith('#') || name.startsWith('+') || name.startsWith('-')) continue;
    if (!ID.test(uid) || !ID.test(gid)) continue;
    const u = Number(uid);
    const g = Number(gid);
    // Above 2^32 - 2 is not a uid (and -1 means "unchanged" to setuid).
    if (u > 0xfffffffe || g > 0xfffffffe) continue;
    out.push({ name, uid: u, gid: g, home });
  }
  return out;
}

/**
 * The entry for `user`: by name first (a user may be called "1000"), then, for all digits, by
 * uid. Undefined when neither matches: Mesos refuses unknown users too, and a bare uid without an
 * entry would leave the task without a group or a home.
 */
export function lookupUser(entries: readonly PasswdEntry[], user: string): PasswdEntry | undefined {
  const byName = entries.find((e) => e.name === user);
  if (byName || !ID.test(user)) return byName;
  const uid = Number(user);
  return entries.find((e) => e.uid === uid);
}

/** Reads the file at each launch: users added after the agent started are found. */
export function readPasswd(path = '/etc/passwd'): PasswdEntry[] {
  return parsePasswd(readFileSync(path, 'utf8'));
}

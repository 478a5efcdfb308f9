/**
 * An app's constraint list compiled once per call: the checks (all must hold) and their summed
 * preference. Requests of one app usually share the app definition's constraints array, so
 * identity is tried before comparing contents.
 */
import type { Constraint } from '../domain/app.js';
import type { AppTasks } from './app-tasks.js';
import type { ConstraintCheck, ConstraintCompiler, Preference } from './constraints.js';

export interface CompiledConstraints {
  readonly checks: readonly ConstraintCheck[];
  /** Undefined when no check expresses a preference. */
  readonly preference: Preference | undefined;
}

const NONE: CompiledConstraints = { checks: [], preference: undefined };

export class AppConstraints {
  private readonly cache = new Map<
    AppTasks,
    Array<{ list: Constraint[]; text: string; compiled: CompiledConstraints }>
  >();

  constructor(private readonly compiler: ConstraintCompiler) {}

  for(app: AppTasks, list: Constraint[]): CompiledConstraints {
    if (list.length === 0) return NONE;
    let entries = this.cache.get(app);
    if (!entries) {
      entries = [];
      this.cache.set(app, entries);
    }
    const same = entries.find((e) => e.list === list);
    if (same) return same.compiled;
    const text = JSON.stringify(list);
    const equal = entries.find((e) => e.text === text);
    if (equal) return equal.compiled;
    const checks = list.map((c) => this.compiler.compile(c, app));
    const compiled = { checks, preference: sumOf(checks) };
    entries.push({ list, text, compiled });
    return compiled;
  }
}

function sumOf(checks: readonly ConstraintCheck[]): Preference | undefined {
  const prefs = checks.flatMap((c) => (c.preference ? [c.preference] : []));
  if (prefs.length <= 1) return prefs[0];
  return {
    score: (a) => prefs.reduce((sum, p) => sum + p.score(a), 0),
    floor: () => prefs.reduce((sum, p) => sum + p.floor(), 0),
  };
}

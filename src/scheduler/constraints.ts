/**
 * Marathon's seven constraint operators, compiled once per placeTasks call into checks that answer
 * "may agent i take one more task of this app?" in O(1). Semantics follow Marathon's
 * Constraints.scala (see README.md); operators that depend only on the agent (LIKE, UNLIKE, IS,
 * CLUSTER with a value) are evaluated once per agent and cached, regexes are compiled once.
 */
import type { Constraint } from '../domain/app.js';
import type { AppTasks } from './app-tasks.js';
import type { FieldIndex, FieldIndexes } from './field-values.js';
import { formatScalar } from './field-values.js';
import { constraintReason } from './reasons.js';

export interface ConstraintCheck {
  /** `UnfulfilledConstraint: <field> <OP> [value]` */
  readonly reason: string;
  ok(agent: number): boolean;
  /** Soft preference among agents that pass (GROUP_BY): lower is better. */
  readonly preference?: Preference;
}

export interface Preference {
  score(agent: number): number;
  /** No agent scores lower than this now: a search can stop at an agent that scores it. */
  floor(): number;
}

/** `hostname UNIQUE`, `rack_id LIKE rack-[1-3]`. */
export function describeConstraint([field, op, value]: Constraint): string {
  return value === undefined ? `${field} ${op}` : `${field} ${op} ${value}`;
}

/** Java's Integer.parseInt, which Marathon uses for MAX_PER and GROUP_BY values. */
function parseJavaInt(text: string | undefined): number | undefined {
  if (text === undefined || !/^[+-]?[0-9]+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : undefined;
}

/** GROUP_BY's optional value: groups expected before any is filled twice. "inf" = unbounded. */
export function groupByMinimum(value: string | undefined): number {
  if (value === 'inf') return 2147483647;
  return Math.max(0, parseJavaInt(value) ?? 0);
}

/** MAX_PER's required value; undefined (the constraint never holds) when it is not an integer. */
export function maxPerLimit(value: string | undefined): number | undefined {
  return parseJavaInt(value);
}

/** Java's String.matches: the whole value must match. undefined for an invalid pattern. */
export function fullMatchRegex(pattern: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined;
  }
}

const never = (): boolean => false;

export class ConstraintCompiler {
  private readonly regexes = new Map<string, RegExp | undefined>();
  private readonly masks = new Map<string, Uint8Array>();

  constructor(private readonly fields: FieldIndexes) {}

  compile(constraint: Constraint, app: AppTasks): ConstraintCheck {
    const [fieldName, op, value] = constraint;
    const reason = constraintReason(describeConstraint(constraint));
    const field = this.fields.get(fieldName);
    const ids = field.valueIds;
    switch (op) {
      case 'UNIQUE': {
        const g = app.groupsBy(field);
        return { reason, ok: (a) => ids[a]! >= 0 && g.count(ids[a]!) === 0 };
      }
      case 'MAX_PER': {
        const max = maxPerLimit(value);
        if (max === undefined) return { reason, ok: never };
        const g = app.groupsBy(field);
        return { reason, ok: (a) => ids[a]! >= 0 && g.count(ids[a]!) < max };
      }
      case 'GROUP_BY': {
        const minimum = groupByMinimum(value);
        const g = app.groupsBy(field);
        return {
          reason,
          ok: (a) => {
            const v = ids[a]!;
            if (v < 0) return false;
            const c = g.count(v);
            // A value without tasks yet is always welcome; otherwise fill the smallest group, and
            // only once the expected number of groups exist.
            return c === 0 || (g.groupCount >= minimum && c === g.minCount);
          },
          // Marathon only learns values from offers, so without a count it may double up in one
          // group while others are empty. Drover knows every agent's value: it prefers the value
          // with the fewest of the app's tasks, so values without tasks are used first.
          preference: {
            score: (a) => g.count(ids[a]!),
            floor: () => {
              const valued = g.groupCount - (g.count(-1) > 0 ? 1 : 0);
              return valued < field.values.length ? 0 : g.minCount;
            },
          },
        };
      }
      case 'CLUSTER': {
        if (value) return this.staticCheck(constraint, field, reason, (v) => v === value);
        const g = app.groupsBy(field);
        // The app's first task picks the value; a first task on an agent without the field (-1)
        // matches nothing, as in Marathon.
        return { reason, ok: (a) => ids[a]! >= 0 && (g.first === undefined || g.first === ids[a]) };
      }
      case 'LIKE': {
        const re = value ? this.regex(value) : undefined;
        if (!re) return { reason, ok: never };
        return this.staticCheck(constraint, field, reason, (v) => re.test(v));
      }
      case 'UNLIKE': {
        const re = value ? this.regex(value) : undefined;
        // An agent without the attribute passes UNLIKE (and only UNLIKE), whatever the value.
        return this.staticCheck(constraint, field, reason, (v) => re !== undefined && !re.test(v), true);
      }
      case 'IS': {
        const expected = formatScalar(value ?? '');
        return this.staticCheck(constraint, field, reason, (v) => v === expected);
      }
      default:
        return { reason, ok: never };
    }
  }

  /** A check that depends only on the agent's field value: computed once per agent per call. */
  private staticCheck(
    [fieldName, op, value]: Constraint,
    field: FieldIndex,
    reason: string,
    test: (value: string) => boolean,
    whenMissing = false,
  ): ConstraintCheck {
    const key = `${op}\u0000${fieldName}\u0000${value ?? ''}`;
    let mask = this.masks.get(key);
    if (!mask) {
      const result = field.values.map(test);
      mask = new Uint8Array(field.valueIds.length);
      field.valueIds.forEach((v, a) => {
        mask![a] = (v < 0 ? whenMissing : result[v]) ? 1 : 0;
      });
      this.masks.set(key, mask);
    }
    const m = mask;
    return { reason, ok: (a) => m[a] === 1 };
  }

  private regex(pattern: string): RegExp | undefined {
    if (!this.regexes.has(pattern)) this.regexes.set(pattern, fullMatchRegex(pattern));
    return this.regexes.get(pattern);
  }
}

/**
 * Placement constraints `[field, operator, value?]`, checked with the messages of Marathon's
 * SchedulingValidation.complyWithAppConstraintRules. IS (Marathon 1.5+) and CLUSTER need a value;
 * LIKE/UNLIKE values are regular expressions matched against the whole field value, as Java's
 * `String.matches` does in Marathon.
 */
import type { Constraint, ConstraintOperator } from './app.js';
import { at, type Issues } from './validation-issues.js';

export const CONSTRAINT_OPERATORS: readonly ConstraintOperator[] = [
  'UNIQUE',
  'CLUSTER',
  'GROUP_BY',
  'LIKE',
  'UNLIKE',
  'MAX_PER',
  'IS',
];

export const CONSTRAINT_MESSAGES = {
  arity: 'Each constraint must have either 2 or 3 fields',
  missingField: 'Missing field and operator',
  operator:
    'Constraint operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS',
  valueNotUsed: 'Value specified but not used',
  missingValue: 'Missing value',
  groupByNumber: 'Value was specified but is not a number',
  maxPerNumber: 'Value was not specified or is not a number',
  regexMissing: 'A regular expression value must be provided',
  regexInvalid: (v: string) => `'${v}' is not a valid regular expression`,
} as const;

/** Java's Integer.parseInt: optional sign, decimal digits, 32-bit range. */
function isJavaInt(v: string): boolean {
  if (!/^[+-]?\d+$/.test(v)) return false;
  const n = Number(v);
  return n >= -(2 ** 31) && n <= 2 ** 31 - 1;
}

/** The whole-value match LIKE and UNLIKE perform; undefined when the pattern does not compile. */
export function constraintPattern(value: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${value})$`);
  } catch {
    return undefined;
  }
}

/** The problem with one constraint, or undefined when it is valid. */
export function constraintProblem(c: readonly string[]): string | undefined {
  if (c.length < 2 || c.length > 3) return CONSTRAINT_MESSAGES.arity;
  const [field, op, value] = c;
  if (!field) return CONSTRAINT_MESSAGES.missingField;
  if (!(CONSTRAINT_OPERATORS as readonly string[]).includes(op ?? '')) return CONSTRAINT_MESSAGES.operator;
  switch (op as ConstraintOperator) {
    case 'UNIQUE':
      return value === undefined ? undefined : CONSTRAINT_MESSAGES.valueNotUsed;
    case 'CLUSTER':
    case 'IS':
      return value ? undefined : CONSTRAINT_MESSAGES.missingValue;
    case 'GROUP_BY':
      return value === undefined || isJavaInt(value) ? undefined : CONSTRAINT_MESSAGES.groupByNumber;
    case 'MAX_PER':
      return value !== undefined && isJavaInt(value) ? undefined : CONSTRAINT_MESSAGES.maxPerNumber;
    case 'LIKE':
    case 'UNLIKE':
      if (value === undefined) return CONSTRAINT_MESSAGES.regexMissing;
      return constraintPattern(value) ? undefined : CONSTRAINT_MESSAGES.regexInvalid(value);
  }
}

/** Valid constraints, duplicates dropped (Marathon keeps them in a set). */
export function normalizeConstraints(raw: readonly string[][], issues: Issues): Constraint[] {
  const seen = new Set<string>();
  const out: Constraint[] = [];
  raw.forEach((c, i) => {
    const problem = constraintProblem(c);
    if (problem) {
      issues.add(at('/constraints', i), problem);
      return;
    }
    const key = JSON.stringify(c);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c as Constraint);
  });
  return out;
}

/**
 * TypeBox schema errors as Marathon reports them. Type mismatches use the Play JSON keys Marathon
 * returns (`error.expected.jsnumber`, `error.path.missing`), which clients such as the DC/OS UI
 * map to text; ranges use Marathon's validator messages ("got -1.0, expected 0.0 or more").
 */
import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { expected, type Issues, marathonPath, showNumber } from './validation-issues.js';

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Keywords after which the value still has the shape the cross-field rules expect. */
const SHAPE_PRESERVING = new Set([
  'additionalProperties',
  'boolean',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
]);

/**
 * Adds every schema problem of `value` to `issues`. Returns whether the value is still well-typed
 * enough (only unknown fields or out-of-range values) for the cross-field rules to run too.
 */
export function addSchemaIssues(schema: TSchema, value: unknown, issues: Issues): boolean {
  const errors = allErrors(schema, value);
  const kept = pruneUnionBranches(errors, schema, value);
  for (const e of kept) {
    const message = describe(e, schema, value);
    if (message) for (const path of pathsOf(e, value)) issues.add(path, message);
  }
  return errors.length < MAX_ERRORS && kept.every((e) => SHAPE_PRESERVING.has(e.keyword));
}

/** Enough for any definition a person writes; the cap only guards against hostile bodies. */
const MAX_ERRORS = 200;

/**
 * TypeBox stops after `maxErrors` (8 by default), and one 422 should list every problem. The
 * setting is global, so it is raised only for this synchronous call and then restored.
 */
function allErrors(schema: TSchema, value: unknown): SchemaError[] {
  const before = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: MAX_ERRORS });
  try {
    return Value.Errors(schema, value) as unknown as SchemaError[];
  } finally {
    Settings.Set({ maxErrors: before });
  }
}

/** Missing and unknown fields are reported at the field itself, as Marathon does. */
function pathsOf(e: SchemaError, root: unknown): string[] {
  const base = marathonPath(e.instancePath, root);
  const child = (name: string) => (base === '/' ? `/${name}` : `${base}/${name}`);
  if (e.keyword === 'required') return (e.params.requiredProperties as string[]).map(child);
  if (e.keyword === 'additionalProperties') return (e.params.additionalProperties as string[]).map(child);
  return [base];
}

function describe(e: SchemaError, schema: TSchema, root: unknown): string | undefined {
  const node = schemaAt(schema, e.schemaPath);
  const value = valueAt(root, e.instancePath);
  switch (e.keyword) {
    case 'boolean':
      // The per-property echo of an additionalProperties failure, reported once below.
      return e.schemaPath.endsWith('/additionalProperties') ? undefined : e.message;
    case 'additionalProperties':
      return 'unknown field';
    case 'required':
      return 'error.path.missing';
    case 'type':
      return typeMessage(String(e.params.type), value);
    case 'enum':
      return `is not one of (${(e.params.allowedValues as unknown[]).join(',')})`;
    case 'const':
      return `is not one of (${String(e.params.allowedValue)})`;
    case 'minimum':
    case 'maximum':
      return rangeMessage(node, value);
    case 'minLength':
      return e.params.limit === 1
        ? 'must not be empty'
        : `must be at least ${e.params.limit} characters long`;
    case 'maxLength':
      return `must be at most ${e.params.limit} characters long`;
    case 'anyOf':
      return unionMessage(node, value);
    default:
      return e.message;
  }
}

function typeMessage(type: string, value: unknown): string {
  if (type === 'integer') return typeof value === 'number' ? 'error.expected.int' : 'error.expected.jsnumber';
  if (type === 'number') return 'error.expected.jsnumber';
  if (type === 'string') return 'error.expected.jsstring';
  if (type === 'boolean') return 'error.expected.jsboolean';
  if (type === 'array') return 'error.expected.jsarray';
  return 'error.expected.jsobject';
}

function rangeMessage(node: Record<string, unknown> | undefined, value: unknown): string {
  const integer = node?.type === 'integer';
  const show = (n: unknown) => showNumber(Number(n), integer);
  const { minimum: min, maximum: max } = node ?? {};
  if (node?.limit === true) {
    return Number(value) < Number(min)
      ? expected.atLeast(show(value), show(min))
      : expected.atMost(show(value), show(max));
  }
  if (min !== undefined && max !== undefined) return expected.between(show(value), show(min), show(max));
  if (min !== undefined) return expected.atLeast(show(value), show(min));
  return expected.atMost(show(value), show(max));
}

/** No branch has the value's JSON type: name what would have been accepted. */
function unionMessage(node: Record<string, unknown> | undefined, value: unknown): string | undefined {
  const branches = (node?.anyOf as Record<string, unknown>[] | undefined) ?? [];
  if (branches.some((b) => matchesType(b, value))) return undefined;
  const names = branches.map((b) => ('const' in b ? `'${String(b.const)}'` : `a JSON ${String(b.type)}`));
  return `must be ${names.join(' or ')}`;
}

/**
 * A union reports every branch's failure. Keep only the branch whose type matches the value (its
 * errors are the useful ones); with no such branch keep just the union's own error.
 */
function pruneUnionBranches(errors: SchemaError[], schema: TSchema, root: unknown): SchemaError[] {
  const dropped = new Set<string>();
  for (const e of errors) {
    if (e.keyword !== 'anyOf') continue;
    const branches = (schemaAt(schema, e.schemaPath)?.anyOf as Record<string, unknown>[] | undefined) ?? [];
    const value = valueAt(root, e.instancePath);
    const chosen = branches.findIndex((b) => matchesType(b, value));
    branches.forEach((_, i) => {
      if (i !== chosen) dropped.add(`${e.schemaPath}/anyOf/${i}`);
    });
  }
  const isDropped = (p: string) => [...dropped].some((d) => p === d || p.startsWith(`${d}/`));
  return errors.filter((e) => !isDropped(e.schemaPath));
}

function matchesType(branch: Record<string, unknown>, value: unknown): boolean {
  const t = 'const' in branch ? typeof branch.const : branch.type;
  if (t === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (t === 'array') return Array.isArray(value);
  if (t === 'integer') return typeof value === 'number';
  return typeof value === t;
}

function schemaAt(schema: TSchema, schemaPath: string): Record<string, unknown> | undefined {
  let node: unknown = schema;
  for (const raw of schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node as Record<string, unknown> | undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

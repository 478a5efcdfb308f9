/**
 * fast-check arbitraries from TypeBox (JSON Schema) schemas, for the fuzz suite: values that
 * mostly fit the schema (so requests get past the first check and reach deeper code), bent now
 * and then (a wrong type, an unknown or `__proto__` key, a missing field, a value just past a
 * bound) so that the edges of every rule are hit too.
 */
import fc from 'fast-check';

type Schema = Record<string, unknown>;

const nasty = fc.constantFrom<unknown>(
  null,
  -1,
  0,
  1e308,
  -0,
  '',
  ' ',
  '\u0000',
  '../..',
  '%2e%2e',
  '__proto__',
  'a'.repeat(5000),
  [],
  {},
  true,
  { __proto__: { polluted: true } },
  JSON.parse('{"__proto__": {"polluted": true}}'),
);

const key = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'x'.repeat(300)),
);

export function arbitraryOf(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const exact = exactOf(schema, depth);
  // One value in ten is bent: the schema's edges are where the bugs are.
  return fc.oneof({ weight: 9, arbitrary: exact }, { weight: 1, arbitrary: nasty });
}

function exactOf(s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(undefined);
  if (Array.isArray(s.anyOf)) return fc.oneof(...(s.anyOf as Schema[]).map((b) => arbitraryOf(b, depth + 1)));
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  switch (s.type) {
    case 'string':
      return fc.oneof(
        fc.string({
          minLength: Number(s.minLength ?? 0),
          maxLength: Math.min(Number(s.maxLength ?? 40), 40),
        }),
        fc.constantFrom('/a', 'web', '/g/web', 'sleep 1', 'R/2030-01-01T00:00:00Z/PT1H', 'x'.repeat(300)),
      );
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1e6;
      const max = typeof s.maximum === 'number' ? s.maximum : 1e6;
      const inRange =
        s.type === 'integer'
          ? fc.integer({ min, max: Math.min(max, 2 ** 31) })
          : fc.double({ min, max, noNaN: true });
      return fc.oneof(inRange, fc.constantFrom(min - 1, max + 1, 1e9, 0.5));
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arbitraryOf((s.items as Schema) ?? {}, depth + 1), { maxLength: 3 });
    case 'object': {
      const props = (s.properties ?? {}) as Record<string, Schema>;
      const names = Object.keys(props);
      if (names.length === 0) {
        const values = Object.values((s.patternProperties ?? {}) as Record<string, Schema>)[0] ?? {};
        return fc.dictionary(key, arbitraryOf(values, depth + 1), { maxKeys: 4 });
      }
      const record = fc.record(Object.fromEntries(names.map((n) => [n, arbitraryOf(props[n]!, depth + 1)])), {
        requiredKeys: ((s.required as string[] | undefined) ?? []).filter((n) => names.includes(n)),
      });
      return fc
        .tuple(record, fc.dictionary(key, nasty, { maxKeys: 1 }))
        .map(([r, extra]) => ({ ...r, ...extra }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

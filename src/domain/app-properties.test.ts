/**
 * Properties of validation as a whole: valid definitions (generated) always validate, validating
 * is idempotent, GET output validates back to the same definition, and no input, however
 * malformed, makes the validator fail with anything but a 422.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { RESERVED_ID_SEGMENTS } from './app-defaults.js';
import { sameDefinition } from './app-equality.js';
import { applyAppPatch, parseAppDefinition } from './app-validate.js';
import { stampVersion } from './app-version.js';
import { isDroverError } from './errors.js';

const segment = fc
  .stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?(\.[a-z0-9]{1,3})?$/)
  .filter((s) => !(RESERVED_ID_SEGMENTS as readonly string[]).includes(s));
const id = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);
const envName = fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/);
const portName = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/);
const fraction = fc.double({ min: 0, max: 1, noNaN: true });

const constraint = fc.oneof(
  fc.constant(['hostname', 'UNIQUE']),
  fc.constant(['rack', 'GROUP_BY']),
  fc.nat(9).map((n) => ['rack', 'GROUP_BY', String(n)]),
  fc.nat(9).map((n) => ['rack', 'MAX_PER', String(n)]),
  segment.map((v) => ['rack', 'CLUSTER', v]),
  segment.map((v) => ['os', 'IS', v]),
  fc
    .constantFrom('rack-[1-3]', '.*', 'a|b')
    .chain((v) => fc.constantFrom(['rack', 'LIKE', v], ['rack', 'UNLIKE', v])),
);

/** Host-networked apps: port definitions with unique names and non-zero ports, checks that fit them. */
const hostApp = fc
  .uniqueArray(
    fc.record({ port: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 65535 })), name: portName }),
    {
      maxLength: 3,
      selector: (p) => p.name,
    },
  )
  .filter((defs) => {
    const fixed = defs.map((d) => d.port).filter((p) => p !== 0);
    return new Set(fixed).size === fixed.length;
  })
  .chain((portDefinitions) =>
    fc.record(
      {
        portDefinitions: fc.constant(portDefinitions),
        requirePorts: fc.boolean(),
        healthChecks: fc.array(
          portDefinitions.length > 0
            ? fc.oneof(
                fc.record({
                  protocol: fc.constantFrom('HTTP', 'HTTPS', 'TCP'),
                  portIndex: fc.nat(portDefinitions.length - 1),
                }),
                fc.record({
                  protocol: fc.constant('COMMAND'),
                  command: fc.record({ value: fc.constant('true') }),
                }),
              )
            : fc.record({
                protocol: fc.constant('COMMAND'),
                command: fc.record({ value: fc.constant('true') }),
              }),
          { maxLength: 2 },
        ),
        readinessChecks:
          portDefinitions[0] !== undefined
            ? fc.constantFrom([], [{ portName: portDefinitions[0].name }])
            : fc.constant([]),
      },
      { requiredKeys: ['portDefinitions'] },
    ),
  );

const bridgeApp = fc.record({
  container: fc.record({
    type: fc.constant('DOCKER'),
    docker: fc.record({
      image: fc.constantFrom('nginx', 'busybox:1.36', 'registry.local:5000/app'),
      network: fc.constant('BRIDGE'),
      portMappings: fc.array(fc.record({ containerPort: fc.integer({ min: 0, max: 65535 }) }), {
        maxLength: 2,
      }),
      privileged: fc.boolean(),
    }),
  }),
});

const common = fc.record(
  {
    id,
    cmd: fc.string({ minLength: 1, maxLength: 20 }),
    instances: fc.nat(20),
    cpus: fc.double({ min: 0, max: 8, noNaN: true }),
    mem: fc.double({ min: 0, max: 4096, noNaN: true }),
    disk: fc.nat(1000),
    env: fc.dictionary(envName, fc.string({ maxLength: 8 }), { maxKeys: 3 }),
    labels: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }),
    constraints: fc.array(constraint, { maxLength: 3 }),
    upgradeStrategy: fc.record(
      { minimumHealthCapacity: fraction, maximumOverCapacity: fraction },
      { requiredKeys: [] },
    ),
    backoffSeconds: fc.nat(10),
    backoffFactor: fc.double({ min: 1, max: 3, noNaN: true }),
    maxLaunchDelaySeconds: fc.nat(3600),
    killSelection: fc.constantFrom('YOUNGEST_FIRST', 'OLDEST_FIRST'),
    unreachableStrategy: fc.oneof(
      fc.constant('disabled'),
      fc
        .tuple(fc.nat(1000), fc.nat(1000))
        .map(([a, b]) => ({ inactiveAfterSeconds: Math.min(a, b), expungeAfterSeconds: Math.max(a, b) })),
    ),
    uris: fc.array(fc.constantFrom('http://x/a.tgz', 'https://x/b.sh', '/local/file'), { maxLength: 2 }),
    dependencies: fc.array(segment, { maxLength: 2 }),
  },
  { requiredKeys: ['id', 'cmd'] },
);

const validApp = fc.tuple(common, fc.oneof(hostApp, bridgeApp)).map(([c, n]) => ({ ...c, ...n }));

test('property: generated valid definitions always validate', () => {
  fc.assert(
    fc.property(validApp, (input) => {
      parseAppDefinition(input);
    }),
  );
});

test('property: validating is idempotent', () => {
  fc.assert(
    fc.property(validApp, (input) => {
      const once = parseAppDefinition(input);
      assert.deepEqual(parseAppDefinition(once), once);
    }),
  );
});

test('property: a stored, GET-shaped definition validates back to itself', () => {
  fc.assert(
    fc.property(validApp, (input) => {
      const spec = parseAppDefinition(input);
      const got = {
        ...stampVersion(spec, '2024-01-01T00:00:00.000Z'),
        tasksRunning: 1,
        deployments: [],
        user: null,
      };
      assert.ok(sameDefinition(spec, parseAppDefinition(got)));
    }),
  );
});

test('property: an empty patch changes nothing', () => {
  fc.assert(
    fc.property(validApp, (input) => {
      const spec = parseAppDefinition(input);
      assert.deepEqual(applyAppPatch(spec, {}), spec);
    }),
  );
});

test('property: any JSON value either validates or is a 422 with Marathon-style paths', () => {
  const junk = fc.oneof(
    fc.jsonValue(),
    fc.record(
      {
        id: fc.oneof(id, fc.string()),
        cmd: fc.jsonValue(),
        cpus: fc.jsonValue(),
        healthChecks: fc.jsonValue(),
      },
      { requiredKeys: [] },
    ),
    validApp.chain((a) =>
      fc
        .record({ key: fc.constantFrom(...Object.keys(a)), value: fc.jsonValue() })
        .map(({ key, value }) => ({ ...a, [key]: value })),
    ),
  );
  fc.assert(
    fc.property(junk, (input) => {
      try {
        parseAppDefinition(input);
      } catch (e) {
        assert.ok(isDroverError(e), String(e));
        assert.equal(e.status, 422);
        assert.ok(e.details.length > 0);
        for (const d of e.details) {
          assert.match(d.path, /^\//);
          assert.ok(d.errors.length > 0);
        }
      }
    }),
    { numRuns: 300 },
  );
});

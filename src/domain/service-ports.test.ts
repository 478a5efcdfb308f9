import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseAppDefinition } from './app-validate.js';
import { isDroverError } from './errors.js';
import { assignServicePorts, servicePortsOf } from './service-ports.js';

const app = (ports: number[]) => parseAppDefinition({ id: '/web', cmd: 'a', ports });

test('port 0 gets the lowest free service port from 10000 up', () => {
  const a = assignServicePorts(app([0, 0]), { used: new Set() });
  assert.deepEqual(servicePortsOf(a), [10000, 10001]);
  const b = assignServicePorts(app([0, 0]), { used: new Set([10000, 10002]) });
  assert.deepEqual(servicePortsOf(b), [10001, 10003]);
});

test('non-zero ports are kept and never handed out again within the app', () => {
  const a = assignServicePorts(app([10000, 0]), { used: new Set() });
  assert.deepEqual(servicePortsOf(a), [10000, 10001]);
});

test('a requested port held by another app is a 422 naming that app', () => {
  assert.throws(
    () => assignServicePorts(app([8080]), { used: new Map([[8080, '/other']]) }),
    (e) =>
      isDroverError(e) &&
      e.status === 422 &&
      e.details[0]?.path === '/portDefinitions(0)/port' &&
      e.details[0]?.errors[0] === 'Requested service port 8080 conflicts with a service port in app /other',
  );
});

test('an exhausted range is a 422', () => {
  assert.throws(
    () => assignServicePorts(app([0, 0]), { used: new Set([10]), range: { min: 10, max: 11 } }),
    (e) => isDroverError(e) && e.details[0]?.path === '/portDefinitions(1)/port',
  );
});

test('ports assigned to the previous version are kept, so resubmitting changes nothing', () => {
  const previous = assignServicePorts(app([0, 0]), { used: new Set([10000]) });
  assert.deepEqual(servicePortsOf(previous), [10001, 10002]);
  const again = assignServicePorts(app([0, 0]), { used: new Set([10000]), previous });
  assert.deepEqual(servicePortsOf(again), [10001, 10002]);
  const grown = assignServicePorts(app([0, 0, 0]), { used: new Set(), previous });
  assert.deepEqual(servicePortsOf(grown), [10001, 10002, 10000]);
  const stolen = assignServicePorts(app([0]), { used: new Set([10001]), previous });
  assert.deepEqual(servicePortsOf(stolen), [10000]);
});

test('port mappings get service ports, host ports are left alone', () => {
  const bridged = parseAppDefinition({
    id: '/n',
    container: {
      docker: {
        image: 'nginx',
        network: 'BRIDGE',
        portMappings: [{ containerPort: 80 }, { containerPort: 81, servicePort: 12000 }],
      },
    },
  });
  const a = assignServicePorts(bridged, { used: new Set() });
  assert.deepEqual(
    a.container?.portMappings?.map((m) => [m.hostPort, m.servicePort]),
    [
      [0, 10000],
      [0, 12000],
    ],
  );
  assert.deepEqual(a.portDefinitions, []);
});

test('property: assigned ports are distinct, in range, and avoid ports in use', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(0, 0, 0, 10005, 10010), { maxLength: 8 }),
      fc.uniqueArray(fc.integer({ min: 10000, max: 10040 }), { maxLength: 20 }),
      (ports, usedList) => {
        const fixed = ports.filter((p) => p !== 0);
        fc.pre(new Set(fixed).size === fixed.length && !fixed.some((p) => usedList.includes(p)));
        const used = new Set(usedList);
        const out = servicePortsOf(assignServicePorts(app(ports), { used }));
        assert.equal(new Set(out).size, out.length);
        out.forEach((p, i) => {
          if (ports[i] !== 0) assert.equal(p, ports[i]);
          else {
            assert.ok(p >= 10000 && p <= 20000);
            assert.ok(!used.has(p));
          }
        });
      },
    ),
  );
});

/**
 * Service ports: the cluster-wide well-known port a load balancer (haproxy-marathon-bridge)
 * listens on for an app. Marathon gives every port definition with port 0 (and every port mapping
 * with servicePort 0) a port from `--local_port_min..max` that no other app uses. Marathon picks
 * at random; Drover picks the lowest free port, so the result is reproducible and needs no
 * injected randomness. A port the app held in its previous version is kept when still free, so
 * re-submitting a definition with port 0 changes nothing.
 */
import type { AppSpec } from './app.js';
import { SERVICE_PORT_RANGE } from './app-defaults.js';
import { invalid } from './errors.js';
import { at } from './validation-issues.js';

export interface ServicePortOptions {
  /** Service ports held by other apps (not this one); with a Map, port -> the app holding it. */
  used: ReadonlySet<number> | ReadonlyMap<number, string>;
  /** This app's previous version, whose assigned ports are kept where possible. */
  previous?: AppSpec;
  range?: { min: number; max: number };
}

/** The app's service ports in order: its port mappings' if it has any, else its port definitions'. */
export function servicePortsOf(app: AppSpec): number[] {
  const mappings = app.container?.portMappings;
  return mappings ? mappings.map((m) => m.servicePort ?? 0) : app.portDefinitions.map((d) => d.port);
}

/** Fills every 0 service port; throws 422 when a requested port is taken or the range is full. */
export function assignServicePorts<T extends AppSpec>(app: T, opts: ServicePortOptions): T {
  const range = opts.range ?? SERVICE_PORT_RANGE;
  const mappings = app.container?.portMappings;
  const pathOf = (i: number) =>
    mappings ? `${at('/container/portMappings', i)}/servicePort` : `${at('/portDefinitions', i)}/port`;
  const current = servicePortsOf(app);
  const previous = opts.previous ? servicePortsOf(opts.previous) : [];
  const holder = (port: number) =>
    opts.used instanceof Map ? opts.used.get(port) : opts.used.has(port) ? 'another app' : undefined;

  const conflicts = current.flatMap((port, i) => {
    const other = port === 0 ? undefined : holder(port);
    return other === undefined
      ? []
      : [
          {
            path: pathOf(i),
            errors: [`Requested service port ${port} conflicts with a service port in app ${other}`],
          },
        ];
  });
  if (conflicts.length > 0) throw invalid(conflicts);

  const taken = new Set([...opts.used.keys(), ...current.filter((p) => p !== 0)]);
  // Keep previously assigned ports first, so a fresh pick never takes one of them.
  const assigned = current.map((port, i) => {
    const kept = previous[i];
    if (port !== 0 || kept === undefined || kept === 0 || taken.has(kept)) return port;
    taken.add(kept);
    return kept;
  });
  let next = range.min;
  for (const [i, port] of assigned.entries()) {
    if (port !== 0) continue;
    while (next <= range.max && taken.has(next)) next += 1;
    if (next > range.max) {
      throw invalid([
        { path: pathOf(i), errors: [`no free service port left in ${range.min}-${range.max}`] },
      ]);
    }
    taken.add(next);
    assigned[i] = next;
  }

  if (mappings && app.container) {
    const portMappings = mappings.map((m, i) => ({ ...m, servicePort: assigned[i] ?? 0 }));
    return { ...app, container: { ...app.container, portMappings } };
  }
  return { ...app, portDefinitions: app.portDefinitions.map((d, i) => ({ ...d, port: assigned[i] ?? 0 })) };
}

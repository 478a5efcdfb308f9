/**
 * Host ports (`portDefinitions`, or the deprecated `ports`) and container port mappings. A port of
 * 0 asks for a random host port and, later, a service port (service-ports.ts); a non-zero port is
 * the service port, and also the host port when `requirePorts` is set. Messages and paths are
 * Marathon's (AppValidation.scala).
 */
import { compact } from './absent-fields.js';
import type { PortDefinition, PortMapping } from './app.js';
import { defaultPortDefinitions } from './app-defaults.js';
import type { AppInput } from './app-schema.js';
import { at, duplicates, type Issues } from './validation-issues.js';

export const PORT_NAME_PATTERN = '^[a-z0-9-]+$';
const PORT_NAME = new RegExp(PORT_NAME_PATTERN);

export const PORT_MESSAGES = {
  bothPortsAndDefinitions: 'cannot specify both ports and port definitions',
  portsUnique: 'ports must be unique',
  definitionsUnique: 'Ports must be unique.',
  namesUnique: 'Port names must be unique.',
  name: `must fully match regular expression '${PORT_NAME_PATTERN}'`,
  definitionsNeedHost: 'portDefinitions are only allowed with host-networking',
  mappingsNeedContainerNetwork: 'portMappings are not allowed with host-networking',
  hostPortsUnique: 'Host ports must be unique.',
} as const;

type PortDefinitionInput = NonNullable<AppInput['portDefinitions']>[number];
type PortMappingInput = NonNullable<NonNullable<AppInput['container']>['portMappings']>[number];

/**
 * The app's host ports. `ports` and `portDefinitions` may both be given only when they agree,
 * which is what a GET of an older Marathon returns and a client PUTs back.
 */
export function normalizePortDefinitions(
  input: AppInput,
  hostNetworking: boolean,
  issues: Issues,
): PortDefinition[] {
  const { ports, portDefinitions } = input;
  if (ports && portDefinitions && !samePorts(ports, portDefinitions)) {
    issues.add('/', PORT_MESSAGES.bothPortsAndDefinitions);
  }
  if (ports && duplicates(ports.filter((p) => p !== 0)).length > 0)
    issues.add('/', PORT_MESSAGES.portsUnique);

  const given: PortDefinitionInput[] | undefined = portDefinitions ?? ports?.map((port) => ({ port }));
  if (!hostNetworking) {
    if (given && given.length > 0) issues.add('/', PORT_MESSAGES.definitionsNeedHost);
    return [];
  }
  if (!given) return defaultPortDefinitions();

  const defs = given.map((d) =>
    compact({ port: d.port ?? 0, protocol: d.protocol ?? 'tcp', name: d.name, labels: d.labels }),
  );
  if (portDefinitions) {
    if (duplicates(defs.map((d) => d.port).filter((p) => p !== 0)).length > 0) {
      issues.add('/portDefinitions', PORT_MESSAGES.definitionsUnique);
    }
    checkNames(defs, '/portDefinitions', issues);
  }
  return defs;
}

function samePorts(ports: readonly number[], defs: readonly PortDefinitionInput[]): boolean {
  return ports.length === defs.length && defs.every((d, i) => (d.port ?? 0) === ports[i]);
}

/** Port mappings with Marathon's defaults; in bridge mode a missing host port means a random one. */
export function normalizePortMappings(
  mappings: readonly PortMappingInput[],
  bridge: boolean,
  path: string,
  issues: Issues,
): PortMapping[] {
  const out = mappings.map((m) =>
    compact({
      containerPort: m.containerPort ?? 0,
      hostPort: m.hostPort ?? (bridge ? 0 : undefined),
      servicePort: m.servicePort ?? 0,
      protocol: m.protocol ?? 'tcp',
      name: m.name,
      labels: m.labels,
    }),
  );
  checkNames(out, path, issues);
  // A fixed host port is required exactly (placement treats it like requirePorts): two mappings
  // asking for the same one could never be placed, so refuse them now rather than queue forever.
  if (duplicates(out.flatMap((m) => (m.hostPort ? [m.hostPort] : []))).length > 0) {
    issues.add(path, PORT_MESSAGES.hostPortsUnique);
  }
  return out;
}

function checkNames(ports: readonly { name?: string }[], path: string, issues: Issues): void {
  const names = ports.flatMap((p) => (p.name === undefined ? [] : [p.name]));
  if (duplicates(names).length > 0) issues.add(path, PORT_MESSAGES.namesUnique);
  ports.forEach((p, i) => {
    if (p.name !== undefined && !PORT_NAME.test(p.name))
      issues.add(`${at(path, i)}/name`, PORT_MESSAGES.name);
  });
}

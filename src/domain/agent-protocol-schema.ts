/**
 * The agent protocol as JSON Schema, so each end can check what arrives off the network before
 * acting on it (a malformed message closes the connection; nothing of it is stored). Messages are
 * dispatched on `type` first, so an error names the field that is wrong rather than listing every
 * union branch. Objects stay open: a newer peer may add optional fields; required fields and the
 * types of known ones are enforced. The type assertions at the bottom fail to compile when
 * agent-protocol.ts gains a message or a required field that is not described here.
 */
import Type, { type Static, type TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import type { AgentToMaster, MasterToAgent } from './agent-protocol.js';
import { MAX_USER_LENGTH } from './limits.js';
import { TASK_STATES } from './task.js';

/** Ids, names and reasons are short; the caps only bound what a hostile peer can make us keep. */
const Id = Type.String({ minLength: 1, maxLength: 512 });
const Text = Type.String({ maxLength: 64 * 1024 });
const Port = Type.Integer({ minimum: 0, maximum: 65535 });
const Amount = Type.Number({ minimum: 0 });
const State = Type.Enum(TASK_STATES);
const opt = <T extends TSchema>(t: T) => Type.Optional(t);

const Resources = Type.Object({
  cpus: Amount,
  mem: Amount,
  disk: Amount,
  ports: Type.Array(Type.Tuple([Port, Port]), { maxItems: 1024 }),
});

const HealthCheckResult = Type.Object({
  alive: Type.Boolean(),
  consecutiveFailures: Type.Integer({ minimum: 0 }),
  firstSuccess: Type.Union([Type.String(), Type.Null()]),
  lastFailure: Type.Union([Type.String(), Type.Null()]),
  lastSuccess: Type.Union([Type.String(), Type.Null()]),
  lastFailureCause: Type.Union([Type.String(), Type.Null()]),
  instanceId: Type.String(),
});

const ReadinessCheckResult = Type.Object({
  name: Type.String({ maxLength: 256 }),
  taskId: Id,
  ready: Type.Boolean(),
  lastResponse: opt(
    Type.Object({ status: Type.Integer(), contentType: Type.String({ maxLength: 1024 }), body: Text }),
  ),
});

const Register = Type.Object({
  type: Type.Literal('register'),
  protocolVersion: Type.Integer({ minimum: 1 }),
  agentId: opt(Id),
  agentSecret: opt(Type.String({ minLength: 1, maxLength: 256 })),
  hostname: Type.String({ minLength: 1, maxLength: 255 }),
  address: Type.String({ minLength: 1, maxLength: 255 }),
  resources: Resources,
  attributes: Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 1024 })),
  capabilities: Type.Object({
    docker: Type.Boolean(),
    privileged: opt(Type.Boolean()),
    limits: opt(Type.Boolean()),
  }),
  runningTasks: Type.Array(Type.Object({ taskId: Id, appId: Type.String(), state: State })),
  routePatches: opt(Type.Boolean()),
  compressedFrames: opt(Type.Boolean()),
});

const Heartbeat = Type.Object({ type: Type.Literal('heartbeat'), agentId: Id });

const StatusUpdate = Type.Object({
  type: Type.Literal('statusUpdate'),
  updateId: Id,
  agentId: Id,
  taskId: Id,
  /** Empty for a task the agent does not know (TASK_LOST on a kill). */
  appId: Type.String({ maxLength: 512 }),
  state: State,
  timestamp: Type.Number(),
  reason: opt(Text),
  message: opt(Text),
  exitCode: opt(Type.Integer()),
  healthy: opt(Type.Boolean()),
  healthCheckResults: opt(Type.Array(HealthCheckResult)),
  ready: opt(Type.Boolean()),
  readinessCheckResults: opt(Type.Array(ReadinessCheckResult, { maxItems: 64 })),
});

const LogData = Type.Object({
  type: Type.Literal('logData'),
  requestId: Id,
  data: opt(Type.String()),
  error: opt(Text),
});

/**
 * What an agent needs to trust in a launch before handing it to the runner; the rest of the spec
 * comes from the (authenticated) master and is checked where it is used.
 */
const TaskSpecShape = Type.Object({
  taskId: Id,
  appId: Type.String(),
  version: Type.String(),
  command: Type.Object({ shell: Type.Boolean() }),
  env: Type.Record(Type.String(), Type.String()),
  secretEnv: opt(Type.Record(Type.String(), Type.String())),
  secretFiles: opt(Type.Record(Type.String(), Type.String())),
  ports: Type.Array(Port),
  resources: Type.Object({ cpus: Amount, mem: Amount, disk: Amount }),
  killGracePeriodMs: Amount,
  fetch: Type.Array(Type.Object({})),
  healthChecks: Type.Array(Type.Object({})),
  readinessChecks: Type.Array(Type.Object({})),
  portNames: Type.Array(Type.Union([Type.String(), Type.Null()])),
  labels: Type.Record(Type.String(), Type.String()),
  /** A user name or uid, looked up on the agent; never part of a path. */
  user: opt(Type.String({ minLength: 1, maxLength: MAX_USER_LENGTH })),
});

const RouteStatus = Type.Object({
  type: Type.Literal('routeStatus'),
  agentId: Id,
  failures: Type.Array(
    Type.Object({
      servicePort: Port,
      appId: Type.String({ maxLength: 512 }),
      address: Type.String({ maxLength: 255 }),
      error: Text,
      since: Type.Number(),
    }),
    { maxItems: 10_001 },
  ),
});

const RouteBackend = Type.Object({ taskId: Id, host: Type.String({ maxLength: 255 }), port: Port });

const Route = Type.Object({
  appId: Type.String({ maxLength: 512 }),
  servicePort: Port,
  portIndex: Type.Integer({ minimum: 0 }),
  mode: Type.Enum(['tcp', 'http']),
  vhosts: Type.Array(Type.String({ maxLength: 255 }), { maxItems: 64 }),
  paths: Type.Array(Type.String({ maxLength: 1024 }), { maxItems: 64 }),
  backends: Type.Array(RouteBackend),
});

const RouteTable = Type.Object({ routes: Type.Array(Route) });

const RoutePatch = Type.Object({
  removed: Type.Array(Port),
  routes: Type.Array(Route),
  backends: Type.Array(
    Type.Object({ servicePort: Port, added: Type.Array(RouteBackend), removed: Type.Array(Id) }),
  ),
});

const AGENT_TO_MASTER = {
  register: Register,
  heartbeat: Heartbeat,
  statusUpdate: StatusUpdate,
  logData: LogData,
  routeStatus: RouteStatus,
  routesApplied: Type.Object({
    type: Type.Literal('routesApplied'),
    agentId: Id,
    version: Type.Integer({ minimum: 0 }),
  }),
} as const;

const MASTER_TO_AGENT = {
  registered: Type.Object({
    type: Type.Literal('registered'),
    agentId: Id,
    agentSecret: opt(Type.String({ minLength: 1, maxLength: 256 })),
  }),
  refused: Type.Object({ type: Type.Literal('refused'), reason: Text }),
  launch: Type.Object({ type: Type.Literal('launch'), task: TaskSpecShape }),
  kill: Type.Object({
    type: Type.Literal('kill'),
    taskId: Id,
    gracePeriodMs: Amount,
    drainMs: Type.Optional(Amount),
  }),
  ack: Type.Object({ type: Type.Literal('ack'), updateId: Id }),
  redirect: Type.Object({
    type: Type.Literal('redirect'),
    leader: Type.String({ minLength: 1, maxLength: 2048 }),
  }),
  readLog: Type.Object({
    type: Type.Literal('readLog'),
    requestId: Id,
    taskId: Id,
    stream: Type.Enum(['stdout', 'stderr']),
    tail: opt(Type.Integer({ minimum: 0 })),
  }),
  routes: Type.Object({
    type: Type.Literal('routes'),
    table: RouteTable,
    version: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  routesPatch: Type.Object({
    type: Type.Literal('routesPatch'),
    patch: RoutePatch,
    from: Type.Integer({ minimum: 0 }),
    version: Type.Integer({ minimum: 0 }),
  }),
} as const;

export type ProtocolCheck<T> = { ok: true; msg: T } | { ok: false; problem: string };

type Checker = ReturnType<typeof Compile>;

function checkerFor(schemas: Record<string, TSchema>): <T>(value: unknown) => ProtocolCheck<T> {
  const compiled = new Map<string, Checker>(Object.entries(schemas).map(([k, s]) => [k, Compile(s)]));
  return <T>(value: unknown): ProtocolCheck<T> => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, problem: 'message is not a JSON object' };
    }
    const type = (value as { type?: unknown }).type;
    const checker = typeof type === 'string' ? compiled.get(type) : undefined;
    if (!checker) return { ok: false, problem: `unknown message type ${JSON.stringify(type)?.slice(0, 64)}` };
    if (checker.Check(value)) return { ok: true, msg: value as T };
    const first = [...checker.Errors(value)][0] as { instancePath?: string; message?: string } | undefined;
    return {
      ok: false,
      problem: `${type}: ${first?.instancePath || '/'} ${first?.message ?? 'does not match the protocol'}`,
    };
  };
}

/** Parses nothing: takes the JSON value of one frame. */
export const checkAgentToMaster: (value: unknown) => ProtocolCheck<AgentToMaster> =
  checkerFor(AGENT_TO_MASTER);
export const checkMasterToAgent: (value: unknown) => ProtocolCheck<MasterToAgent> =
  checkerFor(MASTER_TO_AGENT);

// ---- compile-time drift checks: every message type has a schema; agent messages fit theirs ----
// (Launch is not compared: a TaskSpec's `undefined` port names travel as JSON nulls.)
type SchemaOf<M extends Record<string, TSchema>> = { [K in keyof M]: Static<M[K]> }[keyof M];
type Fits<A, B> = [A] extends [B] ? true : false;
const agentMessagesFit: Fits<AgentToMaster, SchemaOf<typeof AGENT_TO_MASTER>> = true;
const masterTypesCovered: Fits<MasterToAgent['type'], keyof typeof MASTER_TO_AGENT> = true;
const agentTypesCovered: Fits<AgentToMaster['type'], keyof typeof AGENT_TO_MASTER> = true;
void agentMessagesFit;
void masterTypesCovered;
void agentTypesCovered;

/** The frame's data as it came off the socket. */
export interface FrameData {
  toString(): string;
}

/**
 * Decodes one WebSocket frame into a checked message, or says what is wrong. A text frame is JSON.
 * A binary frame is refused unless `inflate` is given (an agent that registered with
 * `compressedFrames`): then it is compressed JSON, and `inflate` (which throws on bad data)
 * returns its text.
 */
export function decodeFrame<T>(
  data: FrameData,
  isBinary: boolean,
  check: (value: unknown) => ProtocolCheck<T>,
  inflate?: (data: FrameData) => string,
): ProtocolCheck<T> {
  let text: string;
  if (!isBinary) text = data.toString();
  else if (!inflate) return { ok: false, problem: 'binary frame' };
  else {
    try {
      text = inflate(data);
    } catch {
      return { ok: false, problem: 'binary frame is not compressed JSON within the size limit' };
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'frame is not JSON' };
  }
  return check(value);
}

/**
 * The metrics of one master: one prom-client Registry per instance (no module-level registry, so
 * two masters in one process, as in tests, never share counters). Prometheus series are the source
 * of truth; `/metrics` renders the same values as Marathon's Dropwizard JSON under Marathon 1.7+
 * names (`marathon.apps.active.gauge`, ...), plus meters and timers that need rates and
 * percentiles. State gauges read the master at scrape time; counters are fed by the event bus.
 */
import { Counter, Gauge, Histogram as PromHistogram, Registry } from 'prom-client';
import { TASK_STATES } from '../../domain/task.js';
import type { Clock } from '../../platform/clock.js';
import type { MasterApi } from '../master-api.js';
import { taskCounts } from './cluster-counts.js';
import { Meter, type MeterJson, type SnapshotJson, Timer, type TimerJson } from './dropwizard-instruments.js';
import { recordEvent } from './event-metrics.js';

/** What the metrics read: the master's state at scrape time, its event bus for the counters. */
export type MetricsMaster = Pick<
  MasterApi,
  'listApps' | 'listTasks' | 'info' | 'events' | 'deployments' | 'rootGroup'
>;

export interface DroverMetricsDeps {
  master: MetricsMaster;
  clock: Clock;
  /** First component of Dropwizard names (Marathon's `--metrics_prefix`). Default `marathon`. */
  prefix?: string;
  /** A registry others (the job runtime) already registered on; default a new one. */
  registry?: Registry;
}

export interface DropwizardJson {
  version: string;
  gauges: Record<string, { value: number }>;
  counters: Record<string, { count: number }>;
  histograms: Record<string, SnapshotJson>;
  meters: Record<string, MeterJson>;
  timers: Record<string, TimerJson>;
}

type Labels = Partial<Record<string, string | number>>;

/** A Prometheus series and the Dropwizard name(s) its values appear under. */
interface Exported {
  metric: Counter<string> | Gauge<string>;
  kind: 'gauges' | 'counters';
  names: (labels: Labels) => string[];
}

const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
/** Methods with their own request timer, as Marathon has (`...get.duration.timer.seconds`). */
const TIMED_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

export class DroverMetrics {
  readonly registry: Registry;
  /** Health check results by result; moved by health events, callable directly if ever needed. */
  readonly healthCheckResults: Counter<'result'>;
  private readonly exported: Exported[] = [];
  private readonly prefix: string;
  private readonly startedAt: number;

  private readonly events: Counter<'event_type'>;
  private readonly statusUpdates: Counter<'state'>;
  private readonly deployments: Counter<string>;
  private readonly httpResponses: Counter<'status_code'>;
  private readonly httpDuration: PromHistogram<'method'>;
  private readonly streamBytes: Counter<string>;
  private readonly streamDrops: Counter<string>;

  /** Deployments seen starting and not ended: each counts once however many steps it announces. */
  private readonly activeDeployments = new Set<string>();
  private streamClients = 0;
  private activeRequests = 0;
  private readonly responseMeters: Record<(typeof STATUS_CLASSES)[number], Meter>;
  private readonly requestTimer: Timer;
  private readonly methodTimers = new Map<string, Timer>();
  private readonly unsubscribe: () => void;

  constructor(deps: DroverMetricsDeps) {
    this.registry = deps.registry ?? new Registry();
    const p = deps.prefix ?? 'marathon';
    this.prefix = p;
    const now = () => deps.clock.now();
    this.startedAt = now();
    const master = deps.master;

    this.gauge(
      'drover_apps',
      'Apps defined',
      () => [`${p}.apps.active.gauge`],
      function collect() {
        this.set(master.listApps().length);
      },
    );
    this.gauge(
      'drover_groups',
      'Groups implied by app ids, the root included',
      () => [`${p}.groups.active.gauge`],
      function collect() {
        // The master's group tree: empty groups count too.
        this.set(Math.max(1, master.rootGroup().groups.size));
      },
    );
    this.gauge(
      'drover_tasks',
      'Live tasks by state',
      (l) => {
        const state = String(l.state);
        const names = [`${p}.tasks.${kebab(state)}.gauge`];
        if (state === 'TASK_RUNNING') names.push(`${p}.instances.running.gauge`);
        if (state === 'TASK_STAGING') names.push(`${p}.instances.staged.gauge`);
        return names;
      },
      function collect() {
        const { tasksByState } = taskCounts(master.listTasks());
        for (const s of TASK_STATES) this.set({ state: s }, tasksByState[s]);
      },
      ['state'],
    );
    this.gauge(
      'drover_tasks_kill_requested',
      'Tasks asked to stop that have not ended yet',
      () => [`${p}.instances.doomed.gauge`],
      function collect() {
        this.set(taskCounts(master.listTasks()).killRequested);
      },
    );
    this.gauge(
      'drover_deployments_active',
      'Deployments in progress',
      () => [`${p}.deployments.active.gauge`],
      function collect() {
        this.set(master.deployments().length);
      },
    );
    const self = this;
    this.gauge(
      'drover_event_stream_clients',
      'Clients attached to /v2/events',
      () => [`${p}.http.event-streams.active.gauge`],
      function collect() {
        this.set(self.streamClients);
      },
    );
    this.gauge(
      'drover_http_requests_active',
      'HTTP requests in progress',
      () => [`${p}.http.requests.active.gauge`],
      function collect() {
        this.set(self.activeRequests);
      },
    );
    this.gauge(
      'drover_uptime_seconds',
      'Seconds since this master started',
      () => [`${p}.uptime.gauge.seconds`],
      function collect() {
        this.set((now() - self.startedAt) / 1000);
      },
    );
    this.gauge(
      'drover_leadership_duration_seconds',
      'Seconds since this master became leader',
      () => [`${p}.leadership.duration.gauge.seconds`],
      function collect() {
        this.set(Math.max(0, (now() - Date.parse(master.info().electedAt)) / 1000));
      },
    );

    this.events = this.counter(
      'drover_events_total',
      'Events emitted, by type',
      (l) => [`${p}.events.${l.event_type}.counter`],
      ['event_type'],
    );
    this.statusUpdates = this.counter(
      'drover_task_status_updates_total',
      'Task status changes, by new state',
      (l) => [`${p}.mesos.task-updates.${kebab(String(l.state))}.counter`],
      ['state'],
    );
    this.healthCheckResults = this.counter(
      'drover_health_check_results_total',
      'Health check results reaching the master, by result (healthy, unhealthy, failed, killed)',
      (l) => [`${p}.health-checks.${l.result}.counter`],
      ['result'],
    );
    this.deployments = this.counter('drover_deployments_total', 'Deployments started', () => [
      `${p}.deployments.counter`,
    ]);
    this.httpResponses = this.counter(
      'drover_http_responses_total',
      'HTTP responses, by status code',
      () => [],
      ['status_code'],
    );
    this.streamBytes = this.counter(
      'drover_event_stream_bytes_total',
      'Bytes written to /v2/events clients',
      () => [`${p}.http.responses.event-stream.size.counter.bytes`],
    );
    this.streamDrops = this.counter(
      'drover_event_stream_clients_dropped_total',
      'Event stream clients disconnected for falling behind',
      () => [`${p}.http.event-streams.dropped.counter`],
    );
    this.httpDuration = new PromHistogram({
      name: 'drover_http_request_duration_seconds',
      help: 'HTTP request durations (event streams excluded), by method',
      labelNames: ['method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [this.registry],
    });

    this.responseMeters = {
      '1xx': new Meter(now),
      '2xx': new Meter(now),
      '3xx': new Meter(now),
      '4xx': new Meter(now),
      '5xx': new Meter(now),
    };
    this.requestTimer = new Timer(now);
    for (const m of TIMED_METHODS) this.methodTimers.set(m, new Timer(now));

    // Built once: every event passes through here (two per status update), and a new set of
    // closures per event was 3% of what the master allocated in the placement bench.
    const record: Parameters<typeof recordEvent>[1] = {
      event: (t) => this.events.inc({ event_type: t }),
      statusUpdate: (s) => this.statusUpdates.inc({ state: s }),
      healthCheckResult: (r) => this.healthCheckResults.inc({ result: r }),
      deploymentStarted: (id) => {
        if (this.activeDeployments.has(id)) return;
        this.activeDeployments.add(id);
        this.deployments.inc();
      },
      deploymentEnded: (id) => this.activeDeployments.delete(id),
      streamAttached: () => this.streamClients++,
      streamDetached: () => {
        this.streamClients = Math.max(0, this.streamClients - 1);
      },
    };
    this.unsubscribe = master.events.subscribe((e) => recordEvent(e, record));
  }

  /** Stop listening to the bus (the registry stays readable). */
  close(): void {
    this.unsubscribe();
  }

  // ---- fed by the HTTP layer ----

  httpRequestStarted(): void {
    this.activeRequests++;
  }

  /** `streamed`: an event stream, whose duration is its connection time, not a request's. */
  httpRequestFinished(method: string, statusCode: number, seconds: number, streamed = false): void {
    this.activeRequests = Math.max(0, this.activeRequests - 1);
    this.httpResponses.inc({ status_code: String(statusCode) });
    const cls = STATUS_CLASSES[Math.floor(statusCode / 100) - 1];
    if (cls) this.responseMeters[cls].mark();
    if (streamed) return;
    this.httpDuration.observe({ method }, seconds);
    this.requestTimer.update(seconds);
    this.methodTimers.get(method)?.update(seconds);
  }

  // ---- fed by the event stream hub (EventStreamObserver) ----

  bytesSent(n: number): void {
    this.streamBytes.inc(n);
  }

  clientDropped(): void {
    this.streamDrops.inc();
  }

  // ---- views ----

  prometheus(): Promise<string> {
    return this.registry.metrics();
  }

  get prometheusContentType(): string {
    return this.registry.contentType;
  }

  async dropwizard(): Promise<DropwizardJson> {
    const p = this.prefix;
    const out: DropwizardJson = {
      version: '4.0.0',
      gauges: {},
      counters: {},
      histograms: {},
      meters: {},
      timers: {},
    };
    for (const x of this.exported) {
      const { values } = await x.metric.get();
      for (const v of values) {
        for (const name of x.names(v.labels)) {
          if (x.kind === 'gauges') out.gauges[name] = { value: v.value };
          else out.counters[name] = { count: v.value };
        }
      }
    }
    for (const c of STATUS_CLASSES)
      out.meters[`${p}.http.responses.${c}.rate.meter`] = this.responseMeters[c].json();
    out.timers[`${p}.http.requests.duration.timer.seconds`] = this.requestTimer.json();
    for (const [m, t] of this.methodTimers)
      out.timers[`${p}.http.requests.${m.toLowerCase()}.duration.timer.seconds`] = t.json();
    return out;
  }

  private gauge(
    name: string,
    help: string,
    names: (labels: Labels) => string[],
    collect: (this: Gauge<string>) => void,
    labelNames: string[] = [],
  ): void {
    const metric = new Gauge({ name, help, labelNames, registers: [this.registry], collect });
    this.exported.push({ metric, kind: 'gauges', names });
  }

  private counter<L extends string>(
    name: string,
    help: string,
    names: (labels: Labels) => string[],
    labelNames: L[] = [],
  ): Counter<L> {
    const metric = new Counter<L>({ name, help, labelNames, registers: [this.registry] });
    this.exported.push({ metric: metric as unknown as Counter<string>, kind: 'counters', names });
    return metric;
  }
}

/** TASK_RUNNING -> task-running, Marathon's spelling of states in metric names. */
function kebab(state: string): string {
  return state.toLowerCase().replace(/_/g, '-');
}

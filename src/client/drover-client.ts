/**
 * The one typed client of a Drover master, shared by the CLI and the web UI. Browser-safe: fetch
 * and web streams only (Node-only setup such as a custom CA lives in node/).
 */
import { AppsClient } from './apps.js';
import {
  AgentsClient,
  DeploymentsClient,
  GroupsClient,
  InfoClient,
  QueueClient,
  TasksClient,
} from './cluster.js';
import { EventStream, type EventStreamOptions } from './event-stream.js';
import { JobsClient } from './jobs.js';
import { RoutesClient } from './routes.js';
import { Transport, type TransportOptions } from './transport.js';

export type ClientOptions = TransportOptions;

export class DroverClient {
  readonly transport: Transport;
  readonly apps: AppsClient;
  readonly groups: GroupsClient;
  readonly deployments: DeploymentsClient;
  readonly queue: QueueClient;
  readonly agents: AgentsClient;
  readonly tasks: TasksClient;
  readonly jobs: JobsClient;
  readonly cluster: InfoClient;
  readonly routes: RoutesClient;

  constructor(opts: ClientOptions) {
    this.transport = new Transport(opts);
    this.apps = new AppsClient(this.transport);
    this.groups = new GroupsClient(this.transport);
    this.deployments = new DeploymentsClient(this.transport);
    this.queue = new QueueClient(this.transport);
    this.agents = new AgentsClient(this.transport);
    this.tasks = new TasksClient(this.transport);
    this.jobs = new JobsClient(this.transport);
    this.cluster = new InfoClient(this.transport);
    this.routes = new RoutesClient(this.transport);
  }

  get url(): string {
    return this.transport.baseUrl;
  }

  /** Opens `/v2/events`; close() the stream to stop. */
  events(opts: EventStreamOptions): EventStream {
    return new EventStream(this.transport, opts);
  }
}

/**
 * Keeps an agent connected to the leading master. It dials the configured master URLs in turn,
 * hands each open link to the agent (which registers over it), and after a drop or a failed dial
 * waits with exponential backoff and jitter before the next one, so a restarting master is not
 * stormed by every agent at once. A `redirect` from a standby is followed at once. Backoff starts
 * over once a master has accepted the registration.
 */
import type { AgentLink } from '../domain/agent-protocol.js';
import type { CancelTimer, Clock } from '../platform/clock.js';
import type { Random } from '../platform/ids.js';
import type { Logger } from '../platform/logger.js';
import { type DialOptions, dialMaster, redirectTarget } from './ws-link.js';

export interface ConnectorOptions {
  /** Agent endpoint URLs of every master, e.g. `wss://m1:8080/agent/v1`. */
  masters: string[];
  token: string | undefined;
  ca?: string;
  /** Whatever registers over a link: the Agent. */
  agent: { connect(link: AgentLink): void };
  clock: Clock;
  random: Random;
  logger: Logger;
  /** First retry delay; doubles per failure up to maxBackoffMs. Defaults 500 ms and 15 s. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  pingIntervalMs?: number;
  /** Called with the id on every accepted registration (to keep it across agent restarts). */
  onRegistered?: (agentId: string) => void;
  /** Replaceable for tests. */
  dial?: (opts: DialOptions) => Promise<AgentLink>;
}

/** A standby that redirects to a standby that redirects back must not spin without delay. */
const MAX_REDIRECTS_IN_A_ROW = 3;

export class MasterConnector {
  private next = 0;
  private failures = 0;
  private redirects = 0;
  private redirectTo: string | undefined;
  private stopped = false;
  private timer: CancelTimer | undefined;
  private current: AgentLink | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: ConnectorOptions) {
    if (opts.masters.length === 0) throw new Error('at least one master URL is needed');
    this.log = opts.logger.child({ component: 'master-connector' });
  }

  start(): void {
    void this.attempt();
  }

  /** Stops dialling; the current link is left to the agent, which closes it when it stops. */
  stop(): void {
    this.stopped = true;
    this.timer?.();
  }

  private async attempt(): Promise<void> {
    if (this.stopped) return;
    const url = this.redirectTo ?? this.opts.masters[this.next % this.opts.masters.length]!;
    const redirected = this.redirectTo !== undefined;
    this.redirectTo = undefined;
    let link: AgentLink;
    try {
      link = await (this.opts.dial ?? dialMaster)({
        url,
        token: this.opts.token,
        ...(this.opts.ca !== undefined ? { ca: this.opts.ca } : {}),
        logger: this.opts.logger,
        ...(this.opts.pingIntervalMs !== undefined ? { pingIntervalMs: this.opts.pingIntervalMs } : {}),
        onRedirect: (leader) => {
          this.redirectTo = redirectTarget(leader, url);
        },
      });
    } catch (err) {
      this.log.warn({ url, err: (err as Error).message }, 'cannot connect to master');
      if (!redirected) this.next += 1;
      this.retryLater();
      return;
    }
    if (this.stopped) {
      link.close();
      return;
    }
    this.current = link;
    let registered = false;
    link.onMessage((msg) => {
      if (msg.type === 'registered') {
        registered = true;
        this.failures = 0;
        this.redirects = 0;
        this.opts.onRegistered?.(msg.agentId);
      }
    });
    link.onClose(() => {
      if (this.current === link) this.current = undefined;
      if (this.stopped) return;
      if (this.redirectTo !== undefined && this.redirects < MAX_REDIRECTS_IN_A_ROW) {
        this.redirects += 1;
        void this.attempt();
        return;
      }
      this.redirects = 0;
      // The next master in the list is the best guess after losing one (it may have died).
      if (!registered || this.opts.masters.length > 1) this.next += 1;
      this.retryLater();
    });
    this.log.info({ url }, 'connected to master');
    this.opts.agent.connect(link);
  }

  private retryLater(): void {
    if (this.stopped) return;
    const min = this.opts.minBackoffMs ?? 500;
    const max = this.opts.maxBackoffMs ?? 15_000;
    const ceiling = Math.min(max, min * 2 ** this.failures);
    this.failures += 1;
    // Full jitter between half and all of the ceiling spreads a fleet's reconnects.
    const delay = ceiling / 2 + (this.opts.random.next() * ceiling) / 2;
    this.timer = this.opts.clock.setTimer(delay, () => {
      this.timer = undefined;
      void this.attempt();
    });
  }
}

/**
 * Spreading. Among the agents that can take a request, the best has the fewest tasks of the same
 * app, then the lowest constraint preference score (GROUP_BY: fewest of the app's tasks in the
 * agent's group), then the lowest load (max of cpu and mem utilisation), then comes first in the
 * input.
 *
 * LoadOrder keeps the accepting agents sorted by (load, input index) for the whole call, so a
 * search walks from the least loaded agent and usually stops at the first feasible agent without
 * tasks of the app, instead of scoring every agent for every request.
 */
import type { AppTasks } from './app-tasks.js';
import type { Preference } from './constraints.js';

const NO_PREFERENCE: Preference = { score: () => 0, floor: () => 0 };

export class LoadOrder {
  private readonly order: Int32Array;

  constructor(
    agents: readonly number[],
    private readonly load: Float64Array,
  ) {
    this.order = Int32Array.from([...agents].sort((a, b) => this.before(a, b)));
  }

  get size(): number {
    return this.order.length;
  }

  /**
   * The best feasible agent for a task of `app`, and its position in the order (for moved()), or
   * undefined when no agent is feasible.
   */
  best(
    app: AppTasks,
    feasible: (agent: number) => boolean,
    preference: Preference = NO_PREFERENCE,
  ): { agent: number; position: number } | undefined {
    let bestAgent = -1;
    let bestPosition = -1;
    let bestCount = Number.POSITIVE_INFINITY;
    let bestScore = Number.POSITIVE_INFINITY;
    const floor = preference.floor();
    const { order } = this;
    for (let k = 0; k < order.length; k++) {
      const a = order[k]!;
      // A later agent in load order only wins if strictly better on (tasks of the app, preference).
      const count = app.countOn(a);
      if (count > bestCount) continue;
      const score = preference.score(a);
      if ((count === bestCount && score >= bestScore) || !feasible(a)) continue;
      bestAgent = a;
      bestPosition = k;
      bestCount = count;
      bestScore = score;
      if (count === 0 && score <= floor) break;
    }
    return bestAgent < 0 ? undefined : { agent: bestAgent, position: bestPosition };
  }

  /** The agent at `position` got busier (load only grows in a call): move it right to stay sorted. */
  moved(position: number): void {
    const { order } = this;
    const agent = order[position]!;
    let lo = position + 1;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.before(order[mid]!, agent) < 0) lo = mid + 1;
      else hi = mid;
    }
    order.copyWithin(position, position + 1, lo);
    order[lo - 1] = agent;
  }

  private before(a: number, b: number): number {
    return this.load[a]! - this.load[b]! || a - b;
  }
}

/**
 * Everything a leader keeps in memory, loaded from the store in a fixed number of queries
 * (whatever the size of the cluster): what a new leader needs before it serves, and what a warm
 * standby keeps up to date (leadership/warm-standby.ts).
 */
import type { Store } from '../store/port.js';
import { DeploymentsState } from './deployments/deployments-state.js';
import { JobsState } from './jobs/jobs-state.js';
import { MasterState } from './master-state.js';

export interface LoadedState {
  state: MasterState;
  deployments: DeploymentsState;
  jobs: JobsState;
}

export async function loadState(store: Store): Promise<LoadedState> {
  const state = await MasterState.load(store);
  const deployments = await DeploymentsState.load(store, state.apps.values());
  const jobs = await JobsState.load(store);
  return { state, deployments, jobs };
}

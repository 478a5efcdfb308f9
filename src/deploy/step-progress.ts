/**
 * When a deployment action is finished, judged from the app's tasks alone (so a restarted master
 * resumes where the tasks are, not where a counter was):
 *
 *   StartApplication   at once (the app exists at 0 instances; a later Scale step fills it).
 *   StopApplication    when none of the app's tasks is left, killed ones included.
 *   Scale / Restart    when the rolling step says done: exactly `instances` tasks, all of the
 *                      current configuration, running, healthy and ready, none being killed.
 */
import type { DeploymentAction } from '../domain/deployment.js';
import { type RolloutApp, rollingStep } from './rolling-replacement.js';

export interface ActionProgressInput {
  action: DeploymentAction;
  /** The app's rollout view; undefined when the app no longer exists. */
  rollout: RolloutApp | undefined;
  /** Tasks of the app not yet in a terminal state. */
  activeTasks: number;
}

export function actionDone(input: ActionProgressInput): boolean {
  switch (input.action.action) {
    case 'StartApplication':
      return true;
    case 'StopApplication':
      return input.activeTasks === 0;
    case 'ScaleApplication':
    case 'RestartApplication':
      return input.rollout === undefined || rollingStep(input.rollout).done;
  }
}

/** Reads an app's tasks from the Marathon API and checks which of them really answer. */
import { type ApiClient, type EchoAnswer, echo } from './http-json.js';

export interface ApiTask {
  id: string;
  appId: string;
  host: string;
  ports: number[];
  state: string;
}

export interface AnsweringTask extends ApiTask {
  answer: EchoAnswer;
}

export async function appTasks(api: ApiClient, appId: string): Promise<ApiTask[]> {
  const { tasks } = await api.get<{ tasks: ApiTask[] }>(`/v2/apps${appId}/tasks`);
  return tasks;
}

/**
 * The app's tasks if there are exactly `n`, all TASK_RUNNING, each answering on host:ports[0] as
 * itself (http-echo reports its MESOS_TASK_ID); otherwise false, so it can be polled by waitFor.
 */
export async function exactlyAnswering(
  api: ApiClient,
  appId: string,
  n: number,
): Promise<AnsweringTask[] | false> {
  const tasks = await appTasks(api, appId);
  if (tasks.length !== n || tasks.some((t) => t.state !== 'TASK_RUNNING')) return false;
  const answered: AnsweringTask[] = [];
  for (const t of tasks) {
    const answer = await echo(t.host, t.ports[0]!).catch(() => undefined);
    if (answer?.task !== t.id || answer.app !== appId) return false;
    answered.push({ ...t, answer });
  }
  return answered;
}

import { Link } from 'react-router';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { MonoId } from '../components/mono-id.js';
import { RelTime } from '../components/rel-time.js';
import type { App, Task } from '../data/types.js';
import { taskStatus } from '../model/status.js';

export function AppTasks({ app }: { app: App }) {
  const tasks = app.tasks ?? [];
  const hasChecks = (app.healthChecks?.length ?? 0) > 0;
  return (
    <>
      {app.lastTaskFailure && (
        <div className="problem" data-testid="last-failure">
          <strong>Last failure</strong> <RelTime iso={app.lastTaskFailure.timestamp} />:{' '}
          {app.lastTaskFailure.state.replace('TASK_', '').toLowerCase()} on {app.lastTaskFailure.host}{' '}
          <span className="mono">{app.lastTaskFailure.message}</span>{' '}
          <Link to={`/apps${app.id}/tasks/${encodeURIComponent(app.lastTaskFailure.taskId)}?stream=stderr`}>
            stderr
          </Link>
        </div>
      )}
      {tasks.length === 0 ? (
        <p className="empty panel">
          No tasks.{' '}
          {app.instances === 0
            ? 'The app is suspended: scale it up to start tasks.'
            : 'See the Queue tab for why none is placed yet.'}
        </p>
      ) : (
        <div className="panel table-scroll">
          <table className="plain stack" aria-label="Tasks">
            <thead>
              <tr>
                <th>Task</th>
                <th>Address</th>
                <th>State</th>
                {hasChecks && <th>Health</th>}
                <th className="hide-narrow">Version</th>
                <th className="hide-narrow">Started</th>
                <th>Logs</th>
              </tr>
            </thead>
            <tbody>
              {tasks.map((t) => (
                <TaskRow key={t.id} app={app} task={t} hasChecks={hasChecks} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function TaskRow({ app, task, hasChecks }: { app: App; task: Task; hasChecks: boolean }) {
  const logUrl = `/apps${app.id}/tasks/${encodeURIComponent(task.id)}`;
  const health = task.healthCheckResults[0];
  return (
    <tr data-task-id={task.id}>
      <td>
        <MonoId value={task.id} max={22} />
      </td>
      <td className="mono" data-label="Address">
        {task.ports.length === 0
          ? task.host
          : task.ports.map((p) => (
              <a
                key={p}
                href={`http://${task.host}:${p}/`}
                target="_blank"
                rel="noreferrer"
                style={{ marginRight: 6 }}
              >
                {task.host}:{p}
              </a>
            ))}
      </td>
      <td data-label="State">
        <Badge status={taskStatus(task.state)} />
      </td>
      {hasChecks && (
        <td data-label="Health">
          {health === undefined ? (
            <Badge status={{ word: 'unknown', tone: 'off' }} />
          ) : health.alive ? (
            <Badge status={{ word: 'healthy', tone: 'ok' }} />
          ) : (
            <span title={health.lastFailureCause ?? ''}>
              <Badge status={{ word: 'unhealthy', tone: 'bad' }} />{' '}
              <span className="muted">{health.lastFailureCause ?? ''}</span>
            </span>
          )}
        </td>
      )}
      <td className="hide-narrow">
        <code title={task.version}>{task.version.slice(0, 19)}</code>
      </td>
      <td className="hide-narrow">
        <RelTime iso={task.startedAt ?? task.stagedAt} />
      </td>
      <td data-label="Logs">
        <Can do="logs.read" otherwise={<span className="muted">not readable by this role</span>}>
          <Link to={logUrl}>stdout</Link> · <Link to={`${logUrl}?stream=stderr`}>stderr</Link>
        </Can>
      </td>
    </tr>
  );
}

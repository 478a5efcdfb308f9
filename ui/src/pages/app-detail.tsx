import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { AppForm } from '../components/app-form.js';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { Confirm } from '../components/confirm.js';
import { EventFeed } from '../components/event-feed.js';
import { InstanceBar } from '../components/instance-bar.js';
import { ProblemView } from '../components/problem-view.js';
import { TabNav, useTab } from '../components/tab-nav.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem, App } from '../data/types.js';
import { useResource } from '../data/use-resource.js';
import { formFromApp } from '../model/app-form.js';
import { appStatus } from '../model/status.js';
import { AppDeployment } from './app-deployment.js';
import { AppQueue } from './app-queue.js';
import { AppTasks } from './app-tasks.js';
import { AppVersions } from './app-versions.js';

const TABS = [
  ['tasks', 'Tasks'],
  ['config', 'Configuration'],
  ['versions', 'Versions'],
  ['deployment', 'Deployment'],
  ['queue', 'Queue'],
  ['events', 'Events'],
] as const;
type Tab = (typeof TABS)[number][0];

type Action = { kind: 'scale'; to: number } | { kind: 'restart' } | { kind: 'suspend' } | { kind: 'destroy' };

export function AppDetailPage({ appId }: { appId: string }) {
  const { api } = useLive();
  const navigate = useNavigate();
  const tab = useTab<Tab>(
    TABS.map((t) => t[0]),
    'tasks',
  );
  const app = useResource(['apps'], (a) => a.app(appId), `app:${appId}`);
  const queue = useResource(['queue'], (a) => a.queue(), 'queue');
  const [action, setAction] = useState<Action | undefined>(undefined);
  const [scaleTo, setScaleTo] = useState('');
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [note, setNote] = useState('');

  if (app.error && !app.data)
    return (
      <>
        <h1 className="mono">{appId}</h1>
        <ProblemView problem={app.error} />
        <Link to="/apps">All apps</Link>
      </>
    );
  const a = app.data;
  if (!a) return <p className="muted">Loading {appId}…</p>;
  const queued = queue.data?.find((q) => q.app.id === a.id);
  const run = async () => {
    if (!action) return;
    setAction(undefined);
    setProblem(undefined);
    try {
      if (action.kind === 'scale') await api.scaleApp(a.id, action.to);
      else if (action.kind === 'suspend') await api.scaleApp(a.id, 0);
      else if (action.kind === 'restart') await api.restartApp(a.id);
      else {
        await api.destroyApp(a.id);
        navigate('/apps');
        return;
      }
      setNote(
        action.kind === 'scale' ? `Scaling ${a.id} to ${action.to}` : `${action.kind} of ${a.id} started`,
      );
      app.reload();
    } catch (err) {
      setProblem(problemOf(err));
    }
  };
  return (
    <>
      <div className="page-head">
        <h1 className="mono">{a.id}</h1>
        <Badge status={appStatus(a, queued)} />
        <InstanceBar app={a} />
      </div>
      <Can do="apps.write">
        <div className="toolbar">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const n = Number(scaleTo);
              if (scaleTo.trim() !== '' && Number.isInteger(n) && n >= 0) setAction({ kind: 'scale', to: n });
              else
                setProblem({
                  status: 0,
                  message: 'Instances must be a whole number, 0 or more',
                  details: [],
                });
            }}
            style={{ display: 'flex', gap: 6 }}
          >
            <input
              aria-label="Instances"
              name="scale"
              inputMode="numeric"
              size={5}
              placeholder={String(a.instances)}
              value={scaleTo}
              onChange={(e) => setScaleTo(e.target.value)}
            />
            <button type="submit">Scale</button>
          </form>
          <button type="button" onClick={() => setAction({ kind: 'restart' })}>
            Restart
          </button>
          <button type="button" onClick={() => setAction({ kind: 'suspend' })} disabled={a.instances === 0}>
            Suspend
          </button>
          <button type="button" className="danger" onClick={() => setAction({ kind: 'destroy' })}>
            Destroy
          </button>
        </div>
      </Can>
      {note && (
        <p className="notice" role="status">
          {note}
        </p>
      )}
      <ProblemView problem={problem} />
      {action && (
        <ActionConfirm app={a} action={action} onConfirm={run} onCancel={() => setAction(undefined)} />
      )}
      <TabNav tabs={TABS} current={tab} label="App" />
      {tab === 'tasks' && <AppTasks app={a} />}
      {tab === 'config' && <AppConfig app={a} onSaved={app.reload} />}
      {tab === 'versions' && <AppVersions app={a} />}
      {tab === 'deployment' && <AppDeployment app={a} />}
      {tab === 'queue' && <AppQueue app={a} item={queued} />}
      {tab === 'events' && (
        <div className="panel">
          <EventFeed filter={(e) => e.appId === a.id || e.runSpecId === a.id} />
        </div>
      )}
    </>
  );
}

function ActionConfirm({
  app,
  action,
  onConfirm,
  onCancel,
}: {
  app: App;
  action: Action;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const text = {
    scale: [`Scale ${app.id} to ${action.kind === 'scale' ? action.to : 0} instances?`, `Scale ${app.id}`],
    restart: [`Restart ${app.id}?`, `Restart ${app.id}`],
    suspend: [`Suspend ${app.id}?`, `Suspend ${app.id}`],
    destroy: [`Destroy ${app.id}?`, `Destroy ${app.id}`],
  }[action.kind];
  const detail = {
    scale: `From ${app.instances} to ${action.kind === 'scale' ? action.to : 0}.`,
    restart: 'Every task is replaced under the upgrade strategy.',
    suspend: 'Scales to 0 instances; the definition is kept. Scale up to resume.',
    destroy: 'Stops every task and deletes the app and its versions.',
  }[action.kind];
  return (
    <Confirm
      title={text[0]!}
      confirmLabel={text[1]!}
      danger={action.kind === 'destroy'}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>{detail}</p>
    </Confirm>
  );
}

function AppConfig({ app, onSaved }: { app: App; onSaved: () => void }) {
  const { api } = useLive();
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState('');
  const pretty = JSON.stringify(
    Object.fromEntries(
      Object.entries(app).filter(
        ([k]) => !['tasks', 'deployments', 'lastTaskFailure'].includes(k) && !k.startsWith('tasks'),
      ),
    ),
    null,
    2,
  );
  return (
    <>
      {saved && (
        <p className="notice" role="status">
          {saved}
        </p>
      )}
      {editing ? (
        <AppForm
          initial={formFromApp(app)}
          lockId
          submitLabel="Save"
          onSubmit={async (def) => {
            const { id, ...change } = def;
            void id;
            await api.updateApp(app.id, change);
            setEditing(false);
            setSaved('Saved: a new version is deploying.');
            onSaved();
          }}
        />
      ) : (
        <Can do="apps.write">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
        </Can>
      )}
      <h2>Definition (version {app.version})</h2>
      <pre className="log">{pretty}</pre>
    </>
  );
}

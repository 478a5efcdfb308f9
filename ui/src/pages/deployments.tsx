import { useState } from 'react';
import { Link } from 'react-router';
import { Badge } from '../components/badge.js';
import { Can } from '../components/can.js';
import { Confirm } from '../components/confirm.js';
import { MonoId } from '../components/mono-id.js';
import { ProblemView } from '../components/problem-view.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem, Deployment } from '../data/types.js';
import { useResource } from '../data/use-resource.js';

export function DeploymentsPage() {
  const deps = useResource(['deployments'], (a) => a.deployments(), 'deployments');
  return (
    <>
      <div className="page-head">
        <h1>Deployments</h1>
      </div>
      <ProblemView problem={deps.error} />
      {deps.data && deps.data.length === 0 && (
        <p className="empty panel">
          No deployment is running. Creating, scaling, restarting or changing an app starts one; it shows here
          until done.
        </p>
      )}
      {(deps.data ?? []).map((d) => (
        <DeploymentCard key={d.id} deployment={d} />
      ))}
    </>
  );
}

/** One deployment: its steps with the current one marked, the apps it changes, rollback and force-stop. */
export function DeploymentCard({ deployment: d }: { deployment: Deployment }) {
  const { api } = useLive();
  const [ask, setAsk] = useState<'rollback' | 'stop' | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [note, setNote] = useState('');
  const pct = d.totalSteps === 0 ? 0 : Math.round(((d.currentStep - 1) / d.totalSteps) * 100);
  return (
    <section className="panel" aria-label={`Deployment ${d.id}`} data-deployment-id={d.id}>
      <div className="page-head">
        <h2 style={{ margin: 0, flex: 1 }}>
          <MonoId value={d.id} max={20} />
        </h2>
        <Badge status={{ word: `step ${d.currentStep} of ${d.totalSteps}`, tone: 'busy' }} />
        <Can do="deployments.write">
          <button type="button" onClick={() => setAsk('rollback')}>
            Roll back
          </button>
          <button type="button" className="danger" onClick={() => setAsk('stop')}>
            Force stop
          </button>
        </Can>
      </div>
      <div
        className="bar"
        role="progressbar"
        aria-valuenow={pct}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-label="Progress"
      >
        <span className="busy" style={{ width: `${pct}%` }} />
      </div>
      <p>
        Apps:{' '}
        {d.affectedApps.map((a) => (
          <Link key={a} to={`/apps${a}`} className="mono" style={{ marginRight: 8 }}>
            {a}
          </Link>
        ))}
      </p>
      <ol>
        {d.steps.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a plan's steps are fixed positions
          <li key={i} style={{ fontWeight: i + 1 === d.currentStep ? 700 : 400 }}>
            {s.actions.map((a) => `${a.action} ${a.app}`).join(', ')}
            {i + 1 === d.currentStep ? ' ← now' : i + 1 < d.currentStep ? ' ✓' : ''}
          </li>
        ))}
      </ol>
      {note && <p role="status">{note}</p>}
      <ProblemView problem={problem} />
      {ask && (
        <Confirm
          title={ask === 'rollback' ? `Roll back deployment ${d.id}?` : `Force-stop deployment ${d.id}?`}
          confirmLabel={ask === 'rollback' ? 'Roll back' : 'Force stop'}
          danger={ask === 'stop'}
          onCancel={() => setAsk(undefined)}
          onConfirm={async () => {
            const force = ask === 'stop';
            setAsk(undefined);
            try {
              await api.cancelDeployment(d.id, force);
              setNote(
                force ? 'Stopped: apps stay as they are now.' : 'Rolling back through a new deployment.',
              );
            } catch (err) {
              setProblem(problemOf(err));
            }
          }}
        >
          <p>
            {ask === 'rollback'
              ? `A new deployment returns ${d.affectedApps.join(', ')} to where they were before.`
              : `The deployment stops where it is; ${d.affectedApps.join(', ')} keep the tasks they have now.`}
          </p>
        </Confirm>
      )}
    </section>
  );
}

import { useState } from 'react';
import { Can } from '../components/can.js';
import { ProblemView } from '../components/problem-view.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem, App, QueueItem } from '../data/types.js';

/** Why instances wait: each agent's reasons, and the launch delay with a reset. */
export function AppQueue({ app, item }: { app: App; item: QueueItem | undefined }) {
  const { api } = useLive();
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [note, setNote] = useState('');
  if (!item) return <p className="empty panel">Nothing of {app.id} waits to be placed.</p>;
  const delayed = item.delay.timeLeftSeconds > 0 && !item.delay.overdue;
  return (
    <div className="panel">
      <p>
        <strong>{item.count}</strong> instance{item.count === 1 ? '' : 's'} waiting since {item.since}.
      </p>
      {delayed ? (
        <p>
          Launch delayed for another <strong>{item.delay.timeLeftSeconds} s</strong> (backoff after failures).{' '}
          <Can do="apps.write">
            <button
              type="button"
              onClick={async () => {
                try {
                  await api.resetDelay(app.id);
                  setNote('Delay reset: the next launch goes ahead now.');
                } catch (err) {
                  setProblem(problemOf(err));
                }
              }}
            >
              Reset delay
            </button>
          </Can>
        </p>
      ) : (
        <p className="muted">No launch delay.</p>
      )}
      {note && <p role="status">{note}</p>}
      <ProblemView problem={problem} />
      <h2>Per agent</h2>
      {(item.lastUnusedOffers ?? []).length === 0 ? (
        <p className="muted">No agent has been tried yet.</p>
      ) : (
        <div className="table-scroll">
          <table className="plain">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Why not</th>
              </tr>
            </thead>
            <tbody>
              {(item.lastUnusedOffers ?? []).map((o, i) => (
                <tr key={o.offer?.agentId ?? i}>
                  <td className="mono">{o.offer?.hostname ?? o.offer?.agentId ?? '?'}</td>
                  <td>{o.reason.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

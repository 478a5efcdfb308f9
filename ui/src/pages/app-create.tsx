import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { AppForm } from '../components/app-form.js';
import { JsonEditor } from '../components/json-editor.js';
import { ProblemView } from '../components/problem-view.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem } from '../data/types.js';
import { APP_TEMPLATE, EMPTY_FORM } from '../model/app-form.js';

export function AppCreatePage() {
  const { api } = useLive();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const mode = params.get('mode') === 'json' ? 'json' : 'form';
  const created = (id: unknown) => navigate(`/apps${typeof id === 'string' ? id : ''}`);
  return (
    <>
      <div className="page-head">
        <h1>Create an app</h1>
      </div>
      <nav className="tabs" aria-label="How">
        <Link to="?mode=form" aria-current={mode === 'form' ? 'page' : undefined}>
          Form
        </Link>
        <Link to="?mode=json" aria-current={mode === 'json' ? 'page' : undefined}>
          JSON
        </Link>
      </nav>
      {mode === 'form' ? (
        <AppForm
          initial={EMPTY_FORM}
          submitLabel="Create"
          onSubmit={async (def) => {
            await api.createApp(def);
            created(def.id);
          }}
        />
      ) : (
        <JsonCreate onCreated={created} />
      )}
    </>
  );
}

function JsonCreate({ onCreated }: { onCreated: (id: unknown) => void }) {
  const { api } = useLive();
  const [text, setText] = useState(JSON.stringify(APP_TEMPLATE, null, 2));
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  return (
    <form
      className="panel"
      onSubmit={async (e) => {
        e.preventDefault();
        let def: { id?: unknown };
        try {
          def = JSON.parse(text);
        } catch (err) {
          setProblem({ status: 0, message: `Not JSON: ${(err as Error).message}`, details: [] });
          return;
        }
        try {
          await api.createApp(def);
          onCreated(def.id);
        } catch (err) {
          setProblem(problemOf(err));
        }
      }}
    >
      <p className="muted">
        A Marathon app definition. The template runs <code>examples/http-echo.js</code> from the directory{' '}
        <code>drover up</code> was started in.
      </p>
      <JsonEditor label="App definition" value={text} onChange={setText} problem={problem} />
      <ProblemView problem={problem && problem.details.length === 0 ? problem : undefined} />
      <button type="submit" className="primary">
        Create
      </button>
    </form>
  );
}

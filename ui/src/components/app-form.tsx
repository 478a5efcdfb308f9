import { useState } from 'react';
import { problemOf } from '../data/problem.js';
import type { ApiProblem } from '../data/types.js';
import { type AppFormValues, appFromForm, FIELD_PATHS } from '../model/app-form.js';
import { FieldErrors, ProblemView } from './problem-view.js';

/** The app form; a refusal leaves every field as typed and shows each 422 error beside its field. */
export function AppForm({
  initial,
  lockId,
  submitLabel,
  onSubmit,
}: {
  initial: AppFormValues;
  lockId?: boolean;
  submitLabel: string;
  onSubmit: (definition: Record<string, unknown>) => Promise<void>;
}) {
  const [v, setV] = useState(initial);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const known = new Set(Object.values(FIELD_PATHS));
  const rest = problem && {
    ...problem,
    details: problem.details.filter((d) => !known.has(d.path)),
  };
  const field = (k: keyof AppFormValues, label: string, props: Record<string, unknown> = {}) => {
    const path = FIELD_PATHS[k];
    const invalid = problem?.details.some((d) => d.path === path) ?? false;
    return (
      <label className={`field${invalid ? ' invalid' : ''}`}>
        <span>{label}</span>
        <input
          name={k}
          value={v[k]}
          aria-invalid={invalid}
          onChange={(e) => setV({ ...v, [k]: e.target.value })}
          {...props}
        />
        <FieldErrors problem={problem} path={path} />
      </label>
    );
  };
  return (
    <form
      className="panel app-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        try {
          await onSubmit(appFromForm(v));
          setProblem(undefined);
        } catch (err) {
          setProblem(problemOf(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <div className="form-grid">
        {field('id', 'ID', { readOnly: lockId, required: true, placeholder: '/web' })}
        {field('instances', 'Instances', { inputMode: 'numeric' })}
        {field('cpus', 'CPUs', { inputMode: 'decimal' })}
        {field('mem', 'Memory (MiB)', { inputMode: 'numeric' })}
        {field('ports', 'Host ports', { inputMode: 'numeric' })}
      </div>
      <label className={`field${problem?.details.some((d) => d.path === '/cmd') ? ' invalid' : ''}`}>
        <span>Command</span>
        <input
          name="cmd"
          className="mono"
          value={v.cmd}
          placeholder="node examples/http-echo.js"
          onChange={(e) => setV({ ...v, cmd: e.target.value })}
        />
        <FieldErrors problem={problem} path="/cmd" />
      </label>
      <div className="form-grid">
        <label className="field">
          <span>Health check</span>
          <select
            name="healthProtocol"
            value={v.healthProtocol}
            onChange={(e) =>
              setV({ ...v, healthProtocol: e.target.value as AppFormValues['healthProtocol'] })
            }
          >
            <option value="">none</option>
            <option value="HTTP">HTTP</option>
            <option value="TCP">TCP</option>
            <option value="COMMAND">command</option>
          </select>
        </label>
        {v.healthProtocol === 'HTTP' || v.healthProtocol === 'COMMAND'
          ? field('healthPath', v.healthProtocol === 'HTTP' ? 'Health path' : 'Health command')
          : null}
        {v.healthProtocol ? field('healthInterval', 'Check every (s)', { inputMode: 'numeric' }) : null}
      </div>
      <div className="form-grid">
        <label className="field">
          <span>Environment (NAME=value per line)</span>
          <textarea name="env" rows={3} value={v.env} onChange={(e) => setV({ ...v, env: e.target.value })} />
          <FieldErrors problem={problem} path="/env" />
        </label>
        <label className="field">
          <span>Labels (key=value per line)</span>
          <textarea
            name="labels"
            rows={3}
            value={v.labels}
            onChange={(e) => setV({ ...v, labels: e.target.value })}
          />
          <FieldErrors problem={problem} path="/labels" />
        </label>
      </div>
      <ProblemView
        problem={rest && (rest.details.length > 0 || problem?.details.length === 0) ? rest : undefined}
      />
      <button type="submit" className="primary" disabled={busy}>
        {busy ? 'Sending…' : submitLabel}
      </button>
    </form>
  );
}

import type { ApiProblem } from '../data/types.js';

/** A refusal as the API gave it: status, message and every path it names. */
export function ProblemView({ problem, title }: { problem: ApiProblem | undefined; title?: string }) {
  if (!problem) return null;
  return (
    <div className="problem" role="alert">
      <strong>
        {title ?? 'Refused'}
        {problem.status ? ` (${problem.status})` : ''}:
      </strong>{' '}
      {problem.message}
      {problem.details.length > 0 && (
        <ul>
          {problem.details.map((d) => (
            <li key={d.path}>
              <code>{d.path || '/'}</code> {d.errors.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The errors a 422 gives for one path (e.g. `/instances`), shown beside that field. */
export function FieldErrors({ problem, path }: { problem: ApiProblem | undefined; path: string }) {
  const errors = problem?.details.filter((d) => d.path === path).flatMap((d) => d.errors) ?? [];
  if (errors.length === 0) return null;
  return (
    <span className="field-error" role="alert" data-path={path}>
      {errors.join('; ')}
    </span>
  );
}

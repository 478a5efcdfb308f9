import type { ApiProblem } from '../data/types.js';
import { jsonPathLines, lineOfPath } from '../model/json-paths.js';

/**
 * A JSON text box; after a 422 each error is shown on the line of the path it names, beside the
 * text it is about.
 */
export function JsonEditor({
  value,
  onChange,
  problem,
  label,
}: {
  value: string;
  onChange: (text: string) => void;
  problem: ApiProblem | undefined;
  label: string;
}) {
  const details = problem?.details ?? [];
  const lines = jsonPathLines(value);
  const byLine = new Map<number, string[]>();
  for (const d of details) {
    const l = lineOfPath(lines, d.path) ?? 1;
    byLine.set(l, [...(byLine.get(l) ?? []), `${d.path}: ${d.errors.join('; ')}`]);
  }
  const textLines = value.split('\n');
  return (
    <div className="json-editor">
      <label className="field">
        <span>{label}</span>
        <textarea
          name="json"
          spellCheck={false}
          rows={Math.min(30, Math.max(10, textLines.length + 1))}
          value={value}
          aria-invalid={details.length > 0}
          onChange={(e) => onChange(e.target.value)}
        />
      </label>
      {byLine.size > 0 && (
        <ol className="json-annotations" aria-label="Errors by line">
          {[...byLine.entries()]
            .sort((a, b) => a[0] - b[0])
            .map(([l, errs]) => (
              <li key={l} className="json-error" data-line={l}>
                <code className="muted">line {l}</code> <code>{(textLines[l - 1] ?? '').trim()}</code>
                {errs.map((e) => (
                  <span key={e} className="field-error">
                    {' '}
                    ← {e}
                  </span>
                ))}
              </li>
            ))}
        </ol>
      )}
    </div>
  );
}

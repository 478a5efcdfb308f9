import { useState } from 'react';

/** Shortens a long id in the middle (full value on hover) with a one-click copy. */
export function MonoId({ value, max = 28, copy = true }: { value: string; max?: number; copy?: boolean }) {
  const [copied, setCopied] = useState(false);
  const short =
    value.length <= max
      ? value
      : `${value.slice(0, Math.ceil(max / 2) - 1)}…${value.slice(-Math.floor(max / 2))}`;
  return (
    <span className="mono-id">
      <code title={value}>{short}</code>
      {copy && (
        <button
          type="button"
          className="icon-button"
          aria-label={`Copy ${value}`}
          title="Copy"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => {
              setCopied(true);
              setTimeout(() => setCopied(false), 1200);
            });
          }}
        >
          {copied ? '✓' : '⧉'}
        </button>
      )}
    </span>
  );
}

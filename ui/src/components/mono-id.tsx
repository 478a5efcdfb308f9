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
          {copied ? (
            '✓'
          ) : (
            <svg
              viewBox="0 0 16 16"
              width="13"
              height="13"
              aria-hidden="true"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.5"
            >
              <rect x="5" y="5" width="9" height="9" rx="1.5" />
              <path d="M11 5V3.5A1.5 1.5 0 0 0 9.5 2h-6A1.5 1.5 0 0 0 2 3.5v6A1.5 1.5 0 0 0 3.5 11H5" />
            </svg>
          )}
        </button>
      )}
    </span>
  );
}

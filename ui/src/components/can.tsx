import type { ReactNode } from 'react';
import { useLive } from '../data/live.js';
import { type Action, allows } from '../model/permissions.js';

/** Its children only when the signed-in role may do `action` (a viewer sees no write buttons). */
export function Can({
  do: action,
  children,
  otherwise = null,
}: {
  do: Action;
  children: ReactNode;
  /** Shown instead, where an empty space would read as missing data. */
  otherwise?: ReactNode;
}) {
  const { who } = useLive();
  return allows(who, action) ? children : otherwise;
}

/** The same test for code that decides more than what to render. */
export function useCan(): (action: Action) => boolean {
  const { who } = useLive();
  return (action) => allows(who, action);
}

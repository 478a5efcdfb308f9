// A read that refetches when the topics it depends on change (driven by the event stream), keeps
// the last good value while refetching, and reports a 401 to the login gate.
//
// Under a busy stream (hundreds of events a second) the topics change faster than a large read
// (1,000 apps) answers: at most one request per read is in flight, changes that come meanwhile
// make one more read once it is back, and that one waits at least as long as the last took (and
// REREAD_GAP_MS), so the page never spends more than half its time re-reading.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useLive } from './live.js';
import { problemOf } from './problem.js';
import type { Topic } from './topics.js';
import type { ApiProblem } from './types.js';
import type { UiApi } from './ui-api.js';

export interface Resource<T> {
  data: T | undefined;
  error: ApiProblem | undefined;
  loading: boolean;
  reload(): void;
}

export const REREAD_GAP_MS = 250;

interface Cycle {
  /** Bumped when the key or the API changes, or on unmount: answers of older cycles are dropped. */
  token: number;
  inFlight: boolean;
  again: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function useResource<T>(
  topics: readonly Topic[],
  load: (api: UiApi) => Promise<T>,
  key: string,
): Resource<T> {
  const { api, generation, markUnauthorized } = useLive();
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiProblem | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [manual, setManual] = useState(0);
  const loader = useRef(load);
  loader.current = load;
  const apiRef = useRef(api);
  apiRef.current = api;
  const cycle = useRef<Cycle>({ token: 0, inFlight: false, again: false, timer: undefined });
  const gen = topics.map((t) => generation[t]).join(',');

  const start = useCallback(() => {
    const c = cycle.current;
    if (c.inFlight || c.timer !== undefined) {
      c.again = true;
      return;
    }
    c.inFlight = true;
    const token = c.token;
    const began = performance.now();
    setLoading(true);
    const settle = () => {
      if (token !== c.token) return;
      c.inFlight = false;
      if (!c.again) return;
      c.again = false;
      c.timer = setTimeout(
        () => {
          // This read covers every change that asked for one while waiting.
          c.timer = undefined;
          c.again = false;
          start();
        },
        Math.max(REREAD_GAP_MS, performance.now() - began),
      );
    };
    loader.current(apiRef.current).then(
      (v) => {
        if (token !== c.token) return;
        setData(v);
        setError(undefined);
        setLoading(false);
        settle();
      },
      (err: unknown) => {
        if (token !== c.token) return;
        const p = problemOf(err);
        if (p.status === 401) markUnauthorized();
        setError(p);
        setLoading(false);
        settle();
      },
    );
  }, [markUnauthorized]);

  // A new key or API starts a new cycle at once, without the last key's value.
  useEffect(() => {
    void key;
    void api;
    const c = cycle.current;
    c.token += 1;
    c.inFlight = false;
    c.again = false;
    if (c.timer !== undefined) clearTimeout(c.timer);
    c.timer = undefined;
    setData(undefined);
    start();
    return () => {
      c.token += 1;
      if (c.timer !== undefined) clearTimeout(c.timer);
      c.timer = undefined;
    };
  }, [key, api, start]);

  // A change of the topics (or a reload) re-reads within the cycle.
  const first = useRef(true);
  useEffect(() => {
    void gen;
    void manual;
    if (first.current) {
      first.current = false;
      return;
    }
    start();
  }, [gen, manual, start]);

  const reload = useCallback(() => setManual((n) => n + 1), []);
  return { data, error, loading, reload };
}

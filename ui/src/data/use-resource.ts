// A read that refetches when the topics it depends on change (driven by the event stream), keeps
// the last good value while refetching, and reports a 401 to the login gate.
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
  const lastKey = useRef(key);
  const gen = topics.map((t) => generation[t]).join(',');

  useEffect(() => {
    void gen;
    void manual;
    let live = true;
    if (lastKey.current !== key) {
      lastKey.current = key;
      setData(undefined);
    }
    setLoading(true);
    loader.current(api).then(
      (v) => {
        if (!live) return;
        setData(v);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (!live) return;
        const p = problemOf(err);
        if (p.status === 401) markUnauthorized();
        setError(p);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, key, gen, manual, markUnauthorized]);

  const reload = useCallback(() => setManual((n) => n + 1), []);
  return { data, error, loading, reload };
}

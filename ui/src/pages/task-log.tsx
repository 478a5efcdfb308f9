import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { MonoId } from '../components/mono-id.js';
import { ProblemView } from '../components/problem-view.js';
import { useLive } from '../data/live.js';
import { problemOf } from '../data/problem.js';
import type { ApiProblem } from '../data/types.js';
import type { LogStream } from '../data/ui-api.js';

const FOLLOW_MS = 1000;

/**
 * A task's stdout or stderr: the last `tail` lines, re-read every second while following (the
 * sandbox is read through the master; there is no log stream to subscribe to).
 */
export function TaskLogPage({ appId, taskId }: { appId: string; taskId: string }) {
  const { api } = useLive();
  const [params, setParams] = useSearchParams();
  const stream: LogStream = params.get('stream') === 'stderr' ? 'stderr' : 'stdout';
  const tail = Number(params.get('tail') ?? 500) || 500;
  const follow = params.get('follow') !== '0';
  const [text, setText] = useState<string | undefined>(undefined);
  const [problem, setProblem] = useState<ApiProblem | undefined>(undefined);
  const pre = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const t = await api.taskLog(taskId, stream, tail);
        if (!live) return;
        setText(t);
        setProblem(undefined);
      } catch (err) {
        if (live) setProblem(problemOf(err));
      }
      if (live && follow && document.visibilityState !== 'hidden') timer = setTimeout(read, FOLLOW_MS);
      else if (live && follow) timer = setTimeout(read, FOLLOW_MS * 5);
    };
    void read();
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
    };
  }, [api, taskId, stream, tail, follow]);

  useEffect(() => {
    void text;
    const el = pre.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [text]);

  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    next.set(k, v);
    setParams(next, { replace: true });
  };
  return (
    <>
      <div className="page-head">
        <h1>
          Logs of <MonoId value={taskId} max={40} />
        </h1>
        <Link to={`/apps${appId}`} className="mono">
          {appId}
        </Link>
      </div>
      <div className="toolbar">
        <span role="radiogroup" aria-label="Stream" style={{ display: 'flex', gap: 4 }}>
          {(['stdout', 'stderr'] as const).map((s) => (
            <button
              key={s}
              type="button"
              role="radio"
              aria-checked={stream === s}
              className={stream === s ? 'primary' : undefined}
              onClick={() => set('stream', s)}
            >
              {s}
            </button>
          ))}
        </span>
        <label>
          Tail{' '}
          <select value={String(tail)} onChange={(e) => set('tail', e.target.value)}>
            {[100, 500, 2000, 10000].map((n) => (
              <option key={n} value={n}>
                {n} lines
              </option>
            ))}
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={follow}
            onChange={(e) => set('follow', e.target.checked ? '1' : '0')}
          />{' '}
          Follow live
        </label>
      </div>
      <ProblemView problem={problem} title="Could not read the log" />
      <pre
        ref={pre}
        className="log"
        title={`${stream} of ${taskId}`}
        data-testid="log"
        onScroll={(e) => {
          const el = e.currentTarget;
          pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {text === undefined ? 'Loading…' : text === '' ? `(${stream} is empty)` : text}
      </pre>
    </>
  );
}

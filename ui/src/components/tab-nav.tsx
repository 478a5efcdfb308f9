import { Link, useSearchParams } from 'react-router';

/** Tabs kept in the query string (`?tab=`), so a tab has a URL and back/forward work. */
export function useTab<T extends string>(tabs: readonly T[], fallback: T): T {
  const [params] = useSearchParams();
  const t = params.get('tab') as T | null;
  return t && tabs.includes(t) ? t : fallback;
}

export function TabNav<T extends string>({
  tabs,
  current,
  label,
}: {
  tabs: ReadonlyArray<readonly [T, string]>;
  current: T;
  label: string;
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {tabs.map(([t, name]) => (
        <Link key={t} to={`?tab=${t}`} aria-current={current === t ? 'page' : undefined}>
          {name}
        </Link>
      ))}
    </nav>
  );
}

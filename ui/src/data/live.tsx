// The UI's one connection to a master: the API, the event stream that drives every refresh, the
// connection state, the recent events for the feed, and the credentials kept in sessionStorage.
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { Credentials, Whoami } from '../../../src/client/index.js';
import { makeApi } from './make-api.js';
import { problemOf } from './problem.js';
import { ALL_TOPICS, type Topic, topicsOf } from './topics.js';
import type { LiveEvent } from './types.js';
import type { ConnectionState, UiApi } from './ui-api.js';

const CREDENTIALS_KEY = 'drover.credentials';
export const FEED_SIZE = 200;

interface Live {
  api: UiApi;
  connection: ConnectionState;
  /** Newest first, at most FEED_SIZE. */
  feed: LiveEvent[];
  eventsSeen: number;
  /** Bumped when a topic's data may have changed. */
  generation: Record<Topic, number>;
  unauthorized: boolean;
  markUnauthorized(): void;
  /** Who the master says this tab is (undefined until it answered, or from a master without /v2/whoami). */
  who: Whoami | undefined;
  /** Checks the credentials with the master first: undefined when signed in, else why not. */
  trySignIn(c: Credentials): Promise<string | undefined>;
  signIn(c: Credentials): void;
  signOut(): void;
  signedIn: boolean;
}

const LiveContext = createContext<Live | undefined>(undefined);

function loadCredentials(): Credentials | undefined {
  try {
    const raw = sessionStorage.getItem(CREDENTIALS_KEY);
    return raw ? (JSON.parse(raw) as Credentials) : undefined;
  } catch {
    return undefined;
  }
}

export function LiveProvider({ children, api: given }: { children: ReactNode; api?: UiApi }) {
  const creds = useRef<Credentials | undefined>(loadCredentials());
  const [signedIn, setSignedIn] = useState(creds.current !== undefined);
  const [unauthorized, setUnauthorized] = useState(false);
  const [epoch, setEpoch] = useState(0);
  // A new client per sign-in: credentials are fixed for a client's life.
  const api = useMemo(() => {
    void epoch;
    return given ?? makeApi(creds.current);
  }, [given, epoch]);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [feed, setFeed] = useState<LiveEvent[]>([]);
  const [eventsSeen, setEventsSeen] = useState(0);
  const [generation, setGeneration] = useState<Record<Topic, number>>(() => zeroes());
  const [who, setWho] = useState<Whoami | undefined>(undefined);

  useEffect(() => {
    let live = true;
    setWho(undefined);
    api.whoami().then(
      (w) => live && setWho(w),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api]);

  // Events arrive up to hundreds a second: gather them and render at most every 150 ms.
  const pending = useRef<LiveEvent[]>([]);
  // Counted apart from `pending`, which keeps only the newest FEED_SIZE of a burst.
  const arrived = useRef(0);
  const dirty = useRef(new Set<Topic>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    void epoch;
    let wasLive = false;
    const flush = () => {
      timer.current = undefined;
      const batch = pending.current;
      const count = arrived.current;
      pending.current = [];
      arrived.current = 0;
      if (batch.length > 0) setFeed((old) => [...batch.reverse(), ...old].slice(0, FEED_SIZE));
      if (count > 0) setEventsSeen((n) => n + count);
      const topics = [...dirty.current];
      dirty.current.clear();
      if (topics.length > 0) setGeneration((g) => bump(g, topics));
    };
    const schedule = () => {
      if (timer.current === undefined) timer.current = setTimeout(flush, 150);
    };
    const sub = api.events(
      (e) => {
        pending.current.push(e);
        arrived.current++;
        if (pending.current.length > FEED_SIZE) pending.current.splice(0, pending.current.length - FEED_SIZE);
        for (const t of topicsOf(e.eventType)) dirty.current.add(t);
        schedule();
      },
      (s) => {
        setConnection(s);
        if (s === 'unauthorized') setUnauthorized(true);
        // After a drop the stream replays what it still holds; reads refetch in case it held too little.
        if (s === 'live') {
          if (wasLive) for (const t of ALL_TOPICS) dirty.current.add(t);
          wasLive = true;
          schedule();
        }
      },
    );
    return () => {
      sub.close();
      if (timer.current !== undefined) clearTimeout(timer.current);
      timer.current = undefined;
    };
  }, [api, epoch]);

  const signIn = useCallback((c: Credentials) => {
    creds.current = c;
    sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify(c));
    setSignedIn(true);
    setUnauthorized(false);
    setGeneration((g) => bump(g, ALL_TOPICS));
    setEpoch((n) => n + 1);
  }, []);
  const trySignIn = useCallback(
    async (c: Credentials): Promise<string | undefined> => {
      try {
        await (given ?? makeApi(c)).whoami();
      } catch (err) {
        const p = problemOf(err);
        return p.status === 401
          ? 'The master refused these credentials (401): check the user and password, or the token.'
          : p.message;
      }
      signIn(c);
      return undefined;
    },
    [given, signIn],
  );
  const signOut = useCallback(() => {
    creds.current = undefined;
    sessionStorage.removeItem(CREDENTIALS_KEY);
    setSignedIn(false);
    setEpoch((n) => n + 1);
  }, []);
  const markUnauthorized = useCallback(() => setUnauthorized(true), []);

  const value = useMemo<Live>(
    () => ({
      api,
      connection,
      feed,
      eventsSeen,
      generation,
      unauthorized,
      markUnauthorized,
      who,
      trySignIn,
      signIn,
      signOut,
      signedIn,
    }),
    [
      api,
      connection,
      feed,
      eventsSeen,
      generation,
      unauthorized,
      markUnauthorized,
      who,
      trySignIn,
      signIn,
      signOut,
      signedIn,
    ],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export function useLive(): Live {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive outside LiveProvider');
  return live;
}

function zeroes(): Record<Topic, number> {
  return Object.fromEntries(ALL_TOPICS.map((t) => [t, 0])) as Record<Topic, number>;
}

function bump(g: Record<Topic, number>, topics: readonly Topic[]): Record<Topic, number> {
  const next = { ...g };
  for (const t of topics) next[t] += 1;
  return next;
}

import { useState } from 'react';
import { useLive } from '../data/live.js';

/** Shown when the master answers 401: a user and password (`--http-credentials`) or an API token (`--api-token`), kept for this tab only. */
export function LoginPage() {
  const { trySignIn } = useLive();
  const [kind, setKind] = useState<'basic' | 'token'>('basic');
  const [user, setUser] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="panel"
      style={{ maxWidth: 420, margin: '32px auto' }}
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        // The fields stay as typed when the master refuses them.
        const why = await trySignIn(
          kind === 'token' ? { kind: 'bearer', token: secret } : { kind: 'basic', user, password: secret },
        );
        setBusy(false);
        setError(why);
      }}
    >
      <h1>Sign in to this master</h1>
      <p className="muted">It asks for credentials. They are kept in this tab's session storage only.</p>
      <div role="radiogroup" aria-label="Credential" className="toolbar">
        <label>
          <input type="radio" name="kind" checked={kind === 'basic'} onChange={() => setKind('basic')} /> User
          and password
        </label>
        <label>
          <input type="radio" name="kind" checked={kind === 'token'} onChange={() => setKind('token')} /> API
          token
        </label>
      </div>
      {kind === 'basic' && (
        <label className="field">
          <span>User</span>
          <input name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} />
        </label>
      )}
      <label className="field">
        <span>{kind === 'basic' ? 'Password' : 'Token'}</span>
        <input
          name="secret"
          type="password"
          autoComplete={kind === 'basic' ? 'current-password' : 'off'}
          value={secret}
          onChange={(e) => setSecret(e.target.value)}
        />
      </label>
      {error && (
        <p className="problem" role="alert" data-testid="login-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy}>
        Sign in
      </button>
    </form>
  );
}

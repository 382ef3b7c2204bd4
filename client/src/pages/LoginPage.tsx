import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiError, login } from '../api.js';

/** Sign-in form: a session cookie for the browser. */
export function LoginPage() {
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const user = await login(String(form.get('username')), String(form.get('password')));
      navigate('/', { state: { user } });
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'the server cannot be reached');
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>Sign in</h1>
      <form className="card" onSubmit={onSubmit} aria-describedby={error ? 'login-error' : undefined}>
        <label htmlFor="username">User name</label>
        <input id="username" name="username" autoComplete="username" required />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        {error && (
          <p id="login-error" className="bad" role="alert">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}

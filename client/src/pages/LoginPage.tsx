/** Sign-in form; accounts and sessions arrive with the server workflow. */
export function LoginPage() {
  return (
    <section>
      <h1>Sign in</h1>
      <form className="card" onSubmit={(e) => e.preventDefault()} aria-describedby="login-note">
        <label htmlFor="username">User name</label>
        <input id="username" name="username" autoComplete="username" />
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" />
        <button type="submit" disabled>Sign in</button>
        <p id="login-note" className="hint">Accounts are not enabled on this server yet.</p>
      </form>
    </section>
  );
}

import { Link } from 'react-router-dom';

/** Shown for any path the app does not know. */
export function NotFoundPage() {
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </section>
  );
}

// The sign-in form. One message for a wrong name or password: which one was wrong is not said.
import { Layout } from './layout.js';

export function SignInView(props: {
  project: string;
  error?: string | undefined;
  account?: string | undefined;
  next?: string | undefined;
}) {
  return (
    <Layout project={props.project} title="Sign in">
      <h1>Sign in</h1>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <form method="post" action="/sign-in" class="stacked">
        <label>
          Account <input name="account" autocomplete="username" required value={props.account ?? ''} />
        </label>
        <label>
          Password <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <input type="hidden" name="next" value={props.next ?? '/'} />
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

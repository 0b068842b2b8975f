// The page around every view: the project, the navigation, who is signed in, and sign-out.
import type { Child } from 'hono/jsx';
import type { SignedIn } from '../console-context.js';

export interface LayoutProps {
  project: string;
  title: string;
  session?: SignedIn | undefined;
  /** The console's own scripts the page needs, in order: never an inline one (the CSP forbids it). */
  scripts?: string[];
  children?: Child;
}

export function Layout({ project, title, session, scripts = [], children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${project} · launchdb`}</title>
        <link rel="stylesheet" href="/assets/console.css" />
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        {scripts.includes('/assets/uplot.js') ? <link rel="stylesheet" href="/assets/uplot.css" /> : null}
      </head>
      <body>
        <header>
          <a class="brand" href="/">
            launchdb <span>{project}</span>
          </a>
          {session ? (
            <nav class="site">
              <a href="/">Environments</a>
              <a href="/actions">Actions</a>
              {session.role === 'owner' ? <a href="/accounts">Accounts</a> : null}
            </nav>
          ) : null}
          {session ? (
            <form method="post" action="/sign-out" class="who">
              <span>
                {session.account} ({session.role})
              </span>
              <input type="hidden" name="_csrf" value={session.csrf} />
              <button type="submit">Sign out</button>
            </form>
          ) : null}
        </header>
        <main>{children}</main>
        {scripts.map((src) => (
          <script src={src} defer />
        ))}
      </body>
    </html>
  );
}

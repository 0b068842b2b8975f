// A page that only says something: not found, refused, a bad form. Never a stack trace.

import type { SignedIn } from '../console-context.js';
import { Layout } from './layout.js';

export function MessageView(props: {
  project: string;
  title: string;
  message: string;
  session?: SignedIn | undefined;
}) {
  return (
    <Layout project={props.project} title={props.title} session={props.session}>
      <h1>{props.title}</h1>
      <p>{props.message}</p>
      <p>
        <a href="/">Back to the environments</a>
      </p>
    </Layout>
  );
}

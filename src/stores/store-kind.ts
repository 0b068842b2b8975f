// What every store kind gives the front ends, so `attach`, `check` and `env list` treat them alike:
// whether an environment declares it, how it is attached, how it lists, its checks and their session.

import type { SharedControl } from '../control/shared-control.js';
import type { Check } from '../core/checks/check.js';
import type { Environment, Project } from '../core/project.js';
import type { ListOptions, StoreListing } from './store-listing.js';

/** The store kinds of DESIGN.md, Postgres first. */
export const STORE_NAMES = ['postgres', 'documents', 'objects', 'cache'] as const;
export type StoreName = (typeof STORE_NAMES)[number];

export interface AttachFlags {
  /** The store's URL (`--url`): a Postgres or Redis URL, an S3 endpoint. */
  url?: string;
  /** A URL with the right to provision (`--admin-url`). */
  adminUrl?: string;
  /** How --url or --admin-url was given, when not as itself: `--admin-url-file FILE`. */
  urlFlag?: string;
  connectTimeoutMs?: number;
  rotate?: boolean;
}

/** What attach will do, decided before anything changes and printed as the target line. */
export interface AttachPlan {
  mode: string;
  /** Where: a folder under `.launchdb/`, or a server's `host:port/name` (never a password). */
  location: string;
  /** Where the URL came from: `--url`, a config path, a variable, an earlier attachment; `default` when none. */
  source: string;
  /** The backing in words for the target line: `embedded Postgres`, `S3 bucket`. */
  how: string;
}

export interface AttachResult {
  environment: string;
  store: StoreName;
  backing: 'embedded' | 'server';
  mode: string;
  location: string;
  source: string;
  /** True when this run marked the store for the environment for the first time. */
  marked: boolean;
  /** What provisioning created or found different (roles, ACL users, buckets). */
  provisioned?: { created: string[]; differences: string[]; rotated?: boolean };
  /** What attach read and found sound without changing anything (a Firestore project's files). */
  checked?: string[];
  /** Written to the secrets file; shown only with --print-secrets. */
  secrets?: Record<string, string>;
  secretsFile?: string;
  durationMs: number;
}

/** What every check is given, whatever its store: each attached store's session under its name. */
export interface CheckContextBase {
  project: Project;
  env: Environment;
  /** The run's control database when the front end shares one (`check`: with its recorder); opened on first use. */
  control?: SharedControl;
  /** The clock, so tests can ask "what about next year?" */
  now: Date;
}

export interface SessionOptions {
  /** The `--connect-timeout` flag, when given; else the store's configured default. */
  connectTimeoutMs?: number | undefined;
  /** The command, named in lock and busy messages. */
  command: string;
}

/** A store's connection for the length of a command: opened lazily by the checks, closed once. */
export interface StoreSession {
  close(): Promise<void>;
}

export interface StoreKind<
  Context = never,
  Session extends StoreSession = StoreSession,
  Plan extends AttachPlan = AttachPlan,
> {
  name: StoreName;
  /** The environment declares this store in the config. */
  declared(env: Environment): boolean;
  planAttach(env: Environment, flags: AttachFlags): Plan;
  attach(env: Environment, plan: Plan, flags: AttachFlags): Promise<AttachResult>;
  /** One row of `env list`: reachable or why not; never throws for a store that cannot answer. */
  list(env: Environment, options: ListOptions): Promise<StoreListing>;
  /** The session its checks share, as `context[name]`; nothing connects until a check asks. */
  openSession(env: Environment, options: SessionOptions): Session;
  checks: readonly Check<Context>[];
  /** The check that fails when the store cannot be reached: the CLI exits 3 on it. */
  reachableCheck: string;
}

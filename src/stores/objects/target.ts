// Where an environment's objects are: resolved as flag, config, recorded attachment, embedded folder.
import { join } from 'node:path';
import { UsageError } from '../../core/errors.js';
import { type Environment, resolveValue } from '../../core/project.js';
import { readSecrets } from '../../core/secrets.js';

export type ObjectsTarget = FolderTarget | BucketTarget;

export interface FolderTarget {
  backing: 'embedded';
  folder: string;
  /** The folder relative to the project, for output: `.launchdb/<env>/objects`. */
  location: string;
  publicUrls: string[];
}

export interface BucketTarget {
  backing: 'server';
  /** `http(s)://host:port` without credentials; undefined for AWS S3 in `region`. */
  endpoint: string | undefined;
  host: string;
  port: number;
  bucket: string;
  /** The environment's root in the bucket, without slashes at either end; empty for the whole bucket. */
  prefix: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle: boolean;
  publicUrls: string[];
  /** Where it came from: `--url`, the config, or an earlier attachment's secrets file. */
  source: 'flag' | 'config' | 'attachment';
  /** `host:port/bucket[/prefix]`, never a secret. */
  location: string;
}

/** The secrets-file entry `attach objects --url` records: the URL as given, credentials and all. */
export const RECORDED_URL = 'OBJECTS_URL';

export interface ObjectsTargetFlags {
  url?: string;
  /** How the URL was given, for messages: `--url`. */
  urlFlag?: string;
}

/** The environment's object storage, or undefined when the config declares none and no URL is given. */
export function resolveObjectsTarget(
  env: Environment,
  flags: ObjectsTargetFlags = {},
): ObjectsTarget | undefined {
  const config = env.config.objects;
  if (!config && !flags.url) return undefined;
  const path = `environments.${env.name}.objects`;
  const publicUrls = (config?.publicUrls ?? []).map((url) => url.replace(/\/+$/, ''));
  const configured = resolveValue(env, config?.endpoint, `${path}.endpoint`);
  if (configured !== undefined) parseObjectsUrl(configured, `${path}.endpoint`);
  const recorded = readSecrets(env.stateDir, env.name)[RECORDED_URL];
  const url = flags.url ?? configured ?? recorded;
  if (url === undefined && config?.bucket === undefined) {
    const folder = join(env.stateDir, env.name, 'objects');
    return { backing: 'embedded', folder, location: `.launchdb/${env.name}/objects`, publicUrls };
  }
  const parsed =
    url === undefined ? undefined : parseObjectsUrl(url, flags.url ? (flags.urlFlag ?? '--url') : path);
  const region = config?.region ?? (env.vars.AWS_REGION || 'us-east-1');
  const endpoint = parsed?.endpoint;
  const bucket = config?.bucket ?? parsed?.bucket ?? defaultBucketOf(env);
  const prefix = config?.prefix ?? parsed?.prefix ?? '';
  const accessKeyId =
    resolveValue(env, config?.accessKeyId, `${path}.accessKeyId`) ??
    parsed?.credentials?.accessKeyId ??
    (env.vars.AWS_ACCESS_KEY_ID || undefined);
  const secretAccessKey =
    resolveValue(env, config?.secretAccessKey, `${path}.secretAccessKey`) ??
    parsed?.credentials?.secretAccessKey ??
    (env.vars.AWS_SECRET_ACCESS_KEY || undefined);
  const host = endpoint ? new URL(endpoint).hostname : `s3.${region}.amazonaws.com`;
  const port = endpoint ? Number(new URL(endpoint).port || (endpoint.startsWith('https:') ? 443 : 80)) : 443;
  return {
    backing: 'server',
    endpoint,
    host,
    port,
    bucket,
    prefix,
    region,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: config?.forcePathStyle ?? endpoint !== undefined,
    publicUrls,
    source: flags.url ? 'flag' : configured !== undefined || !recorded ? 'config' : 'attachment',
    location: `${hostPort(host, port)}/${[bucket, prefix].filter(Boolean).join('/')}`,
  };
}

/** The bucket launchdb gives an environment: `<project>-<env>`, as S3 spells names. */
export function defaultBucketOf(env: Environment): string {
  return `${env.project}-${env.name}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-');
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface ParsedObjectsUrl {
  endpoint: string;
  bucket?: string;
  prefix?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * `http(s)://[ACCESS_KEY_ID:SECRET@]host[:port][/bucket[/prefix]]`: an S3-compatible endpoint, with
 * the bucket and the environment's prefix as its path. Anything else is bad input naming `what`.
 */
export function parseObjectsUrl(url: string, what: string): ParsedObjectsUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${what} is not a URL`, {
      fix: 'write it as http(s)://host:port/bucket, with credentials as ACCESS_KEY_ID:SECRET@ (percent-encoded)',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${what} is a ${parsed.protocol.replace(/:$/, '')}:// URL, not an S3 endpoint`, {
      fix: 'give the endpoint as http(s)://host:port/bucket',
    });
  }
  const [bucket, ...rest] = decodeURIComponent(parsed.pathname).split('/').filter(Boolean);
  if (bucket !== undefined && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new UsageError(`${what} names "${bucket}", which is not an S3 bucket name`, {
      fix: 'bucket names are 3 to 63 lowercase letters, digits, dots and hyphens',
    });
  }
  const user = decodeURIComponent(parsed.username);
  const secret = decodeURIComponent(parsed.password);
  if (Boolean(user) !== Boolean(secret)) {
    throw new UsageError(
      `${what} gives ${user ? 'an access key id without its secret' : 'a secret without its access key id'}`,
      {
        fix: 'give both as ACCESS_KEY_ID:SECRET@ in the URL, or neither (then AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
      },
    );
  }
  return {
    endpoint: `${parsed.protocol}//${parsed.host}`,
    ...(bucket !== undefined ? { bucket } : {}),
    ...(rest.length > 0 ? { prefix: rest.join('/') } : {}),
    ...(user ? { credentials: { accessKeyId: user, secretAccessKey: secret } } : {}),
  };
}

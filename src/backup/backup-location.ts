// Where an environment's backups are kept: a local folder (`backups.dir`, default `.launchdb/backups`)
// or S3 (`backups.s3`), one folder or prefix per environment.
import { isAbsolute, join, relative } from 'node:path';
import { UsageError } from '../core/errors.js';
import { type Environment, type Project, resolveValue } from '../core/project.js';
import { type BackupTarget, LocalTarget } from './local-target.js';
import { S3Target } from './s3-target.js';

/** The environment's backup target; `dir` (a flag: a folder, or `s3://bucket/prefix`) wins over the config. */
export function backupTargetOf(project: Project, env: Environment, dir?: string): BackupTarget {
  const s3 = project.config.backups?.s3;
  if (dir?.startsWith('s3://') || (!dir && s3)) return s3Target(project, env, dir);
  const base = dir ?? project.config.backups?.dir ?? join(project.stateDir, 'backups');
  const root = isAbsolute(base) ? base : join(project.root, base);
  const folder = join(root, env.name);
  return new LocalTarget(folder, relative(project.root, folder) || '.');
}

function s3Target(project: Project, env: Environment, url: string | undefined): S3Target {
  const config = project.config.backups?.s3;
  let bucket = config?.bucket;
  let prefix = config?.prefix ?? 'launchdb';
  if (url) {
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!match?.[1])
      throw new UsageError(`"${url}" is not an S3 target`, { fix: 'write it as s3://bucket/prefix' });
    bucket = match[1];
    prefix = (match[2] ?? '').replace(/\/+$/, '');
  }
  const accessKeyId =
    resolveValue(env, config?.accessKeyId, 'backups.s3.accessKeyId') ?? env.vars.AWS_ACCESS_KEY_ID;
  const secretAccessKey =
    resolveValue(env, config?.secretAccessKey, 'backups.s3.secretAccessKey') ??
    env.vars.AWS_SECRET_ACCESS_KEY;
  const endpoint =
    resolveValue(env, config?.endpoint, 'backups.s3.endpoint') ?? (env.vars.AWS_ENDPOINT_URL_S3 || undefined);
  return new S3Target(
    {
      bucket: bucket!,
      prefix,
      region: config?.region ?? (env.vars.AWS_REGION || 'us-east-1'),
      ...(endpoint ? { endpoint } : {}),
      ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
      ...(config?.forcePathStyle === undefined ? {} : { forcePathStyle: config.forcePathStyle }),
    },
    env.name,
  );
}

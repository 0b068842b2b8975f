// The `environments.<env>.objects` section of the config: its shape and its validation.
import { z } from 'zod';
import type { Configurable, EnvRef } from './env-ref.js';
import { envRef } from './zod-parts.js';

export interface ObjectsMetadataConfig {
  /** The table whose rows name objects: `uploads` or `schema.table`. */
  table: string;
  /** Its column holding the object's key. */
  column: string;
  /** Put before the column's value to make the key: `avatars/`. Default none. */
  prefix?: string;
}

/**
 * An environment's object storage. `{}` is the embedded default: a folder under
 * `.launchdb/<env>/objects`. With an `endpoint`, a `bucket`, or an attachment (`attach objects
 * --url`), an S3-compatible bucket.
 */
export interface ObjectsStoreConfig {
  /** An S3-compatible endpoint, `http(s)://host:port`. Default: AWS S3 in `region` when `bucket` is set. @example env('S3_ENDPOINT') */
  endpoint?: Configurable<string>;
  /** The bucket. Default `<project>-<env>` (`_` becomes `-`). */
  bucket?: string;
  /** A prefix of the environment's own in a shared bucket: `shop/production`. Default none (the whole bucket). */
  prefix?: string;
  /** Default `AWS_REGION`, else `us-east-1`. */
  region?: string;
  /** Default the variable `AWS_ACCESS_KEY_ID`, or the one `attach` recorded. */
  accessKeyId?: EnvRef;
  /** Default the variable `AWS_SECRET_ACCESS_KEY`, or the one `attach` recorded. */
  secretAccessKey?: EnvRef;
  /** Path-style URLs (`endpoint/bucket/key`); default on when an endpoint is given. */
  forcePathStyle?: boolean;
  /** Where the objects are served publicly too (a CDN, a custom domain): `objects.public-access` probes each. */
  publicUrls?: string[];
  /**
   * The objects are in the backup policy (`true`) or deliberately left out (`false`: `objects.backups`
   * warns). Unsaid: `objects.backups` fails in a guarded environment, warns in another.
   */
  backup?: boolean;
  /** The database column that names objects, for `objects.metadata-consistency`. */
  metadata?: ObjectsMetadataConfig;
}

const httpUrl = z.string().regex(/^https?:\/\/[^/\s]+/, { message: 'expected an http(s):// URL' });

export const objectsStoreSchema = z.strictObject({
  endpoint: httpUrl.or(envRef).optional(),
  bucket: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name' })
    .optional(),
  prefix: z
    .string()
    .regex(/^[^/\s][^\s]*[^/\s]$|^[^/\s]$/, {
      message: 'expected a key prefix without slashes at either end',
    })
    .optional(),
  region: z.string().min(1).optional(),
  accessKeyId: envRef.optional(),
  secretAccessKey: envRef.optional(),
  forcePathStyle: z.boolean().optional(),
  publicUrls: z.array(httpUrl).optional(),
  backup: z.boolean().optional(),
  metadata: z
    .strictObject({
      table: z.string().regex(/^(?:[A-Za-z_][\w$]*\.)?[A-Za-z_][\w$]*$/, {
        message: 'expected `table` or `schema.table`',
      }),
      column: z.string().regex(/^[A-Za-z_][\w$]*$/, { message: 'expected a column name' }),
      prefix: z.string().optional(),
    })
    .optional(),
});

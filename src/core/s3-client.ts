// One S3 client for an S3-compatible endpoint, and its errors in launchdb's words: what could not be
// done, where (host:port and bucket), never a secret. Object storage and backups both use it.
import { UnreachableError, UsageError } from './errors.js';

// The SDK warns on every process that its future versions need Node 22; launchdb pins this one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export type S3Module = typeof import('@aws-sdk/client-s3');
export interface S3Sdk {
  s3: S3Module;
  client: import('@aws-sdk/client-s3').S3Client;
}

export interface S3ClientOptions {
  endpoint?: string | undefined;
  region: string;
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  forcePathStyle?: boolean | undefined;
  /** Ms to wait for a connection; the SDK's default waits for ever. */
  connectTimeoutMs?: number;
}

/** The SDK, loaded on first use (it is large), and a client for the endpoint. */
export async function createS3Client(options: S3ClientOptions): Promise<S3Sdk> {
  const s3 = await import('@aws-sdk/client-s3');
  const client = new s3.S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    forcePathStyle: options.forcePathStyle ?? Boolean(options.endpoint),
    maxAttempts: 2,
    // Checksums only where S3 requires them: compatible servers do not all know the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(options.connectTimeoutMs !== undefined
      ? { requestHandler: { connectionTimeout: options.connectTimeoutMs } }
      : {}),
  });
  return { s3, client };
}

export interface S3Place {
  /** `S3 at host:port (bucket b)`, for messages. */
  where: string;
  bucket: string;
  host: string;
  /** The config keys to name in a fix: `backups.s3`, `environments.production.objects`. */
  configPath: string;
  /** Where the credentials come from, for the fix when they are refused; default the config keys and AWS_*. */
  credentials?: string;
}

/** The SDK's error name (`NoSuchBucket`, `NotImplemented`), or its HTTP status when it has none. */
export function s3ErrorName(error: unknown): string {
  const err = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return err.Code ?? err.name ?? `HTTP ${err.$metadata?.httpStatusCode ?? '?'}`;
}

/** An SDK error as a launchdb error: a missing bucket is bad input, refused or unreachable is exit 3. */
export function explainS3Error(what: string, error: unknown, place: S3Place): Error {
  if (error instanceof UsageError || error instanceof UnreachableError) return error;
  const err = error as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = err.$metadata?.httpStatusCode;
  // A HEAD has no body: the SDK names its error `Unknown`, its status says more.
  const name = err.name && !/^Unknown(Error)?$/.test(err.name) ? err.name : status ? `HTTP ${status}` : '';
  if (name === 'NoSuchBucket') {
    return new UsageError(`the bucket ${place.bucket} does not exist at ${place.host}`, {
      fix: `create it (private), or fix ${place.configPath}.bucket`,
    });
  }
  if (
    ['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden'].includes(name) ||
    status === 403
  ) {
    return new UnreachableError(`${place.where} refused the credentials to ${what} (${name})`, {
      fix: `check ${place.credentials ?? `${place.configPath}.accessKeyId and secretAccessKey (or AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)`} and the bucket policy`,
    });
  }
  const code = err.code ?? (error as { cause?: { code?: string } }).cause?.code;
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) {
    return new UnreachableError(
      `cannot reach ${place.where} to ${what}: ${code === 'ECONNREFUSED' ? 'connection refused' : code}`,
      { fix: `check ${place.configPath}.endpoint and the network` },
    );
  }
  if (name === 'TimeoutError' || /timed? ?out/i.test(err.message ?? '')) {
    return new UnreachableError(`cannot reach ${place.where} to ${what}: no answer in time`, {
      fix: `check ${place.configPath}.endpoint and the network, or raise --connect-timeout`,
    });
  }
  return new UnreachableError(
    `${place.where} could not ${what}: ${(err.message ?? String(error)).split('\n')[0]}`,
  );
}

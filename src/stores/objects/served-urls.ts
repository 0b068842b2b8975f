// The addresses an environment's objects are served at, as anyone on the network would use them:
// the endpoint's bucket URL and each configured public URL (CDN, custom domain).
import type { ObjectsTarget } from './target.js';

export interface ServedUrl {
  /** What it is, for output: `endpoint`, `publicUrls[0]`. */
  name: string;
  /** The base a bucket key is appended to: `http://127.0.0.1:9000/bucket`, `https://cdn.example.com`. */
  base: string;
}

/** The bucket's own URL (path or virtual-hosted style, as the client uses it); none for a folder. */
export function bucketUrl(target: ObjectsTarget): string | undefined {
  if (target.backing === 'embedded') return undefined;
  const endpoint = target.endpoint ?? `https://s3.${target.region}.amazonaws.com`;
  const url = new URL(endpoint);
  if (target.forcePathStyle) return `${url.origin}/${target.bucket}`;
  return `${url.protocol}//${target.bucket}.${url.host}`;
}

/** Every address to probe: the bucket's own, then the public URLs in config order. */
export function servedUrls(target: ObjectsTarget): ServedUrl[] {
  const own = bucketUrl(target);
  return [
    ...(own ? [{ name: 'endpoint', base: own }] : []),
    ...target.publicUrls.map((base, index) => ({ name: `publicUrls[${index}] ${base}`, base })),
  ];
}

/** Loopback traffic never leaves the machine: plain http there is not a finding. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** An object's key in the bucket: the environment's root, then the key. */
export function bucketKey(target: ObjectsTarget, key: string): string {
  return target.backing === 'server' && target.prefix ? `${target.prefix}/${key}` : key;
}

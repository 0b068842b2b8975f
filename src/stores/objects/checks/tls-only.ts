// objects.tls-only: objects travel encrypted. Every configured address (endpoint, public URLs) is
// https, except on loopback; and, where the endpoint implements bucket policies, one denies requests
// without TLS (aws:SecureTransport), since an https endpoint still answers plain http.
import type { Check } from '../../../core/checks/check.js';
import { readSetting } from '../bucket-setting.js';
import { isLoopback, servedUrls } from '../served-urls.js';
import type { ObjectsCheckContext } from './context.js';

export const tlsOnly: Check<ObjectsCheckContext> = {
  id: 'objects.tls-only',
  area: 'objects',
  title: 'Objects travel over TLS only',
  severity: 'fail',
  async run(ctx) {
    const target = ctx.objects.target;
    const addresses = servedUrls(target);
    const plain = addresses.filter(
      (address) => address.base.startsWith('http:') && !isLoopback(address.base),
    );
    if (plain.length > 0) {
      return {
        status: 'fail',
        summary: `served over plain http: ${plain.map((address) => (address.name === 'endpoint' ? `endpoint (${address.base})` : address.name)).join(', ')}`,
        details: { plain },
        fix: `use https:// for environments.${ctx.env.name}.objects.endpoint and publicUrls`,
      };
    }
    const store = await ctx.objects.objects();
    if ('folder' in store) {
      return addresses.length === 0
        ? { status: 'skip', summary: `${target.location} is a local folder: nothing travels over a network` }
        : {
            status: 'pass',
            summary: `every public URL is https: ${addresses.map((address) => address.base).join(', ')}`,
          };
    }
    const policy = await readSetting(store, 'bucket policies', ({ s3, client }, bucket) =>
      client.send(new s3.GetBucketPolicyCommand({ Bucket: bucket })),
    );
    if (policy.state === 'unsupported') {
      return {
        status: 'skip',
        summary: `${policy.reason}: cannot tell whether it refuses plain http`,
        details: { addresses },
      };
    }
    if (policy.state === 'set' && deniesPlainHttp(policy.value.Policy)) {
      return {
        status: 'pass',
        summary: 'the bucket policy denies every request without TLS (aws:SecureTransport)',
      };
    }
    return {
      status: 'fail',
      summary: `no bucket policy denies requests without TLS (${policy.state === 'unset' ? policy.reason : 'the policy has no such statement'}): the bucket answers plain http too`,
      fix: 'add a Deny statement for "s3:*" with Condition {"Bool": {"aws:SecureTransport": "false"}} to the bucket policy',
    };
  },
};

/** A policy statement denying every request made without TLS. */
export function deniesPlainHttp(policy: string | undefined): boolean {
  if (!policy) return false;
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(policy) as { Statement?: unknown };
  } catch {
    return false;
  }
  const statements = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  return statements.some((statement) => {
    const s = statement as { Effect?: string; Condition?: Record<string, Record<string, unknown>> };
    const secure = s.Condition?.Bool?.['aws:SecureTransport'];
    return (
      s.Effect === 'Deny' &&
      (secure === false || secure === 'false' || (Array.isArray(secure) && secure.includes('false')))
    );
  });
}

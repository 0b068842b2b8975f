// objects.public-access: an active probe, not a reading of policies. A canary object is written with
// the signed client; then, unsigned, at the endpoint and every public URL: GET the canary, LIST, PUT.
// What anyone can do is proven; then the bucket's settings are read, where implemented, to say why.
import { randomUUID } from 'node:crypto';
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { readSetting, type Setting } from '../bucket-setting.js';
import type { BucketStore } from '../bucket-store.js';
import { bucketKey, servedUrls } from '../served-urls.js';
import { type AddressProbe, probeAddress } from '../unsigned-probe.js';
import type { ObjectsCheckContext } from './context.js';

const PROBE_TIMEOUT_MS = 5_000;

export const publicAccess: Check<ObjectsCheckContext> = {
  id: 'objects.public-access',
  area: 'objects',
  title: 'Nobody reads, lists or writes objects without credentials',
  severity: 'fail',
  async run(ctx) {
    const target = ctx.objects.target;
    const addresses = servedUrls(target);
    if (addresses.length === 0) {
      return {
        status: 'skip',
        summary: `${target.location} is a local folder, not served: nothing to probe`,
        fix: `list where it is served in environments.${ctx.env.name}.objects.publicUrls to have them probed`,
      };
    }
    const store = await ctx.objects.objects();
    const canary = {
      key: `.launchdb/public-canary-${randomUUID()}.txt`,
      body: `launchdb canary ${randomUUID()}`,
    };
    // Credentials that may not write (a read-only app key) still probe LIST and PUT; GET then says why not.
    const unwritten = await store.write(canary.key, canary.body).then(
      () => undefined,
      (error: unknown) => {
        if (isLaunchdbError(error)) return `no canary: ${error.message}`;
        throw error;
      },
    );
    const probes: AddressProbe[] = [];
    try {
      for (const address of addresses) {
        const { probe, putKey } = await probeAddress(
          address,
          unwritten ?? canary,
          (key) => bucketKey(target, key),
          bucketKey(target, '.launchdb/'),
          PROBE_TIMEOUT_MS,
        );
        probes.push(probe);
        // What an unsigned PUT wrote (or may have) goes again.
        if (probe.put.verdict !== 'refused') await store.remove(putKey);
      }
    } finally {
      if (!unwritten) await store.remove(canary.key);
    }
    const proven = probes.some((probe) =>
      [probe.get, probe.list, probe.put].some((answer) => answer.verdict === 'allowed'),
    );
    return verdict(probes, proven && !('folder' in store) ? await why(store) : undefined);
  },
};

type Why = Record<string, string> | undefined;

function verdict(probes: AddressProbe[], settings: Why): CheckOutcome {
  const open = probes.flatMap((probe) =>
    (['get', 'list', 'put'] as const)
      .filter((kind) => probe[kind].verdict === 'allowed')
      .map((kind) => `unsigned ${kind.toUpperCase()} at ${probe.name} (${probe[kind].answer})`),
  );
  const unprobed = probes.flatMap((probe) =>
    (['get', 'list', 'put'] as const)
      .filter((kind) => probe[kind].verdict === 'unreachable' || probe[kind].verdict === 'not probed')
      .map((kind) => `${kind.toUpperCase()} at ${probe.name}: ${probe[kind].answer}`),
  );
  const details = { probes, ...(settings ? { settings } : {}) };
  if (open.length > 0) {
    return {
      status: 'fail',
      summary: `anyone can ${open.length === 1 ? 'do this' : 'do these'} without credentials: ${open.join('; ')}`,
      details,
      fix: 'refuse anonymous requests: block public access on the bucket, drop public grants and Principal "*" statements, and serve public files through signed URLs or a CDN that signs its requests',
    };
  }
  if (unprobed.length > 0) {
    return {
      status: 'warn',
      summary: `could not probe ${unprobed.join('; ')}`,
      details,
      fix: 'make each public URL reachable from here (or remove it from objects.publicUrls), and give the credentials the right to write',
    };
  }
  return {
    status: 'pass',
    summary: `unsigned GET, LIST and PUT refused at ${probes.map((probe) => probe.name).join(', ')}`,
    details,
  };
}

/** The bucket's settings that can make it public, each read where the endpoint implements it. */
async function why(store: BucketStore): Promise<Why> {
  const said = (setting: Setting<unknown>, describe: (value: never) => string) =>
    setting.state === 'set'
      ? describe(setting.value as never)
      : setting.state === 'unset'
        ? `not set (${setting.reason})`
        : setting.reason;
  const [policy, acl, block] = await Promise.all([
    readSetting(store, 'the policy status', ({ s3, client }, bucket) =>
      client.send(new s3.GetBucketPolicyStatusCommand({ Bucket: bucket })),
    ),
    readSetting(store, 'the bucket ACL', ({ s3, client }, bucket) =>
      client.send(new s3.GetBucketAclCommand({ Bucket: bucket })),
    ),
    readSetting(store, 'the public access block', ({ s3, client }, bucket) =>
      client.send(new s3.GetPublicAccessBlockCommand({ Bucket: bucket })),
    ),
  ]).catch(() => [undefined, undefined, undefined]);
  if (!policy || !acl || !block) return undefined;
  return {
    policy: said(policy, (value: { PolicyStatus?: { IsPublic?: boolean } }) =>
      value.PolicyStatus?.IsPublic
        ? 'the bucket policy makes it public'
        : 'the bucket policy does not make it public',
    ),
    acl: said(acl, (value: { Grants?: { Grantee?: { URI?: string }; Permission?: string }[] }) => {
      const open = (value.Grants ?? []).filter((grant) =>
        /AllUsers|AuthenticatedUsers/.test(grant.Grantee?.URI ?? ''),
      );
      return open.length > 0
        ? `the ACL grants ${open.map((grant) => `${grant.Permission} to ${grant.Grantee?.URI?.split('/').pop()}`).join(', ')}`
        : 'the ACL grants nothing to everyone';
    }),
    publicAccessBlock: said(block, (value: { PublicAccessBlockConfiguration?: Record<string, boolean> }) => {
      const config = value.PublicAccessBlockConfiguration ?? {};
      const off = Object.entries(config)
        .filter(([, on]) => !on)
        .map(([name]) => name);
      return off.length === 0 ? 'public access is blocked' : `public access block off: ${off.join(', ')}`;
    }),
  };
}

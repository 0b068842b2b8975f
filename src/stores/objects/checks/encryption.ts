// objects.encryption: the bucket encrypts what it stores by default (SSE-S3 or SSE-KMS), read from
// its encryption setting; an endpoint that does not implement it skips, saying so.
import type { Check } from '../../../core/checks/check.js';
import { readSetting } from '../bucket-setting.js';
import type { ObjectsCheckContext } from './context.js';

export const encryption: Check<ObjectsCheckContext> = {
  id: 'objects.encryption',
  area: 'objects',
  title: 'Objects are encrypted at rest',
  severity: 'warn',
  async run(ctx) {
    const store = await ctx.objects.objects();
    if ('folder' in store) {
      return {
        status: 'skip',
        summary: `${store.location} is a local folder: at rest it is as encrypted as its disk`,
      };
    }
    const setting = await readSetting(store, 'default encryption', ({ s3, client }, bucket) =>
      client.send(new s3.GetBucketEncryptionCommand({ Bucket: bucket })),
    );
    if (setting.state === 'unsupported') return { status: 'skip', summary: setting.reason };
    const algorithms = (
      setting.state === 'set' ? (setting.value.ServerSideEncryptionConfiguration?.Rules ?? []) : []
    )
      .map((rule) => rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)
      .filter((algorithm): algorithm is NonNullable<typeof algorithm> => Boolean(algorithm));
    if (algorithms.length > 0) {
      return {
        status: 'pass',
        summary: `objects are encrypted by default (${algorithms.join(', ')})`,
        details: { algorithms },
      };
    }
    return {
      status: 'warn',
      summary: `the bucket does not encrypt objects by default${setting.state === 'unset' ? ` (${setting.reason})` : ''}`,
      fix: 'turn on default encryption (SSE-S3, or SSE-KMS with a key you control) on the bucket',
    };
  },
};

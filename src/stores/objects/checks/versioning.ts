// objects.versioning: an overwritten or deleted object can be recovered (the bucket keeps versions),
// and old versions do not pile up for ever (a lifecycle rule expires noncurrent versions under the
// environment's root).
import type { Check } from '../../../core/checks/check.js';
import { readSetting } from '../bucket-setting.js';
import type { ObjectsCheckContext } from './context.js';

export const versioning: Check<ObjectsCheckContext> = {
  id: 'objects.versioning',
  area: 'objects',
  title: 'Overwritten and deleted objects can be recovered, and old versions expire',
  severity: 'warn',
  async run(ctx) {
    const store = await ctx.objects.objects();
    if ('folder' in store) {
      return {
        status: 'skip',
        summary: `${store.location} is a local folder: it keeps no versions (backups do)`,
      };
    }
    const state = await readSetting(store, 'versioning', ({ s3, client }, bucket) =>
      client.send(new s3.GetBucketVersioningCommand({ Bucket: bucket })),
    );
    if (state.state === 'unsupported') return { status: 'skip', summary: state.reason };
    const status = state.state === 'set' ? (state.value.Status ?? 'never enabled') : 'never enabled';
    if (status !== 'Enabled') {
      return {
        status: 'warn',
        summary: `versioning is ${status === 'Suspended' ? 'suspended' : 'off'}: an overwritten or deleted object cannot be recovered`,
        details: { versioning: status },
        fix: 'enable versioning on the bucket, with a lifecycle rule that expires noncurrent versions (say after 30 days)',
      };
    }
    const lifecycle = await readSetting(store, 'lifecycle rules', ({ s3, client }, bucket) =>
      client.send(new s3.GetBucketLifecycleConfigurationCommand({ Bucket: bucket })),
    );
    if (lifecycle.state === 'unsupported') {
      return {
        status: 'skip',
        summary: `versioning is on; ${lifecycle.reason}: cannot tell whether old versions expire`,
      };
    }
    const root = store.root;
    const days = (lifecycle.state === 'set' ? (lifecycle.value.Rules ?? []) : [])
      .filter(
        (rule) => rule.Status === 'Enabled' && root.startsWith(rule.Filter?.Prefix ?? rule.Prefix ?? ''),
      )
      .map((rule) => rule.NoncurrentVersionExpiration?.NoncurrentDays)
      .filter((value): value is number => typeof value === 'number');
    if (days.length === 0) {
      return {
        status: 'warn',
        summary: `versioning is on but no lifecycle rule expires old versions${root ? ` under ${root}` : ''}: they are kept (and paid for) for ever`,
        details: { versioning: status },
        fix: 'add a lifecycle rule with NoncurrentVersionExpiration (say 30 days) covering the environment’s prefix',
      };
    }
    return {
      status: 'pass',
      summary: `versioning is on; old versions expire after ${Math.min(...days)} days`,
      details: { versioning: status, noncurrentDays: Math.min(...days) },
    };
  },
};

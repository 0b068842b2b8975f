// objects.reachable: the environment's folder is there, or its bucket answers to its credentials;
// else the failure names where and why (never a secret), and the CLI exits 3.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import type { ObjectsCheckContext } from './context.js';

export const reachable: Check<ObjectsCheckContext> = {
  id: 'objects.reachable',
  area: 'objects',
  title: 'The object storage answers',
  severity: 'fail',
  async run(ctx) {
    const started = performance.now();
    try {
      await ctx.objects.connect();
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return {
        status: 'fail',
        summary: error.message,
        details: { location: ctx.objects.location, backing: ctx.objects.target.backing },
        fix: error.fix ?? 'check the endpoint, the credentials and the network',
      };
    }
    const ms = Math.round(performance.now() - started);
    return {
      status: 'pass',
      summary: `answers at ${ctx.objects.location} in ${ms} ms`,
      details: { location: ctx.objects.location, backing: ctx.objects.target.backing, ms },
    };
  },
};

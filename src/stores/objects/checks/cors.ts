// objects.cors: no origin may read objects with the user's credentials from any site. Probed, as a
// browser would ask: a preflight from an origin nobody configured, at the endpoint and each public
// URL. `Access-Control-Allow-Origin: *` (or the stranger's origin echoed back) together with
// `Access-Control-Allow-Credentials: true` fails; a wildcard without credentials is public assets'
// usual setting and passes, said in the summary. The bucket's CORS rules are read for the details.
import type { Check } from '../../../core/checks/check.js';
import { readSetting } from '../bucket-setting.js';
import { servedUrls } from '../served-urls.js';
import type { ObjectsCheckContext } from './context.js';

/** An origin no configuration names: allowing it means allowing any. */
export const STRANGER_ORIGIN = 'https://launchdb-cors-probe.invalid';
const PROBE_TIMEOUT_MS = 5_000;

interface Preflight {
  name: string;
  base: string;
  allowOrigin: string | null;
  allowCredentials: boolean;
  answer: string;
}

export const cors: Check<ObjectsCheckContext> = {
  id: 'objects.cors',
  area: 'objects',
  title: 'No site reads objects with the user’s credentials',
  severity: 'fail',
  async run(ctx) {
    const target = ctx.objects.target;
    const addresses = servedUrls(target);
    if (addresses.length === 0) {
      return {
        status: 'skip',
        summary: `${target.location} is a local folder, not served: no browser reaches it`,
      };
    }
    const store = await ctx.objects.objects();
    const preflights = await Promise.all(addresses.map((address) => preflight(address)));
    const rules =
      'folder' in store
        ? undefined
        : await readSetting(store, 'CORS rules', ({ s3, client }, bucket) =>
            client.send(new s3.GetBucketCorsCommand({ Bucket: bucket })),
          );
    const details = {
      preflights,
      ...(rules ? { rules: rules.state === 'set' ? rules.value.CORSRules : rules.reason } : {}),
    };
    const anyOrigin = (p: Preflight) => p.allowOrigin === '*' || p.allowOrigin === STRANGER_ORIGIN;
    const open = preflights.filter((p) => anyOrigin(p) && p.allowCredentials);
    if (open.length > 0) {
      return {
        status: 'fail',
        summary: `any site may read with the user's credentials at ${open.map((p) => `${p.name} (Allow-Origin ${p.allowOrigin}, Allow-Credentials true)`).join(', ')}`,
        details,
        fix: 'list the app’s own origins in the CORS rules (and the CDN’s), never * or an echoed Origin, when credentials are allowed',
      };
    }
    const unreached = preflights.filter((p) => p.answer.startsWith('no answer'));
    if (unreached.length > 0) {
      return {
        status: 'warn',
        summary: `could not send a preflight to ${unreached.map((p) => `${p.name}: ${p.answer}`).join(', ')}`,
        details,
      };
    }
    const wildcard = preflights.filter(anyOrigin);
    return {
      status: 'pass',
      summary:
        wildcard.length > 0
          ? `any origin may read without credentials at ${wildcard.map((p) => p.name).join(', ')} (public assets); none with credentials`
          : `a preflight from an unknown origin is not allowed at ${preflights.map((p) => p.name).join(', ')}`,
      details,
    };
  },
};

async function preflight(address: { name: string; base: string }): Promise<Preflight> {
  try {
    const response = await fetch(`${address.base}/launchdb-cors-probe.txt`, {
      method: 'OPTIONS',
      headers: { Origin: STRANGER_ORIGIN, 'Access-Control-Request-Method': 'GET' },
      redirect: 'manual',
      signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    });
    await response.arrayBuffer();
    return {
      ...address,
      allowOrigin: response.headers.get('access-control-allow-origin'),
      allowCredentials: response.headers.get('access-control-allow-credentials')?.toLowerCase() === 'true',
      answer: `HTTP ${response.status}`,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return {
      ...address,
      allowOrigin: null,
      allowCredentials: false,
      answer: `no answer (${cause ?? (error as Error).name})`,
    };
  }
}

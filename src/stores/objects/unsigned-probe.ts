// What anyone on the network can do to an environment's objects, asked for real: unsigned GET of a
// canary object, unsigned LIST and unsigned PUT at one served address. Nothing is inferred from
// policies; each probe says what the address answered.
import { randomUUID } from 'node:crypto';

export type ProbeVerdict = 'refused' | 'allowed' | 'unreachable' | 'not probed';

export interface ProbeAnswer {
  verdict: ProbeVerdict;
  /** `HTTP 403`, `HTTP 200`, or the network error. */
  answer: string;
}

export interface AddressProbe {
  name: string;
  base: string;
  get: ProbeAnswer;
  list: ProbeAnswer;
  put: ProbeAnswer;
}

/**
 * Probes one address; `keyOf` maps a key under the environment's root to its key in the bucket. The
 * LIST asks for launchdb's own folder only (`listPrefix`): a few keys, however large the bucket.
 */
export async function probeAddress(
  address: { name: string; base: string },
  /** The canary object to GET; a string says why there is none (GET is then not probed). */
  canary: { key: string; body: string } | string,
  keyOf: (key: string) => string,
  listPrefix: string,
  timeoutMs: number,
): Promise<{ probe: AddressProbe; putKey: string }> {
  const putKey = `.launchdb/public-probe-${randomUUID()}.txt`;
  const ask = async (
    url: string,
    init: RequestInit,
    allowed: (response: Response, body: string) => boolean,
  ) => {
    try {
      const response = await fetch(url, {
        ...init,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = await response.text();
      return {
        verdict: allowed(response, body) ? 'allowed' : 'refused',
        answer: `HTTP ${response.status}`,
      } as ProbeAnswer;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { verdict: 'unreachable', answer: cause ?? (error as Error).name } as ProbeAnswer;
    }
  };
  const [get, list, put] = [
    typeof canary === 'string'
      ? ({ verdict: 'not probed', answer: canary } as ProbeAnswer)
      : await ask(
          `${address.base}/${encodeKey(keyOf(canary.key))}`,
          {},
          (r, body) => r.ok && body === canary.body,
        ),
    await ask(
      `${address.base}/?list-type=2&prefix=${encodeURIComponent(listPrefix)}`,
      {},
      (r, body) => r.ok && /<ListBucketResult\b/.test(body),
    ),
    await ask(
      `${address.base}/${encodeKey(keyOf(putKey))}`,
      { method: 'PUT', body: 'launchdb public-access probe' },
      (r) => r.ok,
    ),
  ];
  return { probe: { ...address, get, list, put }, putKey };
}

function encodeKey(key: string): string {
  return key.split('/').map(encodeURIComponent).join('/');
}

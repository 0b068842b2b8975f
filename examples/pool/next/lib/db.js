// Next.js: the one pool of the server process. `next dev` re-evaluates modules on every change, which
// would open a new pool each time (launchdb/pool warns LAUNCHDB_POOL_DUPLICATE): keep it on globalThis.
import { createPool } from 'launchdb/pool';

const cache = globalThis;

export const pool = cache.launchdbPool ?? createPool({ kind: 'web' });

if (process.env.NODE_ENV !== 'production') cache.launchdbPool = pool;

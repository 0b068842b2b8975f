// What a cache check is given: the environment and its Redis session.
import type { CheckContextBase } from '../../store-kind.js';
import type { CacheSession } from '../session.js';

export interface CacheCheckContext extends CheckContextBase {
  cache: CacheSession;
}

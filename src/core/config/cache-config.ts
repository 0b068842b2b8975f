// The `environments.<env>.cache` section of the config: its shape and its validation.
import { z } from 'zod';

export type CacheStoreConfig = {};

export const cacheStoreSchema = z.strictObject({});

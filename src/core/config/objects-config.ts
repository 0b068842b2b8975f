// The `environments.<env>.objects` section of the config: its shape and its validation.
import { z } from 'zod';

export type ObjectsStoreConfig = {};

export const objectsStoreSchema = z.strictObject({});

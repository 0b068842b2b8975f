// The `environments.<env>.documents` section of the config: its shape and its validation.
import { z } from 'zod';

export type DocumentsStoreConfig = {};

export const documentsStoreSchema = z.strictObject({});

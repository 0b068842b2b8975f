// The TypeScript compiler, loaded with `require`. Imported from an ES module, a CommonJS package is
// first lexed for its named exports: for TypeScript's 9 MB that costs every scan half a second.
import { createRequire } from 'node:module';
import type * as TS from 'typescript';

export const ts: typeof TS = createRequire(import.meta.url)('typescript');

// Builds the model of one parsed file: one walk over it, then its exports and the handlers among them.
import type * as TS from 'typescript';
import { addExportedHandlers, readExports } from './file-exports.js';
import { type FileModel, unitFor } from './file-model.js';
import { FileWalker } from './file-walker.js';

export function buildFileModel(path: string, relativePath: string, source: TS.SourceFile): FileModel {
  const model: FileModel = {
    path,
    relativePath,
    source,
    imports: new Map(),
    units: new Map(),
    bindings: new Map(),
    instances: new Map(),
    exports: new Map(),
    reexports: [],
    roots: [],
    poolNames: new Set(),
    checkouts: [],
  };
  const top = unitFor(model, source, 'module', '<module>');
  new FileWalker(model, top).walk(source, top, undefined);
  addExportedHandlers(model, readExports(model));
  return model;
}

// Parsing one file with the TypeScript compiler's parser: syntax only, no program, no type checker.
import type * as TS from 'typescript';
import { ts } from './typescript.js';

const SCRIPT_KINDS: Record<string, TS.ScriptKind> = {
  '.ts': ts.ScriptKind.TS,
  '.mts': ts.ScriptKind.TS,
  '.cts': ts.ScriptKind.TS,
  '.tsx': ts.ScriptKind.TSX,
  '.js': ts.ScriptKind.JS,
  '.mjs': ts.ScriptKind.JS,
  '.cjs': ts.ScriptKind.JS,
  '.jsx': ts.ScriptKind.JSX,
};

/**
 * The file's syntax tree, with parent links (the scan walks up from a call to see where its value
 * goes). A file with syntax errors still parses: the parser recovers, as editors do.
 */
export function parseSource(file: string, text: string): TS.SourceFile {
  const extension = file.slice(file.lastIndexOf('.'));
  // The JS kinds also parse JSX, which React code keeps in .js files.
  return ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    SCRIPT_KINDS[extension] ?? ts.ScriptKind.TS,
  );
}

/** 1-based line and column of where a node's own text starts (after leading comments). */
export function positionOf(node: TS.Node, source: TS.SourceFile): { line: number; column: number } {
  const { line, character } = source.getLineAndCharacterOfPosition(node.getStart(source));
  return { line: line + 1, column: character + 1 };
}

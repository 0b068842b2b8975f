// Reads `.env` files the way Next.js, Vite and dotenv-flow users expect.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';

/**
 * Variables from `.env`, `.env.local`, `.env.<env>` and `.env.<env>.local` in the project root,
 * later files winning; the process environment wins over all of them. Without an environment (for
 * settings of the whole project), only `.env` and `.env.local`.
 */
export function readDotenv(root: string, environment?: string): Record<string, string> {
  const files = ['.env', '.env.local'];
  if (environment !== undefined) files.push(`.env.${environment}`, `.env.${environment}.local`);
  const merged: Record<string, string> = {};
  for (const file of files) Object.assign(merged, readEnvFile(join(root, file)));
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) merged[key] = value;
  return merged;
}

/** A `KEY=value` file as an object; an absent file is empty. */
export function readEnvFile(path: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw error;
  }
  return parseEnv(text) as Record<string, string>;
}

// A config that does not load names file:line:column; a --config that is not a config file says what it is.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject | undefined;
afterEach(() => project?.remove());

/** A project whose only config is `file` holding `text`. */
function projectWith(file: string, text: string): TempProject {
  project = tempProject();
  project.write('launchdb.config.ts', text);
  if (file !== 'launchdb.config.ts') {
    project.write(file, text);
    // tempProject always writes a .ts config; a .json one is found only without it.
    rmSync(join(project.dir, 'launchdb.config.ts'));
  }
  return project;
}

describe('a config that does not load', () => {
  it('names the line and column of a TypeScript syntax error', async () => {
    const p = projectWith(
      'launchdb.config.ts',
      'export default {\n  project: "shop",\n  environments: { development: {} }\n  checks: {},\n};\n',
    );
    const result = await runCli(['check'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid config launchdb.config.ts: does not load');
    // `checks` on line 4, column 3, where a comma was expected before it.
    expect(result.stderr).toContain('(launchdb.config.ts:4:3)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('names the line and column where a TypeScript config throws', async () => {
    const p = projectWith(
      'launchdb.config.ts',
      'const env = process.env;\nconst url = env.NOPE.trim();\nexport default { url };\n',
    );
    const result = await runCli(['check'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(launchdb.config.ts:2:');
  });

  it('names the line and column of a JSON syntax error', async () => {
    const p = projectWith(
      'launchdb.config.json',
      '{\n  "project": "shop",\n  "environments": { "development": {} }\n  "checks": {}\n}\n',
    );
    const result = await runCli(['check'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('invalid config launchdb.config.json: does not parse');
    expect(result.stderr).toContain('(launchdb.config.json:4:3)');
    expect(result.stderr).not.toContain('position');
  });

  it('names the end of a JSON file cut short', async () => {
    const p = projectWith('launchdb.config.json', '{\n  "project": "shop",\n');
    const result = await runCli(['check'], { cwd: p.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('(launchdb.config.json:3:1)');
  });
});

describe('--config naming something else than a config file', () => {
  it('a folder: names the config file inside it', async () => {
    project = tempProject();
    mkdirSync(join(project.dir, 'nested'));
    project.write('nested/launchdb.config.json', '{}');
    const result = await runCli(['check', '--config', 'nested'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--config nested is a folder, not a config file');
    expect(result.stderr).toContain('pass --config nested/launchdb.config.json');
    expect(result.stderr).not.toContain('unexpected error');
  });

  it('a file launchdb does not read as a config', async () => {
    project = tempProject();
    project.write('launchdb.yaml', 'project: shop\n');
    const result = await runCli(['check', '--config', 'launchdb.yaml'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--config launchdb.yaml is not a config launchdb reads');
  });
});

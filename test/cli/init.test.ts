import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'launchdb-init-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('launchdb init', () => {
  it('scaffolds the config, folders and .gitignore entry', async () => {
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: '@acme/My-Shop' }));
    writeFileSync(join(dir, '.gitignore'), 'node_modules');
    const result = await runCli(['init'], { cwd: dir });
    expect(result.code).toBe(0);
    for (const folder of ['db/migrations', 'db/seeds/reference', 'db/seeds/demo']) {
      expect(statSync(join(dir, folder)).isDirectory()).toBe(true);
    }
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe(
      'node_modules\n# launchdb: embedded databases, secrets, local state\n.launchdb/\n',
    );
    const project = await Project.load(dir);
    expect(project.name).toBe('my_shop');
    expect(project.environmentNames()).toEqual(['development', 'staging', 'production']);
  });

  it('never overwrites an existing config (exit 2, naming it) unless --force', async () => {
    writeFileSync(join(dir, 'launchdb.config.ts'), '// mine\n');
    const refused = await runCli(['init'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('launchdb.config.ts already exists');
    expect(readFileSync(join(dir, 'launchdb.config.ts'), 'utf8')).toBe('// mine\n');
    expect(existsSync(join(dir, 'db'))).toBe(false);
    const forced = await runCli(['init', '--force', '--project', 'shop'], { cwd: dir });
    expect(forced.code).toBe(0);
    expect(readFileSync(join(dir, 'launchdb.config.ts'), 'utf8')).toContain("project: 'shop'");
  });

  it('adds .launchdb/ to .gitignore only once', async () => {
    await runCli(['init'], { cwd: dir });
    await runCli(['init', '--force'], { cwd: dir });
    const text = readFileSync(join(dir, '.gitignore'), 'utf8');
    expect(text.match(/^\.launchdb\/$/gm)).toHaveLength(1);
  });

  it('reports what it wrote as JSON', async () => {
    const result = await runCli(['init', '--json', '--project', 'shop'], { cwd: dir });
    expect(JSON.parse(result.stdout)).toMatchObject({
      project: 'shop',
      written: [
        'launchdb.config.ts',
        'db/migrations/',
        'db/seeds/reference/',
        'db/seeds/demo/',
        '.gitignore (.launchdb/)',
      ],
    });
  });

  it('rejects an invalid --project name', async () => {
    const result = await runCli(['init', '--project', 'My Shop'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('project name "My Shop" is not valid');
  });
});

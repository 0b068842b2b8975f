// `launchdb attach` of a new environment: embedded (PGlite initdb) and provisioned on the server.
import { rmSync } from 'node:fs';
import { BIN, benchProject, median, psql, row, SERVER_URL, serverUrlFor, timeRun } from './lib.mjs';

export async function run({ runs = 5 } = {}) {
  const embedded = [];
  const server = [];
  for (let i = 0; i < runs; i++) {
    const dir = benchProject(`bench_e${i}`, { development: { postgres: {} } });
    embedded.push(
      timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'development'], { cwd: dir }).ms,
    );
    rmSync(dir, { recursive: true, force: true });

    const project = `bench_s${process.pid}_${i}`;
    const serverDir = benchProject(project, { staging: { postgres: {} } });
    try {
      server.push(
        timeRun(
          process.execPath,
          [BIN, 'attach', 'postgres', '--env', 'staging', '--admin-url', SERVER_URL],
          {
            cwd: serverDir,
          },
        ).ms,
      );
    } finally {
      const admin = serverUrlFor('postgres');
      psql(admin, `drop database if exists ${project}_staging with (force)`);
      for (const role of ['app', 'readonly', 'owner'])
        psql(admin, `drop role if exists ${project}_staging_${role}`);
      rmSync(serverDir, { recursive: true, force: true });
    }
  }
  return [
    row('`attach postgres` of a new embedded environment', median(embedded)),
    row('`attach postgres --admin-url` of a new server environment (provisioning)', median(server)),
  ];
}

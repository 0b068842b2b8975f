// The documents store through the CLI: `check --only documents` of a Firestore project with a large
// rules file (1,000 collections, 4,000 lines) against the same of a small one, and of 20 Postgres
// collections with 40 declared indexes (each verified by building it on a rolled-back temporary
// table) against `check --only provisioning` of the same embedded database, turns alternating.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, row, timeRun } from './lib.mjs';

const COLLECTIONS = 1000;
const TABLES = 20;

function bigRules() {
  const blocks = Array.from(
    { length: COLLECTIONS },
    (_, i) => `    match /c${i}/{docId} {
      allow read: if request.auth != null;
      allow create, update: if request.auth != null && request.auth.uid == request.resource.data.owner;
    }`,
  );
  return `rules_version = '2';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n${blocks.join('\n')}\n  }\n}\n`;
}

const SMALL_RULES = `rules_version = '2';
service cloud.firestore {
  match /databases/{database}/documents {
    match /users/{userId} {
      allow read: if request.auth != null;
      allow write: if request.auth != null && request.auth.uid == userId;
    }
  }
}
`;

export async function run({ runs = 5 } = {}) {
  const collections = Object.fromEntries(
    Array.from({ length: TABLES }, (_, i) => [
      `c${i}`,
      { indexes: [{ fields: ['email'], unique: true }, { gin: 'jsonb_path_ops' }] },
    ]),
  );
  const dir = benchProject('bench_documents', {
    big: { documents: { firestore: { rules: 'big.rules' } } },
    small: { documents: { firestore: { rules: 'small.rules' } } },
    tables: { postgres: {}, documents: { collections } },
  });
  writeFileSync(join(dir, 'big.rules'), bigRules());
  writeFileSync(join(dir, 'small.rules'), SMALL_RULES);
  try {
    timeRun(process.execPath, [BIN, 'attach', 'postgres', '--env', 'tables'], { cwd: dir });
    timeRun(process.execPath, [BIN, 'attach', 'documents', '--env', 'tables'], { cwd: dir });
    const check = (env, area) => {
      const { ms, stdout } = timeRun(
        process.execPath,
        [BIN, 'check', '--env', env, '--only', area, '--json', '--no-record'],
        { cwd: dir },
      );
      const failed = JSON.parse(stdout).checks.filter((c) => c.status === 'fail' || c.status === 'error');
      if (failed.length > 0) throw new Error(`${env}: ${failed.map((c) => c.summary).join('; ')}`);
      return ms;
    };
    const big = [];
    const small = [];
    const tables = [];
    const provisioning = [];
    for (let i = 0; i < runs; i++) {
      const turns = [
        () => big.push(check('big', 'documents')),
        () => small.push(check('small', 'documents')),
        () => tables.push(check('tables', 'documents')),
        () => provisioning.push(check('tables', 'provisioning')),
      ];
      for (const turn of i % 2 === 0 ? turns : turns.reverse()) turn();
    }
    return [
      row(
        `\`check --only documents\` of a Firestore project with ${COLLECTIONS.toLocaleString('en-US')} collections (${bigRules().split('\n').length.toLocaleString('en-US')}-line rules) vs of an 8-line rules file`,
        median(big),
        median(small),
      ),
      row(
        `\`check --only documents\` of ${TABLES} embedded collections with ${TABLES * 2} declared indexes vs \`check --only provisioning\` of the same database`,
        median(tables),
        median(provisioning),
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

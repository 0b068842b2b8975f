// `npm run bench`: every benchmark beside its anchor in the same run; prints a Markdown table.
const suites = [
  './cli-startup.mjs',
  './check-catalog.mjs',
  './access-list.mjs',
  './attach.mjs',
  './migrate-apply.mjs',
  './lint.mjs',
  './drift.mjs',
  './drift-cache.mjs',
  './check-history.mjs',
  './scheduler-claim.mjs',
  './pool.mjs',
  './scan.mjs',
  './code-scan.mjs',
  './backup.mjs',
  './backup-s3.mjs',
  './memory.mjs',
  './audit.mjs',
  './manual-changes.mjs',
  './smoke.mjs',
  './console-home.mjs',
  './objects-check.mjs',
  './objects-metadata.mjs',
  './cache-checks.mjs',
  './documents-check.mjs',
];
const only = process.argv[2];

const rows = [];
for (const suite of suites) {
  // `npm run bench scan` runs ./scan.mjs only, not ./code-scan.mjs: the name must match exactly.
  if (only && suite !== `./${only}.mjs`) continue;
  process.stderr.write(`running ${suite}…\n`);
  const { run } = await import(suite);
  rows.push(...(await run()));
}
const lines = ['| figure | launchdb (median) | anchor (median) | ratio |', '| --- | --- | --- | --- |'];
for (const r of rows) lines.push(`| ${r.figure} | ${r.ours} | ${r.anchor} | ${r.ratio} |`);
process.stdout.write(`${lines.join('\n')}\n`);

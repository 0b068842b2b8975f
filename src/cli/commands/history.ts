// `launchdb history`: an environment's verdicts over time, from the control database, and which
// checks changed status between runs. Runs `check` left pending are ingested first.
import { type HistoryRun, readCheckHistory } from '../../control/check-history.js';
import { controlNotCreatedYet, resolveControlTarget } from '../../control/control-target.js';
import { openControlDatabase } from '../../control/open-control.js';
import {
  ingestPendingCheckRuns,
  PENDING_LOCATION,
  pendingCheckRunFiles,
} from '../../control/pending-check-runs.js';
import type { ExitCode } from '../../core/errors.js';
import { sinceOf } from '../../core/since.js';
import { stringFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const sinceText = stringFlag(input, 'since');
  const since = sinceText ? sinceOf(sinceText, new Date()) : undefined;
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const target = resolveControlTarget(project);
  let runs: HistoryRun[] = [];
  let unreadable: string[] = [];
  // A project never checked has no embedded control database yet: said so without creating one.
  const nothingYet = controlNotCreatedYet(target) && pendingCheckRunFiles(project).length === 0;
  if (!nothingYet) {
    const control = await openControlDatabase(project, {
      command: 'history',
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
    });
    try {
      unreadable = (await ingestPendingCheckRuns(project, control.db)).unreadable;
      runs = await readCheckHistory(control.db, {
        project: project.name,
        environment: env.name,
        ...(since ? { since } : {}),
      });
    } finally {
      await control.close();
    }
  }
  for (const name of unreadable) {
    io.err(io.style('yellow', `${PENDING_LOCATION}/${name} is not a check run; left in place\n`));
  }

  if (input.flags.json) {
    io.out(`${JSON.stringify({ project: project.name, environment: env.name, runs }, null, 2)}\n`);
    return 0;
  }
  const window = sinceText ? ` since ${sinceText}` : '';
  if (runs.length === 0) {
    io.out(
      `no check runs recorded for ${project.name}, environment ${env.name}${window}: \`launchdb check --env ${env.name}\` records one\n`,
    );
    return 0;
  }
  io.out(
    `verdict history of ${project.name}, environment ${env.name}${window}: ${runs.length} run${runs.length === 1 ? '' : 's'}, newest first\n\n`,
  );
  const rows = runs.map((run) => [
    run.startedAt.slice(0, 19).replace('T', ' '),
    io.style(run.verdict === 'ready' ? 'green' : 'red', run.verdict),
    countsText(run.counts),
    `${(run.durationMs / 1000).toFixed(1)} s`,
    run.actor,
    run.changed.map((change) => `${change.id}: ${change.from} → ${change.to}`).join(', '),
  ]);
  io.out(`${renderTable(rows, { header: ['WHEN (UTC)', 'VERDICT', 'CHECKS', 'TOOK', 'BY', 'CHANGED'] })}\n`);
  return 0;
}

/** `12 pass, 1 fail`: the statuses that occurred. */
function countsText(counts: HistoryRun['counts']): string {
  return Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`)
    .join(', ');
}

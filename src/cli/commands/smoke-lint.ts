// `launchdb smoke lint`: findings about the smoke spec for an environment, before anything runs.
// Exit 2 when `launchdb smoke` would refuse the spec (an error finding), 0 otherwise (warnings pass).
import { resolve } from 'node:path';
import type { ExitCode } from '../../core/errors.js';
import { lintExitCode, lintSmokeSpec, type SpecFinding } from '../../smoke/lint-spec.js';
import { readSmokeSpec } from '../../smoke/load-spec.js';
import { stringFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export interface SmokeLintDocument {
  /** The spec file, relative to the project root. */
  spec: string;
  environment: string;
  guarded: boolean;
  findings: SpecFinding[];
  errors: number;
  warnings: number;
}

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env } = await commandContext(input, io);
  const specFlag = stringFlag(input, 'spec');
  // Fields are checked here (a spec that does not parse is bad input); templates become findings.
  const loaded = await readSmokeSpec(
    project.root,
    specFlag === undefined ? undefined : resolve(io.cwd, specFlag),
  );
  const findings = await lintSmokeSpec(loaded, {
    guarded: env.guarded,
    environment: env.name,
    environments: project.environmentNames(),
    variables: env.vars,
  });
  const document: SmokeLintDocument = {
    spec: loaded.file,
    environment: env.name,
    guarded: env.guarded,
    findings,
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warn').length,
  };
  io.out(input.flags.json ? `${JSON.stringify(document, null, 2)}\n` : renderText(document, io));
  return lintExitCode(findings);
}

function renderText(document: SmokeLintDocument, io: Io): string {
  const { spec, environment, findings, errors, warnings } = document;
  const lines: string[] = [];
  for (const finding of findings) {
    const where = finding.line === undefined ? spec : `${spec}:${finding.line}`;
    const severity = io.style(finding.severity === 'error' ? 'red' : 'yellow', finding.severity);
    lines.push(`${io.style('bold', where)}  ${severity}  ${io.style('dim', finding.rule)}`);
    lines.push(`  ${finding.step ? `${finding.step}: ` : ''}${finding.message}`);
    if (finding.fix) lines.push(`  ${io.style('dim', 'fix:')} ${finding.fix}`);
    lines.push('');
  }
  const against = `${spec} for ${environment}${document.guarded ? ' (guarded)' : ''}`;
  if (findings.length === 0) lines.push(io.style('green', `no problems in ${against}`));
  else {
    const count = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${against}`;
    const verdict = errors > 0 ? `${count}: \`launchdb smoke\` refuses this spec` : count;
    lines.push(io.style(errors > 0 ? 'red' : 'yellow', verdict));
  }
  return `${lines.join('\n')}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

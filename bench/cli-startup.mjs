// `launchdb --version` cold start against the floor, `node -e 0`, interleaved in the same run.
import { BIN, median, row, timeRun } from './lib.mjs';

export async function run({ runs = 21 } = {}) {
  const ours = [];
  const floor = [];
  for (let i = 0; i < runs; i++) {
    floor.push(timeRun(process.execPath, ['-e', '0']).ms);
    ours.push(timeRun(process.execPath, [BIN, '--version']).ms);
  }
  return [row('`launchdb --version` cold start vs `node -e 0` (target ≤ 3×)', median(ours), median(floor))];
}

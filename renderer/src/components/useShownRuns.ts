/** The runs a view draws: the shown runs (a compare group shows all of its runs), each with its fixed colour. */
import { useLab } from '../context';
import { colorOfRun } from '../palette';
import type { Run } from '../state/run';

export interface ShownRun {
  run: Run;
  color: string;
}

export function useShownRuns(): ShownRun[] {
  const runs = useLab((s) => s.runs);
  const visible = useLab((s) => s.visibleRunIds);
  return runs.map((run, i) => ({ run, color: colorOfRun(run, i) })).filter(({ run }) => visible.includes(run.id));
}

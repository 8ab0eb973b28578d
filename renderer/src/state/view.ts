/** What the lab shows and how, apart from the experiment: saved with the lab. */
import type { Speed } from '../../../core/contract/lab-file';

export { SPEEDS, type Speed } from '../../../core/contract/lab-file';

export interface ViewState {
  logScale: boolean;
  histLayer: number;
  histKind: 'weights' | 'biases';
  presentation: boolean;
  speed: Speed;
  /** Sample shown in "predicted vs target" for non-2-D data. */
  sampleIndex: number;
  /** Loss level for the comparison table's "steps to" column; null = automatic. */
  threshold: number | null;
}

export const DEFAULT_VIEW: ViewState = {
  logScale: true,
  histLayer: 0,
  histKind: 'weights',
  presentation: false,
  speed: 0,
  sampleIndex: 0,
  threshold: null,
};


/** What the lab shows and how, apart from the experiment: saved with the lab. */
import type { Speed } from '../../../core/contract/lab-file';

export { SPEEDS, type Speed } from '../../../core/contract/lab-file';

export type HistKind = 'weights' | 'biases' | 'activations' | 'gradients';
export const HIST_KINDS: readonly HistKind[] = ['weights', 'biases', 'activations', 'gradients'];

export interface ViewState {
  logScale: boolean;
  /** Loss chart: log step axis (step + 1, so step 0 has a place). */
  logX: boolean;
  /** Loss chart: EMA weight on the past, 0 = raw. */
  smoothing: number;
  histLayer: number;
  histKind: HistKind;
  /** TensorBoard's modes: rows offset back in time, or overlaid on one baseline. */
  histMode: 'offset' | 'overlay';
  /** One value axis for every shown run, so schemes compare at a glance. */
  histShared: boolean;
  presentation: boolean;
  speed: Speed;
  /** Sample shown in "predicted vs target" for non-2-D data. */
  sampleIndex: number;
  /** Loss level for the comparison table's "steps to" column; null = automatic. */
  threshold: number | null;
}

export const DEFAULT_VIEW: ViewState = {
  logScale: true,
  logX: false,
  smoothing: 0.6,
  histLayer: 0,
  histKind: 'weights',
  histMode: 'offset',
  histShared: true,
  presentation: false,
  speed: 0,
  sampleIndex: 0,
  threshold: null,
};


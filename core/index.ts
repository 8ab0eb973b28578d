// The public surface of the core. Everything outside core/ imports from here.
export * from './experiment';
export * from './types';
export { NumpyRandom } from './rng';
export { makeDataset, type Dataset } from './data';
export { Trainer, type TrainerOptions } from './trainer';
export { PRESETS, presetById, type Preset } from './presets';
export { exportNumpy, FLOAT32_NOTE, type ExportOptions } from './export-numpy';
export { applySchedule, isPlainSgd, learningRateAt, Optimizer, type Param } from './optimizers';
export { referenceBackend, type Backend } from './kernels';
export { createWasmBackend, defaultBackend, relaxedSimdSupported, wasmSimdSupported, type WasmBackend } from './wasm/backend';
export { HISTORY_BINS, HistoryRecorder, histogramSchedule, historySchedule, isHistoryStep, SHORTCUT_HISTOGRAM_BUDGET, HISTOGRAM_VALUE_WORK, shortcutHistogramSteps, type HistoryEntry, type HistoryHistogram, type HistoryLayer, type ShortcutWork } from './history';
export * from './sweep';
export * from './contract/sweep';
export { runSweep, type SweepProgress, type SweepRunOptions, type SweepWorkerEvents, type SweepWorkerFactory, type SweepWorkerHandle, type StopSignal } from './service/sweep-runner';
export { runSweepJob } from './service/sweep-job';
export { explainUpdate, type UpdateExplanation, type SampleRecord, type LayerUpdate, type SampleLayerRecord } from './explain';
export {
  CSV_DELIMITERS,
  CsvError,
  csvDataset,
  decodeCsvBytes,
  inlineDataFromCsv,
  MAX_CSV_CLASSES,
  parseCsvText,
  resolveCsvData,
  sha256Hex,
  standardizeInPlace,
  TARGET_KINDS,
  type CsvColumns,
  type CsvDataset,
  type CsvDelimiter,
  type CsvImportChoice,
  type CsvParseOptions,
  type CsvTable,
  type InlineCsvData,
  type TargetKind,
} from './csv';
export { resolveCsvExperiment, type CsvDataSpec, type CsvResolution } from './csv-experiment';

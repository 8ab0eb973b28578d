// The public surface of the core. Everything outside core/ imports from here.
export * from './experiment';
export * from './types';
export { NumpyRandom } from './rng';
export { makeDataset, type Dataset } from './data';
export { Trainer, type TrainerOptions } from './trainer';
export { PRESETS, presetById, type Preset } from './presets';
export { exportNumpy } from './export-numpy';
export { isPlainSgd, learningRateAt, Optimizer, type Param } from './optimizers';
export { referenceBackend, type Backend } from './kernels';
export { createWasmBackend, defaultBackend, relaxedSimdSupported, wasmSimdSupported, type WasmBackend } from './wasm/backend';

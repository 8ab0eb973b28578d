/** A lab file's draft as the editor writes it (strings where the user types): the xor preset, 4 tanh units. */
export const labDraft = {
  presetId: 'xor',
  dataset: 'xor',
  base: {},
  learningRate: '0.5',
  init: 'xavier',
  bias: true,
  loss: 'softmax-cross-entropy',
  seed: '0',
  steps: '100',
  batchSize: '',
  hidden: [{ units: '4', activation: 'tanh' }],
  outputActivation: 'linear',
};

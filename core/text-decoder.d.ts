// The slice of the Encoding API that reading a CSV file needs. The core compiles without DOM or Node
// types (it runs in both), and ES2023's lib does not declare TextDecoder; every runtime nnlab
// targets (Node ≥ 20, Chromium workers, Electron's utility process) provides it as a global.
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

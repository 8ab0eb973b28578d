// The slice of the WebAssembly JS API the kernels use. The core compiles without DOM or Node
// types (it runs in both), and ES2023's lib does not declare WebAssembly; this names only what
// every runtime nnlab targets (Node ≥ 20, Chromium workers, Electron) provides.
declare namespace WebAssembly {
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}

/**
 * What the browser's WebGPU adapter offers, asked before choosing a backend and a model variant.
 * Minimal WebGPU typings: only what is read here (the DOM lib has none yet).
 */
interface GpuAdapterLike {
  features: { has(name: string): boolean };
  limits: { maxBufferSize: number; maxStorageBufferBindingSize: number };
  info?: {
    vendor?: string;
    architecture?: string;
    device?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

export interface WebGpuProbe {
  available: boolean;
  /** Why WebGPU cannot be used, when it cannot. */
  reason: string | null;
  shaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** "google swiftshader (fallback adapter)", "nvidia ampere", … */
  adapter: string;
  /** A software adapter (SwiftShader): WebGPU runs on the CPU. */
  software: boolean;
}

const NONE: Omit<WebGpuProbe, 'reason'> = {
  available: false,
  shaderF16: false,
  maxBufferSize: 0,
  maxStorageBufferBindingSize: 0,
  adapter: 'none',
  software: false,
};

export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: GpuLike } | undefined)?.gpu;
  if (!gpu) {
    return {
      ...NONE,
      reason:
        'this browser has no WebGPU (navigator.gpu is missing; it needs a secure context and a recent browser)',
    };
  }
  let adapter: GpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (err) {
    return { ...NONE, reason: `requestAdapter failed: ${(err as Error).message}` };
  }
  if (!adapter) return { ...NONE, reason: 'the browser offers no WebGPU adapter (GPU blocked or disabled)' };
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const name = [info.vendor, info.architecture || info.device || info.description].filter(Boolean).join(' ');
  const software = fallback || /swiftshader|llvmpipe|software/i.test(`${name} ${info.description ?? ''}`);
  return {
    available: true,
    reason: null,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    adapter: `${name || 'unknown adapter'}${fallback ? ' (fallback adapter)' : ''}`,
    software,
  };
}

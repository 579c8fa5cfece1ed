/** Acquires a WebGPU device and turns GPU errors into exceptions. */

export interface Gpu {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** "vulkan", "gl", … as requested by DENO_WEBGPU_BACKEND, or inferred from features. */
  backend: string;
  /** Adapter description, e.g. "llvmpipe (LLVM 15.0.6, 256 bits)". */
  description: string;
  /** True for software adapters (llvmpipe, lavapipe). */
  fallback: boolean;
  /** Throws the first validation/out-of-memory error or device loss seen so far. */
  check(): void;
  destroy(): void;
}

export class GpuError extends Error {
  override name = "GpuError";
}

/**
 * Picks the high-performance adapter (a hardware GPU when present, else the
 * software fallback). Deno chooses the backend from DENO_WEBGPU_BACKEND.
 */
export async function acquireGpu(): Promise<Gpu> {
  if (!("gpu" in navigator)) {
    throw new GpuError("This Deno build has no WebGPU (navigator.gpu is missing)");
  }
  const requested = Deno.env.get("DENO_WEBGPU_BACKEND");
  // Probing the GL backend asks libwayland for a display; without XDG_RUNTIME_DIR (containers,
  // ssh, CI) it prints "error: XDG_RUNTIME_DIR is invalid", which is harmless but alarming.
  // Pointing it at the temp folder lets the probe fail quietly: no Wayland socket lives there.
  if (Deno.env.get("XDG_RUNTIME_DIR") === undefined) Deno.env.set("XDG_RUNTIME_DIR", "/tmp");
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    const hint = requested !== undefined
      ? ` (DENO_WEBGPU_BACKEND="${requested}": is that backend installed?)`
      : " (install Mesa: apt-get install -y libegl1 libgl1-mesa-dri, or mesa-vulkan-drivers)";
    throw new GpuError(`No WebGPU adapter found${hint}`);
  }
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    label: "synthvid.device",
    requiredLimits: {
      maxColorAttachmentBytesPerSample: limits.maxColorAttachmentBytesPerSample,
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxTextureArrayLayers: limits.maxTextureArrayLayers,
    },
  });

  const errors: string[] = [];
  device.addEventListener("uncapturederror", (event) => {
    errors.push((event as GPUUncapturedErrorEvent).error.message);
  });
  let lost: string | undefined;
  device.lost.then((info) => {
    if (info.reason !== "destroyed") lost = `GPU device lost: ${info.message || info.reason}`;
  });

  // deno-lint-ignore no-explicit-any
  const info = (adapter as any).info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const features = new Set(adapter.features);
  // Only Vulkan exposes these on the software adapter; GL lacks them.
  const inferred = features.has("float32-filterable") || features.has("shader-f16")
    ? "vulkan"
    : "gl";
  return {
    device,
    adapter,
    backend: requested || inferred,
    description: info?.description || info?.device || "unknown adapter",
    fallback: Boolean(info?.isFallbackAdapter),
    check() {
      if (lost) throw new GpuError(lost);
      if (errors.length > 0) {
        throw new GpuError(`WebGPU error: ${errors.join("\n")}`);
      }
    },
    destroy() {
      device.destroy();
    },
  };
}

/** One line for logs: "gpu: llvmpipe (…) · backend gl · software fallback". */
export function describeGpu(gpu: Gpu): string {
  return `gpu: ${gpu.description} · backend ${gpu.backend} · ${
    gpu.fallback ? "software fallback" : "hardware"
  }`;
}

/**
 * Reads a WGSL file under shaders/ with fullscreen.wgsl (the full-screen triangle, sRGB
 * transfer) prepended, and common.wgsl (frame and instance bindings) before that if asked.
 */
export async function loadShader(name: string, withCommon = true): Promise<string> {
  const read = (file: string) =>
    Deno.readTextFile(new URL(`../../shaders/${file}`, import.meta.url));
  const parts = [await read("fullscreen.wgsl"), await read(name)];
  if (withCommon) parts.unshift(await read("common.wgsl"));
  return parts.join("\n");
}

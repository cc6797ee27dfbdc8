/**
 * Execution-provider choice. onnxruntime-node throws when a provider cannot start instead
 * of falling back, so providers are tried one at a time, best first, and the first that
 * opens the model and embeds a probe text wins. A forced provider gets no fallback.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelSource, ProviderChoice, ProviderName } from './protocol';

/** onnxruntime's severity scale: 3 = errors only (not every fused node as a warning). */
const ORT_LOG_ERRORS_ONLY = 3;

export interface ProviderAttempt {
  provider: ProviderName;
  error: string;
}

/** Why a provider cannot be used here, or undefined when it is worth trying. */
export function providerUnavailable(provider: ProviderName): string | undefined {
  switch (provider) {
    case 'cuda': return cudaUnavailable();
    case 'dml': return process.platform === 'win32' ? undefined : 'DirectML exists only on Windows';
    case 'coreml': return process.platform === 'darwin' ? undefined : 'CoreML exists only on macOS';
    case 'webgpu': return backendListed('webgpu') ? undefined : 'this onnxruntime-node build has no WebGPU';
    case 'cpu': return undefined;
  }
}

/** Every provider, best first. */
const PROVIDERS: readonly ProviderName[] = ['cuda', 'webgpu', 'dml', 'coreml', 'cpu'];

/**
 * Providers to try, best first. A featurized model (the default one: an embedding-table
 * lookup and a sum, after featurizing in JS) gains nothing from a GPU and loses the round
 * trip per batch: on an H100 over WebGPU it embedded 1,318 chunks/s against 6,798 on one
 * CPU thread, so auto keeps it on the CPU. Transformers go to the GPU first.
 */
export function providerOrder(choice: ProviderChoice, modelKind: ModelSource['kind']): ProviderName[] {
  if (choice !== 'auto') return [choice];
  if (modelKind === 'featurized') return ['cpu'];
  return PROVIDERS.filter((p) => providerUnavailable(p) === undefined && !(p === 'webgpu' && !vulkanLoaderLikely()));
}

/** Where distributions put the Vulkan loader, besides LD_LIBRARY_PATH. */
const VULKAN_LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib/x86_64-linux-gnu', '/lib64'];

/**
 * WebGPU on Linux runs on Vulkan. Without a Vulkan loader the probe can only fail (and Dawn
 * prints a warning from the worker), so auto skips it; forcing 'webgpu' still tries.
 */
function vulkanLoaderLikely(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean), ...VULKAN_LOADER_DIRS];
  return dirs.some((dir) => existsSync(path.join(dir, 'libvulkan.so.1')));
}

/**
 * Runs `open` with each candidate provider until one succeeds. With a forced provider, a
 * failure is an error that names the provider and the reason.
 */
export async function firstWorkingProvider<T>(
  choice: ProviderChoice,
  modelKind: ModelSource['kind'],
  open: (provider: ProviderName) => Promise<T>,
): Promise<{ value: T; provider: ProviderName; attempts: ProviderAttempt[] }> {
  if (choice !== 'auto' && !PROVIDERS.includes(choice)) {
    throw new Error(`unknown execution provider '${String(choice)}' (expected auto, ${PROVIDERS.join(', ')})`);
  }
  if (choice !== 'auto') {
    const reason = providerUnavailable(choice);
    if (reason) throw new Error(`execution provider '${choice}' is not available: ${reason}`);
  }
  const attempts: ProviderAttempt[] = [];
  for (const provider of providerOrder(choice, modelKind)) {
    try {
      return { value: await open(provider), provider, attempts };
    } catch (err) {
      attempts.push({ provider, error: firstLine(err) });
    }
  }
  const tried = attempts.map((a) => `${a.provider}: ${a.error}`).join('; ');
  throw new Error(choice === 'auto' ? `no execution provider could run the model (${tried})` : `execution provider '${choice}' failed: ${tried}`);
}

export function sessionOptions(provider: ProviderName, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    // Batches are run one at a time per worker; parallelism comes from intra-op threads.
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: ORT_LOG_ERRORS_ONLY,
    // Idle intra-op threads sleep instead of spinning: the embedder shares the machine with
    // an editor, and on a busy 2-core machine spinning threads made runs up to 2x slower.
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

function backendListed(name: string): boolean {
  return ort.listSupportedBackends().some((b) => b.name === name);
}

/**
 * CUDA is never bundled: onnxruntime-node's installer downloads its provider library, and
 * without it the session fails with a cryptic dlopen error. Check for the file first.
 */
function cudaUnavailable(): string | undefined {
  if (process.platform !== 'linux' && process.platform !== 'win32') return 'CUDA is supported on Linux and Windows only';
  if (!backendListed('cuda')) return 'this onnxruntime-node build has no CUDA support';
  // The CUDA provider library loads through the shared provider bridge; both must be there.
  const libs = process.platform === 'win32'
    ? ['onnxruntime_providers_cuda.dll', 'onnxruntime_providers_shared.dll']
    : ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
  const binDir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
  const missing = libs.find((lib) => !existsSync(path.join(binDir, lib)));
  if (missing) {
    return `${missing} is not installed next to onnxruntime-node (its installer downloads it; installs made with ONNXRUNTIME_NODE_INSTALL=skip lack it)`;
  }
  return undefined;
}

/** Longest reason kept per provider in logs and errors. */
const MAX_REASON_CHARS = 300;

/**
 * onnxruntime's messages start with a source location and an assertion; the sentence a
 * user can act on ("Failed to get a WebGPU adapter: ...") comes last.
 */
export function firstLine(err: unknown): string {
  const line = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  const actionable = /\b(Failed to .*)$/.exec(line);
  return (actionable ? actionable[1] : line).slice(0, MAX_REASON_CHARS);
}

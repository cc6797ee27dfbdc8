/**
 * Inside a worker: opens the model on the best execution provider that actually works
 * (opening a session is not enough: a provider may still fail on the first run, so a probe
 * text is embedded before a provider is accepted) and embeds batches on it. A GPU that
 * fails later (device lost, out of memory) hands over to the CPU, which re-embeds the batch,
 * unless the user forced that provider.
 */
import * as ort from 'onnxruntime-node';
import type { BatchEncoder, EncodedBatch } from './encoder';
import { FeaturizedEncoder } from './featurizedEncoder';
import { firstWorkingProvider, firstLine, sessionOptions } from './providers';
import type { ModelSource, ProviderName, RuntimeInfo, TextRole, WorkerInit } from './protocol';
import { TokenizedEncoder } from './tokenizedEncoder';

const PROBE_TEXT = 'def probe(): return 1';

export interface ModelRunner {
  readonly info: RuntimeInfo;
  /** What happened while choosing a provider, for the log. */
  readonly notes: string[];
  embed(texts: string[], role: TextRole): Promise<EncodedBatch>;
  release(): Promise<void>;
}

/** Called when a failing GPU provider has handed over to the CPU, with the failure. */
export type OnFallback = (provider: ProviderName, reason: string) => void;

/** Opens a session of the model on one provider (tests open real sessions they can make fail). */
export type SessionOpener = (init: WorkerInit, provider: ProviderName) => Promise<ort.InferenceSession>;

const openSession: SessionOpener = (init, provider) => ort.InferenceSession.create(init.source.modelPath, sessionOptions(provider, init.threads));

export async function openRunner(init: WorkerInit, onFallback: OnFallback = () => undefined, open: SessionOpener = openSession): Promise<ModelRunner> {
  const encoder = await loadEncoder(init.source);
  const expectedDim = init.source.kind === 'tokenized' ? init.source.config.dim : undefined;
  const openProbed = async (provider: ProviderName) => {
    const session = await open(init, provider);
    try {
      const probe = await encoder.embed(session, [PROBE_TEXT], 'document');
      return { session, dim: probe.dim };
    } catch (err) {
      await session.release();
      throw err;
    }
  };
  const chosen = await firstWorkingProvider(init.provider, init.source.kind, openProbed);
  let { session } = chosen.value;
  const { dim } = chosen.value;
  if (expectedDim !== undefined && expectedDim !== dim) {
    await session.release();
    throw new Error(`the model's config says dim ${expectedDim} but the model outputs ${dim}`);
  }
  const info: RuntimeInfo = { dim, provider: chosen.provider, maxLength: encoder.maxLength };
  const canFallBack = init.cpuFallback ?? init.provider === 'auto';
  let toCpu: Promise<void> | undefined;
  /** Replaces the failed GPU session by a CPU one (once, however many batches failed together). */
  const fallBack = (reason: string): Promise<void> => {
    toCpu ??= openProbed('cpu').then(async (cpu) => {
      const failed = session;
      const from = info.provider as ProviderName;
      session = cpu.session;
      info.provider = 'cpu';
      onFallback(from, reason);
      await failed.release().catch(() => undefined);
    });
    return toCpu;
  };
  const embed = async (texts: string[], role: TextRole): Promise<EncodedBatch> => {
    const onGpu = info.provider !== 'cpu';
    try {
      return await encoder.embed(session, texts, role, { onGpu });
    } catch (err) {
      if (!onGpu || !canFallBack) throw err;
      await fallBack(firstLine(err));
      return encoder.embed(session, texts, role, { onGpu: false });
    }
  };
  return {
    info,
    notes: chosen.attempts.map((a) => `execution provider ${a.provider} skipped: ${a.error}`),
    embed,
    release: () => session.release(),
  };
}

async function loadEncoder(source: ModelSource): Promise<BatchEncoder> {
  if (source.kind === 'featurized') return FeaturizedEncoder.load(source.featurizerPath);
  return TokenizedEncoder.load(source.tokenizerPath, source.tokenizerConfigPath, source.config);
}

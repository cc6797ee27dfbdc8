/**
 * Inside a worker: opens the model on the best execution provider that actually works
 * (opening a session is not enough: a provider may still fail on the first run, so a probe
 * text is embedded before a provider is accepted) and embeds batches on it.
 */
import * as ort from 'onnxruntime-node';
import type { BatchEncoder, EncodedBatch } from './encoder';
import { FeaturizedEncoder } from './featurizedEncoder';
import { firstWorkingProvider, sessionOptions } from './providers';
import type { ModelSource, RuntimeInfo, TextRole, WorkerInit } from './protocol';
import { TokenizedEncoder } from './tokenizedEncoder';

const PROBE_TEXT = 'def probe(): return 1';

export interface ModelRunner {
  readonly info: RuntimeInfo;
  /** What happened while choosing a provider, for the log. */
  readonly notes: string[];
  embed(texts: string[], role: TextRole): Promise<EncodedBatch>;
  release(): Promise<void>;
}

export async function openRunner(init: WorkerInit): Promise<ModelRunner> {
  const encoder = await loadEncoder(init.source);
  const expectedDim = init.source.kind === 'tokenized' ? init.source.config.dim : undefined;
  const chosen = await firstWorkingProvider(init.provider, init.source.kind, async (provider) => {
    const session = await ort.InferenceSession.create(init.source.modelPath, sessionOptions(provider, init.threads));
    try {
      const probe = await encoder.embed(session, [PROBE_TEXT], 'document');
      return { session, dim: probe.dim };
    } catch (err) {
      await session.release();
      throw err;
    }
  });
  const { session, dim } = chosen.value;
  if (expectedDim !== undefined && expectedDim !== dim) {
    await session.release();
    throw new Error(`the model's config says dim ${expectedDim} but the model outputs ${dim}`);
  }
  const info: RuntimeInfo = { dim, provider: chosen.provider, maxLength: encoder.maxLength };
  return {
    info,
    notes: chosen.attempts.map((a) => `execution provider ${a.provider} skipped: ${a.error}`),
    embed: (texts, role) => encoder.embed(session, texts, role, { onGpu: chosen.provider !== 'cpu' }),
    release: () => session.release(),
  };
}

async function loadEncoder(source: ModelSource): Promise<BatchEncoder> {
  if (source.kind === 'featurized') return FeaturizedEncoder.load(source.featurizerPath);
  return TokenizedEncoder.load(source.tokenizerPath, source.tokenizerConfigPath, source.config);
}

/**
 * The labelled utterance corpus (corpus/utterances.json), flattened, plus the deterministic
 * train/held-out split the accuracy test uses.
 */
import type { Intent } from './types';
import corpusFile from './corpus/utterances.json';

export interface LabelledUtterance {
  text: string;
  intent: Intent;
}

interface CorpusFile {
  hostNames: string[];
  utterances: Partial<Record<Intent, string[]>>;
}

const FILE = corpusFile as unknown as CorpusFile;

/** Every labelled utterance, intent by intent, in file order. */
export const CORPUS: readonly LabelledUtterance[] = Object.entries(FILE.utterances).flatMap(([intent, texts]) =>
  (texts ?? []).map((text) => ({ text, intent: intent as Intent })),
);

/** Names the corpus uses that do not look like host names ("hv-old"): masked as hosts when training. */
export const CORPUS_HOST_NAMES: readonly string[] = FILE.hostNames.map((n) => n.toLowerCase());

/**
 * Deterministic split: within each intent, every `every`-th utterance (the 5th, 10th, …) is held out,
 * so each intent is represented in both parts.
 */
export function splitCorpus(
  corpus: readonly LabelledUtterance[] = CORPUS,
  every = 5,
): { train: LabelledUtterance[]; heldOut: LabelledUtterance[] } {
  const seen = new Map<Intent, number>();
  const train: LabelledUtterance[] = [];
  const heldOut: LabelledUtterance[] = [];
  for (const u of corpus) {
    const n = (seen.get(u.intent) ?? 0) + 1;
    seen.set(u.intent, n);
    (n % every === 0 ? heldOut : train).push(u);
  }
  return { train, heldOut };
}

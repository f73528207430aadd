/**
 * Intent classification with natural: a naive Bayes classifier over stemmed words and word pairs,
 * trained on the utterance corpus (corpus/utterances.json). Host names are replaced by HOSTNAME and times
 * and zones by TIMEOFDAY / TIMEZONE first, so the model learns "can HOSTNAME migrate to HOSTNAME", not
 * the demo lab's names. Words it has never seen are spelling-corrected against the corpus vocabulary
 * (natural's Jaro-Winkler), so "migrte" and "scna" still count.
 *
 * Training takes a few tens of milliseconds, so the default classifier is trained on first use
 * (`defaultIntentClassifier()`), not at module load: CLI commands that never parse text pay nothing.
 */
import { BayesClassifier, LogisticRegressionClassifier } from 'natural/lib/natural/classifiers';
import { JaroWinklerDistance } from 'natural/lib/natural/distance';
import { PorterStemmer } from 'natural/lib/natural/stemmers';
import { CORPUS, CORPUS_HOST_NAMES, type LabelledUtterance } from './corpus';
import { isEnglishWord, looksLikeHostName, trimWord } from './host-vocabulary';
import { maskSchedule, TIME_TOKEN, ZONE_TOKEN } from './schedule';
import { cleanText, expandContractions, tokenize } from './text';
import type { Intent } from './types';

export const HOST_TOKEN = 'HOSTNAME';

/** Decides whether a word names a host (the directory's vocabulary at run time, the corpus's at training). */
export type HostTest = (word: string) => boolean;

export interface IntentScore {
  intent: Intent;
  /** Share of the probability mass, 0..1. */
  score: number;
}

export interface IntentClassification {
  intent: Intent;
  /** The winning intent's share of the probability mass (0 when nothing in the text was known). */
  confidence: number;
  /** Every intent, best first. */
  ranked: IntentScore[];
  /** The words the model saw, after masking, correction and stemming. */
  features: string[];
}

const PLACEHOLDERS = new Set([HOST_TOKEN, TIME_TOKEN, ZONE_TOKEN]);
/**
 * Stems that say nothing on their own: a text must contain at least one known word outside this list
 * (or a host or a time) to be classified at all; otherwise it is `unknown`.
 */
const STOP_STEMS = new Set(
  (
    '? \u2192 a an and are am as at be but by can could did do doe does for from ha has have how i if in into is it its me my ' +
    'no not of off on or our pleas so the their them then there these they thi this those to too us wa was we were what when ' +
    'where which who why will with would you your yet get go ok'
  ).split(' '),
);
/** Below this share, the best guess is not trusted and the text is `unknown`. */
const MIN_CONFIDENCE = Number(process.env.KCD_MINC ?? 0.2);
/** How close an unseen word must be to a known one to be read as a misspelling of it. */
const SPELLING_SIMILARITY = Number(process.env.KCD_SPELL ?? 0.92);

const corpusHosts = new Set(CORPUS_HOST_NAMES);
/** At training time a host is anything shaped like one, or a name the corpus declares. */
export const corpusHostTest: HostTest = (word) => looksLikeHostName(word) || corpusHosts.has(word.toLowerCase());

/**
 * Words after masking: hosts → HOSTNAME ("gogo 3" counts as one host), times and zones → placeholders,
 * everything else lower-cased. Spelling correction and stemming come later.
 */
export function maskedWords(text: string, isHost: HostTest): string[] {
  const tokens = tokenize(expandContractions(maskSchedule(cleanText(text))));
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (PLACEHOLDERS.has(token)) {
      out.push(token);
      continue;
    }
    const word = trimWord(token);
    if (!word && token !== '?' && token !== '\u2192') continue;
    const next = tokens[i + 1];
    // "gogo 3": a name and its number typed apart.
    if (next && /^\d{1,4}$/.test(next) && !isEnglishWord(word) && (isHost(`${word}-${next}`) || isHost(`${word}${next}`))) {
      out.push(HOST_TOKEN);
      i++;
      continue;
    }
    if (token === '?' || token === '\u2192') out.push(token);
    else if (isHost(word) && !isEnglishWord(word)) out.push(HOST_TOKEN);
    else out.push(word.toLowerCase());
  }
  return out;
}

function stem(word: string): string {
  if (PLACEHOLDERS.has(word) || !/^\p{L}[\p{L}'-]*$/u.test(word)) return word;
  return PorterStemmer.stem(word);
}

/** Unigrams plus adjacent pairs ("can_not", "HOSTNAME_→"): pairs carry most of the intent in short texts. */
function featuresOf(words: readonly string[]): string[] {
  const stems = words.map(stem);
  const pairs = stems.slice(1).map((s, i) => `${stems[i]}_${s}`);
  const hosts = Math.min(2, words.filter((w) => w === HOST_TOKEN).length);
  const length = words.length <= 1 ? '1' : words.length <= 3 ? 'short' : 'long';
  return [...new Set([...stems, ...pairs, `#hosts=${hosts}`, `#length=${length}`])];
}

export class IntentClassifier {
  private constructor(
    private readonly model: BayesClassifier | LogisticRegressionClassifier,
    /** Lower-cased words of the training texts, for spelling correction. */
    private readonly words: ReadonlySet<string>,
    private readonly known: ReadonlySet<string>,
    readonly trainingMs: number,
    readonly examples: number,
  ) {}

  /** Trains a fresh classifier on `examples` (default: the whole corpus). */
  static train(examples: readonly LabelledUtterance[] = CORPUS): IntentClassifier {
    const started = performance.now();
    const model = process.env.KCD_LR ? new LogisticRegressionClassifier(PorterStemmer) : new BayesClassifier(PorterStemmer, Number(process.env.KCD_SMOOTH ?? 0.5));
    const words = new Set<string>();
    for (const u of examples) {
      const masked = maskedWords(u.text, corpusHostTest);
      for (const w of masked) if (!PLACEHOLDERS.has(w) && /^\p{L}/u.test(w)) words.add(w);
      const features = featuresOf(masked);
      if (features.length > 0) model.addDocument(features, u.intent);
    }
    model.train();
    const known = new Set(Object.keys(model.features));
    return new IntentClassifier(model, words, known, performance.now() - started, examples.length);
  }

  /** Unseen words of five letters or more become the closest known word when it is close enough. */
  private correct(word: string): string {
    if (this.words.has(word) || PLACEHOLDERS.has(word) || word.length < 5 || !/^\p{L}+$/u.test(word)) return word;
    let best = word;
    let bestScore = SPELLING_SIMILARITY;
    for (const known of this.words) {
      if (Math.abs(known.length - word.length) > 1) continue;
      const score = JaroWinklerDistance(word, known, {});
      if (score > bestScore) {
        best = known;
        bestScore = score;
      }
    }
    return best;
  }

  /** Never throws; an empty or unrecognisable text is `unknown` with confidence 0. */
  classify(text: string, isHost: HostTest = corpusHostTest): IntentClassification {
    const words = maskedWords(text, isHost).map((w) => this.correct(w));
    const features = featuresOf(words).filter((f) => this.known.has(f));
    if (!features.some((f) => !f.startsWith('#') && !f.includes('_') && !STOP_STEMS.has(f))) {
      return { intent: 'unknown', confidence: 0, ranked: [{ intent: 'unknown', score: 1 }], features };
    }
    const raw = this.model.getClassifications(features);
    const total = raw.reduce((sum, c) => sum + c.value, 0);
    const ranked = raw.map((c) => ({ intent: c.label as Intent, score: total > 0 ? c.value / total : 0 }));
    const best = ranked[0]!;
    const intent = best.score >= MIN_CONFIDENCE ? best.intent : 'unknown';
    return { intent, confidence: best.score, ranked, features };
  }
}

let defaultClassifier: IntentClassifier | undefined;

/** The classifier trained on the whole corpus, trained once on first use. */
export function defaultIntentClassifier(): IntentClassifier {
  return (defaultClassifier ??= IntentClassifier.train(CORPUS));
}

export function classifyIntent(text: string, isHost?: HostTest): IntentClassification {
  return defaultIntentClassifier().classify(text, isHost);
}

/**
 * Intent classification with natural: a naive Bayes classifier over stemmed words and word pairs,
 * trained on the utterance corpus (corpus/utterances.json). Host names are replaced by HOSTNAME and times
 * and zones by TIMEOFDAY / TIMEZONE first, so the model learns "can HOSTNAME migrate to HOSTNAME", not
 * the demo lab's names. Words it has never seen are spelling-corrected against the corpus vocabulary
 * (natural's Jaro-Winkler), so "migrte" and "scna" still count.
 *
 * Training on the whole corpus takes about a quarter of a second (measured: 0.23–0.31 s for 1,200
 * utterances on the project's 2-core machine; the accuracy test prints it), well under the 1 s at which
 * a serialised model would pay off. So the default classifier is trained on first use
 * (`defaultIntentClassifier()`), not at module load: CLI commands that never parse text pay nothing, and
 * a server can call it once at start-up.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ts-jest compiles file by file and sees only declarations referenced
/// <reference path="./natural-modules.d.ts" />
import BayesClassifier from 'natural/lib/natural/classifiers/bayes_classifier';
import { JaroWinklerDistance } from 'natural/lib/natural/distance';
import PorterStemmer from 'natural/lib/natural/stemmers/porter_stemmer';
import { CORPUS, CORPUS_HOST_NAMES, type LabelledUtterance } from './corpus';
import { isEnglishWord, looksLikeHostName, trimWord } from './host-vocabulary';
import { findTopic } from './topics';
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

/** Requests to operate a host (reboot, patch, install…): not a delegation question. Also used by the parser. */
export const OPERATE_CUE =
  /\b(?:reboot\w*|restart\w*|shut ?down|power (?:on|off)|ping|patch(?:ing)?|install\w*|updates?|creat\w*|renam\w*|expand|extend|increase|convert|export|import|backups?|logged|log ?on|free space|disk space|disk full|cpu|cores|ram|memory|uptime|ip|mac address|serial|owns|blue ?screen\w*|event log|password|reset|unlock|configure|set up|license|licence)\b/;
/**
 * Stems that say nothing on their own: a text must contain at least one known word outside this list
 * (or a host or a time) to be classified at all; otherwise it is `unknown`.
 */
const STOP_STEMS = new Set(
  (
    '? \u2192 a an and are am as at be but by can could did do doe does for from ha has have how i if in into is it its me my ' +
    'no not of off on or our pleas so the their them then there these they thi this those to too us wa was we were what when ' +
    'where which who why will with would yet get go ok'
  ).split(' '),
);
/** Below this share, the best guess is not trusted and the text is `unknown`. */
const MIN_CONFIDENCE = 0.2;
/** How close an unseen word must be to a known one to be read as a misspelling of it. */
const SPELLING_SIMILARITY = 0.92;
/** At most this many unseen words of one message are spelling-corrected. */
const MAX_CORRECTIONS = 12;

const corpusHosts = new Set(CORPUS_HOST_NAMES);
/** At training time a host is anything shaped like one, or a name the corpus declares. */
export const corpusHostTest: HostTest = (word) => looksLikeHostName(word) || corpusHosts.has(word.toLowerCase());

/**
 * Words after masking: hosts → HOSTNAME ("gogo 3" counts as one host), times and zones → placeholders,
 * everything else lower-cased. Spelling correction and stemming come later.
 */
export function maskedWords(text: string, isHost: HostTest): string[] {
  return maskedWordsAndText(text, isHost).words;
}

function maskedWordsAndText(text: string, isHost: HostTest): { words: string[]; masked: string } {
  const masked = expandContractions(maskSchedule(cleanText(text)));
  const tokens = tokenize(masked);
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
  return { words: out, masked };
}

/** Stems are memoised: natural's Porter stemmer builds regular expressions on every call. */
const stemCache = new Map<string, string>();

function stem(word: string): string {
  if (PLACEHOLDERS.has(word) || !/^\p{L}[\p{L}'-]*$/u.test(word)) return word;
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = PorterStemmer.stem(word);
    if (stemCache.size < 20000) stemCache.set(word, stemmed);
  }
  return stemmed;
}

/**
 * Word families that mean the same thing to this bot ("stop", "cancel", "turn off", "no more"): each adds
 * a feature, so an utterance with a synonym the corpus never used still lands near its family.
 */
const CONCEPTS: ReadonlyArray<[string, RegExp]> = [
  ['move', /\b(?:migrat\w*|mov(?:e|es|ed|ing)|move-vm|live[- ]?migrat\w*|shared[- ]nothing|evacuat\w*|drain\w*|transfer\w*)\b/],
  ['fleet', /\b(?:all|every|everything|everywhere|fleet|whole|entire|overall|environment|hosts|servers|nodes|domain|forest)\b/],
  ['problem', /\b(?:broken|wrong|misconfigur\w*|problems?|issues?|errors?|fail\w*|fix\w*|blocking|blocks|healthy|health|status|ok|okay|ready)\b/],
  ['question', /\b(?:what is|what are|what does|what do you mean|explain\w*|define|definition|meaning|mean|understand|difference|vs|versus)\b/],
  ['report', /\b(?:reports?|summary|summaries|digest|summari[sz]e|scan results|notifications?)\b/],
  ['schedule', /\b(?:daily|every ?day|every (?:morning|weekday|evening)|each (?:day|morning)|mornings?|schedul\w*|weekly|timeofday|timezone)\b/],
  ['start', /\b(?:subscrib(?:e|ing)|sign (?:me |us )?up|opt in|enable|turn on|start|add (?:me|us|this))\b/],
  ['stop', /\b(?:unsub\w*|stop\w*|cancel\w*|disable|turn (?:it |the \w+ )?off|switch off|no more|opt (?:me )?out|mute|pause|silence|remove|delete|kill|quit|enough|no longer|anymore|any more)\b/],
  ['status', /\b(?:subscribed|subscriptions?|subscribers?|subs|when (?:do|will|does) (?:i|we)|when is (?:my|the) (?:next )?(?:daily )?(?:report|summary|digest)|what time|which (?:time ?)?zone|my schedule|receive|getting|(?:do|does|am|is|are) (?:i|we|this \w+|anyone) (?:get|getting|receive|subscribed))\b/],
  ['now', /\b(?:now|right away|today|latest|last|yesterday|since|changed|new)\b/],
  ['help', /\b(?:help|commands?|usage|syntax|examples?|instructions|menu|options|features|what can you|who are you|what are you|how do i use|how to use|how does (?:this|it|kcd|the bot) work|tutorial|guide|docs|documentation|manual|readme|faq|getting started|where do i (?:start|begin)|how do i (?:start|begin)|show me around|what is this|assist\w*)\b/],
  ['greeting', /^(?:hi|hiya|hello|hey|heya|howdy|yo|sup|greetings|(?:good )?(?:morning|afternoon|evening))\b/],
  // Other things people ask an IT chat bot to do with a host: not this bot's business.
  ['operate', OPERATE_CUE],
  ['smalltalk', /\b(?:thanks|thank you|thx|ty|cheers|bye|see you|later|lol|cool|nice|great|awesome|ok|okay|k|got it|never mind|nothing|joke|story|poem|weather|rain|lunch|coffee|pizza|music|song|robot|sentient|dream|cats?|how are you|how old|good bot|bad bot|useless|friday|meaning of life|alarm|meeting|email|translate|laptops?|game)\b/],
];

/**
 * Feature weights, found by 5-fold cross-validation on the corpus: naive Bayes counts every correlated
 * word pair as fresh evidence, so the few features that decide an intent on their own (how many hosts,
 * which word family) are given twice.
 */
const HOST_COUNT_WEIGHT = 2;
const CONCEPT_WEIGHT = 2;
/** Additive smoothing of the Bayes counts; small values sharpen rare but telling words. */
const SMOOTHING = 0.05;

function weighted(feature: string, weight: number): string[] {
  return Array.from({ length: weight }, (_, i) => (i === 0 ? feature : `${feature}#${i}`));
}

/** The word families a text belongs to (on the masked, lower-cased text). */
function conceptsOf(maskedText: string): string[] {
  const lower = maskedText.toLowerCase();
  const names = CONCEPTS.filter(([, re]) => re.test(lower)).map(([name]) => name);
  // "kcd" is also the bot's own name ("how to use kcd"), so it does not make a text about a topic here.
  if (findTopic(lower.replace(/\bkcd\b/g, ' '))) names.push('topic');
  return names.flatMap((name) => weighted(`@${name}`, CONCEPT_WEIGHT));
}

/**
 * Stemmed words, adjacent pairs ("can_not", "HOSTNAME_→"), how many hosts (0, 1, 2+) and word families.
 */
function featuresOf(words: readonly string[], maskedText: string): string[] {
  const stems = words.map(stem);
  const pairs = stems.slice(1).map((s, i) => `${stems[i]}_${s}`);
  const hosts = Math.min(2, words.filter((w) => w === HOST_TOKEN).length);
  return [...new Set([...stems, ...pairs, ...weighted(`#hosts=${hosts}`, HOST_COUNT_WEIGHT), ...conceptsOf(maskedText)])];
}

/**
 * Does what natural's `Classifier.train()` does, faster. natural turns each document into a feature
 * vector with `indexOf` over every known feature (O(features × words) per document: seconds for this
 * corpus); here each vector comes from a map lookup. The vectors, their order (natural's
 * `for…in this.features`, i.e. Object.keys order) and the underlying Bayes model are the same, so the
 * trained model is identical to natural's.
 */
function trainFast(model: BayesClassifier): void {
  const names = Object.keys(model.features);
  const position = new Map(names.map((name, i) => [name, i]));
  for (let i = model.lastAdded; i < model.docs.length; i++) {
    const doc = model.docs[i]!;
    // natural keeps the token array it was given (typed as string in its .d.ts).
    const tokens = doc.text as unknown as readonly string[];
    const vector = new Array<number>(names.length).fill(0);
    for (const feature of tokens) {
      const at = position.get(feature);
      if (at !== undefined) vector[at] = 1;
    }
    model.classifier.addExample(vector, doc.label);
    model.lastAdded++;
  }
  model.classifier.train();
}

export class IntentClassifier {
  private constructor(
    private readonly model: BayesClassifier,
    /** Lower-cased words of the training texts, for spelling correction. */
    private readonly words: ReadonlySet<string>,
    private readonly known: ReadonlySet<string>,
    readonly trainingMs: number,
    readonly examples: number,
  ) {}

  /** Trains a fresh classifier on `examples` (default: the whole corpus). */
  static train(examples: readonly LabelledUtterance[] = CORPUS): IntentClassifier {
    const started = performance.now();
    const model = new BayesClassifier(PorterStemmer, SMOOTHING);
    const words = new Set<string>();
    for (const u of examples) {
      const { words: masked, masked: maskedText } = maskedWordsAndText(u.text, corpusHostTest);
      for (const w of masked) if (!PLACEHOLDERS.has(w) && /^\p{L}/u.test(w)) words.add(w);
      const features = featuresOf(masked, maskedText);
      if (features.length > 0) model.addDocument(features, u.intent);
    }
    trainFast(model);
    const known = new Set(Object.keys(model.features));
    return new IntentClassifier(model, words, known, performance.now() - started, examples.length);
  }

  /** An unseen word of four letters or more becomes the closest known word when it is close enough. */
  private correct(word: string): string {
    if (this.words.has(word) || PLACEHOLDERS.has(word) || word.length < 4 || word.length > 30 || !/^\p{L}+$/u.test(word)) return word;
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
    const { words: masked, masked: maskedText } = maskedWordsAndText(text, isHost);
    // Spelling correction costs a pass over the vocabulary per unseen word: bounded per message.
    let corrections = 0;
    const words = masked.map((w) => (corrections < MAX_CORRECTIONS && !this.words.has(w) ? (corrections++, this.correct(w)) : w));
    const features = featuresOf(words, maskedText).filter((f) => this.known.has(f));
    if (!features.some((f) => f.startsWith('@') || (!f.startsWith('#') && !f.includes('_') && !STOP_STEMS.has(f)))) {
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

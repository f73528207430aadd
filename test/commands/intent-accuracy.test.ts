/**
 * Intent accuracy on utterances the classifier was not trained on. The corpus is split deterministically
 * (every 5th utterance of each intent held out); the classifier is trained on the rest, then every
 * held-out utterance goes through the full parser (classifier + consistency rules) with the demo
 * directory's host names. A 5-fold rotation of the same split is reported too.
 */
import { CORPUS, splitCorpus, type LabelledUtterance } from '../../src/commands/corpus';
import { fromSnapshot } from '../../src/commands/host-vocabulary';
import { IntentClassifier } from '../../src/commands/intent-classifier';
import { parseCommand } from '../../src/commands/parser';
import { CLASSIFIED_INTENTS } from '../../src/commands/registry';
import { createSnapshot } from '../../src/domain/snapshot';
import { demoData } from '../../src/directory/demo-directory';

const hosts = fromSnapshot(createSnapshot(demoData()));

function percent(n: number, of: number): string {
  return `${((100 * n) / of).toFixed(1)}% (${n}/${of})`;
}

function evaluate(train: readonly LabelledUtterance[], heldOut: readonly LabelledUtterance[]) {
  const classifier = IntentClassifier.train(train);
  let parser = 0;
  let classifierOnly = 0;
  const misses: string[] = [];
  for (const u of heldOut) {
    if (classifier.classify(u.text).intent === u.intent) classifierOnly++;
    const got = parseCommand(u.text, hosts, { classifier }).intent;
    if (got === u.intent) parser++;
    else misses.push(`${u.intent} → ${got}: ${u.text}`);
  }
  return { parser, classifierOnly, misses, trainingMs: classifier.trainingMs };
}

describe('the utterance corpus', () => {
  test('is large and covers every intent', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(400);
    for (const intent of CLASSIFIED_INTENTS) expect(CORPUS.filter((u) => u.intent === intent).length).toBeGreaterThanOrEqual(30);
    const texts = CORPUS.map((u) => u.text.trim().toLowerCase());
    expect(new Set(texts).size).toBe(texts.length);
  });

  test('has the phrasings admins use', () => {
    const all = CORPUS.map((u) => u.text.toLowerCase()).join('\n');
    for (const phrase of ['vms', 'live-migrate', 'shared nothing', 'move storage', 'via fhost1', 'from gogo-3 to gogo-4', '→', '->', '=>', ' me ', 'can i ']) {
      expect({ phrase, found: all.includes(phrase) }).toEqual({ phrase, found: true });
    }
  });
});

describe('intent accuracy', () => {
  test('on the held-out part of the corpus (every 5th utterance) is at least 95%', () => {
    const { train, heldOut } = splitCorpus();
    const result = evaluate(train, heldOut);
    console.log(
      `intent accuracy on held-out corpus: ${percent(result.parser, heldOut.length)}\n` +
        `  classifier alone: ${percent(result.classifierOnly, heldOut.length)}; trained on ${train.length} utterances in ${result.trainingMs.toFixed(0)} ms\n` +
        `  misses:\n    ${result.misses.join('\n    ')}`,
    );
    expect(result.parser / heldOut.length).toBeGreaterThanOrEqual(0.95);
  });

  test('in 5-fold rotation of the split (each utterance held out once)', () => {
    let parser = 0;
    let classifierOnly = 0;
    const folds: string[] = [];
    for (let fold = 0; fold < 5; fold++) {
      const seen = new Map<string, number>();
      const train: LabelledUtterance[] = [];
      const heldOut: LabelledUtterance[] = [];
      for (const u of CORPUS) {
        const n = (seen.get(u.intent) ?? 0) + 1;
        seen.set(u.intent, n);
        (n % 5 === fold ? heldOut : train).push(u);
      }
      const result = evaluate(train, heldOut);
      parser += result.parser;
      classifierOnly += result.classifierOnly;
      folds.push(percent(result.parser, heldOut.length));
    }
    console.log(`intent accuracy, 5-fold: ${percent(parser, CORPUS.length)} (folds: ${folds.join(', ')}); classifier alone: ${percent(classifierOnly, CORPUS.length)}`);
    expect(parser / CORPUS.length).toBeGreaterThanOrEqual(0.93);
  });

  test('training on the whole corpus stays well under a second', () => {
    const classifier = IntentClassifier.train(CORPUS);
    console.log(`training on ${CORPUS.length} utterances: ${classifier.trainingMs.toFixed(0)} ms`);
    expect(classifier.trainingMs).toBeLessThan(3000);
  });
});

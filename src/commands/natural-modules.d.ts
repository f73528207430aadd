/**
 * Types for the single-file entry points of natural 6.10.5 that this folder imports. natural's index
 * modules (`natural/lib/natural/classifiers`, `/stemmers`) also load the MaxEnt classifier with the Brill
 * POS tagger's lexicons and every language's stemmer: about 0.6 s and tens of MB, for nothing we use.
 * The types are natural's own, re-exported.
 */
declare module 'natural/lib/natural/classifiers/bayes_classifier' {
  import { BayesClassifier } from 'natural/lib/natural/classifiers';
  export = BayesClassifier;
}

declare module 'natural/lib/natural/stemmers/porter_stemmer' {
  import { PorterStemmer } from 'natural/lib/natural/stemmers';
  const stemmer: typeof PorterStemmer;
  export = stemmer;
}

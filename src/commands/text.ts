/**
 * Text clean-up and tokenising shared by the slash grammar, the intent classifier and the extractors.
 * Everything here is total: any string (or non-string) in, a bounded result out.
 */
import { RegexpTokenizer } from 'natural/lib/natural/tokenizers';

/** Only this many characters of a message are looked at. */
export const MAX_INPUT = 500;

/** Every spelling of an arrow ("->", "=>", "-->", "⇒", a lone ">") becomes this token. */
export const ARROW = '→';

/**
 * Cuts the input to MAX_INPUT characters, turns control and zero-width characters into spaces, unifies
 * quotes and arrows, and collapses whitespace. Never throws.
 */
export function cleanText(input: unknown): string {
  const raw = typeof input === 'string' ? input : '';
  return raw
    .slice(0, MAX_INPUT)
    // eslint-disable-next-line no-control-regex -- control characters are what this expression looks for
    .replace(/[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/g, ' ')
    .replace(/[\u2018\u2019\u02bc\u0060\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e]/g, '"')
    .replace(/\s*(?:-+>|=+>|[\u2013\u2014]+>|[\u2192\u21d2\u27f6\u2794\u279c\u27a1\u21e8])\s*/g, ` ${ARROW} `)
    .replace(/(^|\s)>(?=\s)/g, ` ${ARROW}`)
    .replace(/\s+/g, ' ')
    .trim();
}

/** "can't" → "can not", "what's" → "what is", "gogo-5's" → "gogo-5 is" (good enough for intent words). */
export function expandContractions(text: string): string {
  return text
    .replace(/\bcan'?t\b/gi, 'can not')
    .replace(/\bwon'?t\b/gi, 'will not')
    .replace(/\b(does|do|did|is|are|was|were|has|have|had|should|would|could)n'?t\b/gi, '$1 not')
    .replace(/n't\b/gi, ' not')
    .replace(/\bwhats\b/gi, 'what is')
    .replace(/'s\b/gi, ' is')
    .replace(/'re\b/gi, ' are')
    .replace(/'m\b/gi, ' am')
    .replace(/'ll\b/gi, ' will')
    .replace(/'ve\b/gi, ' have')
    .replace(/'d\b/gi, ' would');
}

/**
 * Keeps hyphens, dots and a trailing `$` inside words (gogo-3, gogo-4.contoso.com, GOGO-3$), and keeps
 * arrows and question marks as tokens. natural's WordTokenizer would split "gogo-3" into "gogo" and "3".
 */
const tokenizer = new RegexpTokenizer({
  pattern: /[\p{L}\p{N}](?:[\p{L}\p{N}_.$-]*[\p{L}\p{N}$])?|\u2192|\?/gu,
  gaps: false,
});

/** Tokens as typed (case kept), in order. */
export function tokenize(cleaned: string): string[] {
  if (!cleaned) return [];
  return tokenizer.tokenize(cleaned) ?? [];
}

/** The usual preparation: clean, expand contractions, tokenize. */
export function tokensOf(input: unknown): string[] {
  return tokenize(expandContractions(cleanText(input)));
}

// Text normalization shared by indexing, querying and highlighting, identical on SQLite and
// PostgreSQL: the index holds one space-separated token string per message, so both engines see the
// same tokens. Words are lower-cased and stripped of Latin/Greek diacritics (ё becomes е); scripts
// written without spaces (Han, kana, Hangul, Thai, Lao, Khmer, Myanmar) are cut into words by ICU's
// dictionary word breaker (Intl.Segmenter), queries too, so a query reads short word posting lists
// rather than every character's; each emoji becomes an ASCII token (`emj1f600`), skin tones and
// joiners dropped.

import type { MediaDescriptor, ServiceAction } from '../../src/events/payloads.ts';

export interface Token {
  /** UTF-16 offsets in the original text. */
  readonly start: number;
  readonly end: number;
  readonly norm: string;
}

const PER_CHARACTER = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\u30FC\uFF70`;
// One alternative per token kind: emoji, a run of a script without spaces (segmented later), a word.
const TOKEN = new RegExp(
  String.raw`(\p{Extended_Pictographic}|\p{Regional_Indicator})|([${PER_CHARACTER}][${PER_CHARACTER}\p{M}]*)|([[\p{L}\p{N}]--[${PER_CHARACTER}]][[\p{L}\p{N}\p{M}]--[${PER_CHARACTER}]]*)`,
  'gv',
);
// The root locale's word breaker already carries the Chinese/Japanese, Thai, Lao, Khmer and Burmese
// dictionaries; a fixed locale keeps the index independent of the machine's default locale.
const WORDS = new Intl.Segmenter('und', { granularity: 'word' });
const SEGMENTED_WORD = new RegExp(`^[${PER_CHARACTER}]`, 'v');

/** Whether a normalized token is a dictionary word of a script without spaces. */
export const isSegmentedWord = (norm: string): boolean => SEGMENTED_WORD.test(norm);

/** The dictionary words of a run of a script without spaces, with offsets within the run. */
function* runWords(run: string): Generator<{ index: number; word: string }> {
  for (const s of WORDS.segment(run)) if (s.isWordLike) yield { index: s.index, word: s.segment };
}

const ASCII_WORD = /[A-Za-z0-9]+/g;
const ASCII_LOWER_WORD = /[a-z0-9]+/g;
const ASCII_ONLY = /^\p{ASCII}*$/u;
const LATIN_GREEK_MARKS = /([\p{Script=Latin}\p{Script=Greek}])\p{Mn}+/gu;

export const EMOJI_PREFIX = 'emj';

const PRESENTATION_MARKS = /[\uFE0E\uFE0F\u20E3]/g;

function normalizeWord(word: string): string {
  const lower = word.normalize('NFKC').toLowerCase().replace(PRESENTATION_MARKS, '');
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFD').replace(LATIN_GREEK_MARKS, '$1').normalize('NFC').replaceAll('ё', 'е');
}

/** Tokens of `text` with their offsets, in order. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  if (ASCII_ONLY.test(text)) {
    for (const m of text.matchAll(ASCII_WORD))
      tokens.push({ start: m.index, end: m.index + m[0].length, norm: m[0].toLowerCase() });
    return tokens;
  }
  for (const m of text.matchAll(TOKEN)) {
    const start = m.index;
    const end = start + m[0].length;
    if (m[1] !== undefined) {
      tokens.push({ start, end, norm: `${EMOJI_PREFIX}${m[1].codePointAt(0)!.toString(16)}` });
    } else if (m[2] !== undefined) {
      for (const { index, word } of runWords(m[2]))
        tokens.push({
          start: start + index,
          end: start + index + word.length,
          norm: word.normalize('NFKC').toLowerCase(),
        });
    } else {
      const norm = normalizeWord(m[3]!);
      if (norm.length > 0) tokens.push({ start, end, norm });
    }
  }
  return tokens;
}

/** Normalizes a whole text at once: what normalizeWord does per token, in three passes in total. */
function normalizeText(text: string): string {
  const lower = text.normalize('NFKC').toLowerCase().replace(PRESENTATION_MARKS, '');
  if (ASCII_ONLY.test(lower)) return lower;
  return lower.normalize('NFD').replace(LATIN_GREEK_MARKS, '$1').normalize('NFC').replaceAll('ё', 'е');
}

/**
 * The normalized tokens of a text, without offsets: what the index stores and what queries look
 * for (highlighting uses `tokenize`, which keeps offsets into the original text).
 */
export function documentTokens(text: string): string[] {
  const normalized = normalizeText(text);
  if (ASCII_ONLY.test(normalized)) return normalized.match(ASCII_LOWER_WORD) ?? [];
  const tokens: string[] = [];
  for (const m of normalized.matchAll(TOKEN)) {
    if (m[1] !== undefined) tokens.push(`${EMOJI_PREFIX}${m[1].codePointAt(0)!.toString(16)}`);
    else if (m[2] !== undefined) for (const { word } of runWords(m[2])) tokens.push(word);
    else tokens.push(m[3]!);
  }
  return tokens;
}

/** ASCII text takes a short path through documentTokens: cheaper than handing it to another thread. */
export const isAscii = (text: string): boolean => ASCII_ONLY.test(text);

/** A text's normalized tokens as one space-separated string, the form the index stores them in. */
export const documentText = (text: string): string => documentTokens(text).join(' ');

/** Turns a text into its document form; a cache of precomputed ones may stand in for documentText. */
export type DocumentText = (text: string) => string;

/** The indexed document for a message: its text plus searchable media facts (file name, poll question…). */
export function searchDocument(
  text: string,
  extras: readonly string[] = [],
  toText: DocumentText = documentText,
): string {
  let document = toText(text);
  for (const extra of extras) {
    const tokens = toText(extra);
    if (tokens) document = document ? `${document} ${tokens}` : tokens;
  }
  return document;
}

/** The parts of a message that are searchable. */
export interface SearchableMessage {
  readonly text: string;
  readonly media: MediaDescriptor | null;
  readonly service: ServiceAction | null;
}

/** The searchable texts of a message besides its text: a file name, a poll's question, a title… */
export function searchExtras(message: SearchableMessage): string[] {
  const extras: string[] = [];
  if (message.media?.fileName) extras.push(message.media.fileName);
  for (const details of [message.media?.details, message.service?.details]) {
    if (!details) continue;
    // By key, not insertion order: a JSON column (jsonb) does not keep the order the event had.
    for (const key of Object.keys(details).sort()) {
      const value = details[key];
      if (typeof value === 'string') extras.push(value);
    }
  }
  return extras;
}

/** A message's document: its text, a document's file name, a poll's question, a service action's title… */
export function messageDocument(message: SearchableMessage, toText: DocumentText = documentText): string {
  return searchDocument(message.text, searchExtras(message), toText);
}

/** One AND-ed term of a query: a word, or a phrase of consecutive tokens; `prefix` applies to its last token. */
export interface QueryTerm {
  readonly tokens: readonly string[];
  readonly prefix: boolean;
}

/**
 * Parses what a user typed: whitespace-separated terms, all required; "double quotes" make a phrase;
 * a trailing * makes the last word a prefix. Characters that are not part of any token are ignored,
 * so no input can produce a syntax error in either engine. A term ending in a word of a script without
 * spaces is a prefix search: the segmenter keeps compounds and particles in one word (東京タワー,
 * 서울에서), and a search for 東京 or 서울 should still find them.
 */
export function parseQuery(query: string): QueryTerm[] {
  const terms: QueryTerm[] = [];
  for (const m of query.matchAll(/"([^"]*)"(\*?)|(\S+)/g)) {
    const raw = m[1] ?? m[3] ?? '';
    const tokens = documentTokens(raw);
    const prefix =
      m[2] === '*' || (m[3] !== undefined && raw.endsWith('*')) || isSegmentedWord(tokens.at(-1) ?? '');
    if (tokens.length > 0) terms.push({ tokens, prefix });
  }
  return terms;
}

// Search texts tokenized on the worker thread are exactly what tokenizing in place gives, and the
// lookup still answers texts it was not given.
import { describe, expect, it } from '@jest/globals';
import { documentText } from '../../../projections/search/document.ts';
import { SearchTokenizer, searchTextsOf } from '../../../projections/search/tokenizer.ts';
import type { StoredEvent } from '../../../src/events/envelope.ts';

const SAMPLES = [
  'Hello, World! Meeting at 10:30',
  'Привет, как дела? Ёлка',
  '東京タワーで会議 明天见 안녕하세요 회의',
  'ภาษาไทยง่ายนิดเดียว',
  'Café naïve façade 👍🏽 🇺🇦 👨‍👩‍👧',
  'report-2024.pdf',
  '',
];

describe('SearchTokenizer', () => {
  it('gives the same document texts as tokenizing in place', async () => {
    const tokenizer = new SearchTokenizer();
    try {
      const texts = Array.from({ length: 200 }, (_, i) => `${SAMPLES[i % SAMPLES.length]} ${i}`);
      const prepared = tokenizer.prepare(texts);
      // Asked before the answer, the lookup tokenizes in place.
      expect(prepared.toText(texts[5]!)).toBe(documentText(texts[5]!));
      await prepared.answered;
      expect(prepared.ready()).toBe(true);
      for (const text of texts) expect(prepared.toText(text)).toBe(documentText(text));
      expect(prepared.toText('never sent Straße')).toBe(documentText('never sent Straße'));
    } finally {
      await tokenizer.close();
    }
  });

  it('tokenizes in place after it is closed', async () => {
    const tokenizer = new SearchTokenizer();
    await tokenizer.close();
    const prepared = tokenizer.prepare(Array.from({ length: 100 }, () => SAMPLES[2]!));
    await prepared.answered;
    expect(prepared.ready()).toBe(false);
    expect(prepared.toText(SAMPLES[2]!)).toBe(documentText(SAMPLES[2]!));
  });
});

describe('searchTextsOf', () => {
  const event = (type: string, data: Record<string, unknown>) => ({ type, data }) as unknown as StoredEvent;

  it('collects the non-ASCII texts, file names and detail texts of new and edited contents only', () => {
    expect(
      searchTextsOf([
        event('MessageCreated', {
          text: 'привет',
          media: { kind: 'document', fileName: 'отчёт.pdf', details: { title: 'Tē', size: 3 } },
          service: { kind: 'chatEditTitle', details: { title: '新しい' } },
        }),
        event('MessageEdited', { text: '', media: { kind: 'poll', details: { question: 'Qué?' } } }),
        event('MessageEdited', { text: 'plain ASCII is tokenized in place', entities: [] }),
        event('MessageReactionsChanged', { text: 'не содержимое' }),
        event('MessageCreated', { text: 42, media: 'odd' }),
      ]),
    ).toEqual(['привет', 'отчёт.pdf', 'Tē', '新しい', 'Qué?']);
  });
});

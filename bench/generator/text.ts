// Message text in the scripts a real archive holds (Latin, Cyrillic, CJK, emoji with skin tones and
// ZWJ sequences) with entities whose offsets count UTF-16 code units, as Telegram's do. Surrogate
// pairs and combined emoji are exactly where offset bugs hide.
import type { MessageEntity } from '../../src/events/payloads.ts';
import type { Random } from './random.ts';

const LATIN = (
  'the a to and of in is it you that for on we this with be are have not at just can so what ' +
  'meeting tomorrow today thanks great idea release build deploy server photo video link call ' +
  'weekend coffee train ticket project deadline review draft please check update news weather'
).split(' ');

const CYRILLIC = (
  'привет как дела сегодня завтра спасибо хорошо встреча работа проект город погода вечером ' +
  'новости фото видео ссылка позвони пожалуйста отлично конечно посмотри выходные поезд билет ' +
  'щука ёлка объявление съезд'
).split(' ');

const CJK = (
  '你好 今天 明天 谢谢 朋友 工作 天气 东京 北京 会议 照片 视频 链接 周末 咖啡 ' +
  'ありがとう こんにちは 写真 会議 東京 電車 予定 確認 お願いします 안녕하세요 감사합니다 회의'
).split(' ');

const EMOJI = [
  '😀',
  '😂',
  '👍',
  '👍🏽',
  '🔥',
  '❤️',
  '🎉',
  '🙏',
  '🤔',
  '👀',
  '✅',
  '🇺🇦',
  '🇯🇵',
  '👨‍👩‍👧',
  '🏳️‍🌈',
  '☕',
];

export type Script = 'latin' | 'cyrillic' | 'cjk';

export const REACTION_EMOJI = ['👍', '❤️', '🔥', '😂', '🎉', '🤔', '😢', '👏', '🙏', '🤯'];

export interface GeneratedText {
  readonly text: string;
  readonly entities: MessageEntity[];
}

function word(rng: Random, script: Script): string {
  if (script === 'cyrillic') return rng.pick(CYRILLIC);
  if (script === 'cjk') return rng.pick(CJK);
  return rng.pick(LATIN);
}

/**
 * Text of roughly `targetLength` UTF-16 units. Entities are collected while the text is built, so
 * every offset is the string index at which its span starts.
 */
export function generateText(
  rng: Random,
  script: Script,
  targetLength: number,
  mentionable: readonly string[],
): GeneratedText {
  const parts: string[] = [];
  const entities: MessageEntity[] = [];
  let length = 0;
  const joiner = script === 'cjk' ? '' : ' ';
  const append = (piece: string, entity?: Omit<MessageEntity, 'offset' | 'length'>) => {
    if (parts.length > 0) {
      const separator = rng.chance(0.04) ? '\n' : joiner;
      parts.push(separator);
      length += separator.length;
    }
    if (entity) entities.push({ ...entity, offset: length, length: piece.length });
    parts.push(piece);
    length += piece.length;
  };
  const limit = Math.max(1, Math.min(4096, Math.round(targetLength)));
  while (length < limit) {
    const roll = rng.next();
    if (roll < 0.06) append(rng.pick(EMOJI));
    else if (roll < 0.075) append(`https://example.org/${rng.digits(6)}`, { type: 'url' });
    else if (roll < 0.085 && mentionable.length > 0) append(`@${rng.pick(mentionable)}`, { type: 'mention' });
    else if (roll < 0.105) append(word(rng, script), { type: rng.pick(['bold', 'italic', 'underline']) });
    else if (roll < 0.11)
      append(word(rng, script), { type: 'textUrl', url: `https://example.com/${rng.digits(4)}` });
    else if (roll < 0.115) append(`x${rng.int(1, 999)}`, { type: 'code' });
    else append(word(rng, script));
    // Pieces are short and whole (never a split surrogate pair); this keeps under Telegram's 4096.
    if (length > 4000) break;
  }
  return { text: parts.join(''), entities };
}

export function personName(rng: Random, script: Script): { first: string; last?: string } {
  const first: Record<Script, readonly string[]> = {
    latin: ['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank', 'Grace', 'Heidi', 'Ivan', 'Judy', 'Mallory'],
    cyrillic: ['Анна', 'Борис', 'Вера', 'Глеб', 'Дарья', 'Егор', 'Жанна', 'Зоя', 'Илья', 'Ксения', 'Юрий'],
    cjk: ['太郎', '花子', '美咲', '翔太', '伟', '芳', '娜', '민준', '서연'],
  };
  const last: Record<Script, readonly string[]> = {
    latin: ['Smith', 'Jones', 'Miller', 'Garcia', 'Müller', "O'Brien", 'Nguyen'],
    cyrillic: ['Иванова', 'Петров', 'Смирнова', 'Кузнецов', 'Попова', 'Соколов'],
    cjk: ['山田', '佐藤', '鈴木', '王', '李', '김', '박'],
  };
  const name = { first: rng.pick(first[script]) };
  return rng.chance(0.7) ? { ...name, last: rng.pick(last[script]) } : name;
}

export function chatTitle(rng: Random, script: Script, kind: string): string {
  const titles: Record<Script, readonly string[]> = {
    latin: ['Team', 'Family', 'Book club', 'Climbing', 'Release notes', 'Dev chat', 'Neighbours', 'News'],
    cyrillic: ['Команда', 'Семья', 'Книжный клуб', 'Новости', 'Дача', 'Работа', 'Выпускники'],
    cjk: ['家族', '仕事', '新闻', '读书会', '旅行', '友達'],
  };
  const base = rng.pick(titles[script]);
  const decoration = rng.chance(0.3) ? ` ${rng.pick(EMOJI)}` : '';
  return `${base} ${kind === 'channel' ? '📢' : ''}${rng.int(1, 99)}${decoration}`.replace('  ', ' ');
}

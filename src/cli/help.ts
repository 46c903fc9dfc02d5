// Renders --help text for the program and for each command.
import type { Command, OptionSpec } from './command.ts';
import { GLOBAL_OPTIONS, PROGRAM } from './globals.ts';

function optionLines(options: Readonly<Record<string, OptionSpec>>): string[] {
  const rows = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : '    ';
    const value = spec.type === 'string' ? ` <${spec.valueName ?? 'value'}>` : '';
    const repeat = spec.multiple ? ' (repeatable)' : '';
    return [`${short}--${name}${value}`, `${spec.description}${repeat}`] as const;
  });
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

function commandLines(commands: readonly Command[], prefix = ''): string[] {
  const rows: [string, string][] = [];
  for (const command of commands) {
    if (command.run) rows.push([`${prefix}${command.name}`, command.summary]);
    if (command.subcommands) {
      for (const sub of command.subcommands) rows.push([`${prefix}${command.name} ${sub.name}`, sub.summary]);
    }
  }
  const width = Math.max(0, ...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`);
}

export function programHelp(commands: readonly Command[], version: string): string {
  return [
    `${PROGRAM} ${version}: an event-sourced Telegram archive`,
    '',
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...commandLines(commands),
    '',
    'Global options:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    `Run '${PROGRAM} <command> --help' for a command's options.`,
    '',
  ].join('\n');
}

export function commandHelp(path: readonly Command[]): string {
  const command = path.at(-1)!;
  const name = [PROGRAM, ...path.map((c) => c.name)].join(' ');
  const lines = [`${name}: ${command.summary}`, ''];
  if (command.description) lines.push(command.description, '');
  if (command.subcommands?.length) {
    lines.push(
      `Usage: ${name} <subcommand> [options]`,
      '',
      'Subcommands:',
      ...commandLines(command.subcommands),
      '',
    );
  } else {
    lines.push(`Usage: ${name}${command.args ? ` ${command.args}` : ''} [options]`, '');
  }
  if (command.options && Object.keys(command.options).length > 0) {
    lines.push('Options:', ...optionLines(command.options), '');
  }
  lines.push('Global options:', ...optionLines(GLOBAL_OPTIONS), '');
  if (command.examples?.length) lines.push('Examples:', ...command.examples.map((e) => `  ${e}`), '');
  return lines.join('\n');
}

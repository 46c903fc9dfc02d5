import type { Command } from '../command.ts';
import { packageVersion } from '../package-info.ts';

export const versionCommand: Command = {
  name: 'version',
  summary: 'Print the version of telegram-archive and of Node.js',
  run: ({ stdout }) => {
    stdout.write(`telegram-archive ${packageVersion()} (node ${process.version})\n`);
    return 0;
  },
};

// `telegram-archive auth`: log in once and keep the session (mode 0600) in SESSION_DIR. Interactive
// on a terminal; in containers the phone, code and password come from flags, env or a code file.
import { existsSync, readFileSync } from 'node:fs';
import {
  type AccountInfo,
  LoginClient,
  LoginError,
  MissingCredentialsError,
  type SignInResult,
  sessionPath,
} from '../../telegram/index.ts';
import { type Command, type CommandContext, stringOption, UsageError } from '../command.ts';
import { createPrompter, InputClosedError, type Prompter } from '../prompt.ts';
import { CliFailure } from '../run-cli.ts';

const PHONE = /^\+[1-9][0-9]{6,14}$/;
const MAX_TRIES = 3;

const describeAccount = (account: AccountInfo) =>
  `${[account.firstName, account.lastName].filter(Boolean).join(' ') || 'user'}${account.username ? ` (@${account.username})` : ''}, user id ${account.userId}`;

function failureFor(error: LoginError): CliFailure {
  if (error.reason === 'code-expired')
    return new CliFailure(`${error.message}. Run \`telegram-archive auth\` again for a new code.`);
  return new CliFailure(error.message);
}

async function waitForCodeFile(path: string, timeoutSeconds: number, signal: AbortSignal): Promise<string> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    if (existsSync(path)) {
      const code = readFileSync(path, 'utf8').trim();
      if (code !== '') return code;
    }
    if (Date.now() > deadline)
      throw new CliFailure(`No login code appeared in ${path} within ${timeoutSeconds} s`);
    if (signal.aborted) throw new CliFailure('Login cancelled');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function login(
  context: CommandContext,
  client: LoginClient,
  prompter: () => Prompter,
): Promise<AccountInfo> {
  const { config } = context.config();
  const phoneOption = stringOption(context.options, 'phone');
  if (phoneOption !== undefined && !PHONE.test(phoneOption))
    throw new UsageError(`--phone '${phoneOption}' is not an international number like +4912345678`, 'auth');
  let phone = phoneOption ?? config.telegramPhone;
  if (!phone) {
    phone = await prompter().ask('Phone number (international format, e.g. +4912345678): ');
    if (!PHONE.test(phone))
      throw new CliFailure(`'${phone}' is not an international number like +4912345678`);
  }
  const sent = await client.sendCode(phone);
  context.stderr.write(`A login code was sent ${sent.viaApp ? 'to your Telegram app' : 'by SMS'}.\n`);

  const codeOption = stringOption(context.options, 'code');
  const codeFile = stringOption(context.options, 'code-file');
  const timeoutText = stringOption(context.options, 'code-timeout') ?? '300';
  const timeout = Number(timeoutText);
  if (!Number.isInteger(timeout) || timeout <= 0)
    throw new UsageError(`--code-timeout '${timeoutText}' is not a number of seconds`, 'auth');
  let result: SignInResult | undefined;
  for (let attempt = 1; !result; attempt++) {
    const given =
      codeOption ?? (codeFile ? await waitForCodeFile(codeFile, timeout, context.signal) : undefined);
    const code = given ?? (await prompter().ask('Login code: '));
    try {
      result = await client.signIn(phone, sent.phoneCodeHash, code);
    } catch (error) {
      if (
        !(error instanceof LoginError) ||
        error.reason !== 'bad-code' ||
        given !== undefined ||
        attempt >= MAX_TRIES
      )
        throw error;
      context.stderr.write('That code is wrong; try again.\n');
    }
  }
  if (result.kind === 'signed-in') return result.account;

  const hint = result.hint ? ` (hint: ${result.hint})` : '';
  for (let attempt = 1; ; attempt++) {
    const given = config.telegramPassword;
    let password = given;
    if (password === undefined) {
      try {
        password = await prompter().askSecret(`Two-step verification password${hint}: `);
      } catch (error) {
        if (error instanceof InputClosedError)
          throw new LoginError(
            'password-needed',
            'This account has two-step verification: set TELEGRAM_PASSWORD or run `telegram-archive auth` in a terminal',
          );
        throw error;
      }
    }
    try {
      return await client.checkPassword(password);
    } catch (error) {
      if (
        !(error instanceof LoginError) ||
        error.reason !== 'bad-password' ||
        given !== undefined ||
        attempt >= MAX_TRIES
      )
        throw error;
      context.stderr.write('That password is wrong; try again.\n');
    }
  }
}

export const authCommand: Command = {
  name: 'auth',
  summary: 'Log in to Telegram and store the session (file mode 0600)',
  description:
    'Asks for the phone number, the login code and, with two-step verification, the password, then saves ' +
    'the session in SESSION_DIR. Without a terminal, give them as --phone/TELEGRAM_PHONE, --code or ' +
    '--code-file, and TELEGRAM_PASSWORD. A session that still works is kept unless --force is given.',
  options: {
    phone: {
      type: 'string',
      valueName: '+number',
      description: 'Phone number, international format (default: TELEGRAM_PHONE; asked when missing)',
    },
    code: {
      type: 'string',
      valueName: 'code',
      description: 'The login code Telegram sent (asked when missing)',
    },
    'code-file': {
      type: 'string',
      valueName: 'path',
      description: 'Wait for this file and read the login code from it (for containers)',
    },
    'code-timeout': {
      type: 'string',
      valueName: 'seconds',
      description: 'How long to wait for --code-file (default 300)',
    },
    force: {
      type: 'boolean',
      description: 'Log in again even though the stored session still works, replacing it',
    },
  },
  examples: [
    'telegram-archive auth',
    'TELEGRAM_PHONE=+4912345678 telegram-archive auth --code-file /run/secrets/telegram-code',
    'telegram-archive auth --force',
  ],
  run: async (context) => {
    const { config } = context.config();
    const logger = context.logger().child({ component: 'auth' });
    if (!config.telegramApiId || !config.telegramApiHash)
      throw new CliFailure(new MissingCredentialsError().message);
    let prompter: Prompter | undefined;
    const prompt = () => {
      prompter ??= createPrompter(context.stdin, context.stderr);
      return prompter;
    };
    let client: LoginClient | undefined;
    try {
      client = await LoginClient.open({ config, logger });
      const current = await client.currentAccount();
      if (current) {
        if (context.options.force !== true)
          throw new CliFailure(
            `Already logged in as ${describeAccount(current)}; the session in ${sessionPath(config.sessionDir)} works. Use --force to log in again and replace it.`,
          );
        context.stderr.write(`Logging out ${describeAccount(current)} to log in again.\n`);
        await client.logOut();
        if (!(await client.acceptsLogin())) {
          // Telegram retired the key with the old login: start over with a new one.
          await client.close();
          client = undefined;
          client = await LoginClient.open({ config, logger, fresh: true });
        }
      }
      const account = await login(context, client, prompt);
      const path = client.saveSession();
      context.stdout.write(
        `Logged in as ${describeAccount(account)}. Session saved to ${path} (mode 0600).\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof LoginError) throw failureFor(error);
      if (error instanceof InputClosedError)
        throw new CliFailure(
          `${error.message}. Without a terminal, pass --phone/TELEGRAM_PHONE and --code or --code-file.`,
        );
      throw error;
    } finally {
      prompter?.close();
      await client?.close();
    }
  },
};

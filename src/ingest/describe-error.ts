// Error text for log lines. The logger censors `message` fields at info level (message text is
// private), which would also blank `err.message`; our own errors are safe to show as a string.

export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

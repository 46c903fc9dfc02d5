// Fails fast, in one line, on a Node too old for this project. Plain JS on purpose: it must parse
// on any Node that might be first on PATH. Imported by the bin entry and run by the npm scripts.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) {
  process.stderr.write(
    `telegram-archive needs Node >= 22.17 (24 recommended), found ${process.version}: run \`source scripts/use-node24.sh\` or install Node 24.\n`,
  );
  process.exit(1);
}

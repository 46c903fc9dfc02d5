// Ends every jest run with one plain line, "N passed, N failed, N skipped", that tools and humans
// can read without parsing jest's table. Written at exit so that it is really the last line.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const {
      numPassedTests: passed,
      numFailedTests: failed,
      numPendingTests: skipped,
      numTodoTests: todo,
    } = results;
    const line = `${passed} passed, ${failed} failed, ${skipped + todo} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}

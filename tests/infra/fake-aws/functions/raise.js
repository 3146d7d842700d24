// Test benchmark that fails: it prints a line (for the log) and rejects.
exports.handler = async (event) => {
  console.log('about to fail:', event.why);
  throw new TypeError(`benchmark failed: ${event.why}`);
};

// solidity-coverage: what `npm run coverage` measures. The hostile-token and receiver shelf is test code.
module.exports = {
  skipFiles: ["mocks/"],
  istanbulReporter: ["text-summary", "json-summary", "html", "lcov"],
};

'use strict';
// Tokenizes .charter files with the TextMate grammar, as VS Code does, and fails when a file
// ends inside an open region (a block, list, string or comment that the grammar did not
// close: everything after it would be mis-coloured) or has a token scoped `invalid.*`.
// test.sh runs it on every valid .charter file of the repository, so that the TextMate
// grammar keeps up with the examples and the stdlib.
//
//   node test/tokenize-files.js FILE...

const fs = require('fs');
const path = require('path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

async function main(files) {
  const wasm = fs.readFileSync(path.join(path.dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) => {
      if (scopeName !== 'source.charter') return null;
      const file = path.join(__dirname, '..', 'syntaxes', 'charter.tmLanguage.json');
      return vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  const grammar = await registry.loadGrammar('source.charter');
  let problems = 0;
  for (const file of files) {
    const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/);
    let stack = vsctm.INITIAL;
    lines.forEach((line, index) => {
      const result = grammar.tokenizeLine(line, stack);
      for (const token of result.tokens) {
        const invalid = token.scopes.find((scope) => scope.startsWith('invalid.'));
        if (invalid) {
          problems++;
          console.log(`${file}:${index + 1}:${token.startIndex + 1}: ${invalid}: \`${line.slice(token.startIndex, token.endIndex)}\``);
        }
      }
      stack = result.ruleStack;
    });
    if (stack.depth !== 1) {
      problems++;
      console.log(`${file}: ends inside an open region (depth ${stack.depth}): an unclosed block, list or comment in the grammar's eyes`);
    }
  }
  console.log(`tokenized ${files.length} files, ${problems} problems`);
  process.exitCode = problems === 0 ? 0 : 1;
}

main(process.argv.slice(2)).catch((error) => {
  console.error(error);
  process.exitCode = 1;
});

'use strict';
// Checks how settings become the server's command line and initialization options.
const test = require('node:test');
const assert = require('node:assert/strict');
const os = require('os');
const path = require('path');
const { serverExecutable, serverArgs, initializationOptions } = require('../src/config');

test('an empty server path means charter on PATH', () => {
  assert.equal(serverExecutable('', undefined), 'charter');
  assert.equal(serverExecutable(undefined, '/ws'), 'charter');
  assert.equal(serverExecutable('  ', '/ws'), 'charter');
});

test('a configured server path is expanded', () => {
  assert.equal(serverExecutable('/opt/charter/bin/charter', '/ws'), '/opt/charter/bin/charter');
  assert.equal(serverExecutable('~/bin/charter', '/ws'), path.join(os.homedir(), 'bin/charter'));
  assert.equal(serverExecutable('${workspaceFolder}/target/debug/charter', '/ws'), '/ws/target/debug/charter');
  assert.equal(serverExecutable('target/debug/charter', '/ws'), path.join('/ws', 'target/debug/charter'));
  assert.equal(serverExecutable('charter-nightly', '/ws'), 'charter-nightly');
});

test('the server runs `charter lsp` with extra arguments', () => {
  assert.deepEqual(serverArgs(undefined), ['lsp']);
  assert.deepEqual(serverArgs(['--log', 'debug']), ['lsp', '--log', 'debug']);
  assert.deepEqual(serverArgs(['ok', 3]), ['lsp', 'ok']);
});

test('charter.today becomes initializationOptions.today', () => {
  assert.deepEqual(initializationOptions('2026-11-22'), { options: { today: '2026-11-22' } });
  assert.deepEqual(initializationOptions(null), { options: {} });
  assert.deepEqual(initializationOptions(''), { options: {} });
  const bad = initializationOptions('22/11/2026');
  assert.deepEqual(bad.options, {});
  assert.match(bad.problem, /YYYY-MM-DD/);
  assert.match(initializationOptions('2026-13-01').problem, /`2026-13-01`/);
});

test('package.json contributes the language, grammar and settings', () => {
  const manifest = require('../package.json');
  const language = manifest.contributes.languages.find((l) => l.id === 'charter');
  assert.deepEqual(language.extensions, ['.charter']);
  const grammar = manifest.contributes.grammars.find((g) => g.language === 'charter');
  assert.equal(grammar.scopeName, 'source.charter');
  const settings = manifest.contributes.configuration.properties;
  assert.ok(settings['charter.server.path']);
  assert.ok(settings['charter.today']);
  const config = require('../language-configuration.json');
  assert.equal(config.comments.lineComment, '//');
  assert.deepEqual(config.comments.blockComment, ['/*', '*/']);
});

test('the extension entry point is valid JavaScript', () => {
  const fs = require('fs');
  const vm = require('vm');
  for (const file of ['../src/extension.js', '../src/config.js']) {
    const source = fs.readFileSync(path.join(__dirname, file), 'utf8');
    assert.doesNotThrow(() => vm.compileFunction(source, ['require', 'module', 'exports']), file);
  }
  const manifest = require('../package.json');
  assert.equal(manifest.main, './src/extension.js');
  assert.ok(manifest.dependencies['vscode-languageclient'], 'the LSP client is a runtime dependency');
});

'use strict';
// How the extension turns its settings into the language-server command line and
// initialization options. Kept free of the `vscode` module so node's test runner can check it.

const os = require('os');
const path = require('path');

const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/**
 * The executable that runs `charter lsp`: the `charter.server.path` setting with `~` and
 * `${workspaceFolder}` expanded, or `charter` looked up on PATH.
 * @param {string | undefined | null} configured the `charter.server.path` setting
 * @param {string | undefined} workspaceFolder the first workspace folder's path, if any
 * @returns {string}
 */
function serverExecutable(configured, workspaceFolder) {
  const value = (configured || '').trim();
  if (value === '') {
    return 'charter';
  }
  let expanded = value;
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) {
    expanded = path.join(os.homedir(), expanded.slice(1));
  }
  if (workspaceFolder) {
    expanded = expanded.split('${workspaceFolder}').join(workspaceFolder);
  }
  if (!path.isAbsolute(expanded) && /[\\/]/.test(expanded) && workspaceFolder) {
    // A relative path such as `target/debug/charter` means the workspace's build.
    expanded = path.join(workspaceFolder, expanded);
  }
  return expanded;
}

/**
 * The arguments after the executable: `lsp` and the `charter.server.extraArgs` setting.
 * @param {unknown} extraArgs
 * @returns {string[]}
 */
function serverArgs(extraArgs) {
  const extra = Array.isArray(extraArgs) ? extraArgs.filter((a) => typeof a === 'string') : [];
  return ['lsp', ...extra];
}

/**
 * The `initializationOptions` sent with `initialize`: `{ today }` when `charter.today` is a
 * valid `YYYY-MM-DD` date, else nothing (the server uses the clock).
 * @param {unknown} today the `charter.today` setting
 * @returns {{ options: { today?: string }, problem?: string }}
 */
function initializationOptions(today) {
  if (today === undefined || today === null || today === '') {
    return { options: {} };
  }
  if (typeof today !== 'string' || !DATE.test(today.trim())) {
    return {
      options: {},
      problem: `charter.today must be a date written YYYY-MM-DD, not \`${String(today)}\`; using the clock`,
    };
  }
  return { options: { today: today.trim() } };
}

module.exports = { serverExecutable, serverArgs, initializationOptions };

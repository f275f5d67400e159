// electron-builder's beforeBuild hook (electron-builder.yml): builds better-sqlite3 for the target
// Electron into out/native/ and tells electron-builder not to rebuild node_modules in place.
const path = require('node:path');

module.exports = async function beforeBuild(context) {
  const launcher = require(path.join(__dirname, '..', '..', 'out', 'electron-launch.cjs'));
  return launcher.beforeBuild(context);
};

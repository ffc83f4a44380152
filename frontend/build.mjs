// Builds the editor and viewer bundles into service/static/editor/ (run by make):
// bpmn-editor.js/.css, dmn-editor.js/.css and bpmn-viewer.js/.css, each an IIFE with its
// CSS beside it and the icon fonts under assets/, all served from this site (no CDN).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { lintConfig } from './lint-config.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.join(here, '..');
const outdir = path.join(root, 'service', 'static', 'editor');
const require = createRequire(import.meta.url);

fs.rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    'bpmn-editor': path.join(here, 'bpmn-editor', 'index.js'),
    'dmn-editor': path.join(here, 'dmn-editor.js'),
    'bpmn-viewer': path.join(here, 'bpmn-viewer.js'),
  },
  outdir,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: [ 'es2020' ],
  minify: true,
  legalComments: 'linked',
  loader: { '.eot': 'file', '.svg': 'file', '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
  assetNames: 'assets/[name]-[hash]',
  plugins: [ bpmnlintConfig() ],
  logLevel: 'warning',
});
console.log(`built ${fs.readdirSync(outdir).filter((name) => /\.(js|css)$/.test(name)).join(', ')} in ${path.relative(root, outdir)}`);

// `import bpmnlint from 'bpmnlint-config:project'` gives bpmn-js-bpmnlint's `linting.bpmnlint`:
// the project's .bpmnlintrc (lint-config.mjs) and a resolver holding the rule modules of
// bpmnlint's recommended config it extends, what the rollup/webpack bpmnlint plugins would pack.
function bpmnlintConfig() {
  return {
    name: 'bpmnlint-config',
    setup(build) {
      build.onResolve({ filter: /^bpmnlint-config:project$/ }, () => ({ path: 'project', namespace: 'bpmnlint-config' }));
      build.onLoad({ filter: /.*/, namespace: 'bpmnlint-config' }, () => {
        const config = lintConfig();
        if (config.extends !== 'bpmnlint:recommended') {
          throw new Error(`.bpmnlintrc extends ${config.extends}: the editor bundle packs bpmnlint:recommended's rules only`);
        }
        const { rules } = require('bpmnlint/config/recommended');
        const names = Object.keys(rules);
        const contents = [
          'import StaticResolver from "bpmnlint/lib/resolver/static-resolver";',
          ...names.map((name, index) => `import rule${index} from "bpmnlint/rules/${name}";`),
          `const rules = ${JSON.stringify(rules)};`,
          'const cache = {',
          ...names.map((name, index) => `  "rule:bpmnlint/${name}": rule${index},`),
          '  "config:bpmnlint/recommended": { rules },',
          '};',
          `export default { config: ${JSON.stringify(config)}, resolver: new StaticResolver(cache) };`,
        ].join('\n');
        return { contents, resolveDir: root, loader: 'js' };
      });
    },
  };
}

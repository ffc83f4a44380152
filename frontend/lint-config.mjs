// The project's bpmnlint configuration, .bpmnlintrc at the repository root, without its
// "//" notes (JSON has no comments): what frontend/lint.mjs and the editor bundle apply.
import fs from 'node:fs';
import path from 'node:path';

export const RC = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '.bpmnlintrc');

export function lintConfig() {
  const { '//': notes, ...config } = JSON.parse(fs.readFileSync(RC, 'utf-8'));
  return config;
}

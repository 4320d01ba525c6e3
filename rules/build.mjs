// Writes database.rules.json from rules/database.rules.template.json, replacing each {{name}} with
// the fragment of that name in rules/fragments.json (fragments may use other fragments).
// `node rules/build.mjs --check` only says whether database.rules.json is current (exit 1 if not).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const output = join(here, '..', 'database.rules.json');

export const HEADER = '// Generated from rules/database.rules.template.json by `npm run rules`: edit the template, not this file.\n';

export function render(template, fragments) {
  const expand = (text, depth) =>
    text.replace(/\{\{([a-z]+)\}\}/g, (_, name) => {
      if (!(name in fragments)) throw new Error('unknown fragment {{' + name + '}}');
      if (depth > 8) throw new Error('fragments nest too deep at {{' + name + '}}');
      return expand(fragments[name], depth + 1);
    });
  return HEADER + expand(template, 0);
}

const text = render(readFileSync(join(here, 'database.rules.template.json'), 'utf8'), JSON.parse(readFileSync(join(here, 'fragments.json'), 'utf8')));
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(output, 'utf8');
  } catch (e) {
    // missing: not current
  }
  if (current !== text) {
    console.error('database.rules.json is not what rules/database.rules.template.json makes: run `npm run rules`.');
    process.exit(1);
  }
  console.log('database.rules.json is current.');
} else {
  writeFileSync(output, text);
  console.log('wrote database.rules.json');
}

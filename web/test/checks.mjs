// What web/test's scripts share: the pages' TypeScript modules bundled for Node by esbuild, and
// named checks that print "ok   NAME" or "FAIL NAME: why" and make the script exit 1 at the end.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(dirname(fileURLToPath(import.meta.url)));

/** The modules `contents` exports (TypeScript, paths relative to web/src), as one ES module. */
export async function load(contents) {
  const out = await build({
    stdin: { contents, resolveDir: join(web, 'src'), loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  return import('data:text/javascript;base64,' + Buffer.from(out.outputFiles[0].text).toString('base64'));
}

let failed = 0;

export async function check(name, fn) {
  try {
    await fn();
    console.log('ok   ' + name);
  } catch (e) {
    failed++;
    console.log('FAIL ' + name + ': ' + e.message);
  }
}

/** Ends the script: exit code 1 when a check failed. */
export function finish() {
  if (failed) {
    console.log(failed + ' failed');
    process.exit(1);
  }
}

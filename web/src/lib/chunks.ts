// Bundles loaded on demand (web/build.mjs builds them beside the pages): each puts its API on
// `window` under a name of its own. Loaded once; a failed load may be tried again.
const loading: { [file: string]: Promise<unknown> } = {};

export function loadChunk<T>(file: string, global: string, what: string): Promise<T> {
  if (!loading[file]) {
    loading[file] = new Promise<T>((resolve, reject) => {
      const s = document.createElement('script');
      s.src = file;
      s.onload = () => resolve((window as unknown as { [k: string]: T })[global]);
      s.onerror = () => {
        delete loading[file];
        reject(new Error('Could not load ' + what + '; check the connection.'));
      };
      document.head.appendChild(s);
    });
  }
  return loading[file] as Promise<T>;
}

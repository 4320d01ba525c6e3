// The viewer's clips (docs/pages.md "Clips on the viewer"): one timeline for the room or one
// camera, newest first — thumbnail, time, length, reason — a page at a time (older pages load as
// one scrolls to the end, or with "Show older clips"); a clip plays in the page (opened in the
// browser), downloads as a file, and can be deleted from the room (tap Delete twice).
import { ClipItem, ClipLibrary, clipFileName } from './clips';

const list = document.getElementById('clip-list') as HTMLUListElement;
const emptyEl = document.getElementById('clips-empty')!;
const moreBtn = document.getElementById('clip-more') as HTMLButtonElement;
const cameraSelect = document.getElementById('clip-camera') as HTMLSelectElement;
const player = document.getElementById('player')!;
const playerVideo = document.getElementById('clip-video') as HTMLVideoElement;
const playerInfo = document.getElementById('player-info')!;
const playerDownload = document.getElementById('clip-download') as HTMLAnchorElement;
const playerClose = document.getElementById('clip-close') as HTMLButtonElement;

export const PAGE = 12;

const REASON: { [k: string]: string } = { motion: 'motion', timed: 'timed', manual: 'record now' };

function el<K extends keyof HTMLElementTagNameMap>(parent: HTMLElement, tag: K, cls: string, text = ''): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text) e.textContent = text;
  parent.appendChild(e);
  return e;
}

function when(ms: number): string {
  const d = new Date(ms);
  const today = new Date();
  const sameDay = d.toDateString() === today.toDateString();
  return (sameDay ? 'Today' : d.toLocaleDateString()) + ' ' + d.toLocaleTimeString();
}

export class Timeline {
  private shown = PAGE;
  private camera = '';
  private thumbs: { [key: string]: Promise<string | null> } = {};
  private playing: { url: string; key: string } | null = null;
  private blobs: { [key: string]: Promise<Blob> } = {};

  constructor(private readonly lib: ClipLibrary, private readonly cameraName: (uid: string) => string) {
    moreBtn.addEventListener('click', () => this.more());
    if (typeof IntersectionObserver === 'function') {
      new IntersectionObserver((entries) => {
        if (entries.some((e) => e.isIntersecting) && !moreBtn.hidden) this.more();
      }).observe(moreBtn);
    }
    cameraSelect.addEventListener('change', () => this.show(cameraSelect.value));
    playerClose.addEventListener('click', () => this.closePlayer());
    lib.onChange = () => this.render();
    this.render();
  }

  /** Shows one camera's clips ('' = the whole room). */
  show(camera: string): void {
    this.camera = camera;
    cameraSelect.value = camera;
    this.shown = PAGE;
    this.render();
  }

  /** The cameras to choose from (names may change). */
  setCameras(uids: string[]): void {
    const want = [''].concat(uids);
    const have = Array.from(cameraSelect.options).map((o) => o.value);
    if (want.join('|') !== have.join('|')) {
      cameraSelect.textContent = '';
      for (const uid of want) el(cameraSelect, 'option', '', uid ? this.cameraName(uid) : 'All cameras').value = uid;
      cameraSelect.value = want.indexOf(this.camera) >= 0 ? this.camera : '';
    } else {
      for (let i = 1; i < want.length; i++) cameraSelect.options[i].textContent = this.cameraName(want[i]);
    }
  }

  private more(): void {
    this.shown += PAGE;
    this.render();
  }

  private items(): ClipItem[] {
    return this.lib.items.filter((i) => !this.camera || i.camera === this.camera);
  }

  render(): void {
    const all = this.items();
    const page = all.slice(0, this.shown);
    emptyEl.hidden = all.length > 0;
    emptyEl.textContent = this.camera ? 'No clips of this camera yet.' : 'No clips yet: cameras record motion (and timed clips, once set) and send them here.';
    moreBtn.hidden = all.length <= page.length;
    // Keep the elements that stay (their thumbnails), in the new order.
    const existing: { [key: string]: HTMLLIElement } = {};
    for (const li of Array.from(list.children) as HTMLLIElement[]) existing[li.getAttribute('data-key')!] = li;
    const keep: { [key: string]: boolean } = {};
    for (const item of page) {
      const key = item.camera + '/' + item.clip;
      keep[key] = true;
      // Appending moves an element that is there already: the list ends up in the page's order.
      list.appendChild(existing[key] || this.item(item));
    }
    for (const key of Object.keys(existing)) if (!keep[key]) existing[key].remove();
  }

  private item(item: ClipItem): HTMLLIElement {
    const key = item.camera + '/' + item.clip;
    const e = item.entry;
    const li = document.createElement('li');
    li.className = 'clip';
    li.setAttribute('data-key', key);
    li.setAttribute('data-clip', item.clip);
    li.setAttribute('data-camera', item.camera);
    li.setAttribute('data-reason', e.reason);
    li.setAttribute('data-duration', String(e.durationMs));
    const img = el(li, 'img', 'thumb');
    img.alt = 'Thumbnail of the clip';
    const thumb = this.thumbs[key] || (this.thumbs[key] = this.lib.thumbnail(item).catch(() => null));
    thumb.then((url) => {
      if (url) img.src = url;
      else img.alt = 'No thumbnail';
    });
    const meta = el(li, 'div', 'meta');
    el(meta, 'strong', 'cam', this.cameraName(item.camera));
    el(meta, 'span', 'when', when(e.start));
    el(meta, 'span', 'len', (e.durationMs / 1000).toFixed(1) + ' s');
    el(meta, 'span', 'reason', REASON[e.reason] || e.reason);
    const row = el(li, 'div', 'row');
    const play = el(row, 'button', 'play', 'Play');
    const down = el(row, 'button', 'download', 'Download');
    const del = el(row, 'button', 'delete', 'Delete');
    const say = el(li, 'p', 'hint clip-message');
    for (const b of [play, down, del]) b.type = 'button';
    play.addEventListener('click', () => this.play(item, say));
    down.addEventListener('click', () =>
      this.fetch(item, say).then((blob) => {
        const a = document.createElement('a');
        a.href = URL.createObjectURL(blob);
        a.download = clipFileName(this.cameraName(item.camera), item);
        document.body.appendChild(a);
        a.click();
        a.remove();
        window.setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      }, () => undefined),
    );
    let armed = 0;
    del.addEventListener('click', () => {
      if (Date.now() - armed > 4000) {
        armed = Date.now();
        del.textContent = 'Delete? Tap again';
        window.setTimeout(() => {
          if (Date.now() - armed >= 4000) del.textContent = 'Delete';
        }, 4100);
        return;
      }
      del.disabled = true;
      say.textContent = 'Deleting…';
      this.lib.remove(item).then(
        () => (say.textContent = 'Deleted.'),
        (err) => {
          del.disabled = false;
          say.textContent = 'Could not delete: ' + (err instanceof Error ? err.message : err);
        },
      );
    });
    return li;
  }

  private fetch(item: ClipItem, say: HTMLElement): Promise<Blob> {
    const key = item.camera + '/' + item.clip;
    let p = this.blobs[key];
    if (!p) {
      say.textContent = 'Opening the clip…';
      p = this.blobs[key] = this.lib.blob(item, (done, all) => (say.textContent = all > 1 ? 'Opening the clip… ' + done + ' of ' + all : 'Opening the clip…'));
      p.then(
        () => (say.textContent = ''),
        (err) => {
          delete this.blobs[key];
          say.textContent = 'This clip cannot be opened: ' + (err instanceof Error ? err.message : err);
        },
      );
      // Keep the last few only.
      const keys = Object.keys(this.blobs);
      if (keys.length > 3) delete this.blobs[keys[0]];
    }
    return p;
  }

  private play(item: ClipItem, say: HTMLElement): void {
    const key = item.camera + '/' + item.clip;
    this.fetch(item, say).then((blob) => {
      this.closePlayer();
      const url = URL.createObjectURL(blob);
      this.playing = { url, key };
      player.hidden = false;
      player.setAttribute('data-key', key);
      playerVideo.src = url;
      playerVideo.play().catch(() => undefined);
      playerInfo.textContent = this.cameraName(item.camera) + ' · ' + when(item.entry.start) + ' · ' + (item.entry.durationMs / 1000).toFixed(1) + ' s · ' + (REASON[item.entry.reason] || item.entry.reason);
      playerDownload.href = url;
      playerDownload.download = clipFileName(this.cameraName(item.camera), item);
      player.scrollIntoView({ block: 'nearest' });
    }, () => undefined);
  }

  private closePlayer(): void {
    if (!this.playing) return;
    playerVideo.pause();
    playerVideo.removeAttribute('src');
    playerVideo.load();
    URL.revokeObjectURL(this.playing.url);
    this.playing = null;
    player.hidden = true;
  }
}

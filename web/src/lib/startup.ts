// Start-up and end of access, shared by the camera and viewer pages: find the page's room, sign in
// and join it (retrying while the backend is unreachable), derive the room key, keep the room's
// ICE servers fresh, and when access ends (revoked, rotated) tell every part of the page to stop
// and say why.
import { Bus } from './bus';
import { ICE_REFRESH_MS, IceSettings, loadIce } from './ice';
import { Role, SavedRoom, roomFromHash } from './pairing';
import { Db, NetState } from './rtdb';
import { roomSealKey } from './seal';
import { Session, accessEndedReason, dbFailure, pickRoom, startSession } from './session';
import { fail, setNet, setOffline, showAccessEnded } from './status';

export interface RoomEvents {
  /** Access to the room ended (revoked, rotated): stop everything. Emitted once, at once. */
  ended: void;
}

/** A page's signed-in membership of its room. */
export class RoomAccess {
  readonly bus = new Bus<RoomEvents>();
  ended = false;

  constructor(readonly session: Session, readonly inv: SavedRoom, readonly key: CryptoKey) {}

  get db(): Db {
    return this.session.db;
  }

  get uid(): string {
    return this.session.uid;
  }

  get room(): string {
    return this.inv.room;
  }

  /** The backend's ICE servers (init.json), before the room's own. */
  get baseIce(): RTCIceServer[] {
    return this.session.cfg.iceServers;
  }

  /** The room's ICE servers, or the backend's alone when they cannot be read. */
  ice(): Promise<IceSettings> {
    const base = this.baseIce;
    return loadIce(this.db, this.key, this.room, base).catch((): IceSettings => ({ iceServers: base, policy: 'all' }));
  }

  /** Reads the room's ICE servers again every minute while access lasts: the owner may change them at any time. */
  refreshIce(apply: (ice: IceSettings) => void): void {
    window.setInterval(() => {
      if (!this.ended) loadIce(this.db, this.key, this.room, this.baseIce).then(apply, () => undefined);
    }, ICE_REFRESH_MS);
  }

  /**
   * A stream was cancelled or a write refused: every part of the page stops at once (the `ended`
   * event), then the page says why (docs/protocol.md "Access ending").
   */
  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.bus.emit('ended', undefined);
    showAccessEnded(await accessEndedReason(this.session, this.room));
  }
}

/** The page's room: `#room=…`, else the newest saved one of this role; the address then shows `#room=<id>`. */
export function pageRoom(role: Role): SavedRoom | null {
  const inv = pickRoom(role, roomFromHash());
  if (inv) history.replaceState(null, '', location.pathname + '#room=' + inv.room);
  return inv;
}

/**
 * Signs in and joins the room, retrying while the backend is unreachable (the status line says
 * when the next try is). A refusal or another failure is explained on the page and gives null.
 * `onlineText` is the status line's sentence while connected.
 */
export async function openRoom(role: Role, inv: SavedRoom, onlineText?: string): Promise<RoomAccess | null> {
  let session: Session;
  try {
    session = await startSession(role, inv, (message, ms) =>
      setOffline('Waiting for the network: ' + message + ' Trying again in ' + Math.round(ms / 1000) + ' s.'),
    );
  } catch (e) {
    const err = dbFailure(e);
    if (err.kind === 'revoked') showAccessEnded(err.message);
    else fail(err.kind === 'unreachable' ? 'Backend unreachable: ' + err.message : err.message);
    return null;
  }
  const showNet = (n: NetState): void => setNet(n, n === 'online' ? onlineText : undefined);
  session.db.bus.on('net', showNet);
  showNet(session.db.net);
  return new RoomAccess(session, inv, await roomSealKey(inv));
}

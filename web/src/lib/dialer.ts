// The viewer's call scheduling for one camera: calls it while it is shown online, hangs up when it
// says it went offline, and calls again after a call ended — at once (1 s) after a call that
// connected, doubling up to 30 s while calls keep failing (docs/protocol.md "Retries").
import { Bus } from './bus';
import { PeerContext } from './peer';
import { ViewerCall } from './viewer-call';

export interface DialerEvents {
  /** A new call started: listen on its bus (media, state, code, trouble, ended). */
  call: ViewerCall;
}

export class Dialer {
  readonly bus = new Bus<DialerEvents>();
  current: ViewerCall | null = null;
  /** Why the last call ended without ever connecting ('' once a call connects): shown while calling again. */
  lastFailure = '';
  /**
   * A live call broke (its connection dropped and did not come back): true until a call connects
   * again, so that the page can say the connection was lost while it calls again.
   */
  lost = false;
  private failures = 0;
  private retry: number | undefined;
  private stopped = false;

  /** `presence` tells whether the camera is shown online, and whether it said it went offline. */
  constructor(
    private readonly ctx: PeerContext,
    readonly cameraUid: string,
    private readonly presence: () => { online: boolean; saidOffline: boolean },
  ) {}

  /**
   * The camera's presence changed or time passed: calls when it is online and no call or retry is
   * pending; hangs up when it said it went offline (not when its heartbeat is merely late).
   */
  consider(): void {
    if (this.stopped) return;
    const { online, saidOffline } = this.presence();
    if (!online) {
      if (this.current && saidOffline) this.current.hangUp('The camera went offline.');
      return;
    }
    if (this.current || this.retry !== undefined) return;
    const call = new ViewerCall(this.ctx, this.cameraUid);
    this.current = call;
    let connected = false;
    let broken = false;
    call.bus.on('state', (s) => {
      broken = s === 'reconnecting';
      if (s !== 'connected') return;
      connected = true;
      this.lost = false;
      this.failures = 0;
      this.lastFailure = '';
    });
    call.bus.on('ended', (reason) => {
      if (this.current !== call) return;
      this.current = null;
      if (!connected) this.lastFailure = reason;
      if (broken) this.lost = true;
      if (this.stopped) return;
      // Jitter, so that calls to several cameras that failed together do not retry together.
      const delay = Math.min(30000, 1000 * Math.pow(2, this.failures++)) * (0.8 + 0.4 * Math.random());
      this.retry = window.setTimeout(() => {
        this.retry = undefined;
        this.consider();
      }, delay);
    });
    this.bus.emit('call', call);
    call.start();
  }

  /** Ends the current call (it is called again as after any call that ended). */
  hangUp(reason: string): void {
    if (this.current) this.current.hangUp(reason);
  }

  /** The page goes away: the hang-up must leave with it. */
  hangUpOnUnload(): void {
    if (this.current) this.current.hangUpOnUnload();
  }

  /** No more calls (the camera left the room, access ended). */
  stop(reason: string): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.retry = undefined;
    if (this.current) this.current.hangUp(reason);
  }
}

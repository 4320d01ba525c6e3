// The camera's presence in the room (docs/protocol.md "Presence"): a heartbeat every 30 s, when
// its connection comes back and when the page is shown again, with the battery; "offline" when the
// page goes away, written by the page (pagehide) and, over the WebSocket, by the server when the
// connection ends (onDisconnect: a killed tab or a lost network too). The echo of each write gives
// the server's clock.
import { currentBattery } from '../lib/battery';
import { deviceName } from '../lib/device';
import * as paths from '../lib/paths';
import { DbError, Json } from '../lib/rtdb';
import { RoomAccess } from '../lib/startup';

const HEARTBEAT_MS = 30000;

export class Presence {
  private timer: number | undefined;
  private armed = false;
  /** serverTime - Date.now(), from the last write's echo. */
  serverOffset = 0;
  /** Told the new offset after each heartbeat that echoed the server's time. */
  onOffset: (offset: number) => void = () => undefined;
  /** The sealed recording state to carry in each heartbeat ('' for none). */
  rec: () => string = () => '';

  constructor(private readonly access: RoomAccess) {
    access.bus.on('ended', () => clearInterval(this.timer));
  }

  private get path(): string {
    return paths.camera(this.access.room, this.access.uid);
  }

  private value(online: boolean): { [k: string]: Json } {
    const value: { [k: string]: Json } = { name: deviceName(), online, lastSeen: { '.sv': 'timestamp' } };
    const b = currentBattery();
    if (b) value.battery = { level: b.level, charging: b.charging };
    const rec = this.rec();
    if (rec) value.rec = rec;
    return value;
  }

  /** Writes the heartbeat now. A refusal means access ended. */
  async beat(): Promise<void> {
    if (this.access.ended) return;
    try {
      const echo = await this.access.db.put(this.path, this.value(true));
      const lastSeen = echo && typeof echo === 'object' && !Array.isArray(echo) ? echo.lastSeen : null;
      if (typeof lastSeen === 'number') {
        this.serverOffset = lastSeen - Date.now();
        this.onOffset(this.serverOffset);
      }
      // Once the entry exists (the rules check the merged value): the server says "offline"
      // when this page's connection ends. Kept by the connection across reconnects.
      if (!this.armed) {
        this.armed = true;
        this.armed = await this.access.db.onDisconnect(this.path, { online: false, lastSeen: { '.sv': 'timestamp' } }, true);
      }
    } catch (e) {
      if (e instanceof DbError && e.denied) this.access.end();
      // Network errors: the next beat retries; the status line shows the streams' state.
    }
  }

  /** Beats every 30 s, when the page is shown again, and says "offline" when it goes. */
  start(): void {
    this.timer = window.setInterval(() => this.beat(), HEARTBEAT_MS);
    // Back online after a drop (the network, or the database restarted): beat at once, so that
    // viewers see the camera fresh without waiting for the next heartbeat.
    let away = false;
    this.access.db.bus.on('net', (n) => {
      if (n === 'online' && away) this.beat();
      away = n !== 'online';
    });
    window.addEventListener('pagehide', () => {
      if (!this.access.ended) this.access.db.sendOnUnload('PUT', this.path, this.value(false));
    });
    window.addEventListener('pageshow', (e) => {
      if ((e as PageTransitionEvent).persisted) this.beat();
    });
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.beat();
    });
  }
}

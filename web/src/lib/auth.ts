// Anonymous sign-in through the Identity Toolkit REST API (or the relay's emulator endpoints).
// The refresh token and the last ID token live in localStorage (the next page of the device
// starts without a refresh); the ID token is refreshed five minutes before it expires, and on
// demand (a stream's auth_revoked, a 401, a refused WebSocket auth).
import { BackendConfig } from './config';

export class AuthError extends Error {
  /** `code`: the service's error code (e.g. INVALID_REFRESH_TOKEN), when it sent one. */
  constructor(message: string, readonly unreachable: boolean, readonly code = '') {
    super(message);
  }
}

// Refresh failures that mean the account itself is gone: only these make a new device.
const ACCOUNT_GONE = /^(INVALID_REFRESH_TOKEN|USER_NOT_FOUND|USER_DISABLED|TOKEN_EXPIRED|INVALID_GRANT_TYPE|MISSING_REFRESH_TOKEN)\b/;

interface Saved {
  uid: string;
  refreshToken: string;
  /** The last ID token and when it expires: the next page of this device uses it without a refresh. */
  idToken?: string;
  expiresAt?: number;
}

const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export class Auth {
  private idToken: string | null = null;
  private expiresAt = 0;
  private saved: Saved | null;
  private pending: Promise<string> | null = null;
  private timer: number | undefined;
  /** The uid this page started with (signIn), to notice a new identity. */
  private inUse: string | null = null;
  private readonly storageKey: string;
  private listeners: ((token: string) => void)[] = [];

  /** `device` names the identity: each role is its own device, even in one browser. */
  constructor(private readonly cfg: BackendConfig, device: string) {
    this.storageKey = 'remotecam.auth.' + cfg.projectId + '.' + device;
    this.saved = readSaved(this.storageKey);
    const s = this.saved;
    if (s && s.idToken && s.expiresAt && s.expiresAt - REFRESH_MARGIN_MS > Date.now()) this.accept(s.idToken, (s.expiresAt - Date.now()) / 1000, false);
  }

  /** `fn` is told every new ID token (the WebSocket authenticates with it). */
  onToken(fn: (token: string) => void): void {
    this.listeners.push(fn);
  }

  get uid(): string | null {
    return this.saved ? this.saved.uid : null;
  }

  /** A valid ID token, signing up or refreshing as needed. */
  token(force = false): Promise<string> {
    if (!force && this.idToken && Date.now() < this.expiresAt - REFRESH_MARGIN_MS) return Promise.resolve(this.idToken);
    if (!this.pending) {
      this.pending = this.obtain().then(
        (t) => {
          this.pending = null;
          return t;
        },
        (e) => {
          this.pending = null;
          throw e;
        },
      );
    }
    return this.pending;
  }

  /** The current ID token without waiting (for requests sent while the page unloads). */
  get cachedToken(): string | null {
    return this.idToken && Date.now() < this.expiresAt ? this.idToken : null;
  }

  /** Signs in (when needed) and returns the uid. */
  async signIn(): Promise<string> {
    await this.token();
    this.inUse = this.saved!.uid;
    return this.inUse;
  }

  private async obtain(): Promise<string> {
    if (this.saved) {
      try {
        return await this.refresh(this.saved.refreshToken);
      } catch (e) {
        // Only a refused account starts over; anything else (network, 429, 5xx, a captive
        // portal's page) is retried later by the caller with the same identity.
        if (!(e instanceof AuthError) || !ACCOUNT_GONE.test(e.code)) throw e instanceof AuthError ? new AuthError(e.message, true, e.code) : e;
        // The account is gone (relay data wiped, user deleted): start over as a new device.
        this.saved = null;
      }
    }
    const token = await this.signUp();
    const current = this.saved as Saved | null; // set again by signUp
    if (this.inUse && current && current.uid !== this.inUse) {
      // This page's streams, paths and membership belong to the old uid: start the page again,
      // which joins the room as the new device with the invitation it keeps.
      location.reload();
    }
    return token;
  }

  private async signUp(): Promise<string> {
    const url = this.cfg.identityBase + '/v1/accounts:signUp?key=' + encodeURIComponent(this.cfg.apiKey);
    const json = await post(url, 'application/json', JSON.stringify({ returnSecureToken: true }));
    const uid = str(json, 'localId');
    const refreshToken = str(json, 'refreshToken');
    this.saved = { uid, refreshToken };
    return this.accept(str(json, 'idToken'), Number(json.expiresIn) || 3600);
  }

  private async refresh(refreshToken: string): Promise<string> {
    const url = this.cfg.secureTokenBase + '/v1/token?key=' + encodeURIComponent(this.cfg.apiKey);
    const body = 'grant_type=refresh_token&refresh_token=' + encodeURIComponent(refreshToken);
    const json = await post(url, 'application/x-www-form-urlencoded', body);
    const uid = str(json, 'user_id');
    this.saved = { uid, refreshToken: str(json, 'refresh_token') };
    return this.accept(str(json, 'id_token'), Number(json.expires_in) || 3600);
  }

  private remember(saved: Saved): void {
    this.saved = saved;
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(saved));
    } catch (e) {
      // Private mode: the device signs up again next time.
    }
  }

  private accept(idToken: string, lifetimeSeconds: number, fresh = true): string {
    this.idToken = idToken;
    this.expiresAt = Date.now() + lifetimeSeconds * 1000;
    if (fresh && this.saved) {
      this.remember({ uid: this.saved.uid, refreshToken: this.saved.refreshToken, idToken, expiresAt: this.expiresAt });
      for (const fn of this.listeners) fn(idToken);
    }
    clearTimeout(this.timer);
    const wait = Math.max(10000, this.expiresAt - REFRESH_MARGIN_MS - Date.now() + 1000);
    this.timer = window.setTimeout(() => this.token().catch(() => undefined), wait);
    return idToken;
  }
}

function readSaved(key: string): Saved | null {
  try {
    const v = JSON.parse(localStorage.getItem(key) || 'null');
    return v && typeof v.uid === 'string' && typeof v.refreshToken === 'string' ? v : null;
  } catch (e) {
    return null;
  }
}

function str(json: Record<string, unknown>, name: string): string {
  const v = json[name];
  if (typeof v !== 'string' || !v) throw new AuthError('Sign-in answered without ' + name + '.', false);
  return v;
}

async function post(url: string, type: string, body: string): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body });
  } catch (e) {
    throw new AuthError('Cannot reach the sign-in service.', true);
  }
  let json: Record<string, unknown> | null = null;
  try {
    json = await response.json();
  } catch (e) {
    // Not JSON (a proxy's or captive portal's page): treated as unreachable below.
  }
  if (!json || typeof json !== 'object') throw new AuthError('The sign-in service answered HTTP ' + response.status + ' without JSON.', true);
  if (!response.ok) {
    const err = json.error as { message?: string } | undefined;
    const message = (err && err.message) || 'HTTP ' + response.status;
    if (/OPERATION_NOT_ALLOWED|ADMIN_ONLY/.test(message)) throw new AuthError('Anonymous sign-in is disabled for this project.', false, message);
    throw new AuthError('Sign-in failed: ' + message, response.status >= 500 || response.status === 429, message);
  }
  return json;
}

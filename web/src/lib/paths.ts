// Every database location the pages read or write, in one place: the data layout of
// docs/protocol.md ("Data layout"), and of docs/clips.md for events, clips, settings and storage.
// Pages and libraries build paths only through these functions.

function room(roomId: string): string {
  return 'rooms/' + roomId;
}

/** `{name, created, owner, rotated?, ice?, storage?}`, written by the CLI. */
export function meta(roomId: string): string {
  return room(roomId) + '/meta';
}

/** The room's sealed ICE servers (docs/protocol.md "ICE servers"). */
export function metaIce(roomId: string): string {
  return meta(roomId) + '/ice';
}

/** Where the room keeps its clips: "database", "bucket" or "relay" (docs/clips.md), written by the CLI. */
export function metaStorage(roomId: string): string {
  return meta(roomId) + '/storage';
}

/** The bucket's name when meta/storage is "bucket" (written by the CLI). */
export function metaBucket(roomId: string): string {
  return meta(roomId) + '/bucket';
}

/** A device's membership `{role, name, joined, proof}`. */
export function member(roomId: string, uid: string): string {
  return room(roomId) + '/members/' + uid;
}

/** Presence of every camera of the room (the viewer streams it). */
export function cameras(roomId: string): string {
  return room(roomId) + '/cameras';
}

/** One camera's presence `{name, online, lastSeen, battery?}`. */
export function camera(roomId: string, cameraUid: string): string {
  return cameras(roomId) + '/' + cameraUid;
}

/** A camera's call inbox (the camera streams it). */
export function inbox(roomId: string, cameraUid: string): string {
  return room(roomId) + '/calls/' + cameraUid;
}

/** One call: `created`, `v/{n}`, `c/{n}`. */
export function call(roomId: string, cameraUid: string, callId: string): string {
  return inbox(roomId, cameraUid) + '/' + callId;
}

/** One sealed message slot of a call: `dir` is "v" (viewer → camera) or "c". */
export function slot(callPath: string, dir: 'v' | 'c', n: number): string {
  return callPath + '/' + dir + '/' + n;
}

/** The viewers that want still pictures of a camera (the camera streams it). */
export function wants(roomId: string, cameraUid: string): string {
  return room(roomId) + '/wants/' + cameraUid;
}

/** One viewer's want of a camera's still pictures. */
export function want(roomId: string, cameraUid: string, viewerUid: string): string {
  return wants(roomId, cameraUid) + '/' + viewerUid;
}

/** A camera's latest sealed still picture `{n, at, s}`. */
export function still(roomId: string, cameraUid: string): string {
  return room(roomId) + '/stills/' + cameraUid;
}

/** A camera's sealed clip index: one entry per clip (docs/clips.md). */
export function events(roomId: string, cameraUid: string): string {
  return room(roomId) + '/events/' + cameraUid;
}

/** One sealed clip index entry (ClipKeys.sealEntry), written once by that camera. */
export function event(roomId: string, cameraUid: string, clipId: string): string {
  return events(roomId, cameraUid) + '/' + clipId;
}

/** A camera's sealed clip thumbnails, one per clip id. */
export function thumbs(roomId: string, cameraUid: string): string {
  return room(roomId) + '/thumbs/' + cameraUid;
}

/** One clip's sealed thumbnail (ClipKeys.sealThumb, at most 120,000 characters). */
export function thumb(roomId: string, cameraUid: string, clipId: string): string {
  return thumbs(roomId, cameraUid) + '/' + clipId;
}

/** One clip's sealed chunks, when the room stores clips in the database. */
export function clip(roomId: string, cameraUid: string, clipId: string): string {
  return room(roomId) + '/clips/' + cameraUid + '/' + clipId;
}

/** One sealed chunk of a clip as base64url text (`part` = 0 … 4095), database target only. */
export function clipPart(roomId: string, cameraUid: string, clipId: string, part: number): string {
  return clip(roomId, cameraUid, clipId) + '/' + part;
}

/** A camera's sealed settings (detection, sensitivity, zones, schedule, quality, retention); viewers write. */
export function settings(roomId: string, cameraUid: string): string {
  return room(roomId) + '/settings/' + cameraUid;
}

/** An invitation of its own (docs/pairing.md): its proof, info and use slots. */
export function invite(roomId: string, inviteId: string): string {
  return 'pairing/' + roomId + '/invites/' + inviteId;
}

/** A camera's sealed recording state in its presence: recording, detection, clips waiting, motion now. */
export function cameraRec(roomId: string, cameraUid: string): string {
  return camera(roomId, cameraUid) + '/rec';
}

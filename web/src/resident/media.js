// Photos and voice notes, prepared in the browser: photos are decoded,
// turned upright and resized to at most 1600 pixels (JPEG), so a phone's
// 8 MB picture goes up as a few hundred kilobytes; voice is recorded with
// MediaRecorder. The limits are the server's (internal/media).

export const MAX_PHOTOS = 6;
export const MAX_PHOTO_BYTES = 10 << 20; // after resizing
export const MAX_INPUT_BYTES = 40 << 20; // what we try to decode at all
export const MAX_VOICE_BYTES = 5 << 20;
export const MAX_VOICE_SECONDS = 60;
export const MAX_SIDE = 1600;
const QUALITY = 0.85;

/** PhotoError says why a file was left out: kind is badType, tooBig or unreadable. */
export class PhotoError extends Error {
  constructor(kind, file, extra = {}) {
    super(kind);
    this.kind = kind;
    this.file = file;
    Object.assign(this, extra);
  }
}

const mb = (n) => (n / (1 << 20)).toFixed(1);

/**
 * preparePhoto resolves to a resized JPEG Blob for an image file, or
 * rejects with a PhotoError. Files that are not images (by their type)
 * are refused without being read.
 */
export async function preparePhoto(file) {
  if (!file.type.startsWith('image/')) throw new PhotoError('badType', file);
  if (file.size > MAX_INPUT_BYTES) throw new PhotoError('tooBig', file, { mb: mb(file.size) });
  let bmp;
  try {
    bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError(file.type === 'image/jpeg' || file.type === 'image/png' || file.type === 'image/webp' ? 'unreadable' : 'badType', file);
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bmp.width, bmp.height));
  const w = Math.max(1, Math.round(bmp.width * scale));
  const h = Math.max(1, Math.round(bmp.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff'; // transparent PNGs become white, not black, as JPEG
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(bmp, 0, 0, w, h);
  bmp.close?.();
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY));
  if (!blob) throw new PhotoError('unreadable', file);
  if (blob.size > MAX_PHOTO_BYTES) throw new PhotoError('tooBig', file, { mb: mb(blob.size) });
  return { blob, width: w, height: h, name: file.name.replace(/\.[^.]*$/, '') + '.jpg' };
}

/** voiceType is the first recording format this browser offers that the server takes. */
export function voiceType() {
  if (typeof MediaRecorder === 'undefined') return null;
  for (const t of ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4', 'audio/aac']) {
    if (MediaRecorder.isTypeSupported?.(t)) return t;
  }
  return '';
}

/**
 * Recorder records one voice note of at most MAX_VOICE_SECONDS. onTick(s)
 * reports the seconds recorded; stop() resolves to {blob, seconds}.
 */
export class Recorder {
  constructor(onTick) {
    this.onTick = onTick;
  }

  async start() {
    const type = voiceType();
    if (type === null) throw new Error('MediaRecorder unsupported');
    this.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.chunks = [];
    this.rec = new MediaRecorder(this.stream, type ? { mimeType: type, audioBitsPerSecond: 32000 } : undefined);
    this.rec.addEventListener('dataavailable', (e) => { if (e.data.size) this.chunks.push(e.data); });
    this.started = performance.now();
    this.done = new Promise((resolve) => this.rec.addEventListener('stop', () => {
      this.stream.getTracks().forEach((tr) => tr.stop());
      const mime = (this.rec.mimeType || type || 'audio/webm').split(';')[0];
      resolve({ blob: new Blob(this.chunks, { type: mime }), seconds: this.seconds() });
    }));
    this.rec.start(1000);
    this.timer = setInterval(() => {
      const s = this.seconds();
      this.onTick(s);
      if (s >= MAX_VOICE_SECONDS) this.stop();
    }, 250);
  }

  seconds() {
    return Math.min(MAX_VOICE_SECONDS, Math.round((performance.now() - this.started) / 1000));
  }

  stop() {
    clearInterval(this.timer);
    if (this.rec?.state === 'recording') this.rec.stop();
    return this.done;
  }
}

/** extOf is the file extension for a media type. */
export function extOf(type) {
  return { 'audio/webm': 'webm', 'audio/ogg': 'ogg', 'audio/mp4': 'm4a', 'audio/aac': 'aac', 'image/jpeg': 'jpg' }[type] || 'bin';
}

export { mb };

import { createContext, useContext, useEffect, useState } from 'react';
import { MAX_MEDIA_BYTES, MEDIA_CONTENT_TYPES } from '../../../questionnaires/limits.js';

/** What a media question needs from the page: keeping a file on the device and showing one. */
export interface MediaAccess {
  /** Keeps a file taken for a question (scaled down when it is a large photo); gives the answer's name. */
  save(file: Blob, contentType: string, previous?: string): Promise<string>;
  /** A URL that shows the file (the device's copy, or the server's), or null. */
  url(name: string): Promise<string | null>;
}

export const MediaContext = createContext<MediaAccess | null>(null);

type Kind = keyof typeof MEDIA_CONTENT_TYPES;
const ACCEPT: Record<Kind, string> = {
  image: 'image/*',
  audio: 'audio/*',
  video: 'video/*',
  file: '.pdf,.csv,.txt,.zip,.xlsx,.docx,.odt,.ods,image/*,audio/*,video/*',
};

/** Extension of the file name the app gives an answer, from its content type. */
export function extensionOf(contentType: string): string {
  const sub = contentType.split('/')[1] ?? 'bin';
  const known: Record<string, string> = {
    jpeg: 'jpg',
    'x-wav': 'wav',
    quicktime: 'mov',
    plain: 'txt',
    'octet-stream': 'bin',
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
    'vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  };
  return (known[sub] ?? sub.replace(/[^a-z0-9]/gi, '')).slice(0, 8) || 'bin';
}

/** A photo larger than the budget (or than 2048 px) as a JPEG of at most 2048 px, as ODK's max-pixels does. */
export async function scaledPhoto(file: Blob): Promise<Blob> {
  if (typeof createImageBitmap === 'undefined') return file;
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 2048 / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.size <= MAX_MEDIA_BYTES) return file;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the photo could not be scaled'))), 'image/jpeg', 0.85));
}

/**
 * A media question (XLSForm image, audio, video, file): take a photo or recording with the device, or
 * pick a file. The file is kept on the device with the interview and sent after it; the answer is its name.
 */
export function MediaInput({
  id,
  kind,
  readOnly,
  answer,
  onChange,
}: {
  id: string;
  kind: Kind;
  readOnly: boolean;
  answer: string;
  onChange: (name: string) => void;
}) {
  const media = useContext(MediaContext);
  const [url, setUrl] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    let local: string | null = null;
    if (answer && media)
      void media.url(answer).then((u) => {
        if (!alive) return;
        local = u?.startsWith('blob:') ? u : null;
        setUrl(u);
      });
    else setUrl(null);
    return () => {
      alive = false;
      if (local) URL.revokeObjectURL(local);
    };
  }, [answer, media]);
  const take = async (file: File | undefined) => {
    if (!file || !media) return;
    const type = file.type || 'application/octet-stream';
    if (!MEDIA_CONTENT_TYPES[kind].test(type)) {
      setStatus(`This question does not take ${type} files.`);
      return;
    }
    try {
      setStatus('Keeping the file on this device…');
      const blob = kind === 'image' ? await scaledPhoto(file) : file;
      if (blob.size > MAX_MEDIA_BYTES) {
        setStatus(`The file is ${(blob.size / 1048576).toFixed(1)} MB; at most ${MAX_MEDIA_BYTES / 1048576} MB can be sent.`);
        return;
      }
      const name = await media.save(blob, blob === file ? type : 'image/jpeg', answer || undefined);
      onChange(name);
      setStatus(`Kept on this device (${Math.max(1, Math.round(blob.size / 1024))} KB); sent with the interview.`);
    } catch (err) {
      setStatus(`The file could not be kept: ${(err as Error).message}`);
    }
  };
  return (
    <div className="media">
      {!readOnly && (
        <input
          id={id}
          type="file"
          accept={ACCEPT[kind]}
          {...(kind === 'image' || kind === 'audio' || kind === 'video' ? { capture: 'environment' } : {})}
          onChange={(e) => void take(e.target.files?.[0])}
        />
      )}
      {answer && (
        <p className="hint" data-testid="media-answer">
          {kind === 'image' && url ? <img src={url} alt="" className="media-preview" /> : null}
          {kind === 'audio' && url ? <audio src={url} controls /> : null}
          {kind === 'video' && url ? <video src={url} controls className="media-preview" /> : null}{' '}
          {url ? (
            <a href={url} download={answer}>
              {answer}
            </a>
          ) : (
            answer
          )}{' '}
          {!readOnly && (
            <button type="button" className="link" onClick={() => onChange('')}>
              Remove
            </button>
          )}
        </p>
      )}
      {status && (
        <p className="hint" role="status">
          {status}
        </p>
      )}
    </div>
  );
}

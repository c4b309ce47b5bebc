// The body of a POST /api/files that carries several files at once (one
// request per file cost ~4 ms each in Chromium, so 1,000 files alone took
// over a second). The framing, shared by the preview bridge (writes it) and
// the preview server (preview/file-batch.ts reads and validates it):
//
//   Content-Type: application/vnd.ers-attach.files
//   <N, the byte length of the manifest, in ASCII decimal>\n
//   <manifest: N bytes of UTF-8 JSON {"files":[{"name":"a.pdf","size":123},...]}>
//   <each file's bytes, back to back, in manifest order>
//
// The sizes must add up to exactly the bytes that follow the manifest.
export const FILE_BATCH_TYPE = 'application/vnd.ers-attach.files';
/** Files in one request: well under the contract's items per request. */
export const FILE_BATCH_MAX_FILES = 100;
/** Bytes of file content per request the bridge aims for; one larger file goes alone. */
export const FILE_BATCH_TARGET_BYTES = 16 * 1024 * 1024;

export interface BatchEntry {
  readonly name: string;
  readonly size: number;
}

/** The length line and manifest that start a batch body. */
export function fileBatchHead(entries: readonly BatchEntry[]): Uint8Array {
  const manifest = new TextEncoder().encode(JSON.stringify({ files: entries.map(({ name, size }) => ({ name, size })) }));
  const line = new TextEncoder().encode(`${manifest.length}\n`);
  const head = new Uint8Array(line.length + manifest.length);
  head.set(line, 0);
  head.set(manifest, line.length);
  return head;
}

/** Split files into requests: at most FILE_BATCH_MAX_FILES each, and about FILE_BATCH_TARGET_BYTES of content. */
export function planFileBatches<T extends BatchEntry>(files: readonly T[]): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const file of files) {
    if (current.length > 0 && (current.length >= FILE_BATCH_MAX_FILES || bytes + file.size > FILE_BATCH_TARGET_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(file);
    bytes += file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

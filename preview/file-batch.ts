// Reads and validates a several-files body of POST /api/files (the framing is
// described in renderer/bridge/file-batch.ts, which writes it). Anything that
// does not add up exactly is refused: no file is added from a malformed body.
import * as z from 'zod';
import { IPC_LIMITS } from '../shared/ipc/contract.ts';
import { FILE_BATCH_MAX_FILES } from '../renderer/bridge/file-batch.ts';

/** Longest manifest accepted: 100 names of 1,024 characters, escaped, with room to spare. */
const MAX_MANIFEST_BYTES = 1024 * 1024;
const MAX_LENGTH_DIGITS = 7;

export class FileBatchError extends Error {
  override readonly name = 'FileBatchError';
}

export function manifestSchema(maxFileBytes: number) {
  return z
    .object({
      files: z
        .array(
          z
            .object({
              name: z.string().min(1).max(IPC_LIMITS.nameLength),
              size: z.number().int().min(0).max(maxFileBytes),
            })
            .strict(),
        )
        .min(1)
        .max(FILE_BATCH_MAX_FILES),
    })
    .strict();
}

export interface BatchFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** The files in a batch body, in order; throws FileBatchError saying what is wrong. */
export function decodeFileBatch(body: Uint8Array, maxFileBytes: number): BatchFile[] {
  const newline = body.subarray(0, MAX_LENGTH_DIGITS + 1).indexOf(0x0a);
  if (newline <= 0) throw new FileBatchError('The batch does not start with the manifest length');
  const digits = new TextDecoder().decode(body.subarray(0, newline));
  if (!/^(0|[1-9][0-9]*)$/.test(digits)) throw new FileBatchError('The manifest length is not a number');
  const length = Number(digits);
  if (length > MAX_MANIFEST_BYTES) throw new FileBatchError('The manifest is too long');
  const start = newline + 1;
  if (start + length > body.length) throw new FileBatchError('The body ends inside the manifest');
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(start, start + length)));
  } catch {
    throw new FileBatchError('The manifest is not JSON');
  }
  const parsed = manifestSchema(maxFileBytes).safeParse(manifest);
  if (!parsed.success) throw new FileBatchError(`The manifest is not valid: ${z.prettifyError(parsed.error)}`);
  let at = start + length;
  const total = parsed.data.files.reduce((sum, file) => sum + file.size, 0);
  if (at + total !== body.length) {
    throw new FileBatchError(`The manifest lists ${total} bytes of files but ${body.length - at} follow it`);
  }
  return parsed.data.files.map(({ name, size }) => {
    const bytes = body.subarray(at, at + size);
    at += size;
    return { name, bytes };
  });
}

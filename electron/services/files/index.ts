// The file service: a registry of chosen files, read once and checked.
export { FileRegistry, hintsForName } from './registry.ts';
export type { CheckedFile, FileRegistryOptions, FileSource, Registration, RegisteredFile } from './registry.ts';
export { FileAccessError, describeAccessError } from './access-errors.ts';
export type { FileRefusal, FileRefusalReason } from './access-errors.ts';
export type { FileHandleLike, FileStatsLike, FsPort } from './fs-port.ts';
export { OVERSIZED_PREFIX_BYTES } from './read-once.ts';
export { BufferPool } from './buffer-pool.ts';
export type { BufferLease } from './buffer-pool.ts';

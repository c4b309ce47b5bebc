// A020 (upload a file to the document store) and A006 (retrieve it).

import { randomUUID } from 'node:crypto';
import type { Body, Reply } from './http.ts';
import { decodeHeaderText, outcomeReply } from './http.ts';
import { checkUpload } from './rules.ts';
import type { SessionStore } from './sessions.ts';
import { contentDisposition, type FileStore } from './store.ts';
import { mediaType } from './upload-types.ts';

export interface BinaryCall {
  readonly header: (name: string) => string | undefined;
  readonly body: Body;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function uploadFile(call: BinaryCall, sessions: SessionStore, store: FileStore, successStatus: 200 | 201): Reply {
  const auth = sessions.authorise(call.header('HTTP_X_SESSION_KEY'), 'upload');
  if ('reply' in auth) return auth.reply;

  const rawName = call.header('X-ERS-XAPI-META-FILE_NAME');
  const fileName = rawName === undefined ? undefined : decodeHeaderText(rawName);
  const contentType = call.header('Content-Type');
  const ubrn = call.header('X-ERS-XAPI-META-INTENDED_UBRN');
  const broken = checkUpload({ fileName, contentType, ubrn, body: call.body });
  if (broken) return outcomeReply(422, broken.code, broken.diagnostics);

  const { session } = auth;
  const transactionId = `${randomUUID()}-1`;
  const file = store.add({
    id: randomUUID(),
    // checkUpload has established both are present.
    name: fileName!,
    mimeType: mediaType(contentType!),
    ubrn: ubrn ?? null,
    bytes: new Uint8Array(call.body.bytes),
    sessionUser: session.user.id,
    sessionRole: session.permission!.businessFunction,
    transactionId,
  });
  return { status: successStatus, headers: { Location: `Binary/${file.id}`, X_ERS_TRANSACTION_ID: transactionId } };
}

export function retrieveFile(call: BinaryCall, fileId: string, sessions: SessionStore, store: FileStore): Reply {
  const auth = sessions.authorise(call.header('HTTP_X_SESSION_KEY'), 'any-role');
  if ('reply' in auth) return auth.reply;
  const file = UUID_V4.test(fileId) ? store.get(fileId) : undefined;
  if (!file) return outcomeReply(404, 'REFERENCE_NOT_FOUND', `There is no file Binary/${fileId}`);
  return {
    status: 200,
    headers: { 'Content-Type': file.mimeType, 'Content-Disposition': contentDisposition(file.name) },
    body: file.bytes,
  };
}

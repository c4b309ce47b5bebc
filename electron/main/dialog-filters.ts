// Filters for main's "choose files" dialog: the types e-RS accepts first (the
// default), then every file, because a refused file chosen anyway gets a clear
// reason from the checks rather than silently being hidden.

import { ATTACHMENT_TYPES, type AttachmentType } from '../../shared/rules/attachment-types.ts';

export interface DialogFilter {
  readonly name: string;
  readonly extensions: string[];
}

export function openDialogFilters(types: readonly AttachmentType[] = ATTACHMENT_TYPES): DialogFilter[] {
  const accepted = [...new Set(types.flatMap((type) => type.extensions))];
  return [
    { name: 'Files e-RS accepts', extensions: accepted },
    { name: 'All files', extensions: ['*'] },
  ];
}

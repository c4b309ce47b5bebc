// The browser preview's file chooser: a hidden <input type=file multiple>
// clicked on the person's behalf. (Electron uses main's own dialog instead.)

/** Opens the browser's file chooser; resolves with the chosen files, or [] if cancelled. */
export function pickFilesWithInput(doc: Document = document): Promise<File[]> {
  return new Promise((resolve) => {
    const input = doc.createElement('input');
    input.type = 'file';
    input.multiple = true;
    input.hidden = true;
    input.tabIndex = -1;
    input.setAttribute('aria-hidden', 'true');
    const finish = (files: File[]) => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => finish(Array.from(input.files ?? [])), { once: true });
    input.addEventListener('cancel', () => finish([]), { once: true });
    doc.body.append(input);
    input.click();
  });
}

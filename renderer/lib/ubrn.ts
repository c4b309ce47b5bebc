// The optional intended UBRN: 12 digits. People copy it with the spaces e-RS
// shows ("0000 4000 1234"), so spaces and dashes are allowed and dropped.

export type UbrnCheck =
  | { readonly ok: true; readonly ubrn: string | null }
  | { readonly ok: false; readonly message: string };

export function checkUbrn(input: string): UbrnCheck {
  const digits = input.replace(/[\s-]/g, '');
  if (digits === '') return { ok: true, ubrn: null };
  if (!/^\d+$/.test(digits)) return { ok: false, message: 'The UBRN must only include numbers 0 to 9' };
  if (digits.length !== 12) return { ok: false, message: `The UBRN must be 12 digits. You entered ${digits.length}` };
  return { ok: true, ubrn: digits };
}

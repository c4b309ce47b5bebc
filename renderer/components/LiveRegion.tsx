// The page's one polite live region. It is always in the page (a region
// that appears with its first message is often not read), and the same words
// said twice are still announced because the text node is replaced.
export function LiveRegion({ text, seq }: { text: string; seq: number }) {
  return (
    <div className="nhsuk-u-visually-hidden" aria-live="polite" aria-atomic="true" data-testid="announcements">
      <span key={seq}>{text}</span>
    </div>
  );
}

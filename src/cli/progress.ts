/**
 * Progress of a long `kcd scan` on a terminal: one line on standard error, rewritten in place, shown only once
 * the scan has run for SHOW_AFTER_MS (a quick scan prints nothing extra) and at most every REDRAW_MS. The CLI
 * creates one only when standard error is a terminal; piped or redirected, nothing extra is written.
 */
export const SHOW_AFTER_MS = 1500;
const REDRAW_MS = 200;

export class Progress {
  private shown = false;
  private lastDraw = -Infinity;
  private readonly start: number;

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.start = now();
  }

  /** `text` as the current step; `force` draws it even between redraws (a new stage). */
  step(text: string, force = false): void {
    const t = this.now();
    if (t - this.start < SHOW_AFTER_MS) return;
    if (!force && t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    this.shown = true;
    this.write(`\r\x1b[K${text}`);
  }

  /** Clears the line, so the report or the prompt starts clean. */
  done(): void {
    if (this.shown) this.write('\r\x1b[K');
    this.shown = false;
  }
}

export type PlayedRange = [number, number];

/** Larger jumps between two time updates are seeks, not playing. */
const MAX_STEP_SECONDS = 2;

/**
 * Collects the stretches of media actually played, from the element's time updates, for the
 * viewing report: a seek closes the current stretch; pausing keeps it open until playing resumes.
 */
export class ProgressTracker {
  private start: number | null = null;
  private last: number | null = null;
  private done: PlayedRange[] = [];

  /** A time update while playing. */
  onTime(t: number): void {
    if (this.last !== null && (t < this.last || t - this.last > MAX_STEP_SECONDS)) this.close();
    if (this.start === null) this.start = t;
    this.last = t;
  }

  /** Playing stopped or jumped: the current stretch ends where it was last seen. */
  close(): void {
    if (this.start !== null && this.last !== null && this.last > this.start) this.done.push([this.start, this.last]);
    this.start = null;
    this.last = null;
  }

  /** The stretches since the last call; an open stretch is cut here and continues from this point. */
  take(): PlayedRange[] {
    const out = [...this.done];
    if (this.start !== null && this.last !== null && this.last > this.start) {
      out.push([this.start, this.last]);
      this.start = this.last;
    }
    this.done = [];
    return out;
  }
}

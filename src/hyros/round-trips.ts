/**
 * The requests on their way back and how long answers take (a moving average): a forming wave
 * waits only for answers due within its hold.
 */
export class RoundTrips {
  /** Grant times of the requests whose answer has not come yet. */
  private readonly outstanding: number[] = [];
  private averageMs: number | undefined;

  granted(atMs: number): void {
    this.outstanding.push(atMs);
  }

  /** The request granted at `grantedAtMs` got its answer (or failed); false for an unknown grant. */
  finished(grantedAtMs: number, nowMs: number): boolean {
    const index = this.outstanding.indexOf(grantedAtMs);
    if (index === -1) return false;
    this.outstanding.splice(index, 1);
    const roundTrip = nowMs - grantedAtMs;
    this.averageMs = this.averageMs === undefined ? roundTrip : Math.round(0.8 * this.averageMs + 0.2 * roundTrip);
    return true;
  }

  /** Recent time from grant to answer; undefined until an answer came. */
  get recentMs(): number | undefined {
    return this.averageMs;
  }

  /** Some request on its way back is expected to answer (and may ask again) by `byMs`. */
  answerExpectedWithin(byMs: number): boolean {
    const roundTrip = this.averageMs;
    if (roundTrip === undefined) return false;
    return this.outstanding.some((grantedAtMs) => grantedAtMs + roundTrip <= byMs);
  }
}

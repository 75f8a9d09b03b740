/** The latest `size` values of a measurement: their mean, standard deviation and extremes. */
export class RecentSamples {
  private readonly values: number[] = [];
  private next = 0;
  private sum = 0;
  private sumOfSquares = 0;
  private lowest = Number.POSITIVE_INFINITY;
  private highest = Number.NEGATIVE_INFINITY;

  constructor(private readonly size: number) {}

  get count(): number {
    return this.values.length;
  }

  add(value: number): void {
    if (this.values.length < this.size) this.values.push(value);
    else {
      const old = this.values[this.next] as number;
      this.sum -= old;
      this.sumOfSquares -= old * old;
      this.values[this.next] = value;
      this.next = (this.next + 1) % this.size;
    }
    this.sum += value;
    this.sumOfSquares += value * value;
    this.lowest = Math.min(...this.values);
    this.highest = Math.max(...this.values);
  }

  /** Undefined before the first value. */
  min(): number | undefined {
    return this.values.length === 0 ? undefined : this.lowest;
  }

  /** Undefined before the first value. */
  max(): number | undefined {
    return this.values.length === 0 ? undefined : this.highest;
  }

  /** Highest minus lowest (0 before the first value). */
  range(): number {
    return this.values.length === 0 ? 0 : this.highest - this.lowest;
  }

  /** Undefined before the first value. */
  mean(): number | undefined {
    return this.values.length === 0 ? undefined : this.sum / this.values.length;
  }

  /** Undefined before the second value. */
  deviation(): number | undefined {
    const n = this.values.length;
    if (n < 2) return undefined;
    return Math.sqrt(Math.max(0, (this.sumOfSquares - (this.sum * this.sum) / n) / (n - 1)));
  }
}

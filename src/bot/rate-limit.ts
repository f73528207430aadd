/**
 * Per-conversation rate limit: a token bucket per key (capacity `capacity`, refilled continuously at
 * capacity per `windowMs`). Bounded memory: at most `maxKeys` buckets, the least recently used dropped
 * first (a dropped bucket was full or nearly so), and buckets idle for a whole window (full again) dropped.
 * The clock is injectable for tests.
 */
export interface RateLimitOptions {
  /** Messages allowed in a burst (default 8). */
  capacity?: number;
  /** Time to refill the whole bucket (default 10 s). */
  windowMs?: number;
  maxKeys?: number;
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number; firstRefusal: boolean };

interface Bucket {
  tokens: number;
  at: number;
  /** Whether the caller was already told to slow down since the bucket last had a token. */
  told: boolean;
}

export class RateLimiter {
  readonly capacity: number;
  readonly windowMs: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimitOptions = {}) {
    this.capacity = Math.max(1, options.capacity ?? 8);
    this.windowMs = Math.max(1, options.windowMs ?? 10_000);
    this.maxKeys = Math.max(1, options.maxKeys ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  /** Takes one token for `key` when there is one. */
  take(key: string): RateDecision {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      this.buckets.delete(key);
      bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) * this.capacity) / this.windowMs);
      bucket.at = now;
    } else {
      bucket = { tokens: this.capacity, at: now, told: false };
    }
    this.buckets.set(key, bucket);
    this.prune(now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.told = false;
      return { allowed: true };
    }
    const firstRefusal = !bucket.told;
    bucket.told = true;
    return { allowed: false, retryAfterMs: Math.ceil(((1 - bucket.tokens) * this.windowMs) / this.capacity), firstRefusal };
  }

  /**
   * The map is in least-recently-used order. Beyond maxKeys the oldest go; and a bucket untouched for a whole
   * window is full again, the same as no bucket, so idle ones go too (memory follows active conversations).
   */
  private prune(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.buckets.size <= this.maxKeys && now - bucket.at < this.windowMs) break;
      this.buckets.delete(key);
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Time source; injectable so tests and replays are deterministic (FixedClock in @enterprise-agents/core/testing). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Moved to src/checker/fleet-report-cache.ts; kept until bot/answerer.ts imports it from there (issue 15 §3 edits that file). */
export { cachedFleetReport } from './checker/fleet-report-cache';

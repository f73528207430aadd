/** The daily summary scheduler: croner-computed, time-zone aware occurrences, an injectable clock. */
export { systemClock, type Clock } from '../time/clock';
export { Scheduler, dueOccurrence, isGone, statusOf, type DueOccurrence, type Poster, type RunResult, type SchedulerLogger, type SchedulerOptions } from './scheduler';
export { adapterPoster } from './post';
export { formatIn, formatLocal, isTimeOfDay, isTimeZone, lastOccurrence, localDate, nextOccurrence, type DailySchedule } from '../time/daily-schedule';

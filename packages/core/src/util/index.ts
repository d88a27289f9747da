export { type Clock, systemClock } from '../ports/clock';
export { clip } from './clip';
export { isPlainObject } from './is-plain-object';

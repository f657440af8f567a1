export * from './civil.js';
export * from './bank-holidays.js';
export * from './working-days.js';
export * from './london.js';

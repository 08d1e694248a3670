export { loadDemoConfig, type DemoConfig } from './config.js';
export { DemoEstate, prepareDemo, type DemoSetup } from './demo-estate.js';
export { demoHubConfig, demoRoundMs } from './hub-config.js';
export { createLogger, type Logger } from './logger.js';

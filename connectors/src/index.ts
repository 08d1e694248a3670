export { recordId, type Origin } from './kit/ids.js';
export { changeKeysIn } from './kit/change-keys.js';

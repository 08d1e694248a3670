import type { StateMachine } from '../../write/state-machine.js';
import { WindowStatus } from './stabilization.entity.js';

/**
 * A stabilization window opens when its release becomes STABILIZING. At its end the stabilization
 * round closes it STABLE (nothing open) or extends it while problems are open (an extended window
 * can be extended again: its end moves, its status stays); a release rolled back closes it
 * ROLLED_BACK.
 */
export const STABILIZATION_WINDOW_LIFECYCLE: StateMachine<WindowStatus> = {
  subject: 'StabilizationWindow',
  states: Object.values(WindowStatus),
  moves: {
    OPEN: { EXTENDED: ['stabilization'], STABLE: ['stabilization'], ROLLED_BACK: ['stabilization'] },
    EXTENDED: { STABLE: ['stabilization'], ROLLED_BACK: ['stabilization'] },
    STABLE: {},
    ROLLED_BACK: {},
  },
  meaning: {
    OPEN: 'owners hold the release',
    EXTENDED: 'past its end with problems open: held longer',
    STABLE: 'closed clean',
    ROLLED_BACK: 'closed: the release was rolled back',
  },
};

/** `@sanad/core/node`: the parts of core that need Node.js. */
export { nodeHostResolver } from './host-resolver.js';

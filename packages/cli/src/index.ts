/** `@sanad/cli`: the `sanad` command, embeddable through `main`. */
export { createProgram, main, VERSION } from './main.js';
export { EXIT, exitCodeFor, type ExitCode } from './exit-codes.js';

import { run } from './main.js'

// Exit once run() is done: @actions/cache and @actions/artifact can leave HTTP connections open
// that would keep Node (and the step) alive. process.exitCode is 1 after core.setFailed.
await run()
process.exit()

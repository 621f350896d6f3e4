import { isPost } from './effects/cancel.js'
import { post, run } from './main.js'

// Exit once the step is done: @actions/cache and @actions/artifact can leave HTTP connections open
// that would keep Node (and the step) alive. process.exitCode is 1 after core.setFailed.
await (isPost() ? post() : run())
process.exit()

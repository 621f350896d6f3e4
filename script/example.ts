/**
 * Builds examples/hello into ./org.example.Hello.flatpak on a machine without Flathub, python.org or
 * PyPI: the action runs as on a runner (node dist/index.js with INPUT_* variables) against a runtime
 * made from Debian, a local CPython mirror and a local package index (see __tests__/fixtures).
 */
import * as path from 'node:path'
import { EXAMPLE_APP, localInputs, ROOT, runAction, stateDir } from '../__tests__/e2e/action.js'
import { startLocalWorld } from '../__tests__/fixtures/local-world.js'

const world = await startLocalWorld()
try {
  const run = await runAction(
    world.fixtures,
    { ...localInputs(world.fixtures, stateDir(world.fixtures, 'example')), 'app-path': EXAMPLE_APP },
    { workspace: ROOT, echo: true }
  )
  if (run.code !== 0) {
    console.error(`\nThe action failed (exit ${run.code}).`)
    process.exitCode = 1
  } else {
    console.log(`\nBundle: ${run.outputs['bundle-path']}`)
    console.log(
      `Install and run it: flatpak install --user --bundle ${path.relative(process.cwd(), run.outputs['bundle-path'])} && flatpak run org.example.Hello`
    )
  }
} finally {
  await world.close()
}

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
    // The tests' CPython state: on a machine that ran them, CPython is compiled already.
    { ...localInputs(world.fixtures, stateDir(world.fixtures, 'cpython-3.11.2')), 'app-path': EXAMPLE_APP },
    { workspace: ROOT, echo: true }
  )
  if (run.code !== 0) {
    console.error(`\nThe action failed (exit ${run.code}).`)
    process.exitCode = 1
  } else {
    console.log(`\nBundle: ${run.outputs['bundle-path']}`)
    // The runtime the bundle needs lives in the tests' Flatpak installation, not in the default one.
    const installation = `FLATPAK_USER_DIR=${world.fixtures.flatpakUserDir}`
    const bundle = path.relative(process.cwd(), run.outputs['bundle-path'])
    console.log(
      `Run it: ${installation} flatpak install --user -y --bundle ${bundle} && ${installation} flatpak run org.example.Hello`
    )
  }
} finally {
  await world.close()
}

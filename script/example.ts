/**
 * Builds examples/gtk-hello into ./org.example.GtkHello.flatpak on a machine without Flathub,
 * python.org or PyPI: the action runs as on a runner (node dist/index.js with INPUT_* variables)
 * against a GTK runtime made from Debian (standing in for the GNOME runtime) and a local package
 * index (see __tests__/fixtures), shows the app's window on a display of its own and takes a
 * screenshot of it.
 */
import * as path from 'node:path'
import { gtkExampleInputs, ROOT, runAction } from '../__tests__/e2e/action.js'
import { startLocalWorld } from '../__tests__/fixtures/local-world.js'

const world = await startLocalWorld()
try {
  const run = await runAction(world.fixtures, gtkExampleInputs(world.fixtures), {
    workspace: ROOT,
    echo: true
  })
  if (run.code !== 0) {
    console.error(`\nThe action failed (exit ${run.code}).`)
    process.exitCode = 1
  } else {
    console.log(`\nBundle: ${run.outputs['bundle-path']}`)
    console.log(`Screenshot of its window: ${run.outputs['screenshot-path']}`)
    // The runtime the bundle needs lives in the tests' Flatpak installation, not in the default one.
    const installation = `FLATPAK_USER_DIR=${world.fixtures.flatpakUserDir}`
    const bundle = path.relative(process.cwd(), run.outputs['bundle-path'])
    console.log(
      `Run it: ${installation} flatpak install --user -y --bundle ${bundle} && ${installation} flatpak run org.example.GtkHello`
    )
  }
} finally {
  await world.close()
}

import type { TestProject } from 'vitest/node'
import { startLocalWorld, type Fixtures } from '../fixtures/local-world.js'

declare module 'vitest' {
  export interface ProvidedContext {
    fixtures: Fixtures
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const world = await startLocalWorld()
  project.provide('fixtures', world.fixtures)
  return world.close
}

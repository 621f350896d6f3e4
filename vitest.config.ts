import { defineConfig } from 'vitest/config'
import { BaseSequencer, type TestSpecification } from 'vitest/node'

/** The aarch64 end-to-end tests last: their fixtures are built meanwhile, beside the other tests. */
class Aarch64Last extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files)
    const last = (f: TestSpecification): boolean => f.moduleId.endsWith('/aarch64.test.ts')
    return [...sorted.filter(f => !last(f)), ...sorted.filter(last)]
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: Aarch64Last },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/*.test.ts'],
          environment: 'node'
        }
      },
      {
        test: {
          // The local stand-ins the end-to-end tests rely on, checked against real pip and the real toolkit.
          name: 'fixtures',
          include: ['__tests__/fixtures/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000
        }
      },
      {
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/*.test.ts'],
          environment: 'node',
          globalSetup: ['__tests__/e2e/global-setup.ts'],
          // Builds share one flatpak-builder state and 2 cores: one file at a time.
          fileParallelism: false,
          testTimeout: 30 * 60_000,
          hookTimeout: 30 * 60_000
        }
      }
    ]
  }
})

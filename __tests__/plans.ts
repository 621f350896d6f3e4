/** Plans made from inputs as a workflow gives them, for the unit tests of what derives from a plan. */
import { parseInputs } from '../src/pure/inputs.js'
import { planBuild, type Plan } from '../src/pure/plan.js'
import { describeProject, type App } from '../src/pure/project.js'
import type { Toolchain } from '../src/pure/setup-plan.js'

export const tools: Toolchain = {
  flatpak: '1.14.10',
  flatpakBuilder: '1.2.3',
  rofilesFuse: true,
  runtimeInstalled: false,
  runtimeInUserInstallation: true
}

export function planFor(
  values: Record<string, string> = {},
  pyproject = '[project]\nname = "hello"\ndependencies = ["a"]\n'
): Plan {
  const { inputs } = parseInputs(
    name => ({ 'app-id': 'org.example.Hello', 'python-version': '3.11.2', ...values })[name] ?? '',
    {
      workspace: '/w',
      tempDir: '/t',
      arch: 'x86_64'
    }
  )
  const files = { pyproject, mainModules: ['hello'] }
  const app: App = {
    project: describeProject(files),
    files,
    entrypoint: { kind: 'module', module: 'hello' },
    requirements: values.requirements
      ? [{ path: `/w/${values.requirements}`, text: 'a==1\n', role: 'requirements' }]
      : undefined
  }
  return planBuild(inputs!, app, tools)
}
